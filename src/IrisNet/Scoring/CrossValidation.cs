using System.Diagnostics;
using System.Runtime.ExceptionServices;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;

namespace IrisNet.Scoring;

/// <summary>
/// Repeated stratified k-fold cross-validation. Each repeat partitions the rows into K folds that
/// keep the class proportions; each fold in turn is held out while a network is trained on the
/// other K − 1 from the seeded initialization of <see cref="Trainer.Initialize"/> (or the given
/// weights), with standardization fitted on that fold's training rows only. Folds train in parallel;
/// the results are bit-identical whatever the number of threads.
/// </summary>
public static class CrossValidation
{
    /// <summary>z for a two-sided 95 % interval: Φ⁻¹(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The fold of every row, for each repeat: <c>result[r][n]</c> is the 0-based fold of row n in
    /// repeat r + 1. One <see cref="RandomStream.Folds"/> stream of the seed is drawn from for all
    /// repeats in order. Within a repeat, for each class c in class order, the indices of that class's
    /// rows (ascending) are shuffled by <see cref="SplitMix64.Shuffle"/>, and the i-th shuffled row goes
    /// to fold (o_c + i) mod K, where o_c is the number of rows of the classes before c. Every class is
    /// thus spread over the folds with counts that differ by at most one, and so are the fold sizes.
    /// </summary>
    public static int[][] Partition(Dataset data, int folds, int repeats, ulong seed)
    {
        Validate(data, folds, repeats);
        var rng = SplitMix64.Stream(seed, RandomStream.Folds);
        var result = new int[repeats][];
        for (int r = 0; r < repeats; r++)
        {
            var fold = new int[data.Count];
            int offset = 0;
            for (int c = 0; c < data.ClassCount; c++)
            {
                int[] members = Enumerable.Range(0, data.Count).Where(n => data.Labels[n] == c).ToArray();
                rng.Shuffle(members);
                for (int i = 0; i < members.Length; i++) fold[members[i]] = (offset + i) % folds;
                offset += members.Length;
            }
            result[r] = fold;
        }
        return result;
    }

    /// <summary>Checks K and R against the data: 2 ≤ K ≤ the rows of the smallest class, R ≥ 1.</summary>
    /// <exception cref="OptionException"><paramref name="folds"/> or <paramref name="repeats"/> is out of range (the
    /// error names the parameter).</exception>
    public static void Validate(Dataset data, int folds, int repeats)
    {
        if (folds < 2)
            throw new OptionException(nameof(folds),
                $"{folds} is fewer than 2; cross-validation holds out one fold while training on the others, so use " +
                $"for example 5.");
        int smallest = int.MaxValue, smallestClass = 0;
        for (int c = 0; c < data.ClassCount; c++)
        {
            int count = data.Labels.Count(l => l == c);
            if (count < smallest) (smallest, smallestClass) = (count, c);
        }
        if (folds > smallest)
        {
            throw new OptionException(nameof(folds),
                $"{folds} is more than the {smallest} row(s) of class '{data.ClassNames[smallestClass]}', the " +
                $"smallest class; " +
                $"stratified folds need every class in every fold. Use {Math.Max(2, smallest)} or " +
                    $"fewer{(smallest < 2 ? ", after adding rows of that class" : "")}.");
        }
        if (repeats < 1) throw new OptionException(nameof(repeats),
            $"{repeats} is not a positive number of repeats; use for example 1.");
        if (repeats > 10_000) throw new OptionException(nameof(repeats),
            $"{repeats} repeats is beyond the supported 10,000.");
    }

