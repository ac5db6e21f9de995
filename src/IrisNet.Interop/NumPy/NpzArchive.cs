using System.IO.Compression;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// An .npz file: a zip archive of .npy members, one per array, each named after its array plus
/// ".npy", as np.savez writes it. Written with every member stored (not compressed), as np.savez
/// does (np.savez_compressed deflates; both are read), and a fixed date, so the same arrays give the
/// same bytes. Reading is bounded: the file, each member's declared and actual size, their sum and
/// the number of members have limits, checked before the bytes are held, so a damaged file or a
/// zip bomb is refused with one message instead of exhausting memory.
/// </summary>
public static class NpzArchive
{
    /// <summary>The largest .npz file read: 256 MiB.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The largest member, uncompressed, whether declared or actual: 128 MiB (16 million float64
    /// values).</summary>
    public const long MaxMemberBytes = 128L << 20;

    /// <summary>The largest sum of the members' uncompressed sizes: 512 MiB.</summary>
    public const long MaxTotalBytes = 512L << 20;

    /// <summary>The most members read: 100,000.</summary>
    public const int MaxMembers = 100_000;

    /// <summary>The date every member carries (the earliest a zip can hold), so output is reproducible.</summary>
    private static readonly DateTimeOffset FixedDate = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True when <paramref name="path"/> names an .npz file: by its extension, or by its content (a zip
    /// archive) whatever its name.</summary>
    public static bool IsNpz(string path) =>
        path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) || LooksLikeZip(path);

    /// <summary>True when the file starts with a zip signature ("PK\x03\x04", or "PK\x05\x06" for an empty
    /// archive).</summary>
    public static bool LooksLikeZip(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            Span<byte> head = stackalloc byte[4];
            return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4
                && head[0] == (byte)'P' && head[1] == (byte)'K' && (head[2], head[3]) is (3, 4) or (5, 6);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="arrays"/> to a new .npz file at <paramref name="path"/> (replacing one that is
    /// there).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        Write(stream, arrays);
    }

    /// <summary>Writes <paramref name="arrays"/> as an .npz archive to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, array) in arrays)
        {
            if (!names.Add(name)) throw new ArgumentException($"the array '{name}' is given twice.", nameof(arrays));
            ZipArchiveEntry entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedDate;
            using Stream member = entry.Open();
            Npy.Write(member, array);
        }
    }

    /// <summary>The .npz bytes of <paramref name="arrays"/>.</summary>
    public static byte[] ToBytes(IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        using var stream = new MemoryStream();
        Write(stream, arrays);
        return stream.ToArray();
    }

    /// <summary>Reads every array of an .npz file, in archive order, named as np.load names them (the member name
    /// without ".npy").</summary>
    /// <exception cref="NumPyFileException">The file is missing, too large, not a zip archive, truncated or damaged, or
    /// a member is not a supported .npy array or exceeds a limit.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        FileStream stream;
        try
        {
            if (Directory.Exists(path)) throw new NumPyFileException(path, null, "is a directory, not an .npz file.");
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NumPyFileException(path, null, "file not found; check the path.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NumPyFileException(path, null, $"cannot be read: {e.Message}", e);
        }
        using (stream)
        {
            if (!stream.CanSeek) throw new NumPyFileException(path, null,
                "is not a regular file; an .npz must be a file (a zip archive is read from its end).");
            if (stream.Length > MaxFileBytes)
                throw new NumPyFileException(path, null,
                    $"is {stream.Length:N0} bytes, more than the {MaxFileBytes >> 20} MiB an .npz may have here; is "
                    + $"it the right file?");
            return Read(stream, path);
        }
    }

    /// <summary>Reads every array of the .npz archive in <paramref name="stream"/> (seekable); <paramref name="file"/>
    /// names it in messages.</summary>
    /// <exception cref="NumPyFileException">See <see cref="Read(string)"/>.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream, string? file)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new NumPyFileException(file, null,
                "is not a zip archive, or is truncated (its end, where a zip lists its members, is missing); an .npz "
                + "is the zip file np.savez writes.", e);
        }
        using (zip)
        {
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            long total = 0;
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                entries = zip.Entries;
            }
            catch (InvalidDataException e)
            {
                throw new NumPyFileException(file, null,
                    "is a damaged zip archive: its list of members cannot be read; write it again with np.savez.", e);
            }
            if (entries.Count > MaxMembers)
                throw new NumPyFileException(file, null,
                    $"has {entries.Count:N0} members, more than the {MaxMembers:N0} read here.");
            foreach (ZipArchiveEntry entry in entries)
            {
                string member = entry.FullName;
                if (member.EndsWith('/') && entry.Length == 0) continue; // a folder entry, which some zip tools add
                if (member.EndsWith(".pkl", StringComparison.Ordinal))
                    throw new NumPyFileException(file, null,
                        $"holds {member}, a pickle: this is a PyTorch checkpoint (torch.save) or a pickled object, "
                        + $"which IrisNet never unpickles; save the arrays through numpy instead, "
                        + $"np.savez(\"w.npz\", **{{k: v.numpy() for k, v in model.state_dict().items()}}).");
                if (!member.EndsWith(".npy", StringComparison.Ordinal))
                    throw new NumPyFileException(file, member,
                        "is not an .npy array (its name does not end in .npy); an .npz holds only the arrays "
                        + "np.savez writes.");
                string name = member[..^4];
                if (entry.Length > MaxMemberBytes || entry.Length < 0)
                    throw new NumPyFileException(file, name,
                        $"declares {entry.Length:N0} bytes uncompressed, more than the {MaxMemberBytes >> 20} MiB "
                        + $"one array may have here.");
                total += entry.Length;
                if (total > MaxTotalBytes)
                    throw new NumPyFileException(file, name,
                        $"brings the archive's uncompressed size past the {MaxTotalBytes >> 20} MiB read here.");
                byte[] bytes = ReadMember(entry, file, name);
                if (!arrays.TryAdd(name, Npy.Read(bytes, file, name)))
                    throw new NumPyFileException(file, name,
                        "appears twice in the archive; each array may appear once.");
            }
            return arrays;
        }
    }

    /// <summary>
    /// The member's bytes: exactly its declared uncompressed size, refusing a member that holds fewer
    /// (truncated) or more (a zip bomb's first trick) without reading past one byte beyond the declaration.
    /// </summary>
    private static byte[] ReadMember(ZipArchiveEntry entry, string? file, string name)
    {
        var bytes = new byte[entry.Length];
        try
        {
            using Stream s = entry.Open();
            int read = s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length)
                throw new NumPyFileException(file, name,
                    $"is truncated: it declares {entry.Length:N0} bytes but holds {read:N0}.");
            Span<byte> more = stackalloc byte[1];
            if (s.Read(more) > 0)
                throw new NumPyFileException(file, name,
                    $"decompresses to more than the {entry.Length:N0} bytes it declares; the archive is damaged or "
                    + $"malicious, and is not read further.");
        }
        catch (InvalidDataException e)
        {
            throw new NumPyFileException(file, name,
                "cannot be decompressed: the archive is damaged, or the member uses a compression method np.savez "
                + "never writes; write it again with np.savez.", e);
        }
        catch (IOException e)
        {
            throw new NumPyFileException(file, name, $"cannot be read: {e.Message}", e);
        }
        return bytes;
    }
}
