using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// The .npy format (NumPy's format.py, "NEP 1"): the magic string \x93NUMPY, a major and minor
/// version byte, the header's length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0),
/// the header, an ASCII Python dictionary literal such as
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c> padded with spaces and ended
/// by '\n' so the data starts at a multiple of 64 bytes, then the elements. Written exactly as
/// NumPy 1.24 and later write it (version 1.0, the same header bytes, padding included), so an array
/// IrisNet writes is byte for byte the array np.save writes.
/// </summary>
public static class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The data starts at a multiple of this many bytes (NumPy's ARRAY_ALIGN).</summary>
    private const int Align = 64;

    /// <summary>
    /// Spaces NumPy leaves after the dictionary so the length of the first axis can grow in place
    /// (GROWTH_AXIS_MAX_DIGITS): 21 minus the digits of that length.
    /// </summary>
    private const int GrowthDigits = 21;

    /// <summary>The longest header read: 65,535 bytes, the most a version 1.0 header can hold (NumPy itself refuses
    /// more than 10,000).</summary>
    public const int MaxHeaderBytes = ushort.MaxValue;

    /// <summary>Writes <paramref name="array"/> as a version 1.0 .npy file.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        byte[] header = Header(array);
        stream.Write(header);
        stream.Write(array.Data);
    }

    /// <summary>The .npy bytes of <paramref name="array"/>.</summary>
    public static byte[] ToBytes(NpyArray array)
    {
        using var stream = new MemoryStream();
        Write(stream, array);
        return stream.ToArray();
    }

    /// <summary>The preamble and header NumPy's write_array writes for this array.</summary>
    private static byte[] Header(NpyArray array)
    {
        // Keys in sorted order, each "'key': repr(value), ", then "}".
        var text = new StringBuilder("{");
        text.Append("'descr': '").Append(array.Dtype.Descr).Append("', ");
        text.Append("'fortran_order': False, ");
        text.Append("'shape': ").Append(NpyArray.FormatShape(array.Shape)).Append(", ");
        text.Append('}');
        if (array.Shape.Count > 0) text.Append(' ',
            GrowthDigits - array.Shape[0].ToString(CultureInfo.InvariantCulture).Length);
        int length = text.Length + 1; // with the final '\n'
        int pad = Align - (Magic.Length + 2 + 2 + length) % Align;
        text.Append(' ', pad).Append('\n');
        byte[] ascii = Encoding.ASCII.GetBytes(text.ToString());
        var result = new byte[Magic.Length + 4 + ascii.Length];
        Magic.CopyTo(result);
        result[6] = 1;
        result[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), checked((ushort)ascii.Length));
        ascii.CopyTo(result, 10);
        return result;
    }

    /// <summary>
    /// Reads one .npy file held in <paramref name="bytes"/>. Big-endian elements are reordered to
    /// little-endian and Fortran-ordered arrays to C order, so the values are read as NumPy reads them.
    /// </summary>
    /// <param name="bytes">The whole file (an .npz member).</param>
    /// <param name="file">The file, for messages.</param>
    /// <param name="array">The array's name, for messages.</param>
    /// <exception cref="NumPyFileException">Not an .npy file, an unsupported version or dtype, a header that is too
    /// long or not NumPy's, or data that does not fit the shape.</exception>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, string? file, string? array)
    {
        NumPyFileException Error(string message) => new(file, array, message);
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw Error("is not an .npy array (it does not start with NumPy's magic string \\x93NUMPY); an .npz "
                + "holds arrays written by np.save.");
        int major = bytes[6], minor = bytes[7];
        if (minor != 0 || major is < 1 or > 3)
            throw Error($"is .npy format version {major}.{minor}; IrisNet reads versions 1.0, 2.0 and 3.0.");
        int prefix = major == 1 ? 10 : 12;
        if (bytes.Length < prefix) throw Error("is truncated inside its .npy preamble.");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (headerLength > MaxHeaderBytes)
            throw Error($"its .npy header claims {headerLength:N0} bytes, but a header is at most "
                + $"{MaxHeaderBytes:N0} (NumPy writes fewer than 10,000); the file is damaged or not an array.");
        if (prefix + headerLength > bytes.Length)
            throw Error($"is truncated: its .npy header claims {headerLength:N0} bytes, but only "
                + $"{bytes.Length - prefix:N0} follow the preamble.");
        ReadOnlySpan<byte> headerBytes = bytes.Slice(prefix, (int)headerLength);
        string header;
        try
        {
            header = major == 3 ? new UTF8Encoding(false, true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new NumPyFileException(file, array, "its .npy header is not valid UTF-8.", e);
        }
        var (dtype, fortran, shape) = new HeaderParser(header, Error).Parse();
        ReadOnlySpan<byte> data = bytes[(prefix + (int)headerLength)..];
        long count = 1;
        foreach (int n in shape)
        {
            if (n != 0 && count > long.MaxValue / 8 / dtype.ItemSize / n)
                throw Error($"its header declares shape {NpyArray.FormatShape(shape)}, more elements than any file "
                    + $"holds; the file is damaged.");
            count *= n;
        }
        long needed = count * dtype.ItemSize;
        if (needed != data.Length)
        {
            string shapeText = NpyArray.FormatShape(shape);
            throw Error(needed > data.Length
                ? $"its header declares shape {shapeText} of '{dtype.Descr}', {needed:N0} bytes of data, but only "
                    + $"{data.Length:N0} follow: the file is truncated or the shape disagrees with the data."
                : $"its header declares shape {shapeText} of '{dtype.Descr}', {needed:N0} bytes of data, but "
                    + $"{data.Length:N0} follow: the shape disagrees with the data.");
        }
        byte[] values = data.ToArray();
        if (dtype.BigEndian)
        {
            for (int i = 0; i < values.Length; i += dtype.Kind == NpyKind.Unicode ? 4 : dtype.ItemSize)
                values.AsSpan(i, dtype.Kind == NpyKind.Unicode ? 4 : dtype.ItemSize).Reverse();
            dtype = dtype with { BigEndian = false };
        }
        if (fortran && shape.Length > 1) values = ToRowMajor(values, shape, dtype.ItemSize);
        return new NpyArray(dtype, shape, values);
    }

    /// <summary>
    /// Reorders column-major (Fortran) elements to row-major: the element at index (i_0, …, i_k) is at
    /// Σ_j i_j · Π_{l&lt;j} n_l in the source and Σ_j i_j · Π_{l&gt;j} n_l in the result.
    /// </summary>
    private static byte[] ToRowMajor(byte[] source, int[] shape, int itemSize)
    {
        var result = new byte[source.Length];
        int k = shape.Length;
        var index = new int[k];
        long count = source.Length / itemSize;
        for (long c = 0; c < count; c++)
        {
            // index of the c-th element in row-major order; its column-major offset
            long f = 0, stride = 1;
            for (int j = 0; j < k; j++)
            {
                f += index[j] * stride;
                stride *= shape[j];
            }
            Array.Copy(source, f * itemSize, result, c * itemSize, itemSize);
            for (int j = k - 1; j >= 0; j--)
            {
                if (++index[j] < shape[j]) break;
                index[j] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// The header's Python dictionary literal: strings in single or double quotes, True and False,
    /// integers, tuples and lists; exactly the keys 'descr', 'fortran_order' and 'shape'.
    /// </summary>
    private sealed class HeaderParser(string text, Func<string, NumPyFileException> error)
    {
        private int _at;

        private NumPyFileException Bad(string what) =>
            error($"its .npy header is not the dictionary NumPy writes ({what} at character {_at + 1}).");

        public (NpyDtype Dtype, bool Fortran, int[] Shape) Parse()
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                Skip();
                if (Peek() == '}') break;
                if (Value() is not string key) throw Bad("a key that is not a string");
                Expect(':');
                object value = Value();
                if (!fields.TryAdd(key, value)) throw Bad($"the key '{key}' twice");
                Skip();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }
                Skip();
                if (Peek() != '}') throw Bad("a missing comma");
            }
            _at++;
            while (_at < text.Length && text[_at] is ' ' or '\n' or '\r' or '\t' or '\0') _at++;
            if (_at != text.Length) throw Bad("text after the dictionary");
            foreach (string key in fields.Keys)
            {
                if (key is not ("descr" or "fortran_order" or "shape"))
                    throw error($"its .npy header has the key '{key}'; a NumPy header has only 'descr', "
                        + $"'fortran_order' and 'shape'.");
            }
            foreach (string key in (string[])["descr", "fortran_order", "shape"])
            {
                if (!fields.ContainsKey(key)) throw error($"its .npy header has no '{key}'; it is not an array "
                    + $"written by NumPy.");
            }
            NpyDtype dtype = fields["descr"] switch
            {
                string d => NpyDtype.TryParse(d, out NpyDtype t, out string why) ? t : throw error(why + "."),
                List<object> => throw error($"is a structured array (a record dtype), which is not supported; "
                    + $"IrisNet reads {NpyDtype.Supported}."),
                _ => throw error("its .npy header's 'descr' is not a dtype string."),
            };
            bool fortran = fields["fortran_order"] as bool?
                ?? throw error("its .npy header's 'fortran_order' is neither True nor False.");
            if (fields["shape"] is not Tuple shape) throw error("its .npy header's 'shape' is not a tuple.");
            var dims = new int[shape.Items.Count];
            for (int i = 0; i < dims.Length; i++)
            {
                if (shape.Items[i] is not long n || n < 0 || n > int.MaxValue)
                    throw error($"its .npy header's shape {shape} holds something other than a dimension from 0 to "
                        + $"{int.MaxValue:N0}.");
                dims[i] = (int)n;
            }
            return (dtype, fortran, dims);
        }

        private sealed record Tuple(List<object> Items)
        {
            public override string ToString() => "(" + string.Join(", ", Items) + (Items.Count == 1 ? ",)" : ")");
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private void Skip()
        {
            while (_at < text.Length && text[_at] is ' ' or '\n' or '\r' or '\t') _at++;
        }

        private void Expect(char c)
        {
            Skip();
            if (Peek() != c) throw Bad($"'{c}' expected");
            _at++;
        }

        private object Value()
        {
            Skip();
            char c = Peek();
            if (c is '\'' or '"')
            {
                int end = text.IndexOf(c, _at + 1);
                if (end < 0) throw Bad("an unterminated string");
                string s = text[(_at + 1)..end];
                if (s.Contains('\\', StringComparison.Ordinal)) throw Bad("an escape in a string");
                _at = end + 1;
                return s;
            }
            if (c is '(' or '[')
            {
                char close = c == '(' ? ')' : ']';
                _at++;
                var items = new List<object>();
                while (true)
                {
                    Skip();
                    if (Peek() == close) break;
                    items.Add(Value());
                    Skip();
                    if (Peek() == ',') _at++;
                    else if (Peek() != close) throw Bad($"'{close}' expected");
                }
                _at++;
                return c == '(' ? new Tuple(items) : items;
            }
            int start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '-')) _at++;
            string word = text[start.._at];
            if (word == "True") return true;
            if (word == "False") return false;
            // Python 2 wrote long integers with an L suffix; NumPy still reads them.
            string digits = word.EndsWith('L') ? word[..^1] : word;
            if (digits.Length > 0 && long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out long n)) return n;
            _at = start;
            throw Bad(word.Length == 0 ? "an unexpected character" : $"the word '{word}'");
        }
    }
}
