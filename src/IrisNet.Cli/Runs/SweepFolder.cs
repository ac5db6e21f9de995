using System.Globalization;
using System.Text;
using System.Text.Json;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Reports;
using IrisNet.Errors;
using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// A sweep's directory: claimed new like a run directory (<see cref="RunDirectory.Create"/>), or claimed again
/// to resume an interrupted sweep (the same marker, <see cref="RunDirectory.ClaimFile"/>). Every file is
/// written to a temporary name and renamed (<see cref="AtomicFile"/>); folds.csv too, after its last row, so
/// leaderboard.csv, folds.csv and summary.json always describe the same completed configurations.
/// </summary>
public sealed class SweepFolder
{
    public const string FoldsHeader = "config," + Commands.CvCommand.FoldsHeader;

    private readonly List<string> _written = [];
    private readonly RunDirectory? _run;
    private readonly bool _resumed;

    private SweepFolder(string path, RunDirectory? run, bool resumed) => (Path, _run, _resumed) = (path, run, resumed);

    public string Path { get; }

    public IReadOnlyList<string> Written => _written;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new sweep directory: --out as given, or runs/&lt;UTC timestamp&gt;.</summary>
    public static SweepFolder Create(string? requested, string option)
    {
        RunDirectory run = RunDirectory.Create(requested, option);
        return new SweepFolder(run.Path, run, resumed: false);
    }

    /// <summary>The arguments an interrupted sweep in <paramref name="dir"/> was started with (its
    /// summary.json).</summary>
    /// <exception cref="OptionException">There is no interrupted sweep in the directory.</exception>
    public static IReadOnlyList<string> ResumeArguments(string dir, string option)
    {
        string path = System.IO.Path.Combine(dir, "summary.json");
        if (!System.IO.File.Exists(path))
            throw new OptionException(option,
                $"'{dir}' holds no sweep (no summary.json); give the directory an interrupted sweep wrote.");
        try
        {
            using JsonDocument doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            if (!root.TryGetProperty("command", out JsonElement c) || c.GetString() != "sweep")
                throw new OptionException(option,
                    $"'{dir}' is not a sweep directory ({path} is not a sweep's summary).");
            string? status = root.TryGetProperty("status", out JsonElement s) ? s.GetString() : null;
            if (status != "interrupted")
                throw new OptionException(option,
                    $"the sweep in '{dir}' is {status}, not interrupted: there is nothing to resume.");
            return root.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or
            IOException)
        {
            throw new OptionException(option, $"{path} cannot be read as a sweep's summary: {e.Message}");
        }
    }

    /// <summary>Claims an interrupted sweep's directory again.</summary>
    public static SweepFolder Resume(string dir, string option)
    {
        try
        {
            using (new FileStream(System.IO.Path.Combine(dir, RunDirectory.ClaimFile), FileMode.CreateNew,
                FileAccess.Write))
            {
            }
        }
        catch (IOException)
        {
            throw new OptionException(option, $"'{dir}' is being written by another irisnet run (its marker "
                + $"{RunDirectory.ClaimFile} is there); wait for it, or delete the marker if no irisnet run is " +
                    $"writing it.");
        }
        return new SweepFolder(dir, null, resumed: true);
    }

