using IrisNet.Errors;

namespace IrisNet.Cli.Runs;

/// <summary>A file of the run directory could not be written (a full disk, a read-only place): one line, exit
/// 2.</summary>
public sealed class RunWriteException : IrisNetException
{
    public RunWriteException(string path, Exception inner) : base(Describe(path, inner), inner) => FilePath = path;

    /// <summary>The file that could not be written.</summary>
    public string FilePath { get; }

    /// <summary>True for "no space left on device" (ENOSPC, or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on
    /// Windows).</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult == 28 || (io.HResult & 0xFFFF) is 0x70 or 0x27
            || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase));

    private static string Describe(string path, Exception e) => IsDiskFull(e)
        ? $"cannot write '{path}': no space left on the device. Free some space, or choose a run directory on " +
            $"another disk with --out."
        : $"cannot write '{path}': {e.Message.TrimEnd('.')}. Check the directory's permissions and free space, or " +
            $"choose another --out.";
}
