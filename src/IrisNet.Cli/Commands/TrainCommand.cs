using System.CommandLine;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Plotting;
using IrisNet.Cli.Runs;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Cli.Commands;

public static class TrainCommand
{
    public static Command Build()
    {
        var set = new ModelOptionSet();
        Option<string?> outDir = SharedOptions.RunDirectory();
        var logEvery = new Option<int>("--log-every")
        {
            Description =
            "Write every K-th epoch (and the last) to metrics.csv",
            DefaultValueFactory = _ => 1,
            HelpName = "K"
        };
        Option<bool> quiet = SharedOptions.Quiet(), verbose = SharedOptions.VerboseEpochs();
        var animate = new Option<bool>("--animate")
        {
            Description =
                $"Also write regions.apng: the decision regions and hidden-unit lines every k epochs (at most " +
                $"{Plots.MaxFrames} frames), the epoch and the accuracies on each",
        };
        var command = new Command("train",
            "Train the network and write a run directory: model.json, metrics.csv, summary.json, loss.png, " +
            "accuracy.png, confusion.png, regions.png, units.png.");
        set.AddTo(command, training: true);
        command.Options.Add(outDir);
        command.Options.Add(logEvery);
        command.Options.Add(quiet);
        command.Options.Add(verbose);
        command.Options.Add(animate);
        command.SetAction(p => Run(set, p, outDir, logEvery, p.GetValue(quiet), p.GetValue(verbose),
            p.GetValue(animate)));
        return command;
    }

    private static int Run(ModelOptionSet set, ParseResult p, Option<string?> outOption, Option<int> logEveryOption,
        bool quiet, bool verbose, bool animate)
    {
        using var signals = new RunSignals();
        Task warmUp = Plots.WarmUp();
        int logEvery = p.GetValue(logEveryOption);
        if (logEvery < 1)
        {
            throw new OptionException(logEveryOption.Name,
                $"{logEvery} is not a positive number of epochs; use 1 to write every epoch, or for example 100.");
        }
        var (options, init) = set.Read(p);
        DataSource source = set.LoadTrainingData(p);
        Dataset data = source.Data;
        init = init?.MatchNames(data.FeatureNames, data.ClassNames, p.GetValue(set.Init));
        init?.Validate(data.FeatureCount, data.ClassCount, options.Bias, p.GetValue(set.Init));
        var (train, test) = data.SplitStratified(options.TestFraction, options.Seed);
        var (fit, validation) = Trainer.SplitValidation(train, options);
        options.ValidateFor(fit.Count, fit.FeatureCount, fit.ClassCount);
        Standardization.CheckTrainable(train, test, options, init?.Standardization);
        if (init?.LostOptimizerState is string lost && !quiet)
            Console.WriteLine($"--init: only the weights are saved, not {lost}; this run's " +
                $"{Names.Of(options.Optimizer)} state starts at zero.");
        Phases.Mark("data");

        RunDirectory run = RunDirectory.Create(p.GetValue(outOption), outOption.Name);
        try
        {
            return Train(run, signals, warmUp, set, p, options, init, source, train, test, fit, validation, logEvery,
                quiet, verbose, animate);
        }
        finally
        {
            run.Release();
        }
    }

