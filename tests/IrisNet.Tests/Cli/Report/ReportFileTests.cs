using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>irisnet report's file read as text: one self-contained page, its escaping, its data, its errors.</summary>
[Collection("report")]
public sealed partial class ReportFileTests
{
    private readonly ReportRuns _runs;

    public ReportFileTests(ReportRuns runs) => _runs = runs;

    [Fact]
    public void A_default_runs_report_is_one_file_of_at_most_300_KB_with_its_pictures_and_no_outside_reference()
    {
        string path = _runs.Report("default", _runs.P("default"));
        string html = File.ReadAllText(path);
        Assert.InRange(new FileInfo(path).Length, 1, 300_000);
        // Every script and style inline; the pictures as data: URIs; no address anywhere but uPlot's licence line.
        Assert.DoesNotMatch("<script[^>]+src=", html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.Equal(2, ImageSources().Matches(html).Count);
        Assert.All(ImageSources().Matches(html),
            m => Assert.StartsWith("data:image/png;base64,", m.Groups[1].Value, StringComparison.Ordinal));
        Assert.Equal(["https://github.com/leeoniya/uPlot"], Addresses().Matches(html).Select(m => m.Value).Distinct());
        Assert.Contains("Copyright (c) 2022 Leon Sorokin", html, StringComparison.Ordinal);
        byte[] regions = File.ReadAllBytes(_runs.P("default", "regions.png"));
        Assert.Contains(Convert.ToBase64String(regions), html, StringComparison.Ordinal);
    }

    /// <summary>
    /// The numbers block, decoded here from its documented packing (gzip; per column, 8 byte planes of the
    /// deltas of float64 bit patterns), equals metrics.csv for every epoch, bit for bit.
    /// </summary>
    [Fact]
    public void The_data_block_holds_every_metrics_csv_value_exactly()
    {
        string html = File.ReadAllText(_runs.Report("exact", _runs.P("val")));
        using JsonDocument meta = JsonDocument.Parse(Block(html, "report-meta"));
        JsonElement set = meta.RootElement.GetProperty("sets")[0];
        int n = set.GetProperty("rows").GetInt32();
        string[] columns = set.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        string[] all = ["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "val_loss",
            "val_accuracy", "lr"];
        Assert.Equal(all, columns);
        byte[] bytes = Gunzip(Convert.FromBase64String(Block(html, "report-series").Trim()));
        Assert.Equal(8 * n * columns.Length, bytes.Length);
        var metrics = ReportRuns.Metrics(_runs.P("val", "metrics.csv"));
        Assert.Equal(metrics.Count, n);
        for (int c = 0; c < columns.Length; c++)
        {
            double[] values = Unpack(bytes.AsSpan(8 * n * c, 8 * n), n);
            for (int i = 0; i < n; i++)
            {
                double expected = c == 0 ? i + 1 : metrics[i + 1][columns[c]];
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(values[i]));
            }
        }
    }

    [Fact]
    public void Hostile_names_are_escaped_in_the_tables_and_in_the_embedded_json()
    {
        string html = File.ReadAllText(_runs.Report("hostile-text", _runs.P("hostile")));
        foreach (string name in ReportRuns.HostileClasses)
        {
            Assert.DoesNotContain(name, html, StringComparison.Ordinal);
        }
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Equal(4, ScriptEnd().Matches(html).Count); // meta, series, uPlot, the page: nothing else closes a script
        // The same names as option values in the JSON block: no "</", no raw U+2028/2029, and they read back whole.
        string a = _runs.P("json-a"), b = _runs.P("json-b");
        string hostile = "</script><script>alert(2)</script>\u2028\u2029";
        foreach (var (dir, value) in new[] { (a, hostile), (b, "plain") })
        {
            Directory.CreateDirectory(dir);
            File.Copy(_runs.P("short", "metrics.csv"), Path.Combine(dir, "metrics.csv"), overwrite: true);
            string summary =
                JsonSerializer.Serialize(new { status = "completed", options = new { activation = value } });
            File.WriteAllText(Path.Combine(dir, "summary.json"), summary);
        }
        string pair = File.ReadAllText(_runs.Report("hostile-json", a, b));
        string block = Block(pair, "report-meta");
        Assert.DoesNotContain("</", block, StringComparison.Ordinal);
        Assert.DoesNotContain('\u2028', block);
        Assert.DoesNotContain('\u2029', block);
        using JsonDocument meta = JsonDocument.Parse(block);
        Assert.Equal("activation=" + hostile, meta.RootElement.GetProperty("sets")[0].GetProperty("label").GetString());
    }

