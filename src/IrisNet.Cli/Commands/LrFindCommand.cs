using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Plotting;
using IrisNet.Cli.Runs;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet lr-find: the learning-rate range test (fastai's lr_find) on the training rows of the split train
/// would use, with the options' network, optimizer and batch size. Writes lr_find.csv and lr_find.png to a
/// run directory and prints one line: the suggested rate and how it was chosen.
/// </summary>
public static class LrFindCommand
{
    public const string Header = "step,lr,loss,smoothed_loss";

    public static Command Build()
    {
        var set = new ModelOptionSet();
        // Bound to LearningRateFinder.Run's parameters, whose names its errors give.
        var start = new BoundOption<double>("--start-lr", "startLr")
        {
            Description = "The first learning rate",
            DefaultValueFactory = _ => 1e-7,
        };
        var end = new BoundOption<double>("--end-lr", "endLr")
        {
            Description = "The last learning rate (the rate grows exponentially to it)",
            DefaultValueFactory = _ => 10,
        };
        Option<int> steps = SharedOptions.RangeTestSteps();
        Option<string?> outDir = SharedOptions.RunDirectory();
        var command = new Command("lr-find",
            "Learning-rate range test: train briefly with the rate growing exponentially, write lr_find.csv and " +
            "lr_find.png (loss against rate, suggestion marked), print the suggested rate.");
        set.AddTo(command, training: true);
        // The test chooses every step's rate itself, runs a fixed number of steps and watches the training loss.
        foreach (Option o in new Option[] { set.LearningRate, set.Epochs, set.ValidationFraction, set.Patience,
            set.MinDelta })
            command.Options.Remove(o);
        set.Optimizer.RemoveSchedule(command);
        command.Options.Add(start);
        command.Options.Add(end);
        command.Options.Add(steps);
        command.Options.Add(outDir);
        command.SetAction(p => Run(set, p, p.GetValue(start), p.GetValue(end), p.GetValue(steps), outDir));
        return command;
    }

    private static int Run(ModelOptionSet set, ParseResult p, double startLr, double endLr, int steps,
        Option<string?> outOption)
    {
        LearningRateFinder.Validate(startLr, endLr, steps);
        var (options, init) = set.Read(p);
        DataSource source = set.LoadTrainingData(p);
        Dataset data = source.Data;
        init = init?.MatchNames(data.FeatureNames, data.ClassNames, p.GetValue(set.Init));
        init?.Validate(data.FeatureCount, data.ClassCount, options.Bias, p.GetValue(set.Init));
        var (train, test) = data.SplitStratified(options.TestFraction, options.Seed);
        options.ValidateFor(train.Count, train.FeatureCount, train.ClassCount);
        Standardization.CheckTrainable(train, test, options, init?.Standardization);

        // SIGINT, SIGTERM or SIGHUP stops the test after the current step; nothing is written.
        using var cancel = new CancellationTokenSource();
        (string Name, int Number)? received = null;
        var registrations = new List<PosixSignalRegistration>();
        foreach (var (signal, name, number) in new[] { (PosixSignal.SIGINT, "SIGINT", 2), (PosixSignal.SIGTERM,
            "SIGTERM", 15), (PosixSignal.SIGHUP, "SIGHUP", 1) })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                received ??= (name, number);
                cancel.Cancel();
            }));
        }
        RangeTestResult result;
        try
        {
            result = LearningRateFinder.Run(train, options, init, startLr, endLr, steps, cancel.Token);
        }
        finally
        {
            foreach (PosixSignalRegistration r in registrations) r.Dispose();
        }
        if (received is var (signalName, signalNumber))
        {
            Console.Error.WriteLine($"irisnet: interrupted by {signalName} after {result.Points.Count} of {steps} " +
                $"steps; nothing was written.");
            return 128 + signalNumber;
        }
        RunDirectory run = RunDirectory.Create(p.GetValue(outOption), outOption.Name);
        try
        {
            run.Write("lr_find.csv", tmp => WriteCsv(result, tmp));
            run.Write("lr_find.png", tmp => Plots.RangeTest(result, tmp));
        }
        finally
        {
            run.Release();
        }
        string stop = result.Diverged
            ? $"stopped at step {result.Points.Count} of {steps}, the smoothed loss above " +
                $"{LearningRateFinder.DivergenceFactor.ToString(CultureInfo.InvariantCulture)}× its minimum"
            : $"{steps} steps from {Format.G(startLr)} to {Format.G(endLr)}";
        Console.WriteLine($"lr-find: suggested learning rate {Format.G(result.Suggested)}, a tenth of the rate at " +
            $"the smoothed loss's minimum (step {result.SuggestedStep}; " +
            $"the steepest descent is at {Format.G(result.Steepest.Rate)}); {Names.Of(options.Optimizer)}, {stop}; " +
                $"wrote {run.File("lr_find.csv")} and lr_find.png");
        return ExitCode.Success;
    }

    private static void WriteCsv(RangeTestResult result, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(Header);
        foreach (RangeTestPoint q in result.Points)
            writer.WriteLine($"{q.Step.ToString(CultureInfo.InvariantCulture)},{Format.R(q.LearningRate)},{Format.R(q.Loss)},{Format.R(q.SmoothedLoss)}");
    }
}
