using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// One NumPy array as IrisNet holds it: a dtype, a shape (empty for a 0-d array, the kind np.savez
/// makes of a Python scalar or string) and the elements in C (row-major) order, little-endian. Arrays
/// read from big-endian or Fortran-ordered files are converted on reading, so every reader sees one
/// layout; the values are unchanged (float32 widens to double exactly).
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _data;

    internal NpyArray(NpyDtype dtype, int[] shape, byte[] data)
    {
        if (dtype.BigEndian) throw new ArgumentException("NpyArray holds little-endian data only.", nameof(dtype));
        long count = 1;
        foreach (int n in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(shape));
            count *= n;
        }
        if (data.LongLength != count * dtype.ItemSize) throw new ArgumentException($"{data.Length} bytes for {count} "
            + $"elements of {dtype.ItemSize}.", nameof(data));
        Dtype = dtype;
        Shape = shape;
        Count = count;
        _data = data;
    }

    /// <summary>The element type (always little-endian once read).</summary>
    public NpyDtype Dtype { get; }

    /// <summary>The dimensions; empty for a 0-d array (one element).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
    public long Count { get; }

    /// <summary>The shape as Python prints it: (), (4,), (3, 4).</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>A shape as Python prints a tuple: (), (4,), (3, 4).</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(n => n.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    /// <summary>The elements' bytes, C order, little-endian: what follows the header in an .npy file.</summary>
    internal ReadOnlySpan<byte> Data => _data;

    /// <summary>A float64 ('&lt;f8') array of <paramref name="values"/> with <paramref name="shape"/>.</summary>
    public static NpyArray Float64(double[] values, params int[] shape)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
        return new NpyArray(NpyDtype.Float64, shape, data);
    }

    /// <summary>A float32 ('&lt;f4') array of <paramref name="values"/>, each rounded to the nearest float.</summary>
    public static NpyArray Float32(double[] values, params int[] shape)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4),
            (float)values[i]);
        return new NpyArray(NpyDtype.Float32, shape, data);
    }

    /// <summary>An int64 ('&lt;i8') array, NumPy's default integer on Linux and macOS.</summary>
    public static NpyArray Int64(long[] values, params int[] shape)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        return new NpyArray(NpyDtype.Int64, shape, data);
    }

    /// <summary>A 0-d uint64 ('&lt;u8') array holding <paramref name="value"/>.</summary>
    public static NpyArray UInt64(ulong value)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        return new NpyArray(NpyDtype.UInt64, [], data);
    }

    /// <summary>
    /// A unicode array ('&lt;U n', n the longest string's length in characters, at least 1, as
    /// np.array(strings) makes it); each string is UTF-32 code points padded with zeros.
    /// </summary>
    public static NpyArray Unicode(string[] values, params int[] shape)
    {
        int longest = Math.Max(1, values.Select(v => v.EnumerateRunes().Count()).DefaultIfEmpty(1).Max());
        var data = new byte[values.Length * longest * 4];
        for (int i = 0; i < values.Length; i++)
        {
            int j = 0;
            foreach (Rune r in values[i].EnumerateRunes())
            {
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan((i * longest + j) * 4), r.Value);
                j++;
            }
        }
        return new NpyArray(NpyDtype.Unicode(longest), shape, data);
    }

    /// <summary>A 0-d unicode array, what np.savez makes of a Python string.</summary>
    public static NpyArray Scalar(string value) => Unicode([value]);

    /// <summary>A 0-d float64 array, what np.savez makes of a Python float.</summary>
    public static NpyArray Scalar(double value) => Float64([value]);

    /// <summary>The elements as doubles (float32 widens exactly); null when the array does not hold floats.</summary>
    public double[]? ToDoubles()
    {
        if (Dtype.Kind != NpyKind.Float) return null;
        var values = new double[Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Dtype.ItemSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(i * 4))
                : BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(i * 8));
        }
        return values;
    }

    /// <summary>The elements as integers; null when the array does not hold integers or a uint64 exceeds the range of a
    /// long.</summary>
    public long[]? ToInt64()
    {
        if (Dtype.Kind is not (NpyKind.Int or NpyKind.UInt)) return null;
        var values = new long[Count];
        int size = Dtype.ItemSize;
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> e = _data.AsSpan(i * size, size);
            if (Dtype.Kind == NpyKind.Int)
            {
                values[i] = size switch
                {
                    1 => (sbyte)e[0],
                    2 => BinaryPrimitives.ReadInt16LittleEndian(e),
                    4 => BinaryPrimitives.ReadInt32LittleEndian(e),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(e),
                };
            }
            else
            {
                ulong u = size switch
                {
                    1 => e[0],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(e),
                };
                if (u > long.MaxValue) return null;
                values[i] = (long)u;
            }
        }
        return values;
    }

    /// <summary>The single element of a 0-d (or one-element) unsigned or non-negative integer array; null
    /// otherwise.</summary>
    public ulong? ToUInt64Scalar()
    {
        if (Count != 1) return null;
        if (Dtype.Kind == NpyKind.UInt && Dtype.ItemSize == 8) return BinaryPrimitives.ReadUInt64LittleEndian(_data);
        return ToInt64() is [long v] && v >= 0 ? (ulong)v : null;
    }

    /// <summary>The elements as strings (trailing zero code points removed, as NumPy does); null when the array is not
    /// unicode.</summary>
    public string[]? ToStrings()
    {
        if (Dtype.Kind != NpyKind.Unicode) return null;
        int characters = Dtype.ItemSize / 4;
        var values = new string[Count];
        var text = new StringBuilder();
        for (int i = 0; i < values.Length; i++)
        {
            text.Clear();
            int end = characters;
            while (end > 0 && BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan((i * characters
                + end - 1) * 4)) == 0) end--;
            for (int j = 0; j < end; j++)
            {
                int code = BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan((i * characters + j) * 4));
                if (!Rune.TryCreate(code, out Rune r)) return null;
                text.Append(r.ToString());
            }
            values[i] = text.ToString();
        }
        return values;
    }

    /// <summary>What the array is, for messages: "float64 (3, 4)".</summary>
    public string Describe() => $"{Name(Dtype)} {ShapeText}";

    /// <summary>NumPy's name of a dtype: float64, int32, uint8, &lt;U10.</summary>
    public static string Name(NpyDtype d) => d.Kind switch
    {
        NpyKind.Float => $"float{d.ItemSize * 8}",
        NpyKind.Int => $"int{d.ItemSize * 8}",
        NpyKind.UInt => $"uint{d.ItemSize * 8}",
        _ => $"<U{d.ItemSize / 4}",
    };
}
