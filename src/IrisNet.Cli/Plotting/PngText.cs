using System.Buffers.Binary;
using System.Text;

namespace IrisNet.Cli.Plotting;

/// <summary>Adds PNG <c>tEXt</c> chunks (keyword, NUL, Latin-1 text, CRC-32) to an encoded PNG.</summary>
public static class PngText
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Returns <paramref name="png"/> with one tEXt chunk per entry inserted right after IHDR.</summary>
    public static byte[] Insert(byte[] png, IEnumerable<(string Keyword, string Text)> entries)
    {
        // Signature (8 bytes), then IHDR: length (4) + type (4) + 13 data bytes + CRC (4).
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        if (png.Length < afterHeader || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
            throw new InvalidOperationException("The plotting library did not produce a PNG.");
        using var output = new MemoryStream(png.Length + 512);
        output.Write(png, 0, afterHeader);
        Span<byte> word = stackalloc byte[4];
        foreach (var (keyword, text) in entries)
        {
            byte[] data = Encoding.Latin1.GetBytes(keyword + "\0" + text);
            byte[] type = "tEXt"u8.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
            output.Write(word);
            output.Write(type);
            output.Write(data);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc(Crc(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu);
            output.Write(word);
        }
        output.Write(png, afterHeader, png.Length - afterHeader);
        return output.ToArray();
    }

    private static uint Crc(uint crc, byte[] bytes)
    {
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
