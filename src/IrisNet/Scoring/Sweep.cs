using System.Diagnostics;
using System.Runtime.ExceptionServices;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Scoring;

/// <summary>
/// Model selection by cross-validation: every configuration (a <see cref="TrainingOptions"/>) is trained
/// and scored on the same R × K stratified folds, drawn once by <see cref="CrossValidation.Partition"/>
/// from the seed, so configurations differ only by their options. A configuration's folds are exactly
/// those <see cref="CrossValidation.Run"/> trains when its options' seed is the fold seed, and each fold
/// is one <see cref="Trainer.Train"/> on one thread: its result is bit-identical to training that fold
/// alone, whatever the number of configurations trained at once.
/// </summary>
public static class Sweep
{
    /// <summary>
    /// Trains and scores the configurations whose index <paramref name="include"/> accepts (all when null),
    /// <paramref name="threads"/> configurations at once, and reports each on the calling thread, in index
    /// order, with its folds' per-epoch histories (not kept: at most 2 × threads configurations wait).
    /// </summary>
    /// <param name="data">The rows to cross-validate on (a sweep's training rows; its test rows take no part).</param>
    /// <param name="configurations">The options of every configuration, validated; each fold trains with them
    /// unchanged.</param>
    /// <param name="folds">K.</param>
    /// <param name="repeats">R.</param>
    /// <param name="seed">The seed of the fold partition.</param>
    /// <param name="threads">Configurations trained at once.</param>
    /// <param name="include">Which configurations to train (the others are skipped, as on resuming), or null.</param>
    /// <param name="onConfiguration">Called with each finished configuration and its folds' histories, in (repeat,
    /// fold) order.</param>
    /// <param name="cancel">Stops the sweep: configurations in progress are dropped, those reported are
    /// complete.</param>
    /// <returns>Whether every included configuration was reported (false when cancelled).</returns>
    /// <exception cref="OptionException">K, R or the thread count does not fit.</exception>
    public static bool Run(Dataset data, IReadOnlyList<TrainingOptions> configurations, int folds, int repeats,
        ulong seed,
        int threads, Func<int, bool>? include, Action<SweepEntry, IReadOnlyList<IReadOnlyList<EpochMetrics>>>
            onConfiguration,
        CancellationToken cancel = default)
    {
        if (threads < 1) throw new OptionException(nameof(threads),
            $"{threads} is not a positive thread count; use 1 or more.");
        int[][] partition = CrossValidation.Partition(data, folds, repeats, seed);
        int[] todo = Enumerable.Range(0, configurations.Count).Where(i => include?.Invoke(i) ?? true).ToArray();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var notRun = new Outcome(null, null, null);

        Outcome Train(int slot)
        {
            int index = todo[slot];
            try
            {
                return Configuration(data, partition, folds, index, configurations[index], abort.Token);
            }
            catch (Exception e)
            {
                return new Outcome(null, null, ExceptionDispatchInfo.Capture(e));
            }
        }

        bool Consume(Outcome o)
        {
            o.Error?.Throw();
            if (o.Entry is null) return false;
            onConfiguration(o.Entry, o.Histories!);
            return true;
        }

        int workers = Math.Min(threads, todo.Length);
        if (workers <= 1)
        {
            for (int i = 0; i < todo.Length; i++)
                if (!Consume(Train(i))) return false;
            return true;
        }
        return CrossValidation.RunParallel(todo.Length, workers, Train, Consume, notRun, abort);
    }

    /// <summary>
    /// One configuration on every fold in (repeat, fold) order. Fold (r, k) trains on the rows whose fold in
    /// repeat r is not k and is scored on the others, as in <see cref="CrossValidation.Run"/>. A fold whose
    /// loss diverges ends the configuration: it is reported with the folds before it and
    /// <see cref="SweepEntry.Diverged"/> set.
    /// </summary>
    private static Outcome Configuration(Dataset data, int[][] partition, int folds, int index, TrainingOptions options,
        CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<FoldResult>();
        var histories = new List<IReadOnlyList<EpochMetrics>>();
        string? diverged = null;
        for (int r = 0; r < partition.Length && diverged is null; r++)
        {
            for (int k = 0; k < folds && diverged is null; k++)
            {
                if (cancel.IsCancellationRequested) return new Outcome(null, null, null);
                int[] held = Enumerable.Range(0, data.Count).Where(n => partition[r][n] == k).ToArray();
                int[] kept = Enumerable.Range(0, data.Count).Where(n => partition[r][n] != k).ToArray();
                try
                {
                    TrainingResult t = Trainer.Train(data.Subset(kept), data.Subset(held), options, null, null, cancel);
                    if (t.Interrupted) return new Outcome(null, null, null);
                    results.Add(new FoldResult(r + 1, k + 1, held, t.FinalTrain, t.FinalTest!, t.EpochsRun,
                        t.TrainSeconds));
                    histories.Add(t.History);
                }
                catch (TrainingDivergedException e)
                {
                    diverged = $"repeat {r + 1}, fold {k + 1}: {e.Message}";
                }
            }
        }
        return new Outcome(SweepEntry.Of(index, results, diverged, clock.Elapsed.TotalSeconds), histories, null);
    }

