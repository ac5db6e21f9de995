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

    [Fact]
    public void Final_evaluation_allocates_the_predicted_classes_not_an_H_by_N_or_C_by_N_matrix()
    {
        // 200,000 rows, H = 16: one H×N matrix is 25.6 MB, the C×N probabilities 4.8 MB more each.
        const int N = 200_000;
        Dataset data = RandomData.Make(N, 4, 3, seed: 5);
        var shape = new NetworkShape(4, 16, 3, true, Activation.Relu);
        using var net = new Network<double, IrisNet.Kernels.VectorKernels<double>>(shape, N);
        for (int i = 0; i < net.A.Length; i++) net.A[i] = Math.Sin(i + 1);
        for (int i = 0; i < net.B.Length; i++) net.B[i] = Math.Cos(i + 1);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.Fit(data));
        FeatureMajor.Evaluate(net, X, Y, data.Labels, data.ClassNames); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Evaluation e = FeatureMajor.Evaluate(net, X, Y, data.Labels, data.ClassNames);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(N, e.Count);
        // What must be allocated: N predicted classes (4 bytes each) and work buffers of a few
        // thousand columns; an H×N hidden matrix or a C×N probability matrix breaks this bound.
        Assert.True(allocated < 4L * N + 2_000_000, $"{allocated:N0} bytes allocated to evaluate {N:N0} rows");
    }

    [Fact]
    public void Decision_regions_of_a_wide_model_cost_no_row_of_features_per_grid_cell()
    {
        // D = 100,000: a row of D doubles for each of the 300 × 180 cells is 43 GB of allocations.
        const int D = 100_000, H = 8, C = 3;
        var rng = new Random(11);
        double[] A = Enumerable.Range(0, H * D).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] a = Enumerable.Range(0, H).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] B = Enumerable.Range(0, C * H).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] b = Enumerable.Range(0, C).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var standardization = Standardization.FromValues(
            Enumerable.Range(0, D).Select(d => d * 1e-5).ToArray(), Enumerable.Range(0,
                D).Select(d => 1 + d * 1e-6).ToArray());
        var model = new Model(new NetworkShape(D, H, C, true, Activation.Tanh), Precision.Float64,
            Enumerable.Range(0, D).Select(d => $"f{d}").ToArray(), ["x", "y", "z"], "label", standardization, A, a, B,
                b, null);
        double[] at = Enumerable.Range(0, D).Select(_ => rng.NextDouble()).ToArray();
        double[] xs = Enumerable.Range(0, 300).Select(i => -3 + i * 0.02).ToArray();
        double[] ys = Enumerable.Range(0, 180).Select(i => 3 - i * 0.03).ToArray();
        model.PlaneClasses(at, 7, 99_000, xs[..2], ys[..2]); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        int[,] classes = model.PlaneClasses(at, 7, 99_000, xs, ys);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000,
            $"{allocated:N0} bytes allocated for a 300×180 plane of a {D:N0}-feature model");

        // Each cell is the model's own prediction at that point.
        foreach (var (r, c) in new[] { (0, 0), (90, 150), (179, 299), (33, 211) })
        {
            double[] row = (double[])at.Clone();
            row[7] = xs[c];
            row[99_000] = ys[r];
            double[] p = model.PredictProbabilities([row])[0];
            Assert.Equal(Array.IndexOf(p, p.Max()), classes[r, c]);
        }
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
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First.Epoch < p.Second.Epoch),
            "epochs of the kept rows increase");
        // Every column: over each span between kept rows the true curve stays within the kept values'
        // range (nothing is drawn too short), and every kept value is a true value of its span.
        Func<EpochMetrics, double>[] columns = [m => m.TrainLoss, m => m.TrainAccuracy, m => m.TestLoss!.Value,
            m => m.TestAccuracy!.Value];
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
    public void Each_bucket_gives_its_minimum_and_maximum_in_the_order_they_occurred()
    {
        // Random values in all six columns, so that within a bucket the minimum comes first as often as
        // the maximum does, and neither sits at the bucket's first or last epoch as a rule.
        var rng = new Random(3);
        var all = new List<EpochMetrics>();
        for (int e = 1; e <= 20_000; e++)
            all.Add(new EpochMetrics(e, rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(),
                rng.NextDouble(), rng.NextDouble()));
        var series = new MetricsSeries(8);
        foreach (EpochMetrics m in all) series.Add(m);
        EpochMetrics[] kept = series.ToList();
        // The head rows, then two rows per bucket (its first and last epoch), then the last epoch.
        Assert.Equal(all.Take(MetricsSeries.HeadRows), kept.Take(MetricsSeries.HeadRows));
        EpochMetrics[] pairs = kept[MetricsSeries.HeadRows..^1];
        Assert.True(pairs.Length is > 0 and <= 16 && pairs.Length % 2 == 0, $"{pairs.Length} rows for the buckets");
        Func<EpochMetrics, double>[] columns = [m => m.TrainLoss, m => m.TrainAccuracy, m => m.TestLoss!.Value,
            m => m.TestAccuracy!.Value,
            m => m.ValidationLoss!.Value, m => m.ValidationAccuracy!.Value];
        for (int i = 0; i < pairs.Length; i += 2)
        {
            EpochMetrics early = pairs[i], late = pairs[i + 1];
            Assert.True(early.Epoch < late.Epoch);
            var span = all.GetRange(early.Epoch - 1, late.Epoch - early.Epoch + 1);
            foreach (var column in columns)
            {
                double[] values = span.Select(column).ToArray();
                double a = column(early), b = column(late);
                Assert.Equal(values.Min(), Math.Min(a, b));
                Assert.Equal(values.Max(), Math.Max(a, b));
                Assert.True(Array.IndexOf(values, a) < Array.IndexOf(values, b),
                    $"epochs {early.Epoch}-{late.Epoch}: {a} (epoch {early.Epoch + Array.IndexOf(values, a)}) is " +
                        $"drawn before {b} (epoch {early.Epoch + Array.IndexOf(values, b)})");
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

    [Fact]
    public void Timing_in_ticks_bins_every_epoch_as_the_seconds_would()
    {
        // The training loop records ticks; short epochs take their bin from a table filled by the
        // logarithm the first time each tick count is seen. Both must give the same bins.
        var seconds = new EpochTiming();
        var ticks = new EpochTiming();
        var rng = new Random(5);
        for (int i = 0; i < 20_000; i++)
        {
            // Mostly a few thousand ticks (a few µs), some long epochs beyond the table.
            long t = i == 0 ? 900_000 : i % 7 == 0 ? rng.NextInt64(16_000, 10_000_000) : rng.Next(1, 12_000);
            ticks.AddTicks(t);
            seconds.Add(t * (1.0 / System.Diagnostics.Stopwatch.Frequency));
            if (i % 997 == 0) Assert.Equal(seconds.SteadyMedianSeconds, ticks.SteadyMedianSeconds);
        }
        Assert.Equal(seconds.FirstEpochSeconds, ticks.FirstEpochSeconds);
        Assert.Equal(seconds.Epochs, ticks.Epochs);
        Assert.Equal(seconds.TotalSeconds, ticks.TotalSeconds, 1e-12);
        Assert.Equal(seconds.SteadyMedianSeconds, ticks.SteadyMedianSeconds);
    }
}
