using System.Diagnostics;
using System.Numerics;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Scoring;

namespace IrisNet.Training;

/// <summary>
/// Gradient-descent training of <see cref="Network{T, TK}"/> with the options' optimizer and learning-rate
/// schedule. Full batch by default; with a batch size, mini-batches over a seeded shuffle each epoch (one
/// optimizer step per batch, one schedule step per epoch). Epoch k's train loss is that of the
/// forward passes made in epoch k, before their updates: epoch 1 reports the initial weights' loss.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Initial weights: Glorot-uniform, A_ij ~ U(−r, r) with r = √(6/(D+H)), then B_ji ~ U(−r′, r′) with
    /// r′ = √(6/(H+C)), drawn in row-major order from the <see cref="RandomStream.Initialization"/>
    /// stream of the seed (u = NextDouble(), value = (2u − 1)·r); biases start at 0.
    /// </summary>
    public static InitialWeights Initialize(NetworkShape shape, ulong seed)
    {
        var rng = SplitMix64.Stream(seed, RandomStream.Initialization);
        double rA = Math.Sqrt(6.0 / (shape.D + shape.H)), rB = Math.Sqrt(6.0 / (shape.H + shape.C));
        var A = new double[shape.H][];
        for (int i = 0; i < shape.H; i++)
        {
            A[i] = new double[shape.D];
            for (int d = 0; d < shape.D; d++) A[i][d] = (2 * rng.NextDouble() - 1) * rA;
        }
        var B = new double[shape.C][];
        for (int j = 0; j < shape.C; j++)
        {
            B[j] = new double[shape.H];
            for (int i = 0; i < shape.H; i++) B[j][i] = (2 * rng.NextDouble() - 1) * rB;
        }
        return new InitialWeights(A, shape.Bias ? new double[shape.H] : null, B,
            shape.Bias ? new double[shape.C] : null);
    }

    /// <summary>Trains on <paramref name="train"/>, reporting <paramref name="test"/> each epoch when given.</summary>
    /// <param name="train">Training rows (raw features; standardization is fitted here unless <paramref name="init"/>
    /// carries one). With <see cref="TrainingOptions.ValidationFraction"/>, a stratified validation set is carved out
    /// of them first.</param>
    /// <param name="test">Test rows with the same features and classes, or null.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="init">Starting weights, or null for the seeded initialization.</param>
    /// <param name="onEpoch">Called after each epoch with its metrics. The run keeps only a bounded
    /// <see cref="MetricsSeries"/>: a caller that needs every row stores or streams them here.</param>
    /// <param name="cancel">Checked before each epoch: training then stops with the epochs done.</param>
    /// <param name="snapshots">Optional: the weights before the first epoch and after every
    /// <see cref="WeightSnapshots.Every"/>-th epoch's update, copied into its buffers.</param>
    /// <exception cref="OptionException">An option is out of range.</exception>
    /// <exception cref="ModelFileException">The initial weights do not fit the data.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static TrainingResult Train(Dataset train, Dataset? test, TrainingOptions options,
        InitialWeights? init = null,
        Action<EpochMetrics>? onEpoch = null, CancellationToken cancel = default, WeightSnapshots? snapshots = null)
    {
        options.Validate();
        if (train.Count == 0) throw new DataException(train.Source, 0, 0, "there are no training rows.");
        if (test is not null && (!test.FeatureNames.SequenceEqual(train.FeatureNames)
            || !test.ClassNames.SequenceEqual(train.ClassNames)))
            throw new ArgumentException("The test set's features or classes differ from the training set's.",
                nameof(test));
        if (init is not null)
        {
            if (options.Hidden != init.Hidden) options = options with { Hidden = init.Hidden };
            init.Validate(train.FeatureCount, train.ClassCount, options.Bias, null);
        }
        var (fit, validation) = SplitValidation(train, options);
        options.ValidateFor(fit.Count, fit.FeatureCount, fit.ClassCount);
        return options.Precision == Precision.Float32
            ? Run<float>(fit, validation, test, options, init, onEpoch, cancel, snapshots)
            : Run<double>(fit, validation, test, options, init, onEpoch, cancel, snapshots);
    }

    /// <summary>
    /// The rows the weights are fitted on and the validation rows: with a validation fraction, a
    /// stratified split of <paramref name="train"/> drawn from the <see cref="RandomStream.Validation"/>
    /// stream of the seed (the same rule as the train/test split); otherwise every row and none.
    /// </summary>
    /// <exception cref="DataException">A class has too few training rows to appear on both sides.</exception>
    public static (Dataset Fit, Dataset? Validation) SplitValidation(Dataset train, TrainingOptions options) =>
        options.ValidationFraction > 0
            ? train.SplitStratified(options.ValidationFraction, options.Seed, RandomStream.Validation,
                nameof(TrainingOptions.ValidationFraction), "validation")
            : (train, null);

    private static TrainingResult Run<T>(Dataset train, Dataset? validation, Dataset? test, TrainingOptions o,
        InitialWeights? init,
        Action<EpochMetrics>? onEpoch, CancellationToken cancel, WeightSnapshots? snapshots) where T : unmanaged,
            IFloatingPointIeee754<T>
    {
        var shape = new NetworkShape(train.FeatureCount, o.Hidden, train.ClassCount, o.Bias, o.Activation);
        Standardization standardization = init?.Standardization
            ?? (o.Standardize ? Standardization.Fit(train) : Standardization.None(train.FeatureCount));
        init ??= Initialize(shape, o.Seed);
        int N = train.Count, D = shape.D, C = shape.C;
        int batch = o.BatchSize == 0 ? N : o.BatchSize;
        var (X, Y) = FeatureMajor.Build<T>(train, standardization);
        var testData = test is { Count: > 0 } ? FeatureMajor.Build<T>(test, standardization) : default;
        int testN = test?.Count ?? 0;
        var valData = validation is { Count: > 0 } ? FeatureMajor.Build<T>(validation, standardization) : default;
        int valN = validation?.Count ?? 0;

        using var net = new Network<T, VectorKernels<T>>(shape, Math.Max(batch, Math.Max(Math.Max(testN, valN), N)),
            o.Threads);
        Load(init, net);
        // The optimizer's state (velocity, or Adam's moments and step count) and the schedule's, each in a type of its
        // own.
        var optimizer = new OptimizerState<T>(shape, o.Optimizer);
        var schedule = new LearningRateScheduler(o);

        // Mini-batch buffers: the shuffled samples of one batch, gathered feature-major.
        bool miniBatch = batch < N;
        int[] order = Enumerable.Range(0, N).ToArray();
        T[] Xb = miniBatch ? new T[D * batch] : [], Yb = miniBatch ? new T[C * batch] : [];
        var shuffle = SplitMix64.Stream(o.Seed, RandomStream.Shuffle);

        // Early stopping: the weights at the start of the best epoch so far (those its validation loss measured).
        bool early = o.Patience > 0 && valN > 0;
        T[][] best = early ? [(T[])net.A.Clone(), (T[])net.HiddenBias.Clone(), (T[])net.B.Clone(),
            (T[])net.OutputBias.Clone()] : [];
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;

        var series = new MetricsSeries();
        var timing = new EpochTiming();
        var stop = TrainingStop.Completed;
        int epochsRun = 0;
        // One clock reading per epoch: an epoch's time is the loop's period, from the end of the previous
        // epoch's numbers (for epoch 1, the loop's start) to the end of its own, so it takes in what the
        // loop and the caller's onEpoch do per epoch as well: the time a run spends per epoch.
        snapshots?.Take(0, net.A, net.HiddenBias, net.B, net.OutputBias);
        long previous = Stopwatch.GetTimestamp();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            if (cancel.IsCancellationRequested) { stop = TrainingStop.Interrupted; break; }
            double? testLoss = null, testAccuracy = null, valLoss = null, valAccuracy = null;
            if (testN > 0)
            {
                var (tl, tc) = net.Forward(testData.X, testData.Y, 0, testN, testN);
                testLoss = tl / testN;
                testAccuracy = (double)tc / testN;
            }
            if (valN > 0)
            {
                var (vl, vc) = net.Forward(valData.X, valData.Y, 0, valN, valN);
                valLoss = vl / valN;
                valAccuracy = (double)vc / valN;
                if (early && valLoss < bestLoss - o.MinDelta)
                {
                    bestLoss = valLoss.Value;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    Array.Copy(net.A, best[0], net.A.Length);
                    Array.Copy(net.HiddenBias, best[1], net.HiddenBias.Length);
                    Array.Copy(net.B, best[2], net.B.Length);
                    Array.Copy(net.OutputBias, best[3], net.OutputBias.Length);
                }
                else sinceBest++;
            }
            // The epoch's rate: the schedule steps once per epoch, after seeing the validation loss at its starting
            // weights.
            double lr = schedule.BeginEpoch(valLoss);
            double lossSum = 0;
            int correct = 0;
            if (!miniBatch)
            {
                (lossSum, correct) = net.ForwardBackward(X, Y, 0, N, N);
                optimizer.Step(net, o, lr);
            }
            else
            {
                shuffle.Shuffle(order);
                for (int start = 0; start < N; start += batch)
                {
                    int nb = Math.Min(batch, N - start);
                    Gather(X, Y, N, order.AsSpan(start, nb), Xb, Yb, D, C, nb);
                    var (l, k) = net.ForwardBackward(Xb, Yb, 0, nb, nb);
                    lossSum += l;
                    correct += k;
                    optimizer.Step(net, o, lr);
                }
            }
            long now = Stopwatch.GetTimestamp();
            timing.AddTicks(now - previous);
            previous = now;
            double loss = lossSum / N;
            if (!double.IsFinite(loss) || (testLoss is double t && !double.IsFinite(t)) || (valLoss is double v
                && !double.IsFinite(v)))
                throw new TrainingDivergedException(epoch, o.LearningRate, series.ToList());
            var metrics = new EpochMetrics(epoch, loss, (double)correct / N, testLoss, testAccuracy, valLoss,
                valAccuracy, lr);
            series.Add(metrics);
            epochsRun = epoch;
            onEpoch?.Invoke(metrics);
            if (snapshots is not null && epoch % snapshots.Every == 0) snapshots.Take(epoch, net.A, net.HiddenBias,
                net.B, net.OutputBias);
            if (early && sinceBest >= o.Patience) { stop = TrainingStop.EarlyStopped; break; }
        }

        if (early && bestEpoch > 0)
        {
            Array.Copy(best[0], net.A, net.A.Length);
            Array.Copy(best[1], net.HiddenBias, net.HiddenBias.Length);
            Array.Copy(best[2], net.B, net.B.Length);
            Array.Copy(best[3], net.OutputBias, net.OutputBias.Length);
        }
        Evaluation finalTrain = FeatureMajor.Evaluate(net, X, Y, train.Labels, train.ClassNames);
        Evaluation? finalTest = testN > 0 ? FeatureMajor.Evaluate(net, testData.X, testData.Y, test!.Labels,
            test.ClassNames) : null;
        Evaluation? finalValidation = valN > 0 ? FeatureMajor.Evaluate(net, valData.X, valData.Y, validation!.Labels,
            validation.ClassNames) : null;
        if (!double.IsFinite(finalTrain.Loss) || net.Tensors().Any(t => t.Value.Any(v => !T.IsFinite(v))))
            throw new TrainingDivergedException(Math.Max(1, epochsRun), o.LearningRate, series.ToList());
        var model = new Model(shape, o.Precision, train.FeatureNames, train.ClassNames, train.LabelName,
            standardization,
            ToDouble(net.A), ToDouble(net.HiddenBias), ToDouble(net.B), ToDouble(net.OutputBias), o);
        return new TrainingResult(model, series.ToList(), epochsRun, finalTrain, finalTest, finalValidation, stop,
            early && bestEpoch > 0 ? bestEpoch : null, timing);
    }

    /// <summary>Copies the columns <paramref name="columns"/> of X (D×N) and Y (C×N) into Xb (D×nb) and Yb
    /// (C×nb).</summary>
    internal static void Gather<T>(T[] X, T[] Y, int N, ReadOnlySpan<int> columns, T[] Xb, T[] Yb, int D, int C, int nb)
    {
        for (int d = 0; d < D; d++)
            for (int i = 0; i < nb; i++) Xb[d * nb + i] = X[d * N + columns[i]];
        for (int k = 0; k < C; k++)
            for (int i = 0; i < nb; i++) Yb[k * nb + i] = Y[k * N + columns[i]];
    }

    internal static void Load<T, TK>(InitialWeights w, Network<T, TK> net)
        where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        NetworkShape s = net.Shape;
        for (int i = 0; i < s.H; i++)
            for (int d = 0; d < s.D; d++) net.A[i * s.D + d] = T.CreateChecked(w.A[i][d]);
        for (int j = 0; j < s.C; j++)
            for (int i = 0; i < s.H; i++) net.B[j * s.H + i] = T.CreateChecked(w.B[j][i]);
        if (s.Bias)
        {
            for (int i = 0; i < s.H; i++) net.HiddenBias[i] = T.CreateChecked(w.HiddenBias![i]);
            for (int j = 0; j < s.C; j++) net.OutputBias[j] = T.CreateChecked(w.OutputBias![j]);
        }
    }

    private static double[] ToDouble<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
        return result;
    }
}
