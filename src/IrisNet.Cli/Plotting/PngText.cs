using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace IrisNet.Cli.Plotting;

/// <summary>
/// PNG chunks (length, type, data, CRC-32 of type and data): adds <c>tEXt</c> chunks (keyword, NUL,
/// Latin-1 text) to an encoded PNG, and reads and writes the chunks the animated PNG is assembled from.
/// </summary>
public static class PngText
{
    /// <summary>Returns <paramref name="png"/> with one tEXt chunk per entry inserted right after IHDR.</summary>
    public static byte[] Insert(byte[] png, IEnumerable<(string Keyword, string Text)> entries)
    {
        // Signature (8 bytes), then IHDR: length (4) + type (4) + 13 data bytes + CRC (4).
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        if (png.Length < afterHeader || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
            throw new InvalidOperationException("The plotting library did not produce a PNG.");
        using var output = new MemoryStream(png.Length + 512);
        output.Write(png, 0, afterHeader);
        WriteText(output, entries);
        output.Write(png, afterHeader, png.Length - afterHeader);
        return output.ToArray();
    }

    /// <summary>Writes one tEXt chunk per entry.</summary>
    internal static void WriteText(Stream output, IEnumerable<(string Keyword, string Text)> entries)
    {
        foreach (var (keyword, text) in entries) WriteChunk(output, "tEXt",
            Encoding.Latin1.GetBytes(keyword + "\0" + text));
    }

    /// <summary>Writes the chunk <paramref name="type"/> with <paramref name="data"/> and its CRC-32.</summary>
    internal static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        Span<byte> name = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, name);
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(name);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(name);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    /// <summary>The chunks of an encoded PNG after its signature, in file order: type and data.</summary>
    internal static List<(string Type, ReadOnlyMemory<byte> Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, ReadOnlyMemory<byte>)>();
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            chunks.Add((Encoding.ASCII.GetString(png, at + 4, 4), png.AsMemory(at + 8, length)));
            at += 12 + length;
        }
        return chunks;
    }
}