    [Fact]
    public void A_learning_rate_column_and_a_sweep_are_read_into_the_page()
    {
        string lr = File.ReadAllText(_runs.Report("lr-text", ReportRuns.Fixture("lr-run")));
        using (JsonDocument meta = JsonDocument.Parse(Block(lr, "report-meta")))
        {
            JsonElement columns = meta.RootElement.GetProperty("sets")[0].GetProperty("columns");
            Assert.Contains("lr", columns.EnumerateArray().Select(c => c.GetString()));
        }
        string sweep = File.ReadAllText(_runs.Report("sweep-text", ReportRuns.Fixture("sweep")));
        using JsonDocument s = JsonDocument.Parse(Block(sweep, "report-meta"));
        Assert.Equal("sweep", s.RootElement.GetProperty("kind").GetString());
        JsonElement[] sets = s.RootElement.GetProperty("sets").EnumerateArray().ToArray();
        Assert.Equal(["c2 (rank 1)", "c1 (rank 2)", "c3 (rank 3)"],
            sets.Select(e => e.GetProperty("label").GetString()));
        Assert.Equal([true, false, false], sets.Select(e => e.GetProperty("shown").GetBoolean()));
        Assert.Equal(3, Regex.Matches(sweep, "<tr data-set=").Count);
    }

    /// <summary>The bounded series keeps the learning rate like every other column: each bucket's extremes.</summary>
    [Fact]
    public void The_metrics_series_keeps_the_learning_rate_extremes_of_each_bucket()
    {
        var series = new MetricsSeries(4);
        int epochs = MetricsSeries.HeadRows + 200;
        for (int e = 1; e <= epochs; e++)
            series.Add(new EpochMetrics(e, 1, 0.5, null, null, LearningRate: e == 600 ? 9 : 1.0 / e));
        EpochMetrics[] kept = series.ToList();
        Assert.All(kept, m => Assert.NotNull(m.LearningRate));
        Assert.Equal(1.0, kept[0].LearningRate);
        Assert.Equal(9, kept.Max(m => m.LearningRate!.Value));
        Assert.Equal(1.0 / epochs, kept[^1].LearningRate);
        Assert.Null(new MetricsSeries(4).ToList().FirstOrDefault().LearningRate);
    }

    [Fact]
    public void Help_names_the_argument_and_the_option()
    {
        Cli.Result r = Cli.Run(_runs.Dir, "report", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("RUN_DIR", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--out", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_inputs_get_one_clear_error_line_and_exit_2()
    {
        string empty = _runs.P("empty-dir");
        Directory.CreateDirectory(empty);
        string badBoard = _runs.P("bad-board");
        Directory.CreateDirectory(badBoard);
        File.WriteAllText(Path.Combine(badBoard, "leaderboard.csv"), "rank,config,accuracy\n1,c1,0.9\n");
        string badMetrics = _runs.P("bad-metrics");
        Directory.CreateDirectory(badMetrics);
        File.WriteAllText(Path.Combine(badMetrics, "metrics.csv"), "epoch,loss\n1,0.5\n");
        var cases = new (string[] Args, string Message)[]
        {
            ([_runs.P("nowhere")], "nowhere: not found; give a run directory"),
            ([empty], "holds no metrics.csv, folds.csv or leaderboard.csv"),
            ([_runs.P("short", "metrics.csv")], "is a file; give the directory that holds it"),
            ([_runs.P("short"), "--out", _runs.P("r.txt")], "--out: '" + _runs.P("r.txt") + "' does not end in .html"),
            ([_runs.P("short"), "--out", _runs.P("no", "r.html")], "the folder '" + _runs.P("no") + "' does not exist"),
            ([_runs.P("short"), _runs.P("cv")], "is a cv directory, which has a report of its own"),
            ([badBoard], "leaderboard.csv:1: is not a sweep leaderboard.csv: its header must be rank,config,OPTION..."),
            ([badMetrics], "metrics.csv:1: is not an IrisNet metrics.csv"),
        };
        foreach (var (args, message) in cases)
        {
            Cli.Result r = Cli.Run(_runs.Dir, ["report", .. args]);
            Assert.Equal(2, r.ExitCode);
            string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("irisnet: error: ", lines[0], StringComparison.Ordinal);
            Assert.Contains(message, lines[0], StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(_runs.Dir, "*.incomplete-*", SearchOption.AllDirectories));
        }
    }

    /// <summary>The content of the script element with this id.</summary>
    private static string Block(string html, string id)
    {
        Match m = Regex.Match(html, $"<script[^>]*id=\"{id}\"[^>]*>(.*?)</script>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no script element {id}");
        return m.Groups[1].Value;
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)) gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Byte k of value i is at k·n + i; a value's bits are the sum of the deltas so far (mod 2^64).</summary>
    private static double[] Unpack(ReadOnlySpan<byte> planes, int n)
    {
        var values = new double[n];
        ulong bits = 0;
        for (int i = 0; i < n; i++)
        {
            ulong delta = 0;
            for (int k = 0; k < 8; k++) delta |= (ulong)planes[k * n + i] << (8 * k);
            bits = unchecked(bits + delta);
            values[i] = BitConverter.UInt64BitsToDouble(bits);
        }
        return values;
    }

    [GeneratedRegex("<img[^>]* src=\"([^\"]*)\"")]
    private static partial Regex ImageSources();

    [GeneratedRegex(@"https?://[^\s""')<]+")]
    private static partial Regex Addresses();

    [GeneratedRegex("</script>")]
    private static partial Regex ScriptEnd();
}
