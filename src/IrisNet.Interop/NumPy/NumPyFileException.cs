using IrisNet.Errors;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// An .npy or .npz file that cannot be read as NumPy writes it: not a zip archive, a damaged or
/// oversized member, a header that is not a NumPy header, an unsupported dtype. The message names
/// the file and, when there is one, the array (the member's name without ".npy", as np.load names it).
/// </summary>
public sealed class NumPyFileException : IrisNetException
{
    /// <summary>Creates the error: "file: array: message", or "file: message" without an array.</summary>
    public NumPyFileException(string? file, string? array, string message, Exception? inner = null)
        : base(array is null ? $"{file ?? "npz"}: {message}" : $"{file ?? "npz"}: {array}: {message}", inner)
    {
        File = file;
        Array = array;
    }

    /// <summary>The file, or null when the bytes came from memory.</summary>
    public string? File { get; }

    /// <summary>The array's name in the archive, or null when the problem is the archive itself.</summary>
    public string? Array { get; }
}