    private static int Train(RunDirectory run, RunSignals signals, Task warmUp, ModelOptionSet set, ParseResult p,
        TrainingOptions options, InitialWeights? init,
        DataSource source, Dataset train, Dataset? test, Dataset fit, Dataset? validation, int logEvery, bool quiet,
            bool verbose, bool animate)
    {
        SummaryInput summary = new SummaryInput("running", null, options, p.GetValue(set.Init), source.Name,
            source.Sha256, source.Data.Count,
            fit.Count, test?.Count ?? 0, source.Data.LabelName, source.Data.FeatureNames, source.Data.ClassNames, null,
                null, 0, 0)
        {
            LogEvery = logEvery,
            Started = run.Started,
            ValidationRows = validation?.Count ?? 0,
        };
        // Written first, so a run killed at any moment (kill -9, power cut) is recognisable as unfinished.
        run.WriteText("summary.json", RunDirectory.SummaryJson(summary));
        Phases.Mark("run directory");

        var progress = new ProgressView(options.Epochs, quiet, verbose);
        var film = animate ? new Film(Plots.FrameEvery(options.Epochs)) : null;
        TrainingResult result;
        using (var metrics = new MetricsWriter(run.File("metrics.csv"), validation is not null, logEvery))
        {
            run.Added(metrics.Path);
            try
            {
                result = progress.Run(onEpoch =>
                    Trainer.Train(train, test, options, init, m => { metrics.Add(m); film?.Add(m); onEpoch(m); },
                        signals.Token, film?.Snapshots));
            }
            catch (TrainingDivergedException e)
            {
                signals.Writing = true;
                int last = e.History.Count > 0 ? e.History[^1].Epoch : 0;
                Finish(run, metrics, e.History.Count > 0 ? e.History[^1] : null, summary);
                string message = ModelOptionSet.Describe(e, p.CommandResult.Command);
                Final(run, summary with { Status = "failed", Error = message, Epochs = last }, "diverged", last);
                Console.Error.WriteLine($"irisnet: error: {message}");
                Console.Error.WriteLine($"irisnet: wrote {run.File("metrics.csv")} " +
                    $"({(last > 0 ? $"epochs 1-{last}" : "no epochs")}) and {run.File("summary.json")}; no model was " +
                    $"saved.");
                return ExitCode.Failure;
            }
            catch (StandardOutputException e)
            {
                // The progress lines could not be written (stdout on a full disk): training stopped there.
                TryFinal(run, summary with { Status = "failed", Error = e.Message }, "write_failed", null);
                throw;
            }
            catch (IOException e)
            {
                // metrics.csv could not be appended (a full disk): training stopped there.
                var error = new RunWriteException(metrics.Path, e);
                TryFinal(run, summary with { Status = "failed", Error = error.Message }, "write_failed", null);
                throw error;
            }
            Phases.Mark("training");
            signals.Writing = true;
            Finish(run, metrics, result.EpochsRun > 0 ? result.History[^1] : null, summary);
        }
        Phases.Mark("metrics.csv");

        string status = result.Interrupted ? "interrupted" : "completed";
        string reason = result.Stop switch
        {
            TrainingStop.EarlyStopped => "early_stopping",
            TrainingStop.Interrupted => "interrupted",
            _ => "completed",
        };
        SummaryInput done = summary with
        {
            Status = status,
            Train = result.FinalTrain,
            Test = result.FinalTest,
            Validation = result.FinalValidation,
            Epochs = result.EpochsRun,
            TrainSeconds = result.TrainSeconds,
            Signal = result.Interrupted ? signals.Received?.Name : null,
            BestEpoch = result.BestEpoch,
            FirstEpochSeconds = result.EpochsRun > 0 ? result.Timing.FirstEpochSeconds : null,
            SteadyMedianSeconds = result.Timing.SteadyMedianSeconds,
        };
        try
        {
            // summary.json last: it lists what was written and never claims more.
            run.WriteText("model.json", ModelJson.Serialize(result.Model.WithData(
                new TrainingData(source.Name, source.Sha256, source.Data.LabelName, source.Data.Count),
                    DataSplit.Of(options))));
            Phases.Mark("model.json");
            warmUp.Wait();
            Phases.Mark("waiting for the drawing warm-up");
            // The pictures take most of a default run's time, so they are drawn on both cores:
            // confusion.png and then regions.png on a pool thread, loss.png and accuracy.png here
            // (about equal halves). Each picture has its own plot and surface, and the files are
            // identical to those drawn one at a time (PictureTests); summary.json lists them in
            // this order whichever thread finishes first.
            Evaluation shown = result.FinalTest ?? result.FinalTrain;
            string rows = result.FinalTest is null ? "training rows" : "test rows";
            RunDirectory.PendingWrite confusion = run.StartWrite("confusion.png", tmp => Plots.Confusion(shown, rows,
                tmp));
            RunDirectory.PendingWrite regions = run.StartWrite("regions.png", tmp => Plots.Regions(result.Model, train,
                test, tmp), after: confusion);
            try
            {
                if (result.History.Count > 0)
                {
                    run.Write("loss.png", tmp => Plots.Loss(result.History, tmp));
                    Phases.Mark("loss.png");
                    run.Write("accuracy.png", tmp => Plots.Accuracy(result.History, tmp));
                    Phases.Mark("accuracy.png");
                }
                run.Write("units.png", tmp => Plots.Units(result.Model, train, test, tmp));
                Phases.Mark("units.png");
                confusion.Complete();
                Phases.Mark("confusion.png");
                regions.Complete();
                if (film is not null)
                {
                    run.Write("regions.apng", tmp => Plots.Animation(film.Frames(result), result.EpochsRun, train, test,
                        tmp));
                    Phases.Mark("regions.apng");
                }
            }
            catch
            {
                confusion.Abandon();
                regions.Abandon();
                throw;
            }
            Phases.Mark("regions.png");
            Final(run, done, reason, result.EpochsRun);
            Phases.Mark("summary.json");
        }
        catch (RunWriteException e)
        {
            TryFinal(run, done with { Status = "failed", Error = e.Message }, reason, result.EpochsRun);
            throw;
        }

        if (quiet) Console.WriteLine(run.Path);
        else FinalReport.Final(result, run, status);
        Phases.Mark("report");
        if (result.Interrupted)
        {
            Console.Error.WriteLine($"irisnet: interrupted by {signals.Received?.Name ?? "a signal"} after epoch " +
                $"{result.EpochsRun}; artifacts of the completed epochs are in {run.Path}.");
        }
        return signals.ExitCode;
    }

