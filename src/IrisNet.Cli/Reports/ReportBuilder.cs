using System.Globalization;
using System.Text.Json;
using IrisNet.Cli.Output;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Cli.Reports;

/// <summary>Builds a page's content from one train run, several, a cv directory or a sweep directory.</summary>
internal static class ReportBuilder
{
    /// <summary>A cross-validation's folds are drawn at first up to this many (more are listed, off).</summary>
    public const int FoldsShown = 10;

    /// <summary>A sweep keeps fewer rows per fold: it carries one mean curve per configuration.</summary>
    public const int SweepCapacity = 512;

    public static ReportContent Run(RunFolder run)
    {
        SummaryJson? s = run.Summary;
        var sub = new Html().Text($"run {run.Name} · ");
        ReportSections.Status(sub, s);
        sub.Text(" · " + RunFacts(run));
        var after = new Html().Raw("<section id=\"summary\"><h2>Summary</h2>\n");
        if (s is null)
        {
            after.Element("p", "This run directory has no summary.json: the run is still writing or was killed.",
                "note");
        }
        else
        {
            ReportSections.FinalScores(after, s);
            ReportSections.Confusion(after, s);
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
        }
        after.Raw("</section>\n");
        PicturesSection(after, run.Pictures);
        return new ReportContent("run", $"IrisNet run {run.Name}", sub.ToString(), "test",
            [new CurveSet(run.Name, run.Rows)], "", after.ToString());
    }

    public static ReportContent Runs(IReadOnlyList<RunFolder> runs)
    {
        var (labels, differing) = Labels(runs);
        var sub = new Html().Text($"{runs.Count} runs, named by the options in which they differ: " +
            (differing.Count > 0 ? string.Join(", ", differing) : "none (named by directory)"));
        var after = new Html().Raw("<section id=\"summary\"><h2>Runs</h2>\n");
        var rows = runs.Select((r, i) =>
        {
            JsonElement? train = r.Summary?.Get("final", "train"), test = r.Summary?.Get("final", "test");
            int epochs = LastEpoch(r.Rows);
            return (IReadOnlyList<Cell>)[labels[i], r.Name, r.Summary?.String("status") ?? "no summary.json",
                Cell.Number(SummaryJson.I(epochs), epochs),
                Score(train, "loss", ReportSections.Loss), Score(train, "accuracy", ReportSections.Accuracy),
                Score(test, "loss", ReportSections.Loss), Score(test, "accuracy", ReportSections.Accuracy)];
        }).ToArray();
        after.Table("Final weights of each run", ["run", "directory", "status", "epochs", "train loss",
            "train accuracy", "test loss", "test accuracy"], rows);
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
        return new ReportContent("runs", $"IrisNet: {runs.Count} runs compared", sub.ToString(), "test", sets, "",
            after.ToString());
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

        var sub = new Html().Text($"cross-validation {name} · ");
        ReportSections.Status(sub, s);
        if (s?.Number("cross_validation", "folds") is double k && s.Number("cross_validation", "repeats") is double r)
            sub.Text(string.Create(CultureInfo.InvariantCulture, $" · {k} folds × {r} repeats"));
        if (s?.String("data", "file") is string data) sub.Text($" · data {data}");
        var after = new Html().Raw("<section id=\"summary\"><h2>Held-out scores</h2>\n");
        if (s?.Get("heldout") is JsonElement heldout) HeldOut(after, heldout);
        if (s?.Get("folds") is { ValueKind: JsonValueKind.Array } foldList) FoldsTable(after, foldList);
        if (s?.Get("heldout", "pooled") is JsonElement pooled)
            ReportSections.ConfusionOf(after, pooled, s.Strings("classes"), "pooled held-out rows");
        if (s is not null)
        {
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
        }
        after.Raw("</section>\n");
        PicturesSection(after,
            RunFolder.ReadPictures(dir, [("cv.png", "Mean loss over the folds, min–max band (cv.png)")]));
        return new ReportContent("cv", $"IrisNet cross-validation {name}", sub.ToString(), "held-out", sets, "",
            after.ToString());
    }

