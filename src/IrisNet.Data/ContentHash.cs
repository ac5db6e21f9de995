using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace IrisNet.Data;

/// <summary>
/// The SHA-256 of a data file's bytes, fed in pieces as the file is read, as lower-case hex.
/// Up to <see cref="SmallLimit"/> bytes it is computed here (FIPS 180-4, below); past that the bytes
/// go to the platform's implementation (OpenSSL on Linux, with the CPU's SHA instructions). The
/// platform's costs milliseconds to load and set up, which is more than a whole Iris run spends on
/// its data, and it is faster per byte, which matters only for large files. Both give the same digest.
/// </summary>
public sealed class ContentHash : IDisposable
{
    /// <summary>Inputs up to this many bytes are hashed by <see cref="Sha256"/>, larger ones by the platform.</summary>
    public const int SmallLimit = 1 << 20;

    private byte[] _small = new byte[4096];
    private int _count;
    private IncrementalHash? _large;

    /// <summary>Adds the next bytes of the input.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_large is null && _count + (long)bytes.Length <= SmallLimit)
        {
            if (_count + bytes.Length > _small.Length) Array.Resize(ref _small, Math.Min(SmallLimit, Math.Max(_small.Length * 2, _count + bytes.Length)));
            bytes.CopyTo(_small.AsSpan(_count));
            _count += bytes.Length;
            return;
        }
        if (_large is null)
        {
            _large = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _large.AppendData(_small, 0, _count);
            _small = [];
            _count = 0;
        }
        _large.AppendData(bytes);
    }

    /// <summary>The digest of everything appended, in lower-case hex.</summary>
    public string Finish() => _large is not null
        ? Convert.ToHexStringLower(_large.GetHashAndReset())
        : Convert.ToHexStringLower(Sha256(_small.AsSpan(0, _count)));

    /// <summary>The lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexStringLower(bytes.Length <= SmallLimit ? Sha256(bytes) : SHA256.HashData(bytes));

    /// <summary>The lower-case hex SHA-256 of the rest of <paramref name="stream"/>.</summary>
    public static string Of(Stream stream)
    {
        using var hash = new ContentHash();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0) hash.Append(buffer.AsSpan(0, n));
        return hash.Finish();
    }

    /// <summary>Releases the platform's hash, if large input needed it.</summary>
    public void Dispose() => _large?.Dispose();

    // The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4, 4.2.2).
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>
    /// SHA-256 (FIPS 180-4, section 6.2) of a whole input: padded with one 1 bit, zeros, and the
    /// message length in bits as a 64-bit big-endian number to a multiple of 64 bytes, then each
    /// 64-byte block mixed into the eight state words H₀…H₇ by 64 rounds.
    /// </summary>
    internal static byte[] Sha256(ReadOnlySpan<byte> message)
    {
        Span<uint> H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        Span<uint> W = stackalloc uint[64];
        int whole = message.Length / 64 * 64;
        for (int at = 0; at < whole; at += 64) Block(message.Slice(at, 64), H, W);
        // The last one or two blocks: the rest of the message, 0x80, zeros, the bit length.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        int rest = message.Length - whole;
        message[whole..].CopyTo(tail);
        tail[rest] = 0x80;
        int tailLength = rest + 1 + 8 <= 64 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(tailLength - 8), (ulong)message.Length * 8);
        for (int at = 0; at < tailLength; at += 64) Block(tail.Slice(at, 64), H, W);
        var digest = new byte[32];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), H[i]);
        return digest;
    }

    private static void Block(ReadOnlySpan<byte> block, Span<uint> H, Span<uint> W)
    {
        // The message schedule: W_t = σ₁(W_{t−2}) + W_{t−7} + σ₀(W_{t−15}) + W_{t−16} past the block's 16 words.
        for (int t = 0; t < 16; t++) W[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(4 * t));
        for (int t = 16; t < 64; t++)
        {
            uint w15 = W[t - 15], w2 = W[t - 2];
            uint s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            uint s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            W[t] = s1 + W[t - 7] + s0 + W[t - 16];
        }
        uint a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
        for (int t = 0; t < 64; t++)
        {
            uint S1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint ch = (e & f) ^ (~e & g);
            uint T1 = h + S1 + ch + K[t] + W[t];
            uint S0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint maj = (a & b) ^ (a & c) ^ (b & c);
            uint T2 = S0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + T1;
            d = c;
            c = b;
            b = a;
            a = T1 + T2;
        }
        H[0] += a;
        H[1] += b;
        H[2] += c;
        H[3] += d;
        H[4] += e;
        H[5] += f;
        H[6] += g;
        H[7] += h;
    }
}