    /// <summary>
    /// Runs R × K trainings and summarizes them. Fold (r, k) trains on the rows whose fold in repeat r
    /// is not k (original row order) and is evaluated on the others, with <paramref name="options"/>
    /// unchanged (its seed drives the initialization and the mini-batch shuffle of every fold alike;
    /// its test fraction is not used). Every epoch of a fold is handed to the sink that
    /// <paramref name="epochsOf"/> returns for it, on the thread training it, so a caller can stream every
    /// row out; nothing per epoch is kept here but the bounded <see cref="CurveBand"/>s. <paramref name="onFold"/>
    /// is called on the calling thread with each completed fold, in (repeat, fold) order. At most
    /// 2 × threads completed folds wait for their turn.
    /// </summary>
    /// <param name="data">Every labelled row.</param>
    /// <param name="options">Validated training options for each fold.</param>
    /// <param name="folds">K.</param>
    /// <param name="repeats">R.</param>
    /// <param name="threads">Folds trained at once (each fold's own training uses <c>options.Threads</c>).</param>
    /// <param name="init">Starting weights for every fold, or null for the seeded initialization. A standardization
    /// stored with them is ignored: each fold fits its own.</param>
    /// <param name="epochsOf">Called with (repeat, fold), 1-based, on the training thread before the fold's first
    /// epoch: the sink of its epochs, or null.</param>
    /// <param name="onFold">Called with each completed fold, in order.</param>
    /// <param name="cancel">Stops the run: folds in progress end after their current epoch and are not counted.</param>
    /// <exception cref="OptionException">K, R or a training option does not fit the data.</exception>
    /// <exception cref="TrainingDivergedException">The first fold (in order) whose loss was not finite; the folds
    /// before it were reported.</exception>
    public static CrossValidationResult Run(Dataset data, TrainingOptions options, int folds, int repeats,
        int threads = 1,
        InitialWeights? init = null, Func<int, int, Action<EpochMetrics>?>? epochsOf = null,
            Action<FoldResult>? onFold = null,
        CancellationToken cancel = default)
    {
        options.Validate();
        if (threads < 1) throw new OptionException(nameof(threads),
            $"{threads} is not a positive thread count; use 1 or more.");
        int[][] partition = Partition(data, folds, repeats, options.Seed);
        int largestFold = (data.Count + folds - 1) / folds;
        options.ValidateFor(data.Count - largestFold, data.FeatureCount, data.ClassCount);
        if (init is not null)
        {
            init.Validate(data.FeatureCount, data.ClassCount, options.Bias, null);
            init = init with { Standardization = null };
        }

        var clock = Stopwatch.StartNew();
        int total = folds * repeats;
        int width = CurveBand.WidthFor(options.Epochs);
        var accumulator = new Accumulator(data, options.Epochs, width);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        Outcome Train(int index)
        {
            int r = index / folds, k = index % folds;
            if (abort.IsCancellationRequested) return new Outcome(null, null, null);
            int[] held = Enumerable.Range(0, data.Count).Where(n => partition[r][n] == k).ToArray();
            int[] kept = Enumerable.Range(0, data.Count).Where(n => partition[r][n] != k).ToArray();
            Dataset train = data.Subset(kept), test = data.Subset(held);
            try
            {
                var curve = new FoldCurve(options.Epochs, width);
                Action<EpochMetrics>? sink = epochsOf?.Invoke(r + 1, k + 1);
                TrainingResult t = Trainer.Train(train, test, options, init, m =>
                {
                    curve.Add(m);
                    sink?.Invoke(m);
                }, abort.Token);
                if (t.Interrupted) return new Outcome(null, null, null);
                return new Outcome(new FoldResult(r + 1, k + 1, held, t.FinalTrain, t.FinalTest!, t.EpochsRun,
                    t.TrainSeconds), curve, null);
            }
            catch (Exception e)
            {
                return new Outcome(null, null, ExceptionDispatchInfo.Capture(e));
            }
        }

        // Returns false when the run stops at this fold (interrupted); throws its error.
        bool Consume(Outcome o)
        {
            o.Error?.Throw();
            if (o.Fold is null) return false;
            accumulator.Add(o.Fold, o.Curve!);
            onFold?.Invoke(o.Fold);
            return true;
        }

        bool complete = true;
        int workers = Math.Min(threads, total);
        if (workers == 1)
        {
            for (int i = 0; i < total && complete; i++) complete = Consume(Train(i));
        }
        else
        {
            complete = RunParallel(total, workers, Train, Consume, new Outcome(null, null, null), abort);
        }
        return accumulator.Result(folds, repeats, interrupted: !complete, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Workers take fold indices in increasing order and put each outcome in its slot; the calling
    /// thread consumes the slots in order. A worker takes a new index only with one of 2 × workers
    /// permits, which the consumer returns as it consumes a slot, so finished folds cannot pile up.
    /// Once stopping, the remaining slots are filled with <paramref name="notRun"/>. Also the scheduler of
    /// <see cref="Sweep"/>, whose units are configurations.
    /// </summary>
    internal static bool RunParallel<TOutcome>(int total, int workers, Func<int, TOutcome> train,
        Func<TOutcome, bool> consume, TOutcome notRun, CancellationTokenSource abort) where TOutcome : class
    {
        var slots = new TOutcome?[total];
        var gate = new object();
        int next = 0;
        bool stop = false;
        using var permits = new SemaphoreSlim(2 * workers);
        void Work()
        {
            while (true)
            {
                permits.Wait();
                int i = Interlocked.Increment(ref next) - 1;
                if (i >= total) return;
                // Once stopping, an index is still filled (as not run), so the consumer never waits on an empty slot.
                TOutcome o = Volatile.Read(ref stop) ? notRun : train(i);
                lock (gate)
                {
                    slots[i] = o;
                    Monitor.PulseAll(gate);
                }
            }
        }
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            threads[w] = new Thread(Work) { IsBackground = true, Name = $"irisnet-fold-{w + 1}" };
            threads[w].Start();
        }
        try
        {
            for (int i = 0; i < total; i++)
            {
                TOutcome o;
                lock (gate)
                {
                    while (slots[i] is null) Monitor.Wait(gate);
                    o = slots[i]!;
                    slots[i] = null;
                }
                if (!consume(o)) return false;
                permits.Release();
            }
            return true;
        }
        finally
        {
            // Ends the folds still running (their results would not be used) and lets every worker leave.
            Volatile.Write(ref stop, true);
            abort.Cancel();
            permits.Release(total + workers);
            foreach (Thread t in threads) t.Join();
        }
    }

    /// <summary>Mean and sample standard deviation (divisor n − 1; 0 for fewer than two values), summed in
    /// order.</summary>
    public static (double Mean, double Sd) MeanAndSd(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return (double.NaN, double.NaN);
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / n;
        if (n < 2) return (mean, 0);
        double ss = 0;
        foreach (double v in values) ss += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(ss / (n - 1)));
    }

