using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
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
/// irisnet sweep: model selection. A grid of lists or a random search of ranges over the train options,
/// each configuration cross-validated on the same stratified folds of the training rows; the best is
/// retrained on every training row and scored once on the test rows, which took no part in the choice.
/// Writes leaderboard.csv, folds.csv, summary.json, model.json and (two options varied) sweep.png.
/// </summary>
public static class SweepCommand
{
    public static Command Build()
    {
        var sweep = new SweepOptions();
        ModelOptionSet set = sweep.Set;
        BoundOption<int> folds = SharedOptions.Folds(), repeats = SharedOptions.Repeats();
        var trials = new Option<int?>("--trials")
        {
            Description =
                "A random search of N configurations drawn from the ranges (and lists) given, instead of the grid",
            HelpName = "N",
        };
        var limit = new Option<int>("--max-configs")
        {
            Description = "The most configurations a grid or random search may have",
            DefaultValueFactory = _ => SweepOptions.DefaultLimit,
            HelpName = "N",
        };
        var resume = UsageErrors.NonEmptyPath(new Option<string?>("--resume")
        {
            Description = "Finish an interrupted sweep in DIR, with the options it was started with",
            HelpName = "DIR",
        }, "runs/sweep");
        Option<string?> outDir = SharedOptions.RunDirectory();
        Option<bool> quiet = SharedOptions.Quiet(), verbose = SharedOptions.Verbose();
        var command = new Command("sweep", "Model selection: cross-validate every configuration of a grid (lists) or "
            + "random search (--trials, ranges) on the training rows; retrain the best, score it once on the test " +
                "rows.");
        command.Options.Add(set.Data);
        command.Options.Add(set.Label);
        foreach (SweepOption o in sweep.Lists) command.Options.Add(o);
        command.Options.Add(set.TestFraction);
        command.Options.Add(set.Seed);
        command.Options.Add(folds);
        command.Options.Add(repeats);
        command.Options.Add(trials);
        command.Options.Add(limit);
        command.Options.Add(sweep.ConfigurationsAtOnce);
        command.Options.Add(outDir);
        command.Options.Add(resume);
        command.Options.Add(quiet);
        command.Options.Add(verbose);
        var parts = new Parts(sweep, folds, repeats, trials, limit, outDir, resume, quiet);
        command.SetAction(p => Run(command, parts, p));
        return command;
    }

    private sealed record Parts(SweepOptions Sweep, BoundOption<int> Folds, BoundOption<int> Repeats,
        Option<int?> Trials,
        Option<int> Limit, Option<string?> Out, Option<string?> Resume, Option<bool> Quiet);

    private static int Run(Command command, Parts parts, ParseResult p)
    {
        SweepFolder folder;
        string? resumeDir = p.GetValue(parts.Resume);
        // How to run (not what): from this command line, also when resuming.
        bool quiet = p.GetValue(parts.Quiet);
        int? threadsGiven = p.GetValue(parts.Sweep.ConfigurationsAtOnce);
        IReadOnlyList<string> args;
        if (resumeDir is not null)
        {
            // The sweep as it was started: its own arguments, parsed again (the search space is drawn from the seed).
            args = SweepFolder.ResumeArguments(resumeDir, parts.Resume.Name);
            string[] again = [.. args];
            ParseResult original = command.Parse(again);
            if (original.Errors.Count > 0)
            {
                throw new OptionException(parts.Resume.Name,
                    $"{resumeDir}/summary.json records arguments that no longer "
                    + $"parse: {UsageErrors.Describe(original, original.Errors[0], again)}");
            }
            p = original;
        }
        else
        {
            args = Arguments(p, parts);
        }
        SweepOptions sweep = parts.Sweep;
        ModelOptionSet set = sweep.Set;
        int folds = p.GetValue(parts.Folds), repeats = p.GetValue(parts.Repeats);
        int threads = threadsGiven ?? p.GetValue(sweep.ConfigurationsAtOnce) ?? Environment.ProcessorCount;
        if (threads < 1) throw new OptionException(sweep.ConfigurationsAtOnce.Name,
            $"{threads} is not a positive number of fits at once; use 1 or more.");
        int limit = p.GetValue(parts.Limit);
        if (limit < 1 || limit > 1_000_000)
            throw new OptionException(parts.Limit.Name, $"{limit} is outside 1 to 1,000,000 configurations.");
        int? trials = p.GetValue(parts.Trials);
        IReadOnlyList<SweepDimension> dimensions = sweep.Dimensions(p, random: trials is not null);
        var baseOptions = new TrainingOptions { Threads = 1 };
        baseOptions = set.Seed.Apply(set.TestFraction.Apply(baseOptions, p), p);
        baseOptions.Validate();

        IReadOnlyList<SweepConfiguration> configurations;
        if (trials is int n)
        {
            if (n < 1) throw new OptionException(parts.Trials.Name,
                $"{n} is not a positive number of trials; for example 100.");
            if (n > limit)
            {
                throw new OptionException(parts.Trials.Name,
                    $"{n:N0} trials is more than the limit of {limit:N0} configurations; "
                    + $"raise it with {parts.Limit.Name} {n}.");
            }
            if (!dimensions.Any(d => d.Range is not null))
            {
                throw new OptionException(parts.Trials.Name,
                    "a random search draws from ranges, and none is given; add one "
                    + "such as --lr 1e-3:1, or drop --trials to run the grid of the lists.");
            }
            configurations = sweep.Random(dimensions, baseOptions, n, baseOptions.Seed);
        }
        else
        {
            configurations = sweep.Grid(dimensions, baseOptions, limit, parts.Limit.Name);
        }

        DataSource source = set.LoadTrainingData(p);
        var (train, test) = source.Data.SplitStratified(baseOptions.TestFraction, baseOptions.Seed);
        CrossValidation.Validate(train, folds, repeats);
        int fitRows = train.Count - (train.Count + folds - 1) / folds;
        foreach (SweepConfiguration c in configurations) c.Options.ValidateFor(fitRows, train.FeatureCount,
            train.ClassCount);

        folder = resumeDir is null
            ? SweepFolder.Create(p.GetValue(parts.Out), parts.Out.Name)
            : SweepFolder.Resume(resumeDir, parts.Resume.Name);
        try
        {
            return Sweep(quiet, parts, folder, args, dimensions, configurations, source, train, test, folds, repeats,
                threads);
        }
        finally
        {
            folder.Release();
        }
    }

