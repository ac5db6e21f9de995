using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// Records the first steps of the training <see cref="Trainer.Train"/> would run on the same rows and
/// options: the same standardization (the weights file's, else fitted on the rows), the same seeded
/// initialization (<see cref="Trainer.Initialize"/>) and the same batch order (<see cref="TraceSchedule"/>),
/// every quantity computed sample-major in float64 by <see cref="TraceComputation"/>.
/// </summary>
public static class TraceRecorder
{
    /// <summary>
    /// The most numbers a recorded trace may hold: at most about 26 bytes each as written (23 on average),
    /// which keeps the file within what <c>irisnet diff</c> reads (<see cref="TraceJson.MaxFileBytes"/>,
    /// 128 MiB), and its memory here within a few hundred MB.
    /// </summary>
    public const long MaxNumbers = 4_000_000;

    /// <summary>
    /// The numbers a trace of <paramref name="steps"/> steps holds, counted before any is computed: the
    /// data (N rows of D features, a label and a row number each), the standardization and the starting
    /// weights, and per step its batch's n row indices, X (n×D), Y, S, Ŷ and dS (n×C each), Z, H, dH and
    /// dZ (n×H each), L, dB, db, dA, da, and the gradient, velocity and weights after the step of A, a, B, b.
    /// </summary>
    /// <param name="N">Training rows.</param>
    /// <param name="D">Features.</param>
    /// <param name="H">Hidden units.</param>
    /// <param name="C">Classes.</param>
    /// <param name="bias">Whether a and b exist.</param>
    /// <param name="batchSize">0 for full batch, else the mini-batch size.</param>
    /// <param name="steps">Steps recorded.</param>
    public static double Numbers(int N, int D, int H, int C, bool bias, int batchSize, int steps)
    {
        double n = batchSize == 0 || batchSize >= N ? N : batchSize;
        double parameters = (double)H * D + (double)C * H + (bias ? H + C : 0);
        double perStep = n * (1 + D + 4.0 * C + 4.0 * H) + 1 + 4 * parameters;
        return (double)N * (D + 2) + 2.0 * D + parameters + perStep * steps;
    }

    /// <summary>The trace of <paramref name="steps"/> steps on every row of <paramref name="train"/>.</summary>
    /// <param name="train">The training rows (raw features).</param>
    /// <param name="options">Hidden units, activation, biases, η, μ, λ, batch size, seed and standardization; the rest
    /// is ignored.</param>
    /// <param name="init">Starting weights (with their standardization, when a model), or null for the seeded
    /// initialization.</param>
    /// <param name="steps">Number of steps (updates).</param>
    /// <param name="rows">For each training row, its row number in the data file, or null.</param>
    /// <param name="source">The data file's name, or null.</param>
    /// <param name="sha256">The data file's SHA-256, or null.</param>
    /// <param name="initFile">The weights file's name, for errors.</param>
    /// <exception cref="OptionException">An option is out of range for these rows.</exception>
    /// <exception cref="ModelFileException">The starting weights do not fit the data.</exception>
    public static TraceFile Record(Dataset train, TrainingOptions options, InitialWeights? init, int steps,
        int[]? rows = null, string? source = null, string? sha256 = null, string? initFile = null)
    {
        options.Validate();
        if (init is not null)
        {
            if (options.Hidden != init.Hidden) options = options with { Hidden = init.Hidden };
            init.Validate(train.FeatureCount, train.ClassCount, options.Bias, initFile);
        }
        options.ValidateFor(train.Count, train.FeatureCount, train.ClassCount);
        var shape = new NetworkShape(train.FeatureCount, options.Hidden, train.ClassCount, options.Bias,
            options.Activation);
        Standardization st = init?.Standardization ?? (options.Standardize ? Standardization.Fit(train)
            : Standardization.None(train.FeatureCount));
        InitialWeights start = init ?? Trainer.Initialize(shape, options.Seed);
        start = new InitialWeights(start.A, start.HiddenBias, start.B, start.OutputBias);
        double[][] X = train.Features.Select(r => r.Select((v, d) => st.Apply(v, d)).ToArray()).ToArray();
        var settings = new TraceSettings(options.Activation, options.LearningRate, options.Momentum, options.L2);
        IReadOnlyList<int[]> batches = TraceSchedule.Batches(train.Count, options.BatchSize, options.Seed, steps);
        IReadOnlyList<TraceStep> computed = TraceComputation.Run(start, X, train.Labels, settings, batches);
        var data = new TraceData(X, train.Labels, [.. train.FeatureNames], [.. train.ClassNames], rows, source, sha256,
            st);
        return new TraceFile(settings, options.BatchSize, options.Seed, data, start, computed);
    }
}
