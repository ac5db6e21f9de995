using System.Globalization;
using System.Text.Json;
using IrisNet.Cli.Output;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Cli.Reports;

/// <summary>Builds a page's content from one train run, several, a cv directory or a sweep directory.</summary>
internal static class ReportBuilder
{
    /// <summary>A cross-validation's folds are drawn one by one up to this many (more are listed, off at first).</summary>
    public const int FoldsShown = 10;

    /// <summary>A sweep keeps fewer rows per fold: it carries one mean curve per configuration.</summary>
    public const int SweepCapacity = 512;

    public static ReportContent Run(RunFolder run)
    {
        SummaryJson? s = run.Summary;
        var sub = new Html();
        sub.Text($"run {run.Name} · ");
        ReportSections.Status(sub, s);
        sub.Text(" · " + RunFacts(run));
        var after = new Html();
        after.Raw("<section id=\"summary\"><h2>Summary</h2>\n");
        if (s is null) after.Element("p", "This run directory has no summary.json: the run is still writing or was killed.", "note");
        else
        {
            ReportSections.FinalScores(after, s);
            ReportSections.Confusion(after, s);
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
        }
        after.Raw("</section>\n");
        if (run.Pictures.Count > 0)
        {
            after.Raw("<section id=\"pictures\"><h2>Pictures</h2>\n");
            ReportSections.Pictures(after, run.Pictures);
            after.Raw("</section>\n");
        }
        return new ReportContent("run", $"IrisNet run {run.Name}", sub.ToString(), "test", [new CurveSet(run.Name, run.Rows)], "",
            after.ToString());
    }

    public static ReportContent Runs(IReadOnlyList<RunFolder> runs)
    {
        var (labels, differing) = Labels(runs);
        var sub = new Html();
        sub.Text($"{runs.Count} runs, named by the options in which they differ: " +
            (differing.Count > 0 ? string.Join(", ", differing) : "none (named by directory)"));
        var after = new Html();
        after.Raw("<section id=\"summary\"><h2>Runs</h2>\n");
        var rows = runs.Select((r, i) =>
        {
            var status = new Html();
            ReportSections.Status(status, r.Summary);
            JsonElement? train = r.Summary?.Get("final", "train"), test = r.Summary?.Get("final", "test");
            return (IReadOnlyList<Cell>)[labels[i], r.Name, r.Summary?.String("status") ?? "no summary.json",
                Cell.Number(SummaryJson.I(r.Rows.Count > 0 ? r.Rows[^1].Epoch : 0), r.Rows.Count > 0 ? r.Rows[^1].Epoch : 0),
                Score(train, "loss", ReportSections.Loss), Score(train, "accuracy", ReportSections.Accuracy),
                Score(test, "loss", ReportSections.Loss), Score(test, "accuracy", ReportSections.Accuracy)];
        });
        after.Table("Final weights of each run", ["run", "directory", "status", "epochs", "train loss", "train accuracy",
            "test loss", "test accuracy"], rows.ToArray());
        OptionsSideBySide(after, runs, labels);
        after.Raw("</section>\n<section id=\"details\"><h2>Each run</h2>\n");
        for (int i = 0; i < runs.Count; i++)
        {
            after.Raw("<details><summary>").Text($"{labels[i]} ({runs[i].Name})").Raw("</summary>\n");
            if (runs[i].Summary is SummaryJson s)
            {
                ReportSections.FinalScores(after, s);
                ReportSections.Confusion(after, s);
            }
            ReportSections.Pictures(after, runs[i].Pictures);
            after.Raw("</details>\n");
        }
        after.Raw("</section>\n");
        var sets = runs.Select((r, i) => new CurveSet(labels[i], r.Rows)).ToArray();
        return new ReportContent("runs", $"IrisNet: {runs.Count} runs compared", sub.ToString(), "test", sets, "", after.ToString());
    }