    public static ReportContent Sweep(string dir)
    {
        string name = RunFolder.NameOf(dir);
        LeaderboardFile board = LeaderboardFile.Read(Path.Combine(dir, "leaderboard.csv"));
        SummaryJson? s = SummaryJson.Read(Path.Combine(dir, "summary.json"));
        string foldsPath = Path.Combine(dir, "folds.csv");
        IReadOnlyList<FoldCurve> folds = File.Exists(foldsPath) ? FoldsFile.Read(foldsPath, SweepCapacity) : [];
        var byConfig = folds.GroupBy(f => f.Config, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        if (byConfig.Keys.FirstOrDefault(c => !board.Rows.Any(r => r.Config == c)) is string unknown)
        {
            throw new DataException(foldsPath, 0, 0,
                $"holds folds of the configuration '{unknown}', which leaderboard.csv does not list.");
        }
        IReadOnlyList<EpochMetrics> CurvesOf(string config) =>
            byConfig.TryGetValue(config, out FoldCurve[]? f) ? FoldsFile.Mean(f) ?? f[0].Rows : [];
        var sets = board.Rows.Select((r, i) =>
            new CurveSet($"{r.Config} (rank {SummaryJson.I(r.Rank)})", CurvesOf(r.Config), i == 0)).ToArray();

        var sub = new Html().Text($"sweep {name} · ");
        ReportSections.Status(sub, s);
        sub.Text($" · {board.Rows.Count} configurations");
        if (s?.String("data", "file") is string data) sub.Text($" · data {data}");
        var before = new Html().Raw("<section id=\"sweep\"><h2>Leaderboard</h2>\n")
            .Element("p", "Click a heading to sort by it; click a configuration to draw its curves (mean over its " +
                "folds), Ctrl- or Shift-click to add it to those drawn.", "note");
        var head = new List<Cell> { "rank", "config" };
        head.AddRange(board.OptionNames.Select(o => new Cell(o)));
        head.AddRange(["held-out accuracy", "± SD", "held-out loss", "± SD", "fit (s)"]);
        before.Table(null, head, board.Rows.Select(LeaderboardCells).ToArray(), "leaderboard",
            i => $"data-set=\"{SummaryJson.I(i)}\"");
        before.Raw("</section>\n");
        var after = new Html();
        if (s is not null)
        {
            after.Raw("<section id=\"summary\"><h2>Sweep</h2>\n");
            ReportSections.Options(after, s);
            ReportSections.Data(after, s);
            after.Raw("</section>\n");
        }
        return new ReportContent("sweep", $"IrisNet sweep {name}", sub.ToString(), "held-out", sets, before.ToString(),
            after.ToString());
    }

    /// <summary>
    /// Each run's label: name=value for every option whose value is not the same in all runs (the
    /// directory name when none differs, and after the label when two labels are the same).
    /// </summary>
    public static (string[] Labels, IReadOnlyList<string> Differing) Labels(IReadOnlyList<RunFolder> runs)
    {
        var (names, values) = OptionTable(runs);
        string[] differing = names.Where(n => Differs(values, n)).ToArray();
        string[] labels = values.Select((v, i) => differing.Length == 0 ? runs[i].Name
            : string.Join(", ", differing.Select(n => $"{n}={v.GetValueOrDefault(n, "—")}"))).ToArray();
        string[] unique = labels.Select((l, i) => labels.Count(m => m == l) > 1 ? $"{l} ({runs[i].Name})" : l)
            .ToArray();
        return (unique, differing);
    }

    private static (string[] Names, Dictionary<string, string>[] Values) OptionTable(IReadOnlyList<RunFolder> runs)
    {
        var values = runs.Select(r => r.Options.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First().Value))
            .ToArray();
        return (runs.SelectMany(r => r.Options.Select(o => o.Name)).Distinct().ToArray(), values);
    }

    private static bool Differs(Dictionary<string, string>[] values, string name) =>
        values.Select(v => v.GetValueOrDefault(name, "—")).Distinct().Count() > 1;

    private static void OptionsSideBySide(Html h, IReadOnlyList<RunFolder> runs, string[] labels)
    {
        var (names, values) = OptionTable(runs);
        if (names.Length == 0) return;
        var head = new List<Cell> { "" };
        head.AddRange(labels.Select(l => new Cell(l)));
        var rows = names.Select(n =>
        {
            var cells = new List<Cell> { n };
            cells.AddRange(values.Select(v => new Cell(v.GetValueOrDefault(n, "—"))));
            return (IReadOnlyList<Cell>)cells;
        }).ToArray();
        h.Table("Options (rows that differ are marked)", head, rows,
            rowClass: i => Differs(values, names[i]) ? "differs" : null);
    }

