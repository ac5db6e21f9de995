namespace IrisNet.Cli.Runs;

/// <summary>Write-to-temporary-then-rename, so a file is either absent or complete.</summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="writeTo"/> with a temporary path beside <paramref name="path"/>, then renames it into place.</summary>
    public static string Write(string path, Action<string> writeTo)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // A hidden name that says what it is: left behind only by a process killed while writing it.
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.incomplete-{Environment.ProcessId}");
        try
        {
            writeTo(temp);
            System.IO.File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (System.IO.File.Exists(temp)) System.IO.File.Delete(temp);
        }
        return path;
    }
}
