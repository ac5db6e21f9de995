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
using IrisNet.Scoring;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet cv: repeated stratified k-fold cross-validation with every train option but
/// --test-fraction (each fold's held-out rows are its test set). Writes folds.csv (streamed fold by
/// fold), summary.json and cv.png to a run directory.
/// </summary>
public static class CvCommand
{
    public const string FoldsHeader = "repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy";

    public static Command Build()
    {
        var set = new ModelOptionSet();
        // Bound to CrossValidation.Run's parameters, whose errors name them.
        var folds = new BoundOption<int>("--folds", "folds")
        {
            Description = "K, folds per repeat (2 to the rows of the smallest class)",
            DefaultValueFactory = _ => 5,
            HelpName = "K",
        };
        var repeats = new BoundOption<int>("--repeats", "repeats")
        {
            Description = "R, repeats, each a new stratified partition drawn from the seed",
            DefaultValueFactory = _ => 1,
            HelpName = "R",
        };
        Option<int?> threads = set.FoldsAtOnce;
        Option<string?> outDir = SharedOptions.RunDirectory();
        Option<bool> quiet = SharedOptions.Quiet(), verbose = SharedOptions.Verbose();
        var command = new Command("cv", "Cross-validate: train on K − 1 folds and evaluate on the held-out fold, for every fold and repeat; write folds.csv, summary.json, cv.png.");
        set.AddTo(command, training: true);
        // Every row is held out once per repeat, so there is no separate test split: --test-fraction is
        // hidden and refused with an explanation. --threads means folds at once here.
        set.TestFraction.Hidden = true;
        command.Options.Remove(set.Threads);
        // Early stopping is per training run; cross-validation reports every fold's full curve instead.
        command.Options.Remove(set.ValidationFraction);
        command.Options.Remove(set.Patience);
        command.Options.Remove(set.MinDelta);
        set.Optimizer.RemovePlateau(command);
        command.Options.Add(folds);
        command.Options.Add(repeats);
        command.Options.Add(threads);
        command.Options.Add(outDir);
        command.Options.Add(quiet);
        command.Options.Add(verbose);
        command.SetAction(p =>
            Run(set, p, folds, p.GetValue(repeats), p.GetValue(threads) ?? Environment.ProcessorCount, outDir,
                p.GetValue(quiet)));
        return command;
    }

