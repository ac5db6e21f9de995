using System.Buffers.Binary;
using System.Text;

namespace IrisNet.Tests;

/// <summary>The width and height stored in a PNG's IHDR chunk, after checking the signature.</summary>
internal static class Png
{
    public static (int Width, int Height) Size(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(signature), $"{path} is not a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        int Read(int offset) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        Assert.Equal("IEND", Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));
        return (Read(16), Read(20));
    }
}