    public static ReportContent Cv(string dir)
    {
        string name = RunFolder.NameOf(dir);
        SummaryJson? s = SummaryJson.Read(Path.Combine(dir, "summary.json"));
        IReadOnlyList<FoldCurve> folds = FoldsFile.Read(Path.Combine(dir, "folds.csv"))
            .OrderBy(f => f.Repeat).ThenBy(f => f.Fold).ToArray();
        var sets = new List<CurveSet>();
        if (FoldsFile.Mean(folds) is IReadOnlyList<EpochMetrics> mean && folds.Count > 1)
            sets.Add(new CurveSet($"mean over {folds.Count} folds", mean));
        sets.AddRange(folds.Select(f => new CurveSet(f.Name, f.Rows, folds.Count <= FoldsShown || sets.Count == 0)));

        var sub = new Html();
        sub.Text($"cross-validation {name} · ");
        ReportSections.Status(sub, s);
        if (s?.Number("cross_validation", "folds") is double k && s.Number("cross_validation", "repeats") is double r)
            sub.Text($" · {k.ToString(CultureInfo.InvariantCulture)} folds × {r.ToString(CultureInfo.InvariantCulture)} repeats");
        if (s?.String("data", "file") is string data) sub.Text($" · data {data}");
        var after = new Html();
        after.Raw("<section id=\"summary\"><h2>Held-out scores</h2>\n");
        if (s?.Get("heldout") is JsonElement heldout)
        {
            double N(params string[] p) => SummaryJson.Find(heldout, p)?.GetDouble() ?? double.NaN;
            after.Table(null, ["", "value"],
            [
                ["accuracy, mean ± SD over folds", $"{Format.F(N("accuracy_mean"))} ± {Format.F(N("accuracy_sd"))}"],
                ["loss, mean ± SD over folds", $"{Format.F(N("loss_mean"), 6)} ± {Format.F(N("loss_sd"), 6)}"],
                ["pooled accuracy, 95 % Wilson interval", $"{Format.F(N("pooled", "accuracy"))} " +
                    $"[{Format.F(N("accuracy_interval_95", "low"))}, {Format.F(N("accuracy_interval_95", "high"))}]"],
            ]);
        }
        if (s?.Get("folds") is { ValueKind: JsonValueKind.Array } foldList)
        {
            var rows = foldList.EnumerateArray().Select(f => (IReadOnlyList<Cell>)[Plain(f, "repeat"), Plain(f, "fold"),
                Plain(f, "train_rows"), Plain(f, "heldout_rows"), ReportSections.Number(f, "train_loss", ReportSections.Loss),
                ReportSections.Number(f, "train_accuracy", ReportSections.Accuracy),
                ReportSections.Number(f, "heldout_loss", ReportSections.Loss),
                ReportSections.Number(f, "heldout_accuracy", ReportSections.Accuracy)]).ToArray();
            after.Table("Folds", ["repeat", "fold", "train rows", "held-out rows", "train loss", "train accuracy", "held-out loss",
                "held-out accuracy"], rows);
        }
        if (s?.Get("heldout", "pooled") is JsonElement pooled)
            ReportSections.ConfusionOf(after, pooled, s.Strings("classes"), "pooled held-out rows");
        if (s is not null)
        {
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
        }
        after.Raw("</section>\n");
        IReadOnlyList<Picture> pictures = RunFolder.ReadPictures(dir, [("cv.png", "Mean loss over the folds with its min–max band (cv.png)")]);
        if (pictures.Count > 0)
        {
            after.Raw("<section id=\"pictures\"><h2>Pictures</h2>\n");
            ReportSections.Pictures(after, pictures);
            after.Raw("</section>\n");
        }
        return new ReportContent("cv", $"IrisNet cross-validation {name}", sub.ToString(), "held-out", sets, "", after.ToString());
    }