    /// <summary>A finished configuration with its histories, one not run or interrupted (all null), or a
    /// failure.</summary>
    private sealed record Outcome(SweepEntry? Entry, IReadOnlyList<IReadOnlyList<EpochMetrics>>? Histories,
        ExceptionDispatchInfo? Error);
}

/// <summary>
/// One configuration's cross-validated scores: the mean and sample standard deviation over its folds of the
/// held-out accuracy and loss of the final weights.
/// </summary>
/// <param name="Index">The configuration's 0-based index in the sweep.</param>
/// <param name="Folds">Its folds, in (repeat, fold) order; fewer than R × K when it diverged.</param>
/// <param name="AccuracyMean">Mean held-out accuracy over the folds (NaN when it diverged).</param>
/// <param name="AccuracySd">Sample SD of the held-out accuracy.</param>
/// <param name="LossMean">Mean held-out loss (NaN when it diverged).</param>
/// <param name="LossSd">Sample SD of the held-out loss.</param>
/// <param name="Seconds">Wall time its folds took.</param>
/// <param name="Diverged">Which fold's loss became NaN or infinite, and how; null when every fold finished.</param>
public sealed record SweepEntry(int Index, IReadOnlyList<FoldResult> Folds, double AccuracyMean, double AccuracySd,
    double LossMean, double LossSd, double Seconds, string? Diverged)
{
    /// <summary>The number of folds the scores are over (kept when <see cref="Folds"/> is not, as on
    /// resuming).</summary>
    public int FoldCount { get; init; }

    /// <summary>The standard error of <see cref="AccuracyMean"/>: SD / √(folds).</summary>
    public double AccuracyStandardError => FoldCount > 0 ? AccuracySd / Math.Sqrt(FoldCount) : double.NaN;

    /// <summary>The entry of finished folds, with the statistics of <see cref="CrossValidation.MeanAndSd"/>.</summary>
    public static SweepEntry Of(int index, IReadOnlyList<FoldResult> folds, string? diverged, double seconds)
    {
        if (diverged is not null)
        {
            return new SweepEntry(index, folds, double.NaN, double.NaN, double.NaN, double.NaN, seconds, diverged)
            {
                FoldCount = folds.Count,
            };
        }
        var (accuracy, accuracySd) = CrossValidation.MeanAndSd(folds.Select(f => f.HeldOut.Accuracy).ToArray());
        var (loss, lossSd) = CrossValidation.MeanAndSd(folds.Select(f => f.HeldOut.Loss).ToArray());
        return new SweepEntry(index, folds, accuracy, accuracySd, loss, lossSd, seconds,
            null)
        { FoldCount = folds.Count };
    }

    /// <summary>
    /// Ranks entries best first: higher mean accuracy, then lower mean loss; a diverged entry last. Entries
    /// equal in both share a rank (competition ranking: 1, 1, 3).
    /// </summary>
    public static IReadOnlyList<(SweepEntry Entry, int Rank)> Rank(IEnumerable<SweepEntry> entries)
    {
        SweepEntry[] sorted = entries.OrderBy(e => e.Diverged is null ? 0 : 1).ThenByDescending(e => e.AccuracyMean)
            .ThenBy(e => e.LossMean).ThenBy(e => e.Index).ToArray();
        var ranked = new List<(SweepEntry, int)>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            bool same = i > 0 && sorted[i].Diverged is null && sorted[i - 1].Diverged is null
                && sorted[i].AccuracyMean == sorted[i - 1].AccuracyMean && sorted[i].LossMean == sorted[i - 1].LossMean;
            ranked.Add((sorted[i], same ? ranked[i - 1].Item2 : i + 1));
        }
        return ranked;
    }

    /// <summary>
    /// The near-ties of the best entry (the one-standard-error rule): every finished entry but the best whose
    /// mean accuracy is at least the best mean minus the best's standard error.
    /// </summary>
    public static IReadOnlyList<SweepEntry> NearTies(SweepEntry best, IEnumerable<SweepEntry> entries) =>
        entries.Where(e => e != best && e.Diverged is null
            && e.AccuracyMean >= best.AccuracyMean - best.AccuracyStandardError).ToArray();
}
