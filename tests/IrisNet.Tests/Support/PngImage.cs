using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace IrisNet.Tests;

/// <summary>
/// A minimal PNG reader for the picture tests, so that the test project needs no imaging library:
/// 8-bit RGB or RGBA, not interlaced (what the plotting library writes), the five scanline filters,
/// and the tEXt chunks.
/// </summary>
internal sealed class PngImage
{
    private readonly byte[] _rgba;

    private PngImage(int width, int height, byte[] rgba, List<(string, string)> text)
    {
        Width = width;
        Height = height;
        _rgba = rgba;
        Text = text;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The tEXt chunks, in file order.</summary>
    public IReadOnlyList<(string Keyword, string Text)> Text { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            if (x < 0 || y < 0 || x >= Width || y >= Height) throw new ArgumentOutOfRangeException(nameof(x),
                $"({x}, {y}) is outside the {Width}×{Height} image");
            int i = (y * Width + x) * 4;
            return (_rgba[i], _rgba[i + 1], _rgba[i + 2]);
        }
    }

    /// <summary>The most frequent colour in the (2r+1)² window around (x, y): a fill's colour despite thin lines or
    /// text over it.</summary>
    public (byte R, byte G, byte B) Mode(int x, int y, int r)
    {
        var counts = new Dictionary<(byte, byte, byte), int>();
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                counts[this[x + dx, y + dy]] = counts.GetValueOrDefault(this[x + dx, y + dy]) + 1;
        return counts.MaxBy(kv => kv.Value).Key;
    }

    public static PngImage Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!bytes.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException($"{path} is not a PNG");
        int width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        var text = new List<(string, string)>();
        for (int at = 8; at + 8 <= bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            string type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            ReadOnlySpan<byte> data = bytes.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    byte depth = data[8], color = data[9], interlace = data[12];
                    if (depth != 8 || interlace != 0 || color is not (2 or 6))
                        throw new
                            InvalidDataException($"{path}: bit depth {depth}, colour type {color}, interlace " +
                            $"{interlace} is not supported here");
                    channels = color == 6 ? 4 : 3;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "tEXt":
                    int nul = data.IndexOf((byte)0);
                    text.Add((Encoding.Latin1.GetString(data[..nul]), Encoding.Latin1.GetString(data[(nul + 1)..])));
                    break;
            }
            at += 12 + length;
        }
        return new PngImage(width, height, Decode(idat.ToArray(), width, height, channels, path), text);
    }

    /// <summary>
    /// The frames of an animated PNG, each composed as a viewer shows it: a frame whose fcTL says blend
    /// "over" is drawn over the frame before (its transparent pixels keep that frame's), "source" replaces
    /// it. Only whole-size frames at offset 0 with dispose "none", what irisnet writes.
    /// </summary>
    public static IReadOnlyList<PngImage> Frames(string path)
    {
        PngImage still = Load(path);
        byte[] bytes = File.ReadAllBytes(path);
        int channels = 4;
        var frames = new List<PngImage>();
        MemoryStream? data = null;
        bool over = false;
        byte[]? previous = null;
        void Finish()
        {
            if (data is null) return;
            byte[] rgba = Decode(data.ToArray(), still.Width, still.Height, channels, path);
            if (over && previous is not null)
            {
                for (int i = 0; i < rgba.Length; i += 4)
                    if (rgba[i + 3] == 0) Array.Copy(previous, i, rgba, i, 4);
            }
            frames.Add(new PngImage(still.Width, still.Height, rgba, []));
            previous = rgba;
            data = null;
        }
        for (int at = 8; at + 8 <= bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            string type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            ReadOnlySpan<byte> chunk = bytes.AsSpan(at + 8, length);
            if (type == "IHDR") channels = chunk[9] == 6 ? 4 : 3;
            if (type == "fcTL")
            {
                Finish();
                if (BinaryPrimitives.ReadInt32BigEndian(chunk[4..]) != still.Width
                    || BinaryPrimitives.ReadInt32BigEndian(chunk[12..]) != 0 || chunk[24] != 0)
                    throw new
                        InvalidDataException($"{path}: a frame that is not whole-size at offset 0 with dispose none");
                over = chunk[25] == 1;
                data = new MemoryStream();
            }
            if (type == "fdAT") data!.Write(chunk[4..]);
            at += 12 + length;
        }
        Finish();
        return frames;
    }

    private static byte[] Decode(byte[] zlib, int width, int height, int channels, string path)
    {
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress)) z.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = width * channels;
        var previous = new byte[stride];
        var line = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, line, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int left = i >= channels ? line[i - channels] : 0, up = previous[i],
                    upLeft = i >= channels ? previous[i - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"{path}: filter type {filter} on row {y}"),
                };
                line[i] = (byte)(line[i] + predictor);
            }
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++) rgba[(y * width + x) * 4 + c] = line[x * channels + c];
                rgba[(y * width + x) * 4 + 3] = channels == 4 ? line[x * channels + 3] : (byte)255;
            }
            (previous, line) = (line, previous);
        }
        return rgba;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>The data areas the program records (keyword "irisnet data area"), one per chart.</summary>
    public IReadOnlyList<DataArea> Areas() =>
        Text.Where(t => t.Keyword == "irisnet data area").Select(t => DataArea.Parse(t.Text)).ToArray();

    public DataArea Area(string panel) => Areas().Single(a => a.Panel == panel);
}
