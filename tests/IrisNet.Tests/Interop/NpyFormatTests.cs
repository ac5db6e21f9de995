using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using IrisNet.Interop.NumPy;

namespace IrisNet.Tests;

/// <summary>
/// The .npy/.npz reader and writer against files numpy itself wrote (Fixtures/npz, made by
/// make_fixtures.py): every supported dtype is read exactly, and IrisNet writes every array byte for byte
/// as np.savez does.
/// </summary>
public class NpyFormatTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", name);

    /// <summary>The arrays numpy recorded next to an archive: descr, shape, order and values.</summary>
    private static Dictionary<string, JsonElement> Expected(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixture(json)));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    [Theory]
    [InlineData("dtypes.npz")]
    [InlineData("dtypes-compressed.npz")]
    public void Every_supported_dtype_numpy_writes_is_read_exactly(string file)
    {
        IReadOnlyDictionary<string, NpyArray> arrays = NpzArchive.Read(Fixture(file));
        Dictionary<string, JsonElement> expected = Expected("dtypes.json");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), arrays.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, e) in expected)
        {
            NpyArray a = arrays[name];
            string descr = e.GetProperty("descr").GetString()!;
            Assert.True(NpyDtype.TryParse(descr, out NpyDtype dtype, out _), descr);
            Assert.Equal((dtype.Kind, dtype.ItemSize, false), (a.Dtype.Kind, a.Dtype.ItemSize, a.Dtype.BigEndian));
            Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()), a.Shape);
            JsonElement[] values = [.. e.GetProperty("values").EnumerateArray()];
            switch (dtype.Kind)
            {
                case NpyKind.Float:
                    // Bit for bit: -0.0, the smallest subnormal and the largest double included.
                    Assert.Equal(values.Select(v => BitConverter.DoubleToInt64Bits(v.GetDouble())),
                        a.ToDoubles()!.Select(BitConverter.DoubleToInt64Bits));
                    break;
                case NpyKind.Unicode:
                    Assert.Equal(values.Select(v => v.GetString()), a.ToStrings()!);
                    break;
                default:
                    if (name == "u8") Assert.Equal(values[0].GetUInt64(), a.ToUInt64Scalar());
                    else Assert.Equal(values.Select(v => v.GetInt64()), a.ToInt64()!);
                    break;
            }
        }
        Assert.True(expected["f8_fortran"].GetProperty("fortran").GetBoolean());
        Assert.Equal(arrays["f8"].ToDoubles(), arrays["f8_fortran"].ToDoubles());
        Assert.Equal(arrays["f8"].ToDoubles(), arrays["f8_big"].ToDoubles());
    }

    /// <summary>Builds the array numpy recorded in savez.json with IrisNet's own constructors.</summary>
    private static NpyArray Build(JsonElement e)
    {
        string descr = e.GetProperty("descr").GetString()!;
        int[] shape = [.. e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32())];
        JsonElement[] values = [.. e.GetProperty("values").EnumerateArray()];
        return descr switch
        {
            "<f8" => NpyArray.Float64([.. values.Select(v => v.GetDouble())], shape),
            "<f4" => NpyArray.Float32([.. values.Select(v => v.GetDouble())], shape),
            "<i8" => NpyArray.Int64([.. values.Select(v => v.GetInt64())], shape),
            "<u8" => NpyArray.UInt64(values[0].GetUInt64()),
            _ when descr.StartsWith("<U", StringComparison.Ordinal) =>
                NpyArray.Unicode([.. values.Select(v => v.GetString()!)], shape),
            _ => throw new InvalidOperationException(descr),
        };
    }

    /// <summary>The bytes of each member of a zip archive, by member name.</summary>
    internal static Dictionary<string, byte[]> Members(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using Stream s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return copy.ToArray();
        });
    }

    [Fact]
    public void Every_array_is_written_byte_for_byte_as_np_savez_writes_it()
    {
        Dictionary<string, byte[]> numpy = Members(File.ReadAllBytes(Fixture("savez.npz")));
        var arrays = Expected("savez.json").Select(p =>
            new KeyValuePair<string, NpyArray>(p.Key, Build(p.Value))).ToArray();
        Dictionary<string, byte[]> mine = Members(NpzArchive.ToBytes(arrays));
        Assert.Equal(numpy.Keys, mine.Keys);
        foreach (var (name, bytes) in numpy)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(mine[name]), $"{name}: IrisNet's .npy bytes differ from numpy's");
            Assert.True(bytes.AsSpan().SequenceEqual(Npy.ToBytes(arrays.Single(a => a.Key + ".npy" == name).Value)));
        }
        // Stored, as np.savez stores them, and the same arrays give the same archive.
        using (var archive = new ZipArchive(new MemoryStream(NpzArchive.ToBytes(arrays))))
            Assert.All(archive.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        Assert.Equal(NpzArchive.ToBytes(arrays), NpzArchive.ToBytes(arrays));
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void The_npz_export_is_the_documented_arrays_as_numpy_saves_them_and_numpy_reads_ours_back(string precision)
    {
        Model model = ModelJson.Load(Fixture($"model-{precision}.json"));
        IReadOnlyList<KeyValuePair<string, NpyArray>> arrays = NpzWeights.FromModel(model, model.Precision);
        Dictionary<string, byte[]> numpy = Members(File.ReadAllBytes(Fixture($"export-{precision}.npz")));
        Assert.Equal(numpy.Keys, arrays.Select(a => a.Key + ".npy"));
        foreach (var (name, array) in arrays)
        {
            // The version is compared by value: numpy's file records the one of the day it was made.
            if (name == "irisnet_version") Assert.Equal([NpzWeights.Version], array.ToStrings()!);
            else Assert.True(numpy[name + ".npy"].AsSpan().SequenceEqual(Npy.ToBytes(array)),
                $"{name} differs from numpy's");
        }
        // make_fixtures.py loaded IrisNet's own file with np.load and found every array equal to numpy's; that
        // file is still what IrisNet writes (with the version of that day).
        var sameDay = arrays.Select(a => a.Key == "irisnet_version" ? new(a.Key, NpyArray.Scalar("0.1.0"))
            : a).ToArray();
        byte[] written = NpzArchive.ToBytes(sameDay);
        Assert.Equal(File.ReadAllBytes(Fixture($"irisnet-export-{precision}.npz")), written);
        using JsonDocument checkedByNumpy =
            JsonDocument.Parse(File.ReadAllText(Fixture("irisnet-export-checked.json")));
        Assert.Equal(checkedByNumpy.RootElement.GetProperty($"irisnet-export-{precision}.npz").GetString(),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(written)));
    }

    [Fact]
    public void A_unicode_name_round_trips_through_utf32_including_characters_beyond_the_basic_plane()
    {
        string[] names = ["sepal_length", "länge", "花", "\U0001d707", ""];
        NpyArray a = NpyArray.Unicode(names, names.Length);
        Assert.Equal("<U12", a.Dtype.Descr);
        NpyArray back = Npy.Read(Npy.ToBytes(a), null, "names");
        Assert.Equal(names, back.ToStrings()!);
    }

    // ---- Bad files: one error each, naming the file and the array, never a misread or an unbounded read. ----

    private static NumPyFileException ReadFails(byte[] npz)
    {
        string path = Path.Combine(Path.GetTempPath(), $"irisnet-bad-{Guid.NewGuid():N}.npz");
        File.WriteAllBytes(path, npz);
        try
        {
            return Assert.Throws<NumPyFileException>(() => NpzArchive.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An .npz with one member whose .npy bytes are given as they are.</summary>
    internal static byte[] OneMember(string member, byte[] bytes,
        CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using Stream s = zip.CreateEntry(member, level).Open();
            s.Write(bytes);
        }
        return stream.ToArray();
    }

    /// <summary>The .npy bytes of a 3×4 float64 array with its header text changed by <paramref name="edit"/> (same
    /// length, so the padding stays).</summary>
    private static byte[] EditedHeader(Func<string, string> edit)
    {
        byte[] bytes = Npy.ToBytes(NpyArray.Float64(Enumerable.Range(0, 12).Select(i => i / 7.0).ToArray(), 3, 4));
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, length);
        string changed = edit(header);
        Assert.Equal(header.Length, changed.Length);
        Encoding.ASCII.GetBytes(changed).CopyTo(bytes, 10);
        return bytes;
    }

    [Fact]
    public void A_truncated_archive_or_a_file_that_is_no_zip_is_refused()
    {
        byte[] good = File.ReadAllBytes(Fixture("numpy-iris.npz"));
        Assert.Contains("is not a zip archive, or is truncated", ReadFails(good[..(good.Length / 2)]).Message,
            StringComparison.Ordinal);
        Assert.Contains("is not a zip archive", ReadFails("{\"format\": \"irisnet-trace\"}"u8.ToArray()).Message,
            StringComparison.Ordinal);
        Assert.Contains("is not a zip archive", ReadFails([]).Message, StringComparison.Ordinal);
        // An array whose data stops short of its shape, inside an intact archive.
        byte[] npy = Npy.ToBytes(NpyArray.Float64(new double[100], 100));
        Assert.Contains("is truncated", ReadFails(OneMember("x.npy", npy[..^8])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_array_is_refused_without_unpickling()
    {
        var e = Assert.Throws<NumPyFileException>(() => NpzArchive.Read(Fixture("object.npz")));
        Assert.Equal("names", e.Array);
        Assert.Contains("Python objects (dtype '|O')", e.Message, StringComparison.Ordinal);
        Assert.Contains("never unpickles", e.Message, StringComparison.Ordinal);
        Assert.Contains("PyTorch checkpoint", ReadFails(OneMember("archive/data.pkl", [0x80, 2])).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'<f8'", "'<c8'", "complex numbers")]
    [InlineData("'<f8'", "'<f2'", "a 16-bit float (float16)")]
    [InlineData("'<f8'", "'|b1'", "booleans")]
    [InlineData("'<f8'", "'=f8'", "native byte order")]
    [InlineData("'<f8'", "'<M8'", "dates or times")]
    [InlineData("(3, 4)", "(4, 4)", "but only 96 follow: the file is truncated or the shape disagrees")]
    [InlineData("(3, 4)", "(2, 4)", "but 96 follow: the shape disagrees with the data")]
    [InlineData("(3, 4)", "(3,-4)", "holds something other than a dimension")]
    [InlineData("'shape'", "'shope'", "has the key 'shope'")]
    [InlineData("False", "Fals)", "not the dictionary NumPy writes")]
    [InlineData("{'descr'", "['descr'", "not the dictionary NumPy writes")]
    public void An_unsupported_dtype_or_a_shape_that_disagrees_with_the_data_is_refused(string from, string to,
        string message)
    {
        NumPyFileException e = ReadFails(OneMember("A.npy",
            EditedHeader(h => h.Replace(from, to, StringComparison.Ordinal))));
        Assert.Equal("A", e.Array);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fortran_order_and_big_endian_data_are_read_as_numpy_reads_them()
    {
        // A 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian: 1, 4, 2, 5, 3, 6.
        byte[] bytes = EditedHeader(h => h.Replace("'<f8', 'fortran_order': False, 'shape': (3, 4)",
            "'>f8', 'fortran_order': True,  'shape': (2, 3)", StringComparison.Ordinal));
        int start = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        double[] columnMajor = [1, 4, 2, 5, 3, 6];
        var npy = new byte[start + 48];
        bytes.AsSpan(0, start).CopyTo(npy);
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteDoubleBigEndian(npy.AsSpan(start + 8 * i), columnMajor[i]);
        NpyArray a = Npy.Read(npy, null, "A");
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], a.ToDoubles()!);
    }

    [Fact]
    public void A_header_claiming_two_gigabytes_is_refused_before_it_is_read()
    {
        // Version 2.0 stores the header length in four bytes: 2^31 here, with nothing after it.
        byte[] npy = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0, 0, 0, 0x80];
        long before = GC.GetAllocatedBytesForCurrentThread();
        NumPyFileException e = ReadFails(OneMember("A.npy", npy));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
        Assert.Contains("its .npy header claims 2,147,483,648 bytes", e.Message, StringComparison.Ordinal);
        // A version 1.0 header longer than the member is a truncation.
        byte[] v1 = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0xFF, 0xFF, (byte)'{'];
        Assert.Contains("is truncated: its .npy header claims 65,535 bytes", ReadFails(OneMember("A.npy", v1)).Message,
            StringComparison.Ordinal);
        Assert.Contains("format version 9.0",
            ReadFails(OneMember("A.npy", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0, 0,
            0])).Message, StringComparison.Ordinal);
        Assert.Contains("magic string", ReadFails(OneMember("A.npy", "PK not an array"u8.ToArray())).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_its_declared_size_or_read_no_further_than_it()
    {
        // A float64 vector of 26,214,400 zeros (200 MiB) deflates to about 200 KB: declared honestly, it is over
        // the 128 MiB bound and never inflated.
        byte[] header = Npy.ToBytes(NpyArray.Float64([], 0));
        header = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(header).Replace("(0,), }       ", "(26214400,), }",
            StringComparison.Ordinal));
        Assert.Equal(128, header.Length);
        byte[] bomb;
        using (var stream = new MemoryStream())
        {
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            {
                using Stream s = zip.CreateEntry("A.npy", CompressionLevel.SmallestSize).Open();
                s.Write(header);
                var zeros = new byte[1 << 20];
                for (int i = 0; i < 200; i++) s.Write(zeros);
            }
            bomb = stream.ToArray();
        }
        Assert.True(bomb.Length < 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        NumPyFileException e = ReadFails(bomb);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20,
            "the refused member was read into memory");
        Assert.Equal("A", e.Array);
        Assert.Contains("declares 209,715,328 bytes uncompressed, more than the 128 MiB one array may have here",
            e.Message, StringComparison.Ordinal);

        // The same data declaring 4,096 bytes (its sizes patched in the local header and the central directory):
        // no more than that is inflated (System.IO.Compression ends the member there, and the reader would refuse
        // a byte beyond it), so the array is refused as cut short, in bounded memory.
        byte[] liar = (byte[])bomb.Clone();
        PatchUncompressedSize(liar, 4096);
        before = GC.GetAllocatedBytesForCurrentThread();
        e = ReadFails(liar);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the lying member was inflated");
        Assert.Contains("its header declares shape (26214400,) of '<f8', 209,715,200 bytes of data, but only 3,968 "
            + "follow", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Sets the uncompressed size of the only member in its local header (offset 22) and its central directory
    /// entry (offset 24).</summary>
    private static void PatchUncompressedSize(byte[] zip, uint size)
    {
        Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip));
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(22), size);
        int central = zip.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[(byte)'P', (byte)'K', 1, 2]);
        Assert.True(central > 0);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(central + 24), size);
    }

    [Fact]
    public void An_archive_with_a_member_that_is_no_array_or_appears_twice_is_refused()
    {
        Assert.Contains("its name does not end in .npy", ReadFails(OneMember("notes.txt", "hello"u8.ToArray())).Message,
            StringComparison.Ordinal);
        byte[] npy = Npy.ToBytes(NpyArray.Scalar(1.0));
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (int i = 0; i < 2; i++)
            {
                using Stream s = zip.CreateEntry("lr.npy").Open();
                s.Write(npy);
            }
        }
        Assert.Contains("appears twice", ReadFails(stream.ToArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dtype_names_numpy_uses_are_written_and_parsed()
    {
        Assert.Equal("<f8", NpyDtype.Float64.Descr);
        Assert.Equal("<f4", NpyDtype.Float32.Descr);
        Assert.Equal("<i8", NpyDtype.Int64.Descr);
        Assert.Equal("<U7", NpyDtype.Unicode(7).Descr);
        Assert.True(NpyDtype.TryParse("|u1", out NpyDtype u1, out _));
        Assert.Equal(new NpyDtype(NpyKind.UInt, 1), u1);
        Assert.True(NpyDtype.TryParse(">U3", out NpyDtype u3, out _));
        Assert.Equal(new NpyDtype(NpyKind.Unicode, 12, true), u3);
        Assert.False(NpyDtype.TryParse("|O", out _, out string why));
        Assert.Contains("never unpickles", why, StringComparison.Ordinal);
        Assert.False(NpyDtype.TryParse("|f8", out _, out why));
        Assert.Contains("no byte order", why, StringComparison.Ordinal);
    }
}
