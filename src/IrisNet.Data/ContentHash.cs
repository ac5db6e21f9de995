using System.Security.Cryptography;

namespace IrisNet.Data;

/// <summary>
/// The SHA-256 of a data file's bytes, fed in pieces as the file is read, as lower-case hex: the
/// platform's SHA-256 (<see cref="IncrementalHash"/>; OpenSSL on Linux), for input of every size.
/// </summary>
public sealed class ContentHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Adds the next bytes of the input.</summary>
    public void Append(ReadOnlySpan<byte> bytes) => _hash.AppendData(bytes);

    /// <summary>The digest of everything appended, in lower-case hex; the hash starts over empty.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>The lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The lower-case hex SHA-256 of the rest of <paramref name="stream"/>.</summary>
    public static string Of(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>Releases the platform's hash.</summary>
    public void Dispose() => _hash.Dispose();
}