    public void Release()
    {
        if (_run is not null)
        {
            _run.Release();
            return;
        }
        try
        {
            System.IO.File.Delete(File(RunDirectory.ClaimFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A marker left behind only asks the next resume to check that no run is writing.
        }
    }

    /// <summary>The configurations an interrupted sweep completed, from its leaderboard.csv; none for a new
    /// sweep.</summary>
    /// <exception cref="DataException">The leaderboard names a configuration the sweep does not have, or with other
    /// values.</exception>
    public IEnumerable<SweepEntry> Completed(IReadOnlyList<SweepConfiguration> configurations, int folds)
    {
        string path = File("leaderboard.csv");
        if (!_resumed || System.IO.File.ReadLines(path).Skip(1).All(l => l.Length == 0)) return [];
        var byId = configurations.Select((c, i) => (c, i)).ToDictionary(t => t.c.Id, t => t.i);
        var entries = new List<SweepEntry>();
        foreach (LeaderboardRow row in LeaderboardFile.Read(path).Rows)
        {
            if (!byId.TryGetValue(row.Config, out int index))
                throw new DataException(path, row.Line, 2,
                    $"the configuration '{row.Config}' is not one of this sweep's.");
            bool diverged = double.IsNaN(row.AccuracyMean);
            entries.Add(new SweepEntry(index, [], row.AccuracyMean, row.AccuracySd, row.LossMean, row.LossSd,
                row.FitSeconds,
                diverged ? "diverged (before resuming)" : null)
            { FoldCount = folds });
        }
        return entries;
    }

    /// <summary>Opens folds.csv for writing: a temporary file holding the rows written so far, renamed on
    /// completion.</summary>
    public FoldsWriter OpenFolds() => new(this);

    /// <summary>folds.csv, written under a temporary name and renamed into place by <see cref="Complete"/>.</summary>
    public sealed class FoldsWriter : IDisposable
    {
        private readonly SweepFolder _folder;
        private readonly string _temp;
        private readonly StreamWriter _writer;
        private bool _completed;

        internal FoldsWriter(SweepFolder folder)
        {
            _folder = folder;
            _temp = folder.File($".folds.csv.incomplete-{Environment.ProcessId}");
            string final = folder.File("folds.csv");
            if (folder._resumed && System.IO.File.Exists(final)) System.IO.File.Copy(final, _temp, overwrite: true);
            else System.IO.File.WriteAllText(_temp, FoldsHeader + "\n", new UTF8Encoding(false));
            _writer = new StreamWriter(_temp, append: true, new UTF8Encoding(false)) { NewLine = "\n" };
        }

        /// <summary>Every epoch of every fold of a configuration, folds in (repeat, fold) order.</summary>
        public void Add(string id, SweepEntry entry, IReadOnlyList<IReadOnlyList<EpochMetrics>> histories)
        {
            for (int f = 0; f < entry.Folds.Count; f++)
            {
                FoldResult fold = entry.Folds[f];
                string prefix = string.Create(CultureInfo.InvariantCulture, $"{id},{fold.Repeat},{fold.Fold},");
                foreach (EpochMetrics m in histories[f])
                {
                    _writer.Write(prefix);
                    _writer.Write(m.Epoch.ToString(CultureInfo.InvariantCulture));
                    _writer.Write(',');
                    _writer.Write(Format.R(m.TrainLoss));
                    _writer.Write(',');
                    _writer.Write(Format.R(m.TrainAccuracy));
                    _writer.Write(',');
                    _writer.Write(Format.R(m.TestLoss!.Value));
                    _writer.Write(',');
                    _writer.Write(Format.R(m.TestAccuracy!.Value));
                    _writer.Write('\n');
                }
            }
        }

        public void Complete()
        {
            _writer.Dispose();
            System.IO.File.Move(_temp, _folder.File("folds.csv"), overwrite: true);
            _completed = true;
            _folder.Added("folds.csv");
        }

        public void Dispose()
        {
            _writer.Dispose();
            if (!_completed && System.IO.File.Exists(_temp)) System.IO.File.Delete(_temp);
        }
    }

    private void Added(string name)
    {
        string path = File(name);
        if (!_written.Contains(path)) _written.Add(path);
    }

    public void Write(string name, Action<string> writeTo)
    {
        AtomicFile.Write(File(name), writeTo);
        Added(name);
    }

    public void WriteText(string name, string text) =>
        Write(name, tmp => System.IO.File.WriteAllText(tmp, text, new UTF8Encoding(false)));

    /// <summary>
    /// leaderboard.csv in the shape of docs/report.md: rank, config, one column per varied option (its value as
    /// given), the held-out accuracy and loss mean and SD (shortest round-trip text, so a resume reads them
    /// exactly), fit_seconds.
    /// </summary>
    public void WriteLeaderboard(IReadOnlyList<SweepDimension> dimensions,
        IReadOnlyList<SweepConfiguration> configurations,
        IReadOnlyList<(SweepEntry Entry, int Rank)> ranked)
    {
        int[] varied = Enumerable.Range(0, dimensions.Count).Where(i => dimensions[i].Varies).ToArray();
        var text = new StringBuilder();
        text.Append("rank,config");
        foreach (int i in varied) text.Append(',').Append(Csv(dimensions[i].Column));
        text.Append(',').Append(string.Join(',', LeaderboardFile.Scores)).Append('\n');
        foreach (var (e, rank) in ranked)
        {
            SweepConfiguration c = configurations[e.Index];
            text.Append(rank.ToString(CultureInfo.InvariantCulture)).Append(',').Append(c.Id);
            foreach (int i in varied) text.Append(',').Append(Csv(c.Values[i]));
            foreach (double v in new[] { e.AccuracyMean, e.AccuracySd, e.LossMean, e.LossSd, e.Seconds })
                text.Append(',').Append(Format.R(v));
            text.Append('\n');
        }
        WriteText("leaderboard.csv", text.ToString());
    }

    /// <summary>An RFC 4180 field: quoted, with quotes doubled, when it holds a comma, a quote or a line
    /// break.</summary>
    private static string Csv(string field) => field.AsSpan().IndexOfAny(",\"\r\n") < 0
        ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public void WriteSummary(SweepSummary summary) =>
        WriteText("summary.json", summary.Json([.. _written.Select(System.IO.Path.GetFileName).OfType<string>(),
            "summary.json"]));
}