    /// <summary>The arguments that say what is swept, without --out, --resume, --quiet, --verbose: what a resume parses
    /// again.</summary>
    private static IReadOnlyList<string> Arguments(ParseResult p, Parts parts)
    {
        var args = new List<string>();
        foreach (var r in p.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>())
        {
            if (r.Implicit || r.Option == parts.Out || r.Option == parts.Resume || r.Option == parts.Quiet
                || r.Option.Name == "--verbose") continue;
            args.Add(r.Option.Name);
            args.AddRange(r.Tokens.Select(t => t.Value));
        }
        return args;
    }

    private static int Sweep(bool quiet, Parts parts, SweepFolder folder, IReadOnlyList<string> args,
        IReadOnlyList<SweepDimension> dimensions, IReadOnlyList<SweepConfiguration> configurations, DataSource source,
        Dataset train, Dataset? test, int folds, int repeats, int threads)
    {
        using var cancel = new CancellationTokenSource();
        int interruptedCode = ExitCode.Interrupted;
        // Stop the configurations in progress, keep the completed ones, exit 128 + the signal's number.
        void Stop(PosixSignalContext ctx, int code)
        {
            ctx.Cancel = true;
            if (!cancel.IsCancellationRequested) interruptedCode = code;
            cancel.Cancel();
        }
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => Stop(ctx,
            130));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => Stop(ctx,
            143));

        var entries = new List<SweepEntry>(folder.Completed(configurations, folds * repeats));
        var done = entries.Select(e => e.Index).ToHashSet();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool complete;
        using (SweepFolder.FoldsWriter writer = folder.OpenFolds())
        {
            SweepEntry? best = null;
            complete = Scoring.Sweep.Run(train, configurations.Select(c => c.Options).ToArray(), folds, repeats,
                configurations[0].Options.Seed, threads, i => !done.Contains(i), (entry, histories) =>
                {
                    writer.Add(configurations[entry.Index].Id, entry, histories);
                    entries.Add(entry);
                    if (entry.Diverged is null && (best is null || entry.AccuracyMean > best.AccuracyMean
                        || (entry.AccuracyMean == best.AccuracyMean && entry.LossMean < best.LossMean))) best = entry;
                    if (!quiet) Progress(configurations, dimensions, entry, best, entries.Count);
                }, cancel.Token);
            writer.Complete();
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var ranked = SweepEntry.Rank(entries);
        folder.WriteLeaderboard(dimensions, configurations, ranked);

        var summary = new SweepSummary(args, dimensions, configurations, ranked, source, train.Count, test?.Count ?? 0,
            folds, repeats, threads, seconds);
        if (!complete)
        {
            folder.WriteSummary(summary with { Status = "interrupted" });
            if (quiet) Console.WriteLine(folder.Path);
            else Console.WriteLine($"Sweep interrupted: {entries.Count} of {configurations.Count} configurations " +
                $"done.");
            Console.Error.WriteLine($"irisnet: interrupted after {entries.Count} of {configurations.Count} " +
                $"configurations; "
                + $"they are in {folder.Path}; finish the rest with: irisnet sweep {parts.Resume.Name} {folder.Path}");
            return interruptedCode;
        }

        SweepEntry? winner = ranked.Count > 0 && ranked[0].Entry.Diverged is null ? ranked[0].Entry : null;
        if (winner is null)
        {
            folder.WriteSummary(summary with { Status = "failed", Error = "every configuration diverged" });
            Console.Error.WriteLine($"irisnet: error: every configuration diverged; lower the learning rates " +
                $"({parts.Sweep.Lists[0].Name} …).");
            return ExitCode.Failure;
        }
        SweepConfiguration chosen = configurations[winner.Index];
        TrainingResult final = Trainer.Train(train, test, chosen.Options, null, null, cancel.Token);
        if (final.Interrupted)
        {
            folder.WriteSummary(summary with { Status = "interrupted" });
            Console.Error.WriteLine($"irisnet: interrupted while retraining the best configuration {chosen.Id}; every "
                + $"configuration is scored in {folder.Path}; retrain it with: irisnet sweep {parts.Resume.Name} " +
                    $"{folder.Path}");
            return interruptedCode;
        }
        folder.WriteText("model.json", ModelJson.Serialize(final.Model.WithData(
            new TrainingData(source.Name, source.Sha256, source.Data.LabelName, source.Data.Count),
                DataSplit.Of(chosen.Options))));
        IReadOnlyList<SweepEntry> ties = SweepEntry.NearTies(winner, ranked.Select(t => t.Entry));
        var varied = dimensions.Where(d => d.Varies).ToArray();
        if (varied.Length == 2 && varied.All(d => d.Range is null))
            folder.Write("sweep.png", tmp => SweepPlot.Heatmap(dimensions, configurations, entries, tmp));
        folder.WriteSummary(summary with { Status = "completed", Best = winner, NearTies = ties, Final = final });
        if (quiet) Console.WriteLine(folder.Path);
        else Final(summary, ranked, winner, ties, final, folder);
        return ExitCode.Success;
    }

    private static string Describe(IReadOnlyList<SweepDimension> dimensions, SweepConfiguration c) =>
        string.Join(' ', dimensions.Select((d, i) => (d, i)).Where(t => t.d.Varies).Select(t
            => $"{t.d.Column}={c.Values[t.i]}"));

    private static void Progress(IReadOnlyList<SweepConfiguration> configurations,
        IReadOnlyList<SweepDimension> dimensions,
        SweepEntry entry, SweepEntry? best, int done)
    {
        SweepConfiguration c = configurations[entry.Index];
        string score = entry.Diverged is null
            ? $"held-out accuracy {Format.F(entry.AccuracyMean)} ± {Format.F(entry.AccuracySd)}"
            : $"diverged ({entry.Diverged})";
        string leader = best is null ? "" :
            $"; best so far {configurations[best.Index].Id} {Format.F(best.AccuracyMean)}";
        Console.WriteLine($"{done}/{configurations.Count} {c.Id} {Describe(dimensions, c)}: {score}{leader}");
    }

    private static void Final(SweepSummary s, IReadOnlyList<(SweepEntry Entry, int Rank)> ranked, SweepEntry winner,
        IReadOnlyList<SweepEntry> ties, TrainingResult final, SweepFolder folder)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        AnsiConsole.WriteLine($"Sweep completed: {I(s.Configurations.Count)} configurations × " +
            $"{I(s.Folds * s.Repeats)} folds "
            + $"({I(s.Folds)} × {I(s.Repeats)}) on {I(s.TrainRows)} training rows, {I(s.Threads)} at once, " +
                $"{Format.F(s.Seconds, 2)} s.");
        var table = new Table().Title("Leaderboard (best 10)");
        table.AddColumns("rank", "config", "options", "held-out acc", "± SD", "held-out loss", "fit s");
        foreach (var (e, rank) in ranked.Take(10))
        {
            SweepConfiguration c = s.Configurations[e.Index];
            table.AddRow(I(rank), c.Id, Markup.Escape(Describe(s.Dimensions, c)), Format.F(e.AccuracyMean),
                Format.F(e.AccuracySd),
                Format.F(e.LossMean), Format.F(e.Seconds, 2));
        }
        AnsiConsole.Write(table);
        SweepConfiguration best = s.Configurations[winner.Index];
        AnsiConsole.WriteLine($"Best {best.Id} ({Describe(s.Dimensions, best)}): CV held-out accuracy " +
            $"{Format.F(winner.AccuracyMean)} "
            + $"± {Format.F(winner.AccuracySd)} (SE {Format.F(winner.AccuracyStandardError)}); test accuracy "
            + (final.FinalTest is { } t ?
                $"{Format.F(t.Accuracy)} on {I(t.Count)} test rows (scored once, after the choice)"
                : "- (no test rows: --test-fraction 0)"));
        AnsiConsole.WriteLine(ties.Count == 0
            ? "No near-ties: no other configuration's mean is within one standard error of the best."
            : $"Near-ties (mean within one SE of the best, {I(ties.Count)}): "
                + string.Join(", ", ties.Take(20).Select(e =>
                    $"{s.Configurations[e.Index].Id} {Format.F(e.AccuracyMean)}"))
                + (ties.Count > 20 ? ", …" : ""));
        AnsiConsole.WriteLine("Files written:");
        foreach (string f in folder.Written) AnsiConsole.WriteLine("  " + f);
    }
}
