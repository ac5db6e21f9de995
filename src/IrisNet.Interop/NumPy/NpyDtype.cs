using System.Globalization;

namespace IrisNet.Interop.NumPy;

/// <summary>What one element of an .npy array is: a float, a signed or unsigned integer, or a fixed-length unicode
/// string.</summary>
public enum NpyKind
{
    /// <summary>IEEE 754 binary32 (f4) or binary64 (f8).</summary>
    Float,

    /// <summary>A two's-complement integer of 1, 2, 4 or 8 bytes (i1 … i8).</summary>
    Int,

    /// <summary>An unsigned integer of 1, 2, 4 or 8 bytes (u1 … u8).</summary>
    UInt,

    /// <summary>A string of a fixed number of UTF-32 code units (U n), padded with zeros.</summary>
    Unicode,
}

/// <summary>
/// The dtypes IrisNet reads and writes, each spelt as NumPy's <c>descr</c> string: a byte order
/// ('&lt;' little-endian, '&gt;' big-endian, '|' not applicable), a kind letter and a size ('&lt;f8',
/// '&gt;f4', '&lt;i8', '|u1', '&lt;U10', where U counts characters of 4 bytes). Every other dtype (objects
/// '|O', which would need unpickling, complex, half floats, bytes, dates, structured records) is refused.
/// </summary>
/// <param name="Kind">The element kind.</param>
/// <param name="ItemSize">Bytes per element (4 per character for unicode).</param>
/// <param name="BigEndian">True when multi-byte elements are stored most significant byte first.</param>
public readonly record struct NpyDtype(NpyKind Kind, int ItemSize, bool BigEndian = false)
{
    /// <summary>'&lt;f8'.</summary>
    public static NpyDtype Float64 => new(NpyKind.Float, 8);

    /// <summary>'&lt;f4'.</summary>
    public static NpyDtype Float32 => new(NpyKind.Float, 4);

    /// <summary>'&lt;i8'.</summary>
    public static NpyDtype Int64 => new(NpyKind.Int, 8);

    /// <summary>'&lt;u8'.</summary>
    public static NpyDtype UInt64 => new(NpyKind.UInt, 8);

    /// <summary>'&lt;U<paramref name="characters"/>'.</summary>
    public static NpyDtype Unicode(int characters) => new(NpyKind.Unicode, 4 * characters);

    /// <summary>The descr string NumPy writes for this dtype, such as '&lt;f8' or '|u1'.</summary>
    public string Descr
    {
        get
        {
            char order = ItemSize == 1 && Kind is NpyKind.Int or NpyKind.UInt ? '|' : BigEndian ? '>' : '<';
            char letter = Kind switch { NpyKind.Float => 'f', NpyKind.Int => 'i', NpyKind.UInt => 'u', _ => 'U' };
            int size = Kind == NpyKind.Unicode ? ItemSize / 4 : ItemSize;
            return $"{order}{letter}{size.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>The supported descr strings, for messages.</summary>
    public const string Supported = "float32 or float64 ('<f4', '<f8', or big-endian '>f4', '>f8'), integers ('i1' "
        + "to 'i8', 'u1' to 'u8') and unicode strings ('<U…')";

    /// <summary>Parses a descr string; on failure <paramref name="why"/> says what the dtype is and why it is
    /// refused.</summary>
    public static bool TryParse(string descr, out NpyDtype dtype, out string why)
    {
        dtype = default;
        why = "";
        if (descr.Length < 2)
        {
            why = $"the dtype '{descr}' is not a NumPy dtype string";
            return false;
        }
        char order = descr[0];
        string rest = descr[1..];
        if (order is not ('<' or '>' or '|'))
        {
            why = order == '='
                ? $"the dtype '{descr}' has native byte order ('='), which NumPy never writes in a file, so the byte "
                    + $"order is unknown"
                : $"the dtype '{descr}' does not start with a byte order ('<', '>' or '|')";
            return false;
        }
        char letter = rest[0];
        if (letter == 'O')
        {
            why = "holds Python objects (dtype '|O'), which would have to be unpickled, and IrisNet never unpickles; "
                + "save numeric arrays, for example np.asarray(x, dtype=np.float64), or names with np.array(names, "
                + "dtype=str)";
            return false;
        }
        if (!int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
        {
            why = $"the dtype '{descr}' is not supported; IrisNet reads {Supported}";
            return false;
        }
        NpyKind? kind = letter switch
        {
            'f' when size is 4 or 8 => NpyKind.Float,
            'i' when size is 1 or 2 or 4 or 8 => NpyKind.Int,
            'u' when size is 1 or 2 or 4 or 8 => NpyKind.UInt,
            'U' when size <= 1 << 20 => NpyKind.Unicode,
            _ => null,
        };
        if (kind is not NpyKind k)
        {
            string what = letter switch
            {
                'f' => $"a {8 * size}-bit float (float{8 * size})",
                'c' => "complex numbers",
                'b' => "booleans",
                'S' or 'a' => "byte strings (save names as unicode: np.array(names, dtype=str))",
                'M' or 'm' => "dates or times",
                'V' => "raw or structured records",
                _ => "of an unsupported kind",
            };
            why = $"the dtype '{descr}' is {what}, which is not supported; IrisNet reads {Supported}";
            return false;
        }
        int itemSize = k == NpyKind.Unicode ? 4 * size : size;
        if (order == '|' && itemSize > 1)
        {
            why = $"the dtype '{descr}' has {itemSize}-byte elements but no byte order ('|'); NumPy writes '<' or "
                + $"'>' for them";
            return false;
        }
        dtype = new NpyDtype(k, itemSize, order == '>');
        return true;
    }
}
