namespace IrisNet.Tests;

/// <summary>
/// The sweep engine: a configuration's fold is exactly the fit the library's Trainer makes of that fold alone,
/// whatever the number of configurations trained at once, on the folds cross-validation draws.
/// </summary>
public sealed class SweepTests
{
    private const int K = 4, R = 2;
    private const ulong Seed = 7;

    /// <summary>Configurations that exercise every path: activations, mini-batches with shuffling, momentum, L2,
    /// float32.</summary>
    private static readonly TrainingOptions[] Configurations =
    [
        new() { Hidden = 5, Activation = Activation.Tanh, LearningRate = 0.3, Epochs = 60, Seed = Seed },
        new() { Hidden = 3, Activation = Activation.Relu, LearningRate = 0.1, Epochs = 40, BatchSize = 16,
            Momentum = 0.9, Seed = Seed },
        new() { Hidden = 8, LearningRate = 0.05, Epochs = 50, L2 = 1e-3, Precision = Precision.Float32, Seed = Seed },
        new() { Hidden = 2, Activation = Activation.Tanh, LearningRate = 1, Epochs = 30, BatchSize = 7, Seed = Seed },
    ];

    private static List<(SweepEntry Entry, IReadOnlyList<IReadOnlyList<EpochMetrics>> Histories)> Run(Dataset data,
        int threads)
    {
        var seen = new List<(SweepEntry, IReadOnlyList<IReadOnlyList<EpochMetrics>>)>();
        bool complete = Sweep.Run(data, Configurations, K, R, Seed, threads, null, (e, h) => seen.Add((e, h)));
        Assert.True(complete);
        return seen;
    }

    [Fact]
    public void A_configurations_fold_is_bit_identical_to_training_that_fold_alone_with_the_Trainer()
    {
        Dataset data = Repo.Iris();
        var seen = Run(data, threads: 2);
        Assert.Equal(Enumerable.Range(0, Configurations.Length), seen.Select(s => s.Entry.Index));
        int[][] partition = CrossValidation.Partition(data, K, R, Seed);
        foreach (var (entry, histories) in seen)
        {
            Assert.Null(entry.Diverged);
            Assert.Equal(K * R, entry.Folds.Count);
            for (int f = 0; f < entry.Folds.Count; f++)
            {
                FoldResult fold = entry.Folds[f];
                int r = fold.Repeat - 1, k = fold.Fold - 1;
                Assert.Equal((f / K, f % K), (r, k));
                // The fold alone, its rows chosen here from the partition.
                var held = new List<int>();
                var kept = new List<int>();
                for (int n = 0; n < data.Count; n++) (partition[r][n] == k ? held : kept).Add(n);
                TrainingResult alone = Trainer.Train(data.Subset(kept), data.Subset(held), Configurations[entry.Index]);
                Assert.Equal(held, fold.HeldOutRows);
                Assert.Equal(Bits(alone.FinalTest!.Loss), Bits(fold.HeldOut.Loss));
                Assert.Equal(Bits(alone.FinalTrain.Loss), Bits(fold.Train.Loss));
                Assert.Equal(alone.FinalTest.Confusion, fold.HeldOut.Confusion);
                Assert.Equal(alone.History.Select(m => Bits(m.TrainLoss)), histories[f].Select(m => Bits(m.TrainLoss)));
                Assert.Equal(alone.History.Select(m => Bits(m.TestLoss!.Value)),
                    histories[f].Select(m => Bits(m.TestLoss!.Value)));
            }
            var (mean, sd) = CrossValidation.MeanAndSd(entry.Folds.Select(x => x.HeldOut.Accuracy).ToArray());
            Assert.Equal((Bits(mean), Bits(sd)), (Bits(entry.AccuracyMean), Bits(entry.AccuracySd)));
        }
    }

    [Fact]
    public void Results_are_bit_identical_for_any_thread_count_and_equal_to_cross_validation()
    {
        Dataset data = Repo.Iris();
        string[] one = Fingerprints(Run(data, threads: 1));
        Assert.Equal(one, Fingerprints(Run(data, threads: 3)));
        Assert.Equal(one, Fingerprints(Run(data, threads: 8)));
        // cv with a configuration's options (its seed the fold seed) trains exactly the same folds.
        CrossValidationResult cv = CrossValidation.Run(data, Configurations[1], K, R, threads: 2);
        var sweep = Run(data, threads: 2)[1].Entry;
        Assert.Equal(cv.Folds.Select(f => Bits(f.HeldOut.Loss)), sweep.Folds.Select(f => Bits(f.HeldOut.Loss)));
        Assert.Equal(Bits(cv.MeanAccuracy), Bits(sweep.AccuracyMean));
    }

    [Fact]
    public void Cancelling_reports_only_complete_configurations_and_skipped_ones_are_not_trained()
    {
        Dataset data = Repo.Iris();
        using var cancel = new CancellationTokenSource();
        var seen = new List<SweepEntry>();
        bool complete = Sweep.Run(data, Configurations, K, R, Seed, 1, i => i != 0, (e, _) =>
        {
            seen.Add(e);
            cancel.Cancel();
        }, cancel.Token);
        Assert.False(complete);
        SweepEntry only = Assert.Single(seen);
        Assert.Equal(1, only.Index);
        Assert.Equal(K * R, only.Folds.Count);
    }

    [Fact]
    public void Ranks_put_the_higher_mean_first_share_exact_ties_and_near_ties_are_within_one_standard_error()
    {
        static SweepEntry E(int i, double acc, double sd, double loss) =>
            new(i, [], acc, sd, loss, 0, 0, null) { FoldCount = 4 };
        SweepEntry[] entries = [E(0, 0.90, 0.02, 0.3), E(1, 0.96, 0.04, 0.2), E(2, 0.95, 0.01, 0.1), E(3, 0.96, 0.04,
            0.2),
            E(4, 0.939, 0, 0.1), new(5, [], double.NaN, double.NaN, double.NaN, double.NaN, 0,
                "diverged") { FoldCount = 1 }];
        var ranked = SweepEntry.Rank(entries);
        Assert.Equal([1, 3, 2, 4, 0, 5], ranked.Select(t => t.Entry.Index));
        Assert.Equal([1, 1, 3, 4, 5, 6], ranked.Select(t => t.Rank));
        // The best's SE is 0.04 / √4 = 0.02: 0.95 is within it, 0.939 and 0.90 are not.
        Assert.Equal([3, 2], SweepEntry.NearTies(ranked[0].Entry, ranked.Select(t => t.Entry)).Select(e => e.Index));
    }

    private static string[] Fingerprints(IEnumerable<(SweepEntry Entry,
        IReadOnlyList<IReadOnlyList<EpochMetrics>> Histories)> seen) =>
        seen.Select(s => string.Join(',', s.Entry.Folds.SelectMany(f => new[] { Bits(f.HeldOut.Loss),
            Bits(f.Train.Loss) })
            .Concat(s.Histories.SelectMany(h => h.Select(m => Bits(m.TrainLoss)))))).ToArray();

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
