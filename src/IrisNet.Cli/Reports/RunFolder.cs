using IrisNet.Cli.Runs;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Cli.Reports;

/// <summary>A picture of a run, embedded into the page as it is (base64).</summary>
internal sealed record Picture(string File, string Caption, byte[] Png);

/// <summary>
/// A train run directory as the report reads it: metrics.csv through <see cref="RunDirectory.ReadMetrics"/>
/// (the bounded series the PNGs are drawn from), summary.json, and the pictures the page cannot redraw.
/// </summary>
internal sealed class RunFolder
{
    /// <summary>The pictures embedded, in this order. loss.png and accuracy.png are the page's own charts.</summary>
    public static readonly (string File, string Caption)[] PictureFiles =
    [
        ("regions.png", "Decision regions (regions.png)"),
        ("confusion.png", "Confusion matrix (confusion.png)"),
    ];

    private RunFolder(string path, string name, IReadOnlyList<EpochMetrics> rows, SummaryJson? summary,
        IReadOnlyList<Picture> pictures)
    {
        Path = path;
        Name = name;
        Rows = rows;
        Summary = summary;
        Pictures = pictures;
    }

    public string Path { get; }

    /// <summary>The directory's own name.</summary>
    public string Name { get; }

    public IReadOnlyList<EpochMetrics> Rows { get; }

    public SummaryJson? Summary { get; }

    public IReadOnlyList<Picture> Pictures { get; }

    public static RunFolder Read(string dir)
    {
        string metrics = System.IO.Path.Combine(dir, "metrics.csv");
        if (!File.Exists(metrics))
            throw new DataException(metrics, 0, 0, "not found; give a run directory written by 'irisnet train'.");
        IReadOnlyList<EpochMetrics> rows = RunDirectory.ReadMetrics(metrics);
        SummaryJson? summary = SummaryJson.Read(System.IO.Path.Combine(dir, "summary.json"));
        return new RunFolder(dir, NameOf(dir), rows, summary, ReadPictures(dir, PictureFiles));
    }

    /// <summary>The last part of a directory path, whatever separators end it.</summary>
    public static string NameOf(string dir) =>
        System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dir)));

    /// <summary>The pictures that exist and begin with PNG's signature; others are left out.</summary>
    public static IReadOnlyList<Picture> ReadPictures(string dir, IEnumerable<(string File, string Caption)> files)
    {
        var pictures = new List<Picture>();
        foreach (var (file, caption) in files)
        {
            string path = System.IO.Path.Combine(dir, file);
            if (!File.Exists(path)) continue;
            byte[] png;
            try
            {
                png = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
            }
            ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
            if (png.AsSpan().StartsWith(signature))
                pictures.Add(new Picture(file, caption, png));
        }
        return pictures;
    }

    /// <summary>The run's options as summary.json records them, with its data file (for naming runs apart).</summary>
    public IReadOnlyList<(string Name, string Value)> Options
    {
        get
        {
            if (Summary is null) return [];
            var options = Summary.Scalars("options").ToList();
            if (Summary.String("data", "file") is string data) options.Insert(0, ("data", data));
            return options;
        }
    }
}
