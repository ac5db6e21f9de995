using IrisNet.Errors;

namespace IrisNet.Cli.Runs;

/// <summary>
/// The one file a command writes outside a run directory (trace's and plot's <c>--out</c>): checked
/// before the work starts, written through <see cref="AtomicFile"/>, every failure one error under the option.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Refuses, before any work, a <paramref name="path"/> that cannot be written: a directory, an existing
    /// file (unless <paramref name="overwrite"/>), a missing folder, or a folder that refuses a new file (read
    /// only, no permission, a working directory that was deleted). The temporary file is created and removed
    /// to find out.
    /// </summary>
    /// <exception cref="OptionException">The path cannot be written; the error names <paramref
    /// name="flag"/>.</exception>
    public static void Check(string path, string flag, bool overwrite)
    {
        try
        {
            string full = Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new OptionException(flag, $"'{path}' is a directory; give a file name.");
            if (!overwrite && File.Exists(full))
                throw new OptionException(flag,
                    $"'{path}' already exists and is never overwritten; remove it or choose another file.");
            string folder = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(folder))
            {
                throw new OptionException(flag,
                    $"cannot write '{path}': the folder '{folder}' does not exist; create it first or choose another " +
                        $"{flag}.");
            }
            string temp = AtomicFile.TemporaryPath(full);
            using (new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None)) { }
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite(path, flag, e);
        }
    }

    /// <summary>Writes <paramref name="path"/> atomically; a failure (a full disk) leaves nothing and is one error
    /// under <paramref name="flag"/>.</summary>
    /// <exception cref="OptionException">The file could not be written.</exception>
    public static void Write(string path, string flag, Action<string> writeTo)
    {
        try
        {
            AtomicFile.Write(path, writeTo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite(path, flag, e);
        }
    }

    private static OptionException CannotWrite(string path, string flag, Exception e) => new(flag,
        RunWriteException.IsDiskFull(e)
        ? $"cannot write '{path}': no space left on the device; free some space or choose another {flag}."
        : !Path.IsPathRooted(path) && WorkingDirectoryGone()
            ? $"cannot write '{path}': the working directory no longer exists; change to an existing directory or " +
                $"give {flag} a full path."
            : $"cannot write '{path}': {e.Message.TrimEnd('.')}; choose a writable folder with {flag}.");

    private static bool WorkingDirectoryGone()
    {
        try
        {
            return !Directory.Exists(Environment.CurrentDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // getcwd fails once the folder is removed
        }
    }
}
