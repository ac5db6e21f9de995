using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace IrisNet.Cli;

/// <summary>The end-of-run report: metrics table, confusion matrix with class names, files written.</summary>
public static class Report
{
    public static void Final(TrainingResult r, RunDirectory run, string status)
    {
        AnsiConsole.WriteLine($"Run {status}: {r.EpochsRun} epochs, training loop {Format.F(r.TrainSeconds, 3)} s ({Format.F(r.MicrosecondsPerEpoch, 1)} µs per epoch). Final metrics use the weights after the last update.");
        var metrics = new Table().Title("Final metrics");
        metrics.AddColumns("set", "rows", "loss", "accuracy");
        metrics.AddRow("train", r.FinalTrain.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.F(r.FinalTrain.Loss, 6), Format.F(r.FinalTrain.Accuracy));
        if (r.FinalTest is Evaluation t)
            metrics.AddRow("test", t.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.F(t.Loss, 6), Format.F(t.Accuracy));
        AnsiConsole.Write(metrics);
        Evaluation shown = r.FinalTest ?? r.FinalTrain;
        AnsiConsole.Write(Confusion(shown, r.FinalTest is null ? "training rows" : "test rows"));
        AnsiConsole.WriteLine("Files written:");
        foreach (string f in run.Written) AnsiConsole.WriteLine("  " + f);
    }

    public static Table Confusion(Evaluation e, string what)
    {
        var table = new Table().Title($"Confusion matrix, {Terminal.Markup(what)} (rows: actual, columns: predicted)");
        table.AddColumn("actual \\ predicted");
        foreach (string c in e.ClassNames) table.AddColumn(new TableColumn(Terminal.Markup(c)).RightAligned());
        table.AddColumn(new TableColumn("precision").RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        table.AddColumn(new TableColumn("F1").RightAligned());
        for (int k = 0; k < e.ClassNames.Count; k++)
        {
            var cells = new List<string> { Terminal.Markup(e.ClassNames[k]) };
            cells.AddRange(e.Confusion[k].Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            cells.Add(Format.F(e.Precision[k], 3));
            cells.Add(Format.F(e.Recall[k], 3));
            cells.Add(Format.F(e.F1[k], 3));
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
