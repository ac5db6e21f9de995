using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// A run's memory does not grow with its epoch count; the bounded curve and timing keep what they promise.
/// The heap is measured for the whole process, so these tests run alone, never beside another test class.
/// </summary>
[Collection(nameof(RunMemoryTests))]
public class RunMemoryTests
{
    /// <summary>
    /// Heap retained at the last epoch (inside the callback, after a full collection) and bytes
    /// allocated on the training thread, for a run of <paramref name="epochs"/> epochs on Iris.
    /// </summary>
    private static (long Retained, long Allocated, TrainingResult Result) Measure(int epochs)
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = epochs };
        var (train, test) = iris.SplitStratified(options.TestFraction, options.Seed);
        Trainer.Train(train, test, options with { Epochs = 3 }); // warm up: compile the loop once
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long atEnd = 0;
        TrainingResult result = Trainer.Train(train, test, options, onEpoch: m =>
        {
            if (m.Epoch == epochs) atEnd = GC.GetTotalMemory(forceFullCollection: true);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long retainedAfter = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(result);
        return (Math.Max(atEnd - before, retainedAfter), allocated, result);
    }

    [Fact]
    public void Retained_and_allocated_memory_do_not_grow_with_the_epoch_count()
    {
        var small = Measure(1_000);
        var large = Measure(200_000);
        Assert.Equal(200_000, large.Result.EpochsRun);
        // A per-epoch history would cost about 50 bytes an epoch: 10 MB more at 200,000 epochs.
        Assert.True(large.Retained - small.Retained < 512 * 1024,
            $"retained {small.Retained:N0} bytes at 1,000 epochs but {large.Retained:N0} at 200,000");
        Assert.True(large.Allocated - small.Allocated < 1024 * 1024,
            $"allocated {small.Allocated:N0} bytes at 1,000 epochs but {large.Allocated:N0} at 200,000");
        Assert.InRange(large.Result.History.Count, 2, MetricsSeries.HeadRows + 2 * MetricsSeries.DefaultCapacity + 1);
        Assert.Equal(200_000, large.Result.History[^1].Epoch);
    }

    private static EpochMetrics Row(int epoch, bool test = true) =>
        new(epoch, 2 + Math.Sin(epoch * 0.37) + 1.0 / epoch, (epoch % 97) / 97.0,
            test ? 1 + Math.Cos(epoch * 0.11) : null, test ? (epoch % 13) / 13.0 : null);

    [Fact]
    public void Up_to_its_capacity_the_series_keeps_every_row_exactly()
    {
        var series = new MetricsSeries(64);
        var rows = Enumerable.Range(1, 64).Select(e => Row(e)).ToArray();
        foreach (EpochMetrics m in rows) series.Add(m);
        Assert.Equal(rows, series.ToList());
    }

    [Theory]
    [InlineData(1, 100_003)]
    [InlineData(7, 100_003)]
    [InlineData(1, 1_000)]
    public void Beyond_its_capacity_the_series_keeps_each_buckets_extremes_and_the_last_epoch(int every, int epochs)
    {
        const int capacity = 64;
        var series = new MetricsSeries(capacity);
        var all = new List<EpochMetrics>();
        for (int e = every; e <= epochs; e += every) all.Add(Row(e));
        if (all[^1].Epoch != epochs) all.Add(Row(epochs));
        foreach (EpochMetrics m in all) series.Add(m);
        EpochMetrics[] kept = series.ToList();

        Assert.InRange(kept.Length, 2, MetricsSeries.HeadRows + 2 * capacity + 1);
        Assert.Equal(all[^1], kept[^1]);
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First.Epoch < p.Second.Epoch), "epochs of the kept rows increase");
        // Every column: over each span between kept rows the true curve stays within the kept values'
        // range (nothing is drawn too short), and every kept value is a true value of its span.
        Func<EpochMetrics, double>[] columns = [m => m.TrainLoss, m => m.TrainAccuracy, m => m.TestLoss!.Value, m => m.TestAccuracy!.Value];
        foreach (var column in columns)
        {
            Assert.Equal(all.Min(column), kept.Min(column));
            Assert.Equal(all.Max(column), kept.Max(column));
            for (int i = 0; i + 1 < kept.Length; i += 2)
            {
                int from = kept[i].Epoch, to = kept[Math.Min(i + 1, kept.Length - 1)].Epoch;
                var span = all.Where(m => m.Epoch >= from && m.Epoch <= to).Select(column).ToArray();
                Assert.Contains(column(kept[i]), span);
            }
        }
    }

    [Fact]
    public void A_series_without_test_rows_keeps_them_null()
    {
        var series = new MetricsSeries(4);
        for (int e = 1; e <= 50; e++) series.Add(Row(e, test: false));
        Assert.All(series.ToList(), m => Assert.Null(m.TestLoss));
        Assert.All(series.ToList(), m => Assert.Null(m.ValidationLoss));
    }

    [Fact]
    public void Timing_keeps_the_first_epoch_apart_and_the_steady_median_within_half_a_percent()
    {
        var timing = new EpochTiming();
        timing.Add(0.25); // the first epoch: compilation
        for (int i = 0; i < 999; i++) timing.Add(4e-6 + i * 1e-10);
        for (int i = 0; i < 500; i++) timing.Add(1e-3);
        Assert.Equal(0.25, timing.FirstEpochSeconds);
        Assert.Equal(1500, timing.Epochs);
        double exact = 4e-6 + 749 * 1e-10; // the 750th smallest of the 1,499 later epochs
        Assert.InRange(timing.SteadyMedianSeconds!.Value, exact * 0.995, exact * 1.005);
        Assert.Null(new EpochTiming().SteadyMedianSeconds);
    }
}

/// <summary>Runs <see cref="RunMemoryTests"/> with no other test in parallel: other tests' allocations would count as its retained memory.</summary>
[CollectionDefinition(nameof(RunMemoryTests), DisableParallelization = true)]
public sealed class RunMemoryCollection;
