using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IrisNet.Cli.Runs;

/// <summary>Write-to-temporary-then-rename, so a file is either absent or complete.</summary>
public static class AtomicFile
{
    /// <summary>The longest file name (one path component) the common file systems take, in bytes of UTF-8.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Calls <paramref name="writeTo"/> with a temporary path beside <paramref name="path"/>, then renames it
    /// into place.</summary>
    public static string Write(string path, Action<string> writeTo)
    {
        string temp = TemporaryPath(path);
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

    /// <summary>
    /// Writes <paramref name="bytes"/> to a new file <paramref name="path"/> without reserving its size
    /// first, so that a full disk fails the write itself with the system's "no space left on the device"
    /// (File.WriteAllBytes reserves the size and reports a full disk in words of its own).
    /// </summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        file.Write(bytes);
    }

    /// <summary>As <see cref="WriteBytes"/>, for text in UTF-8 without a byte-order mark.</summary>
    public static void WriteText(string path, string text) => WriteBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// The hidden temporary name beside <paramref name="path"/>, <c>.NAME.incomplete-PID</c>: it says what
    /// it is, and only a process killed while writing it leaves it behind. A NAME too long for that to
    /// fit in <see cref="MaxNameBytes"/> bytes (any legal name longer than about 230 bytes) is cut to
    /// fit and followed by <c>~</c> and 16 hex digits of the SHA-256 of the whole name, so two long
    /// names that share a beginning still get different temporary names.
    /// </summary>
    public static string TemporaryPath(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string name = Path.GetFileName(path);
        string suffix = string.Create(CultureInfo.InvariantCulture, $".incomplete-{Environment.ProcessId}");
        string temp = $".{name}{suffix}";
        if (Encoding.UTF8.GetByteCount(temp) <= MaxNameBytes) return Path.Combine(dir, temp);
        string hash = "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];
        int budget = MaxNameBytes - 1 - hash.Length - suffix.Length;
        return Path.Combine(dir, $".{Prefix(name, budget)}{hash}{suffix}");
    }

    /// <summary>The longest beginning of <paramref name="text"/> of at most <paramref name="bytes"/> UTF-8 bytes, never
    /// splitting a character.</summary>
    private static string Prefix(string text, int bytes)
    {
        int used = 0, end = 0;
        foreach (Rune r in text.EnumerateRunes())
        {
            if (used + r.Utf8SequenceLength > bytes) break;
            used += r.Utf8SequenceLength;
            end += r.Utf16SequenceLength;
        }
        return text[..end];
    }
}
