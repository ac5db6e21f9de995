using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace IrisNet.Cli;

public static class TrainCommand
{
    public static Command Build()
    {
        var set = new ModelOptionSet();
        var outDir = new Option<string?>("--out") { Description = "Run directory to create [default: runs/<UTC timestamp>]", HelpName = "DIR" };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the run directory (and errors)" };
        var verbose = new Option<bool>("--verbose") { Description = "Print every epoch, and stack traces with errors" };
        var command = new Command("train", "Train the network and write a run directory: model.json, metrics.csv, summary.json, loss.png, accuracy.png, confusion.png.");
        set.AddTo(command, training: true);
        command.Options.Add(outDir);
        command.Options.Add(quiet);
        command.Options.Add(verbose);
        command.SetAction(p => Run(set, p, p.GetValue(outDir), p.GetValue(quiet), p.GetValue(verbose)));
        return command;
    }

    private static int Run(ModelOptionSet set, ParseResult p, string? outDir, bool quiet, bool verbose)
    {
        var (options, init) = set.Read(p);
        DataSource source = set.LoadData(p);
        Dataset data = source.Data;
        if (data.ClassCount < 2)
            throw new DataException(source.Name, 0, 0, $"every row has the class '{data.ClassNames[0]}'; training a classifier needs at least two classes (is --label the right column?).");
        init = init?.MatchNames(data.FeatureNames, data.ClassNames, p.GetValue(set.Init));
        init?.Validate(data.FeatureCount, data.ClassCount, options.Bias, p.GetValue(set.Init));
        var (train, test) = data.SplitStratified(options.TestFraction, options.Seed);
        options.ValidateFor(train.Count, train.FeatureCount, train.ClassCount);
        RunDirectory run = RunDirectory.Create(outDir);

        using var cancel = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
        {
            ctx.Cancel = true; // finish the current epoch, write the artifacts, exit 130
            cancel.Cancel();
        });

        var progress = new ProgressView(options.Epochs, quiet, verbose);
        var history = new List<EpochMetrics>();
        TrainingResult result;
        try
        {
            result = progress.Run(onEpoch =>
                Trainer.Train(train, test, options, init, m => { history.Add(m); onEpoch(m); }, cancel.Token));
        }
        catch (TrainingDivergedException e)
        {
            run.WriteText("metrics.csv", RunDirectory.MetricsCsv(e.History));
            run.WriteText("summary.json", RunDirectory.SummaryJson(Summary("failed", e.Message, options, p.GetValue(set.Init), source, train, test, null, null, e.History.Count, 0)));
            Console.Error.WriteLine($"irisnet: error: {e.Message}");
            Console.Error.WriteLine($"irisnet: wrote {run.File("metrics.csv")} (epochs 1-{e.History.Count}) and {run.File("summary.json")}; no model was saved.");
            return ExitCode.Failure;
        }

        string status = result.Interrupted ? "interrupted" : "completed";
        run.WriteText("model.json", ModelJson.Serialize(result.Model.WithData(
            new TrainingData(source.Name, source.Sha256, data.LabelName, data.Count), DataSplit.Of(options))));
        run.WriteText("metrics.csv", RunDirectory.MetricsCsv(result.History));
        run.WriteText("summary.json", RunDirectory.SummaryJson(Summary(status, null, options, p.GetValue(set.Init), source, train, test,
            result.FinalTrain, result.FinalTest, result.EpochsRun, result.TrainSeconds)));
        if (result.History.Count > 0)
        {
            run.Write("loss.png", tmp => Plots.Loss(result.History, tmp));
            run.Write("accuracy.png", tmp => Plots.Accuracy(result.History, tmp));
        }
        run.Write("confusion.png", tmp => Plots.Confusion(result.FinalTest ?? result.FinalTrain, result.FinalTest is null ? "training rows" : "test rows", tmp));
        run.Write("regions.png", tmp => Plots.Regions(result.Model, train, test, tmp));

        if (quiet) Console.WriteLine(run.Path);
        else Report.Final(result, run, status);
        if (result.Interrupted)
        {
            Console.Error.WriteLine($"irisnet: interrupted after epoch {result.EpochsRun}; artifacts of the completed epochs are in {run.Path}.");
            return ExitCode.Interrupted;
        }
        return ExitCode.Success;
    }

    private static SummaryInput Summary(string status, string? error, TrainingOptions o, string? init, DataSource source, Dataset train, Dataset? test,
        Evaluation? finalTrain, Evaluation? finalTest, int epochs, double seconds) =>
        new(status, error, o, init, source.Name, source.Sha256, source.Data.Count, train.Count, test?.Count ?? 0, source.Data.LabelName,
            source.Data.FeatureNames, source.Data.ClassNames, finalTrain, finalTest, epochs, seconds);
}