    private static int Run(ModelOptionSet set, ParseResult p, Option<int> foldsOption, int repeats, int threads,
        Option<string?> outOption, bool quiet)
    {
        int folds = p.GetValue(foldsOption);
        if (p.GetResult(set.TestFraction) is { Implicit: false })
        {
            throw new OptionException(set.TestFraction.Name, "does not apply to cv: every row is held out exactly once "
                + $"per repeat, by the fold it falls in. Drop it and choose {foldsOption.Name} (5 holds out a fifth).");
        }
        if (p.GetValue(set.Optimizer.Schedule) == Names.Of(LearningRateSchedule.Plateau))
        {
            throw new OptionException(set.Optimizer.Schedule.Name, "plateau watches a validation loss, and cv sets "
                + "none aside (each fold's held-out rows are its test set); choose constant, step, exponential or "
                + "cosine.");
        }
        var (options, init) = set.Read(p);
        // Each fold trains single-threaded (parallelism is across folds); no train/test split applies.
        options = options with { TestFraction = 0, Threads = 1 };
        string threadsFlag = set.FoldsAtOnce.Name;
        if (threads < 1)
            throw new OptionException(threadsFlag,
                $"{threads} is not a positive number of folds at once; use 1 or more.");
        if (threads > 256) throw new OptionException(threadsFlag, $"{threads} threads is beyond the supported 256.");
        DataSource source = set.LoadTrainingData(p);
        Dataset data = source.Data;
        if (init is not null) init.Validate(data.FeatureCount, data.ClassCount, options.Bias, p.GetValue(set.Init));
        CrossValidation.Validate(data, folds, repeats);
        options.ValidateFor(data.Count - (data.Count + folds - 1) / folds, data.FeatureCount, data.ClassCount);
        RunDirectory run = RunDirectory.Create(p.GetValue(outOption), outOption.Name);
        try
        {
            using var cancel = new CancellationTokenSource();
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
            {
                ctx.Cancel = true; // stop the folds in progress, write what completed, exit 130
                cancel.Cancel();
            });

            int total = folds * repeats;
            var completed = new List<FoldResult>();
            CrossValidationResult? result = null;
            TrainingDivergedException? diverged = null;
            run.Write("folds.csv", tmp =>
            {
                using var writer = new StreamWriter(tmp, false, new UTF8Encoding(false)) { NewLine = "\n" };
                writer.WriteLine(FoldsHeader);
                try
                {
                    result = CrossValidation.Run(data, options, folds, repeats, threads, init, (fold, history) =>
                    {
                        WriteRows(writer, fold, history);
                        completed.Add(fold);
                        if (!quiet)
                        {
                            Console.WriteLine($"repeat {fold.Repeat}/{repeats} fold {fold.Fold}/{folds}: held-out accuracy {Format.F(fold.HeldOut.Accuracy)}, loss {Format.F(fold.HeldOut.Loss, 6)} ({fold.HeldOut.Count} rows)");
                        }
                    }, cancel.Token);
                }
                catch (TrainingDivergedException e)
                {
                    diverged = e; // folds.csv keeps the folds completed before it
                }
            });

            if (diverged is not null)
            {
                int failed = completed.Count;
                string message = $"repeat {failed / folds + 1}, fold {failed % folds + 1}: "
                    + ModelOptionSet.Describe(diverged, p.CommandResult.Command);
                run.WriteText("summary.json", CvSummary.Json("failed", message, options, p.GetValue(set.Init), source, folds, repeats, threads, completed, null));
                Console.Error.WriteLine($"irisnet: error: {message}");
                Console.Error.WriteLine($"irisnet: wrote {run.File("folds.csv")} ({completed.Count} completed folds) and {run.File("summary.json")}.");
                return ExitCode.Failure;
            }

            CrossValidationResult r = result!;
            string status = r.Interrupted ? "interrupted" : "completed";
            run.WriteText("summary.json", CvSummary.Json(status, null, options, p.GetValue(set.Init), source, folds, repeats, threads, r.Folds, r));
            if (r.Folds.Count > 0) run.Write("cv.png", tmp => CvPlot.Loss(r, tmp));

            if (quiet) Console.WriteLine(run.Path);
            else Final(r, run, status, total, threads);
            if (r.Interrupted)
            {
                Console.Error.WriteLine($"irisnet: interrupted after {r.Folds.Count} of {total} folds; the completed folds are in {run.Path}.");
                return ExitCode.Interrupted;
            }
            return ExitCode.Success;
        }
        finally
        {
            run.Release(); // the claim marker goes once the run's files are written
        }
    }

    private static void WriteRows(StreamWriter w, FoldResult fold, IReadOnlyList<EpochMetrics> history)
    {
        string prefix = $"{fold.Repeat.ToString(CultureInfo.InvariantCulture)},{fold.Fold.ToString(CultureInfo.InvariantCulture)},";
        foreach (EpochMetrics m in history)
        {
            w.Write(prefix);
            w.Write(m.Epoch.ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(Format.R(m.TrainLoss));
            w.Write(',');
            w.Write(Format.R(m.TrainAccuracy));
            w.Write(',');
            w.Write(Format.R(m.TestLoss!.Value));
            w.Write(',');
            w.Write(Format.R(m.TestAccuracy!.Value));
            w.Write('\n');
        }
    }

    private static void Final(CrossValidationResult r, RunDirectory run, string status, int total, int threads)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        AnsiConsole.WriteLine($"Cross-validation {status}: {I(r.Folds.Count)} of {I(total)} folds ({I(r.FoldCount)} × {I(r.Repeats)}), {I(threads)} at once, " +
            $"{Format.F(r.Seconds, 2)} s.");
        var table = new Table().Title("Folds");
        table.AddColumns("repeat", "fold", "train n", "held-out n", "train loss", "train acc", "held-out loss", "held-out acc");
        foreach (var column in table.Columns.Skip(2)) column.RightAligned();
        foreach (FoldResult f in r.Folds)
        {
            table.AddRow(I(f.Repeat), I(f.Fold), I(f.Train.Count), I(f.HeldOut.Count), Format.F(f.Train.Loss, 6), Format.F(f.Train.Accuracy),
                Format.F(f.HeldOut.Loss, 6), Format.F(f.HeldOut.Accuracy));
        }
        AnsiConsole.Write(table);
        if (r.Folds.Count > 0)
        {
            AnsiConsole.WriteLine($"Held-out accuracy {Format.F(r.MeanAccuracy)} ± {Format.F(r.AccuracySd)}, loss {Format.F(r.MeanLoss)} ± {Format.F(r.LossSd)} (mean ± SD over {I(r.Folds.Count)} folds)");
            AnsiConsole.WriteLine($"Pooled held-out accuracy {Format.F(r.Pooled.Accuracy)}, 95 % Wilson interval [{Format.F(r.AccuracyLow)}, {Format.F(r.AccuracyHigh)}] (n = {I(r.Rows)} rows)");
            AnsiConsole.Write(FinalReport.Confusion(r.Pooled, "pooled held-out rows"));
        }
        AnsiConsole.WriteLine("Files written:");
        foreach (string f in run.Written) AnsiConsole.WriteLine("  " + f);
    }
}
