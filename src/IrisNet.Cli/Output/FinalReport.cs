using IrisNet.Cli.Runs;
using IrisNet.Scoring;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Output;

/// <summary>The end-of-run report: metrics table, confusion matrix with class names, files written.</summary>
public static class FinalReport
{
    public static void Final(TrainingResult r, RunDirectory run, string status)
    {
        string timing = r.Timing.SteadyMedianSeconds is double median
            ? $"first epoch {Format.F(r.Timing.FirstEpochSeconds * 1e6, 1)} µs, then a median of " +
                $"{Format.F(median * 1e6, 1)} µs per epoch"
            : $"{Format.F(r.MicrosecondsPerEpoch, 1)} µs per epoch";
        AnsiConsole.WriteLine($"Run {status}: {r.EpochsRun} epochs, training loop {Format.F(r.TrainSeconds, 3)} s.");
        AnsiConsole.WriteLine($"Timing: {timing}.");
        if (r.Stop == TrainingStop.EarlyStopped)
            AnsiConsole.WriteLine($"Early stopping: the validation loss did not improve for the last " +
                $"{r.EpochsRun - r.BestEpoch!.Value} epochs; stopped after epoch {r.EpochsRun}.");
        if (r.BestEpoch is int best)
        {
            var bestRow = r.History.FirstOrDefault(m => m.Epoch == best);
            string loss = bestRow.Epoch == best && bestRow.ValidationLoss is double vl
                ? $" (validation loss {Format.F(vl, 6)})" : "";
            AnsiConsole.WriteLine($"Restored the weights of epoch {best}, the lowest validation loss{loss}; the " +
                $"final metrics and model.json use them.");
        }
        else AnsiConsole.WriteLine("Final metrics use the weights after the last update.");
        var metrics = new Table().Title("Final metrics");
        metrics.AddColumns("set", "rows", "loss", "accuracy");
        metrics.AddRow("train", r.FinalTrain.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Format.F(r.FinalTrain.Loss, 6), Format.F(r.FinalTrain.Accuracy));
        if (r.FinalValidation is Evaluation v)
            metrics.AddRow("validation", v.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.F(v.Loss, 6), Format.F(v.Accuracy));
        if (r.FinalTest is Evaluation t)
            metrics.AddRow("test", t.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.F(t.Loss,
                6), Format.F(t.Accuracy));
        AnsiConsole.Write(metrics);
        Evaluation shown = r.FinalTest ?? r.FinalTrain;
        AnsiConsole.Write(Confusion(shown, r.FinalTest is null ? "training rows" : "test rows"));
        AnsiConsole.WriteLine("Files written:");
        foreach (string f in run.Written) AnsiConsole.WriteLine("  " + f);
    }

    /// <summary>Up to this many classes the terminal shows the whole confusion matrix; above, a digest of 11 and
    /// "other".</summary>
    public const int TerminalClasses = 12;

    /// <summary>
    /// The confusion matrix with per-class precision, recall and F1; above <see cref="TerminalClasses"/>
    /// classes the <see cref="ConfusionDigest"/> of the classes with the most errors, its pooled row
    /// without scores, and a caption saying where every class's scores are.
    /// </summary>
    public static Table Confusion(Evaluation e, string what)
    {
        var digest = ConfusionDigest.Of(e, TerminalClasses - 1);
        string shown = digest.Pooled > 0 ?
            $", the {digest.Classes.Length} classes with the most errors of {e.ClassNames.Count}" : "";
        var table = new
            Table().Title($"Confusion matrix, {Terminal.Markup(what)}{shown} (rows: actual, columns: predicted)");
        table.AddColumn("actual \\ predicted");
        foreach (string c in digest.Names) table.AddColumn(new TableColumn(Terminal.Markup(c)).RightAligned());
        table.AddColumn(new TableColumn("precision").RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        table.AddColumn(new TableColumn("F1").RightAligned());
        for (int i = 0; i < digest.Names.Length; i++)
        {
            var cells = new List<string> { Terminal.Markup(digest.Names[i]) };
            cells.AddRange(digest.Counts[i].Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (i < digest.Classes.Length)
            {
                int k = digest.Classes[i];
                cells.Add(Format.F(e.Precision[k], 3));
                cells.Add(Format.F(e.Recall[k], 3));
                cells.Add(Format.F(e.F1[k], 3));
            }
            else cells.AddRange(["", "", ""]);
            table.AddRow(cells.ToArray());
        }
        if (digest.Pooled > 0)
            table.Caption($"'other' pools {digest.Pooled} classes; every class's scores are in the JSON (per_class, " +
                $"confusion_cells).");
        return table;
    }
}