    private static void HeldOut(Html h, JsonElement heldout)
    {
        double N(params string[] p) => SummaryJson.Find(heldout, p)?.GetDouble() ?? double.NaN;
        h.Table(null, ["", "value"],
        [
            ["accuracy, mean ± SD over folds", $"{Format.F(N("accuracy_mean"))} ± {Format.F(N("accuracy_sd"))}"],
            ["loss, mean ± SD over folds", $"{Format.F(N("loss_mean"), 6)} ± {Format.F(N("loss_sd"), 6)}"],
            ["pooled accuracy, 95 % Wilson interval", $"{Format.F(N("pooled", "accuracy"))} " +
                $"[{Format.F(N("accuracy_interval_95", "low"))}, {Format.F(N("accuracy_interval_95", "high"))}]"],
        ]);
    }

    private static void FoldsTable(Html h, JsonElement folds)
    {
        Cell Loss(JsonElement f, string name) => ReportSections.Number(f, name, ReportSections.Loss);
        Cell Accuracy(JsonElement f, string name) => ReportSections.Number(f, name, ReportSections.Accuracy);
        var rows = folds.EnumerateArray().Select(f => (IReadOnlyList<Cell>)[Plain(f, "repeat"), Plain(f, "fold"),
            Plain(f, "train_rows"), Plain(f, "heldout_rows"), Loss(f, "train_loss"), Accuracy(f, "train_accuracy"),
            Loss(f, "heldout_loss"), Accuracy(f, "heldout_accuracy")]).ToArray();
        h.Table("Folds", ["repeat", "fold", "train rows", "held-out rows", "train loss", "train accuracy",
            "held-out loss", "held-out accuracy"], rows);
    }

    private static IReadOnlyList<Cell> LeaderboardCells(LeaderboardRow r)
    {
        var cells = new List<Cell> { Cell.Number(SummaryJson.I(r.Rank), r.Rank), r.Config };
        cells.AddRange(r.Options.Select(o =>
            double.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? Cell.Number(o, v) : new Cell(o)));
        cells.AddRange([Cell.Number(Format.F(r.AccuracyMean), r.AccuracyMean),
            Cell.Number(Format.F(r.AccuracySd), r.AccuracySd), Cell.Number(Format.F(r.LossMean, 6), r.LossMean),
            Cell.Number(Format.F(r.LossSd, 6), r.LossSd), Cell.Number(Format.F(r.FitSeconds, 2), r.FitSeconds)]);
        return cells;
    }

    private static void PicturesSection(Html h, IReadOnlyList<Picture> pictures)
    {
        if (pictures.Count == 0) return;
        h.Raw("<section id=\"pictures\"><h2>Pictures</h2>\n");
        ReportSections.Pictures(h, pictures);
        h.Raw("</section>\n");
    }

    private static string RunFacts(RunFolder run)
    {
        var facts = new List<string> { $"{SummaryJson.I(LastEpoch(run.Rows))} epochs" };
        if (run.Summary is SummaryJson s)
        {
            if (s.String("data", "file") is string data)
            {
                string split = "";
                if (s.Number("data", "rows") is double rows)
                {
                    double train = s.Number("data", "train_rows") ?? 0, test = s.Number("data", "test_rows") ?? 0;
                    split = string.Create(CultureInfo.InvariantCulture, $", {rows} rows ({train} train, {test} test");
                    if (s.Number("data", "validation_rows") is double v)
                        split += string.Create(CultureInfo.InvariantCulture, $", {v} validation");
                    split += ")";
                }
                facts.Add($"data {data}{split}");
            }
            if (s.Number("timing", "train_seconds") is double seconds)
                facts.Add($"trained in {Format.F(seconds, 2)} s");
        }
        return string.Join(" · ", facts);
    }

    private static int LastEpoch(IReadOnlyList<EpochMetrics> rows) => rows.Count > 0 ? rows[^1].Epoch : 0;

    private static Cell Score(JsonElement? set, string name, Func<double, string> format) =>
        set is JsonElement e ? ReportSections.Number(e, name, format) : "";

    private static Cell Plain(JsonElement e, string name) =>
        SummaryJson.Find(e, name) is { ValueKind: JsonValueKind.Number } v
            ? Cell.Number(v.GetRawText(), v.GetDouble()) : "";
}