    /// <summary>
    /// The frames of regions.apng: the weights every k epochs (copied out of the trainer's snapshot
    /// buffers) and the accuracies of those weights, which the next epoch's metrics report (its test
    /// accuracy is measured before its update; so is its training accuracy in full-batch training).
    /// </summary>
    private sealed class Film
    {
        private readonly List<(int Epoch, double[] A, double[] HiddenBias, double[] B,
            double[] OutputBias)> _weights = [];
        private readonly Dictionary<int, EpochMetrics> _next = [];

        public Film(int every) => Snapshots = new WeightSnapshots(every, (epoch, w) =>
            _weights.Add((epoch, (double[])w.A.Clone(), (double[])w.HiddenBias.Clone(), (double[])w.B.Clone(),
                (double[])w.OutputBias.Clone())));

        public WeightSnapshots Snapshots { get; }

        /// <summary>Keeps epoch m's metrics when the weights after epoch m − 1 are a frame.</summary>
        public void Add(EpochMetrics m)
        {
            if ((m.Epoch - 1) % Snapshots.Every == 0) _next[m.Epoch - 1] = m;
        }

        /// <summary>The frames before the last epoch run, then the final model with its final accuracies.</summary>
        public IReadOnlyList<Plots.Frame> Frames(TrainingResult result)
        {
            Model final = result.Model;
            var frames = new List<Plots.Frame>();
            foreach (var (epoch, A, a, B, b) in _weights.Where(w => w.Epoch < result.EpochsRun))
            {
                var model = new Model(final.Shape, final.Precision, final.FeatureNames, final.ClassNames,
                    final.LabelName, final.Standardization,
                    A, final.Shape.Bias ? a : [], B, final.Shape.Bias ? b : [], final.Options);
                bool measured = _next.TryGetValue(epoch, out EpochMetrics next);
                frames.Add(new Plots.Frame(epoch, model, measured ? next.TrainAccuracy : null,
                    measured ? next.TestAccuracy : null));
            }
            string? note = result.BestEpoch is int best ? $"(early stopping: the weights of epoch {best})" : null;
            frames.Add(new Plots.Frame(result.EpochsRun, final, result.FinalTrain.Accuracy, result.FinalTest?.Accuracy,
                note));
            return frames;
        }
    }

    /// <summary>The rest of metrics.csv: the last epoch's row if --log-every skipped it, then everything
    /// buffered.</summary>
    private static void Finish(RunDirectory run, MetricsWriter metrics, EpochMetrics? last, SummaryInput summary)
    {
        try
        {
            metrics.Finish(last);
        }
        catch (IOException e)
        {
            var error = new RunWriteException(metrics.Path, e);
            TryFinal(run, summary with { Status = "failed", Error = error.Message }, "write_failed", last?.Epoch);
            throw error;
        }
    }

    /// <summary>Replaces the "running" summary with the final one, listing the files that exist.</summary>
    private static void Final(RunDirectory run, SummaryInput s, string reason, int? stoppedEpoch)
    {
        var files = run.Written.Select(Path.GetFileName).OfType<string>().Where(f => f
            != "summary.json").Append("summary.json").ToArray();
        run.WriteText("summary.json", RunDirectory.SummaryJson(s with
        {
            StopReason = reason,
            StoppedEpoch = stoppedEpoch,
            Finished = DateTimeOffset.UtcNow,
            Files = files,
        }));
    }

    /// <summary>Best effort after a failed write: a "failed" summary if the disk still takes it; otherwise the
    /// "running" one stays.</summary>
    private static void TryFinal(RunDirectory run, SummaryInput s, string reason, int? stoppedEpoch)
    {
        try
        {
            Final(run, s, reason, stoppedEpoch);
        }
        catch (RunWriteException)
        {
            // The disk refuses even this; summary.json still says "running", which claims nothing.
        }
    }
}
