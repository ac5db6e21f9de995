using System.CommandLine;
using System.Globalization;
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
    public const string FoldsHeader = FoldsWriter.Header;

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
        var command = new Command("cv",
            "Cross-validate: train on K − 1 folds and evaluate on the held-out fold, for every fold and repeat; " +
            "write folds.csv, summary.json, cv.png.");
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
        // Registered first, so that a signal during loading is not lost: the run then stops before its first fold.
        using var signals = new
            RunSignals("the current epoch of the folds in progress (only completed folds are kept)");
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
            var cv = new CvRun(run, signals, options, p.GetValue(set.Init), source, folds, repeats, threads);
            return cv.Execute(init, quiet, p.CommandResult.Command);
        }
        finally
        {
            run.Release(); // the claim marker goes once the run's files are written
        }
    }

    /// <summary>One cv run in its claimed directory: summary.json first ("running"), folds.csv streamed, cv.png, then
    /// the final summary.json.</summary>
    private sealed class CvRun(RunDirectory run, RunSignals signals, TrainingOptions options, string? initFile,
        DataSource source,
        int folds, int repeats, int threads)
    {
        private readonly List<FoldResult> _completed = [];

        public int Execute(InitialWeights? init, bool quiet, Command command)
        {
            // Written first, so a run killed at any moment (kill -9, power cut) is recognisable as unfinished.
            run.WriteText("summary.json", Summary("running", null, null, null));
            CrossValidationResult r;
            using (var writer = new FoldsWriter(run.File("folds.csv")))
            {
                run.Added(writer.Path);
                try
                {
                    r = CrossValidation.Run(source.Data, options, folds, repeats, threads, init, writer.Start, fold =>
                    {
                        writer.Complete(fold.Repeat, fold.Fold);
                        _completed.Add(fold);
                        if (!quiet)
                        {
                            Console.WriteLine($"repeat {fold.Repeat}/{repeats} fold {fold.Fold}/{folds}: held-out " +
                                $"accuracy {Format.F(fold.HeldOut.Accuracy)}, loss {Format.F(fold.HeldOut.Loss, 6)} " +
                                $"({fold.HeldOut.Count} rows)");
                        }
                    }, signals.Token);
                }
                catch (TrainingDivergedException diverged)
                {
                    signals.Writing = true;
                    int failed = _completed.Count;
                    string message = $"repeat {failed / folds + 1}, fold {failed % folds + 1}: "
                        + ModelOptionSet.Describe(diverged, command);
                    TryFinal(Summary("failed", message, null, null));
                    Console.Error.WriteLine($"irisnet: error: {message}");
                    Console.Error.WriteLine($"irisnet: wrote {run.File("folds.csv")} ({_completed.Count} completed " +
                        $"folds) and {run.File("summary.json")}.");
                    return ExitCode.Failure;
                }
                catch (StandardOutputException e)
                {
                    // A fold's line could not be written (stdout on a full disk): the folds stopped there.
                    TryFinal(Summary("failed", e.Message, null, null));
                    throw;
                }
                catch (IOException e)
                {
                    // folds.csv or a fold's spool could not be written (a full disk): the folds stopped there.
                    var error = new RunWriteException(writer.Path, e);
                    TryFinal(Summary("failed", error.Message, null, null));
                    throw error;
                }
            }
            signals.Writing = true;
            string status = r.Interrupted ? "interrupted" : "completed";
            string? signal = r.Interrupted ? signals.Received?.Name : null;
            try
            {
                // summary.json last: it lists what was written and never claims more.
                if (r.Folds.Count > 0) run.Write("cv.png", tmp => CvPlot.Loss(r, tmp));
                Final(Summary(status, null, signal, r));
            }
            catch (RunWriteException e)
            {
                TryFinal(Summary("failed", e.Message, signal, r));
                throw;
            }

            if (quiet) Console.WriteLine(run.Path);
            else CvCommand.Final(r, run, status, folds * repeats, threads);
            if (r.Interrupted)
            {
                Console.Error.WriteLine($"irisnet: interrupted by {signal ?? "a signal"} after {r.Folds.Count} of " +
                    $"{folds * repeats} folds; the completed folds are in {run.Path}.");
            }
            return signals.ExitCode;
        }

        private string Summary(string status, string? error, string? signal, CrossValidationResult? r) =>
            CvSummary.Json(status, error, signal, options, initFile, source, folds, repeats, threads,
                r?.Folds ?? _completed, r,
                status == "running" ? null : Files());

        /// <summary>The files that exist, complete, in the order written, and summary.json last.</summary>
        private string[] Files() => run.Written.Select(Path.GetFileName).OfType<string>().Where(f => f
            != "summary.json").Append("summary.json").ToArray();

        private void Final(string summary) => run.WriteText("summary.json", summary);

        /// <summary>Best effort after a failed write: a "failed" summary if the disk still takes it; otherwise the
        /// "running" one stays.</summary>
        private void TryFinal(string summary)
        {
            try
            {
                Final(summary);
            }
            catch (RunWriteException)
            {
                // The disk refuses even this; summary.json still says "running", which claims nothing.
            }
        }
    }

    private static void Final(CrossValidationResult r, RunDirectory run, string status, int total, int threads)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        AnsiConsole.WriteLine($"Cross-validation {status}: {I(r.Folds.Count)} of {I(total)} folds ({I(r.FoldCount)} " +
            $"× {I(r.Repeats)}), {I(threads)} at once, " +
            $"{Format.F(r.Seconds, 2)} s.");
        var table = new Table().Title("Folds");
        table.AddColumns("repeat", "fold", "train n", "held-out n", "train loss", "train acc", "held-out loss",
            "held-out acc");
        foreach (var column in table.Columns.Skip(2)) column.RightAligned();
        foreach (FoldResult f in r.Folds)
        {
            table.AddRow(I(f.Repeat), I(f.Fold), I(f.Train.Count), I(f.HeldOut.Count), Format.F(f.Train.Loss, 6),
                Format.F(f.Train.Accuracy),
                Format.F(f.HeldOut.Loss, 6), Format.F(f.HeldOut.Accuracy));
        }
        AnsiConsole.Write(table);
        if (r.Folds.Count > 0)
        {
            AnsiConsole.WriteLine($"Held-out accuracy {Format.F(r.MeanAccuracy)} ± {Format.F(r.AccuracySd)}, loss " +
                $"{Format.F(r.MeanLoss)} ± {Format.F(r.LossSd)} (mean ± SD over {I(r.Folds.Count)} folds)");
            AnsiConsole.WriteLine($"Pooled held-out accuracy {Format.F(r.Pooled.Accuracy)}, 95 % Wilson interval " +
                $"[{Format.F(r.AccuracyLow)}, {Format.F(r.AccuracyHigh)}] (n = {I(r.Rows)} rows)");
            AnsiConsole.Write(FinalReport.Confusion(r.Pooled, "pooled held-out rows"));
        }
        AnsiConsole.WriteLine("Files written:");
        foreach (string f in run.Written) AnsiConsole.WriteLine("  " + f);
    }
}