    /// <summary>
    /// The Wilson score interval for a proportion p̂ observed on n trials:
    /// (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n). Unlike p̂ ± z√(p̂(1 − p̂)/n) it stays inside
    /// [0, 1] and does not collapse to a point when p̂ is 0 or 1, which matters at Iris's 97 %–100 %.
    /// </summary>
    public static (double Low, double High) WilsonInterval(double proportion, int n, double z = Z95)
    {
        if (n <= 0) return (0, 1);
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (proportion + z2 / (2.0 * n)) / denominator;
        double half = z * Math.Sqrt(proportion * (1 - proportion) / n + z2 / (4.0 * n * n)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>A finished fold (with its curve), a fold not run or interrupted (all null), or a failure.</summary>
    private sealed record Outcome(FoldResult? Fold, FoldCurve? Curve, ExceptionDispatchInfo? Error);

    /// <summary>
    /// One fold's train and held-out loss per bucket of <c>width</c> epochs: the sum (in epoch order),
    /// the minimum and the maximum, fed as the fold trains, so a fold costs a fixed amount of memory
    /// however many epochs it runs.
    /// </summary>
    private sealed class FoldCurve
    {
        private readonly int _width;
        public readonly double[] TrainSum, TrainMin, TrainMax, TestSum, TestMin, TestMax;

        public FoldCurve(int epochs, int width)
        {
            _width = width;
            int buckets = (epochs + width - 1) / width;
            TrainSum = new double[buckets];
            TestSum = new double[buckets];
            TrainMin = Filled(buckets, double.PositiveInfinity);
            TestMin = Filled(buckets, double.PositiveInfinity);
            TrainMax = Filled(buckets, double.NegativeInfinity);
            TestMax = Filled(buckets, double.NegativeInfinity);
        }

        public void Add(in EpochMetrics m)
        {
            int i = (m.Epoch - 1) / _width;
            double test = m.TestLoss!.Value;
            TrainSum[i] += m.TrainLoss;
            TrainMin[i] = Math.Min(TrainMin[i], m.TrainLoss);
            TrainMax[i] = Math.Max(TrainMax[i], m.TrainLoss);
            TestSum[i] += test;
            TestMin[i] = Math.Min(TestMin[i], test);
            TestMax[i] = Math.Max(TestMax[i], test);
        }
    }

    /// <summary>The running per-bucket sums, minima and maxima and the pooled confusion matrix, fed in fold
    /// order.</summary>
    private sealed class Accumulator(Dataset data, int epochs, int width)
    {
        private readonly List<FoldResult> _folds = [];
        private readonly FoldCurve _all = new(epochs, width);
        private readonly int[][] _confusion = Model.EmptyConfusion(data.ClassCount);
        private double _lossSum;
        private int _predictions;

        public void Add(FoldResult fold, FoldCurve curve)
        {
            _folds.Add(fold);
            for (int i = 0; i < curve.TrainSum.Length; i++)
            {
                _all.TrainSum[i] += curve.TrainSum[i];
                _all.TrainMin[i] = Math.Min(_all.TrainMin[i], curve.TrainMin[i]);
                _all.TrainMax[i] = Math.Max(_all.TrainMax[i], curve.TrainMax[i]);
                _all.TestSum[i] += curve.TestSum[i];
                _all.TestMin[i] = Math.Min(_all.TestMin[i], curve.TestMin[i]);
                _all.TestMax[i] = Math.Max(_all.TestMax[i], curve.TestMax[i]);
            }
            for (int k = 0; k < _confusion.Length; k++)
                for (int j = 0; j < _confusion.Length; j++) _confusion[k][j] += fold.HeldOut.Confusion[k][j];
            // The fold's loss is a mean over its rows; weighting by the rows gives the mean over every prediction.
            _lossSum += fold.HeldOut.Loss * fold.HeldOut.Count;
            _predictions += fold.HeldOut.Count;
        }

        public CrossValidationResult Result(int folds, int repeats, bool interrupted, double seconds)
        {
            int n = _folds.Count;
            int buckets = _all.TrainSum.Length;
            // Bucket i holds epochs i·width + 1 … min((i + 1)·width, E): its mean divides by the folds and its epochs.
            var middle = new double[buckets];
            for (int i = 0; i < buckets; i++) middle[i] = i * (double)width + (Count(i) + 1) / 2.0;
            double[] Mean(double[] sum) => sum.Select((s, i) => s / (n * (double)Count(i))).ToArray();
            CurveBand? Band(double[] sum, double[] min, double[] max) => n == 0 ? null : new CurveBand(width, middle,
                Mean(sum), min, max);
            var pooled = new Evaluation(data.ClassNames, _confusion, _predictions > 0 ? _lossSum / _predictions : 0);
            return new CrossValidationResult(folds, repeats, data.Count, _folds, Band(_all.TrainSum, _all.TrainMin,
                _all.TrainMax),
                Band(_all.TestSum, _all.TestMin, _all.TestMax), pooled, interrupted, seconds);
        }

        private int Count(int bucket) => Math.Min(width, epochs - bucket * width);
    }

    private static double[] Filled(int length, double value)
    {
        var a = new double[length];
        Array.Fill(a, value);
        return a;
    }
}