    public static ReportContent Sweep(string dir)
    {
        string name = RunFolder.NameOf(dir);
        LeaderboardFile board = LeaderboardFile.Read(Path.Combine(dir, "leaderboard.csv"));
        SummaryJson? s = SummaryJson.Read(Path.Combine(dir, "summary.json"));
        string foldsPath = Path.Combine(dir, "folds.csv");
        IReadOnlyList<FoldCurve> folds = File.Exists(foldsPath) ? FoldsFile.Read(foldsPath, SweepCapacity) : [];
        var byConfig = folds.GroupBy(f => f.Config, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        if (folds.Count > 0 && byConfig.Keys.FirstOrDefault(c => !board.Rows.Any(r => r.Config == c)) is string unknown)
            throw new DataException(foldsPath, 0, 0, $"holds folds of the configuration '{unknown}', which leaderboard.csv does not list.");
        var sets = board.Rows.Select((r, i) => new CurveSet($"{r.Config} (rank {SummaryJson.I(r.Rank)})",
            byConfig.TryGetValue(r.Config, out FoldCurve[]? f) ? FoldsFile.Mean(f) ?? f[0].Rows : [], i == 0)).ToArray();

        var sub = new Html();
        sub.Text($"sweep {name} · ");
        ReportSections.Status(sub, s);
        sub.Text($" · {board.Rows.Count} configurations");
        if (s?.String("data", "file") is string data) sub.Text($" · data {data}");
        var before = new Html();
        before.Raw("<section id=\"sweep\"><h2>Leaderboard</h2>\n")
            .Element("p", "Click a heading to sort by it; click a configuration to draw its curves (mean over its folds), " +
                "Ctrl- or Shift-click to add it to those drawn.", "note");
        var head = new List<Cell> { "rank", "config" };
        head.AddRange(board.OptionNames.Select(o => new Cell(o)));
        head.AddRange(["held-out accuracy", "± SD", "held-out loss", "± SD", "fit (s)"]);
        var rows = board.Rows.Select(r =>
        {
            var cells = new List<Cell> { Cell.Number(SummaryJson.I(r.Rank), r.Rank), r.Config };
            cells.AddRange(r.Options.Select(o => double.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? Cell.Number(o, v) : new Cell(o)));
            cells.AddRange([Cell.Number(Format.F(r.AccuracyMean), r.AccuracyMean), Cell.Number(Format.F(r.AccuracySd), r.AccuracySd),
                Cell.Number(Format.F(r.LossMean, 6), r.LossMean), Cell.Number(Format.F(r.LossSd, 6), r.LossSd),
                Cell.Number(Format.F(r.FitSeconds, 2), r.FitSeconds)]);
            return (IReadOnlyList<Cell>)cells;
        }).ToArray();
        before.Table(null, head, rows, "leaderboard", i => $"data-set=\"{SummaryJson.I(i)}\"");
        before.Raw("</section>\n");
        var after = new Html();
        if (s is not null)
        {
            after.Raw("<section id=\"summary\"><h2>Sweep</h2>\n");
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
            after.Raw("</section>\n");
        }
        return new ReportContent("sweep", $"IrisNet sweep {name}", sub.ToString(), "held-out", sets, before.ToString(), after.ToString());
    }

    /// <summary>Each run's label: name=value for every option whose value is not the same in all runs (the directory name when none differs).</summary>
    public static (string[] Labels, IReadOnlyList<string> Differing) Labels(IReadOnlyList<RunFolder> runs)
    {
        var values = runs.Select(r => r.Options.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First().Value)).ToArray();
        var names = runs.SelectMany(r => r.Options.Select(o => o.Name)).Distinct().ToArray();
        var differing = names.Where(n => values.Select(v => v.GetValueOrDefault(n, "—")).Distinct().Count() > 1).ToArray();
        string[] labels = values.Select((v, i) => differing.Length == 0 ? runs[i].Name
            : string.Join(", ", differing.Select(n => $"{n}={v.GetValueOrDefault(n, "—")}"))).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels.Count(l => l == labels[i]) > 1) labels[i] += $" ({runs[i].Name})";
        }
        return (labels, differing);
    }

    private static void OptionsSideBySide(Html h, IReadOnlyList<RunFolder> runs, string[] labels)
    {
        var values = runs.Select(r => r.Options.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First().Value)).ToArray();
        var names = runs.SelectMany(r => r.Options.Select(o => o.Name)).Distinct().ToArray();
        if (names.Length == 0) return;
        bool[] differs = names.Select(n => values.Select(v => v.GetValueOrDefault(n, "—")).Distinct().Count() > 1).ToArray();
        var head = new List<Cell> { "" };
        head.AddRange(labels.Select(l => new Cell(l)));
        var rows = names.Select(n =>
        {
            var cells = new List<Cell> { n };
            cells.AddRange(values.Select(v => new Cell(v.GetValueOrDefault(n, "—"))));
            return (IReadOnlyList<Cell>)cells;
        }).ToArray();
        h.Table("Options (rows that differ are marked)", head, rows, rowClass: i => differs[i] ? "differs" : null);
    }

    private static string RunFacts(RunFolder run)
    {
        var facts = new List<string>();
        int epochs = run.Rows.Count > 0 ? run.Rows[^1].Epoch : 0;
        facts.Add($"{SummaryJson.I(epochs)} epochs");
        if (run.Summary is SummaryJson s)
        {
            if (s.String("data", "file") is string data)
            {
                string split = s.Number("data", "rows") is double rows
                    ? $", {rows.ToString(CultureInfo.InvariantCulture)} rows ({s.Number("data", "train_rows") ?? 0} train, " +
                      $"{s.Number("data", "test_rows") ?? 0} test" +
                      (s.Number("data", "validation_rows") is double v ? $", {v.ToString(CultureInfo.InvariantCulture)} validation" : "") + ")"
                    : "";
                facts.Add($"data {data}{split}");
            }
            if (s.Number("timing", "train_seconds") is double seconds) facts.Add($"trained in {Format.F(seconds, 2)} s");
        }
        return string.Join(" · ", facts);
    }

    private static Cell Score(JsonElement? set, string name, Func<double, string> format) =>
        set is JsonElement e ? ReportSections.Number(e, name, format) : "";

    private static Cell Plain(JsonElement e, string name) =>
        SummaryJson.Find(e, name) is { ValueKind: JsonValueKind.Number } v ? Cell.Number(v.GetRawText(), v.GetDouble()) : "";
}
