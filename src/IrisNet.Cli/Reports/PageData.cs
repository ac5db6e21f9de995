using System.IO.Compression;
using System.Text;
using System.Text.Json;
using IrisNet.Training;

namespace IrisNet.Cli.Reports;

/// <summary>One set of curves on the page: a run, a fold, a mean over folds, or a sweep's configuration.</summary>
/// <param name="Label">What the page calls it (escaped where shown: the page sets it as text).</param>
/// <param name="Rows">The bounded rows of <see cref="MetricsSeries"/>, not every epoch of a long run.</param>
/// <param name="Shown">Drawn when the page opens (for a sweep: selected).</param>
internal sealed record CurveSet(string Label, IReadOnlyList<EpochMetrics> Rows, bool Shown = true);

/// <summary>
/// The two data blocks of a page. The names (report-meta) are plain JSON inside a script element. The
/// numbers (report-series) are every set's columns as float64 values, so each is exact, packed for size:
/// each column's 64-bit patterns are delta-coded (each minus the one before, as unsigned integers, wrapping)
/// and split into 8 byte planes (all first bytes, then all second bytes, …: the shuffle filter of HDF5
/// and Blosc), then the whole is gzip'd and written in base64; the page inflates it with the browser's
/// DecompressionStream and undoes both steps. Neighbouring values of a curve share their sign, exponent
/// and leading mantissa bits, so the deltas' high planes are runs of equal bytes that gzip removes: a
/// default run's 1,000 epochs take 15 KB, against 28 KB as gzip'd JSON text.
/// </summary>
internal static class PageData
{
    /// <summary>The columns of a set, in the order of its block, each present when some row has a value.</summary>
    public static readonly (string Name, Func<EpochMetrics, double?> Value)[] Columns =
    [
        ("epoch", m => m.Epoch),
        ("train_loss", m => m.TrainLoss),
        ("train_accuracy", m => m.TrainAccuracy),
        ("test_loss", m => m.TestLoss),
        ("test_accuracy", m => m.TestAccuracy),
        ("val_loss", m => m.ValidationLoss),
        ("val_accuracy", m => m.ValidationAccuracy),
        ("lr", m => m.LearningRate),
    ];

    /// <summary>
    /// JSON for a script element: the page's kind and title and each set's label, rows and columns (the
    /// layout of report-series). System.Text.Json's default encoder writes &lt;, &gt;, &amp;, quotes and
    /// every character outside ASCII (U+2028 and U+2029 among them) as \u escapes, so no text from a file
    /// can close the element ("&lt;/script&gt;") or break the script that reads it.
    /// </summary>
    public static string Meta(string kind, string title, string testName, IReadOnlyList<CurveSet> sets)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", kind);
            w.WriteString("title", title);
            w.WriteString("testName", testName);
            w.WriteStartArray("sets");
            foreach (CurveSet s in sets)
            {
                w.WriteStartObject();
                w.WriteString("label", s.Label);
                w.WriteBoolean("shown", s.Shown);
                w.WriteNumber("rows", s.Rows.Count);
                w.WriteStartArray("columns");
                foreach (var (name, _) in Present(s)) w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Every set's present columns, one after the other, packed as the class summary says, base64.</summary>
    public static string Series(IReadOnlyList<CurveSet> sets)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            foreach (CurveSet s in sets)
            {
                foreach (var (_, value) in Present(s)) gzip.Write(Pack(s.Rows, value));
            }
        }
        return Convert.ToBase64String(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    /// <summary>One column: the deltas of its float64 bit patterns, little-endian, in 8 byte planes.</summary>
    public static byte[] Pack(IReadOnlyList<EpochMetrics> rows, Func<EpochMetrics, double?> value)
    {
        int n = rows.Count;
        var planes = new byte[8 * n];
        ulong previous = 0;
        for (int i = 0; i < n; i++)
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(value(rows[i]) ?? double.NaN);
            ulong delta = unchecked(bits - previous);
            previous = bits;
            for (int k = 0; k < 8; k++) planes[k * n + i] = (byte)(delta >> (8 * k));
        }
        return planes;
    }

    private static IEnumerable<(string Name, Func<EpochMetrics, double?> Value)> Present(CurveSet s) =>
        Columns.Where(c => s.Rows.Any(m => c.Value(m).HasValue));
}
