using System.Globalization;
using System.Text;
using Xunit;

namespace IrisNet.Tests;

/// <summary>The report tests share one set of trained runs (and so run one class after the other).</summary>
[CollectionDefinition("report")]
public sealed class ReportCollection : ICollectionFixture<ReportRuns>;

/// <summary>
/// Run directories the report tests read, trained once for the report tests by the built irisnet: a default run, two
/// short runs that differ in --lr, one with a validation set, a cv directory, and a run on Iris with hostile
/// class names; plus the sweep and learning-rate fixtures of Fixtures/report.
/// </summary>
public sealed class ReportRuns : IDisposable
{
    /// <summary>Iris's three classes renamed: markup, a script end tag with U+2028, quotes and an ampersand.</summary>
    public static readonly string[] HostileClasses =
        ["<script>alert(1)</script>", "a\u2028b</script><b>", "\"q\" & 'a'"];

    public ReportRuns()
    {
        Dir = Path.Combine(Path.GetTempPath(), "irisnet-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        Ok("train", "--out", P("default"), "--quiet");
        Train("short", "--epochs", "300");
        Train("slow", "--epochs", "300", "--lr", "0.05");
        Train("val", "--epochs", "300", "--validation-fraction", "0.2");
        Ok("cv", "--epochs", "100", "--folds", "3", "--out", P("cv"), "--quiet");
        WriteHostileIris(P("hostile.csv"));
        Train("hostile", "--epochs", "50", "--data", P("hostile.csv"));
    }

    public string Dir { get; }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "report", name);

    public string P(params string[] parts) => Path.Combine([Dir, .. parts]);

    /// <summary>Writes the report of the given directories to a new file and returns its path.</summary>
    public string Report(string name, params string[] dirs)
    {
        string html = P(name + ".html");
        Ok(["report", .. dirs, "--out", html]);
        return html;
    }

    /// <summary>metrics.csv's rows as numbers, by epoch: each column's value (empty fields are absent).</summary>
    public static Dictionary<int, Dictionary<string, double>> Metrics(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        var rows = new Dictionary<int, Dictionary<string, double>>();
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            var row = new Dictionary<string, double>();
            for (int i = 1; i < f.Length; i++)
            {
                if (f[i].Length > 0) row[header[i]] = double.Parse(f[i], CultureInfo.InvariantCulture);
            }
            rows[int.Parse(f[0], CultureInfo.InvariantCulture)] = row;
        }
        return rows;
    }

    private void Train(string name, params string[] args) => Ok(["train", .. args, "--out", P(name), "--quiet"]);

    private void Ok(params string[] args)
    {
        Cli.Result r = Cli.Run(Dir, args);
        Assert.True(r.ExitCode == 0, $"irisnet {string.Join(' ', args)}: exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
    }

    private static void WriteHostileIris(string path)
    {
        string[] classes = ["setosa", "versicolor", "virginica"];
        var text = new StringBuilder();
        foreach (string line in File.ReadAllLines(Repo.IrisCsv))
        {
            int comma = line.LastIndexOf(',');
            int k = Array.IndexOf(classes, line[(comma + 1)..].Trim());
            text.Append(k < 0 ? line : line[..(comma + 1)] + Quote(HostileClasses[k])).Append('\n');
        }
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
