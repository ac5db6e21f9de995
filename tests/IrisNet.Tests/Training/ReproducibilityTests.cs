namespace IrisNet.Tests;

/// <summary>
/// docs/derivation.md §10 ("Reproducing a run exactly") reimplemented from its text — the
/// generator, the three streams, the stratified split, the standardization, the initial weights
/// and the mini-batch order — with none of the library's random or data code. Fed through the
/// library's network and step, it reproduces a <c>--batch-size 16</c> run bit for bit.
/// </summary>
public class ReproducibilityTests
{
    [Theory]
    [InlineData(16, 0.2, 42UL)]
    [InlineData(16, 0.0, 7UL)]
    [InlineData(0, 0.2, 42UL)]
    public void The_documented_procedure_reproduces_a_run_bit_for_bit(int batch, double testFraction, ulong seed)
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions
        {
            BatchSize = batch,
            Epochs = 4,
            TestFraction = testFraction,
            Seed = seed,
            Momentum = 0.5,
            L2 = 1e-3,
            LearningRate = 0.05
        };
        var (libraryTrain, libraryTest) = iris.SplitStratified(options.TestFraction, options.Seed);
        TrainingResult expected = Trainer.Train(libraryTrain, libraryTest, options);

        double[] losses = Documented(iris, options, freshPermutationEachEpoch: false, out double[]? testLosses,
            out double[] finalA);
        Assert.Equal(expected.History.Select(m => m.TrainLoss), losses);
        if (testLosses is not null) Assert.Equal(expected.History.Select(m => m.TestLoss!.Value), testLosses);
        else Assert.All(expected.History, m => Assert.Null(m.TestLoss));
        Assert.Equal(expected.Model.A, finalA);
    }

    /// <summary>The natural misreading — a fresh permutation every epoch — does not reproduce the run, so the test can
    /// tell.</summary>
    [Fact]
    public void A_fresh_permutation_every_epoch_is_a_different_run()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { BatchSize = 16, Epochs = 4 };
        var (train, test) = iris.SplitStratified(options.TestFraction, options.Seed);
        TrainingResult expected = Trainer.Train(train, test, options);
        double[] losses = Documented(iris, options, freshPermutationEachEpoch: true, out _, out _);
        Assert.Equal(expected.History[0].TrainLoss, losses[0]); // the first epoch shuffles the identity either way
        Assert.NotEqual(expected.History[2].TrainLoss, losses[2]);
    }

    private static double[] Documented(Dataset iris, TrainingOptions o, bool freshPermutationEachEpoch,
        out double[]? testLosses, out double[] finalA)
    {
        ulong seed = o.Seed;
        var init = new Stream(seed, 1);
        var split = new Stream(seed, 2);
        var shuffle = new Stream(seed, 3);

        // 1. The split: per class in class order, shuffle the class's rows, the first round(n_c·f) go to test.
        int N0 = iris.Count, C = iris.ClassCount, D = iris.FeatureCount, H = o.Hidden;
        var isTest = new bool[N0];
        if (o.TestFraction > 0)
        {
            for (int c = 0; c < C; c++)
            {
                List<int> members = [.. Enumerable.Range(0, N0).Where(n => iris.Labels[n] == c)];
                split.Shuffle(members);
                int take = (int)Math.Round(members.Count * o.TestFraction, MidpointRounding.AwayFromZero);
                for (int i = 0; i < take; i++) isTest[members[i]] = true;
            }
        }
        int[] trainRows = Enumerable.Range(0, N0).Where(n => !isTest[n]).ToArray();
        int[] testRows = Enumerable.Range(0, N0).Where(n => isTest[n]).ToArray();

        // 2. Standardization fitted on the training rows: mean and population standard deviation.
        var mean = new double[D];
        var sigma = new double[D];
        for (int d = 0; d < D; d++)
        {
            double sum = 0;
            foreach (int n in trainRows) sum += iris.Features[n][d];
            mean[d] = sum / trainRows.Length;
            double ss = 0;
            foreach (int n in trainRows) ss += (iris.Features[n][d] - mean[d]) * (iris.Features[n][d] - mean[d]);
            sigma[d] = Math.Sqrt(ss / trainRows.Length);
            if (sigma[d] == 0) sigma[d] = 1;
        }
        double[] Row(int n) => Enumerable.Range(0, D).Select(d => (iris.Features[n][d] - mean[d]) / sigma[d]).ToArray();

        // 3. Initial weights: A row by row, then B row by row, (2u − 1)·√(6/(fan-in + fan-out)); biases 0.
        var shape = new NetworkShape(D, H, C, true, o.Activation);
        using var net = new Network<double, VectorKernels<double>>(shape, trainRows.Length);
        double rA = Math.Sqrt(6.0 / (D + H)), rB = Math.Sqrt(6.0 / (H + C));
        for (int k = 0; k < H * D; k++) net.A[k] = (2 * init.NextDouble() - 1) * rA;
        for (int k = 0; k < C * H; k++) net.B[k] = (2 * init.NextDouble() - 1) * rB;
        var velocity = new Network<double, VectorKernels<double>>.Velocity(shape);

        // 4–5. Epochs over slices of an order that is made once and shuffled again each epoch.
        int N = trainRows.Length, m = o.BatchSize == 0 ? N : o.BatchSize;
        List<int> order = [.. Enumerable.Range(0, N)];
        var losses = new List<double>();
        var tests = new List<double>();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            if (testRows.Length > 0)
            {
                var (Xt, Yt) = Batch(testRows);
                tests.Add(net.Forward(Xt, Yt, 0, testRows.Length, testRows.Length).LossSum / testRows.Length);
            }
            if (m < N)
            {
                if (freshPermutationEachEpoch) order = [.. Enumerable.Range(0, N)];
                shuffle.Shuffle(order);
            }
            double lossSum = 0;
            for (int start = 0; start < N; start += m)
            {
                int[] slice = order.Skip(start).Take(m).Select(i => trainRows[i]).ToArray();
                var (X, Y) = Batch(slice);
                lossSum += net.ForwardBackward(X, Y, 0, slice.Length, slice.Length).LossSum;
                net.Step(o.LearningRate, o.Momentum, o.L2, velocity);
            }
            losses.Add(lossSum / N);
        }
        testLosses = testRows.Length > 0 ? tests.ToArray() : null;
        finalA = (double[])net.A.Clone();
        return losses.ToArray();

        (double[] X, double[] Y) Batch(int[] rows)
        {
            var data = new Dataset(iris.FeatureNames, iris.ClassNames, rows.Select(Row).ToArray(),
                rows.Select(n => iris.Labels[n]).ToArray());
            return FeatureMajor.Build<double>(data, Standardization.None(D));
        }
    }

    /// <summary>SplitMix64 and its stream for purpose p, as the document states them.</summary>
    private sealed class Stream(ulong seed, ulong purpose)
    {
        private ulong _state = seed ^ unchecked(purpose * 0xD1B54A32D192ED03UL);

        public double NextDouble()
        {
            ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return ((z ^ (z >> 31)) >> 11) * Math.Pow(2, -53);
        }

        public void Shuffle(List<int> items)
        {
            for (int i = items.Count - 1; i > 0; i--)
            {
                int j = (int)Math.Floor(NextDouble() * (i + 1));
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
