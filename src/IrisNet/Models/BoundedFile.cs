namespace IrisNet.Models;

/// <summary>
/// Reads a whole file, but never more than a bound: a regular file that says it is larger is refused
/// at once, and a device or an endless pipe (/dev/zero) once more than the bound has been read, so no
/// file named by mistake can exhaust memory. The readers of model and trace files share it.
/// </summary>
internal static class BoundedFile
{
    /// <summary>The bytes of <paramref name="path"/>, or null when it holds more than <paramref
    /// name="maxBytes"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static byte[]? Read(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
            FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > maxBytes) return null;
        var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (bytes.Length + read > maxBytes) return null;
            bytes.Write(buffer, 0, read);
        }
        return bytes.ToArray();
    }
}
