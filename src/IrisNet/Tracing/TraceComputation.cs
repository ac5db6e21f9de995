using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// The documented network's training steps written out sample-major, in float64, with every
/// intermediate kept: the form people write it in (X is N×D, row n is sample n). Each quantity is
/// computed by the plain loops of its equation in docs/derivation.md, as in <see cref="ReferenceNetwork"/> (the
/// library's reference; TraceReferenceTests holds the two equal step for step); <see cref="Mistake"/> selects a
/// known wrong variant instead of the reference (<see cref="Mistake.None"/>).
/// </summary>
public static class TraceComputation
{
    /// <summary>Every quantity a step can hold, in the order it is computed, with its equation number.</summary>
    public static IReadOnlyList<(string Name, int Equation)> Order { get; } =
    [
        ("X", 1), ("Y", 5), ("Z", 1), ("H", 2), ("S", 3), ("Yhat", 4), ("L", 5),
        ("dS", 7), ("dB", 8), ("db", 12), ("dH", 9), ("dZ", 10), ("dA", 11), ("da", 12),
        ("gA", 15), ("ga", 15), ("gB", 15), ("gb", 15),
        ("vA", 16), ("va", 16), ("vB", 16), ("vb", 16),
        ("A_after", 16), ("a_after", 16), ("B_after", 16), ("b_after", 16),
    ];

    /// <summary>The equation number of the quantity called <paramref name="name"/>.</summary>
    public static int EquationOf(string name) => Order.First(q => q.Name == name).Equation;

    /// <summary>
    /// Runs one step per entry of <paramref name="batches"/> from <paramref name="start"/>, carrying the
    /// weights and the momentum velocities (0 at the start) from step to step.
    /// </summary>
    /// <param name="start">The weights before the first step (a and b null without biases).</param>
    /// <param name="X">The network inputs, N rows of D numbers (already standardized).</param>
    /// <param name="labels">The class index of each row, in [0, C).</param>
    /// <param name="settings">Activation, η, μ and λ.</param>
    /// <param name="batches">For each step, the row indices of its batch, in order.</param>
    /// <param name="mistake">The variant to compute; <see cref="Mistake.None"/> for the reference.</param>
    /// <returns>The steps; a variant that cannot continue (a shape that does not fit) stops early, its last step partial.</returns>
    public static IReadOnlyList<TraceStep> Run(InitialWeights start, double[][] X, int[] labels, TraceSettings settings,
        IReadOnlyList<int[]> batches, Mistake mistake = Mistake.None)
    {
        int H = start.A.Length, D = start.A[0].Length, C = start.B.Length;
        bool bias = start.HiddenBias is not null;
        var w = new Weights(Flat(start.A), start.HiddenBias is null ? [] : (double[])start.HiddenBias.Clone(), Flat(start.B), start.OutputBias is null ? [] : (double[])start.OutputBias.Clone());
        var v = new Weights(new double[H * D], new double[bias ? H : 0], new double[C * H], new double[bias ? C : 0]);
        var steps = new List<TraceStep>(batches.Count);
        for (int k = 0; k < batches.Count; k++)
        {
            var q = new List<TraceTensor>(Order.Count);
            bool complete = Step(w, v, X, labels, batches[k], settings, mistake, D, H, C, bias, q);
            steps.Add(new TraceStep(k + 1, (int[])batches[k].Clone(), q));
            if (!complete) break;
        }
        return steps;
    }

    private sealed record Weights(double[] A, double[] HiddenBias, double[] B, double[] OutputBias);

    private static bool Step(Weights w, Weights v, double[][] X, int[] labels, int[] batch, TraceSettings o, Mistake m,
        int D, int H, int C, bool bias, List<TraceTensor> q)
    {
        int N = batch.Length;
        void Add(string name, double[] values, params int[] shape) => q.Add(new TraceTensor(name, EquationOf(name), shape, values));

        var Xb = new double[N * D];
        var Y = new double[N * C];
        for (int n = 0; n < N; n++)
        {
            for (int d = 0; d < D; d++) Xb[n * D + d] = X[batch[n]][d];
            int label = labels[batch[n]];
            for (int k = 0; k < C; k++)
                Y[n * C + k] = m == Mistake.LabelsNotOneHot ? label : (k == label ? 1 : 0);
        }
        Add("X", Xb, N, D);
        Add("Y", Y, N, C);

        // (1) Z = X Aᵀ + 1aᵀ, (2) H = f(Z).
        var Z = new double[N * H];
        var Hm = new double[N * H];
        for (int n = 0; n < N; n++)
        {
            for (int i = 0; i < H; i++)
            {
                double z = 0;
                for (int d = 0; d < D; d++) z += w.A[i * D + d] * Xb[n * D + d];
                if (bias) z += w.HiddenBias[i];
                Z[n * H + i] = z;
                Hm[n * H + i] = F(o.Activation, z);
            }
        }
        Add("Z", Z, N, H);
        Add("H", Hm, N, H);

        // (3) S = H Bᵀ + 1bᵀ, (4) softmax by rows with the row maximum subtracted, (5) ℓ_n = −Σ_k y_k ln ŷ_k.
        var S = new double[N * C];
        var P = new double[N * C];
        double lossSum = 0;
        for (int n = 0; n < N; n++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < C; j++)
            {
                double s = 0;
                for (int i = 0; i < H; i++) s += w.B[j * H + i] * Hm[n * H + i];
                if (bias) s += w.OutputBias[j];
                S[n * C + j] = s;
                max = Math.Max(max, s);
            }
            double sum = 0;
            for (int j = 0; j < C; j++) sum += P[n * C + j] = Math.Exp(S[n * C + j] - max);
            for (int j = 0; j < C; j++) P[n * C + j] /= sum;
            double logSumExp = max + Math.Log(sum), loss = 0;
            for (int k = 0; k < C; k++) loss -= Y[n * C + k] * (S[n * C + k] - logSumExp);
            lossSum += loss;
        }
        Add("S", S, N, C);
        Add("Yhat", P, N, C);
        // (5), (14): the mean over the batch (the sum with the SummedLoss mistake).
        Add("L", [m == Mistake.SummedLoss ? lossSum : lossSum / N]);

        // (7) dS = (Ŷ − Y)/N.
        double scale = m == Mistake.SummedLoss ? 1 : 1.0 / N;
        var dS = new double[N * C];
        for (int t = 0; t < N * C; t++)
            dS[t] = m == Mistake.DiagonalSoftmax ? -Y[t] * (1 - P[t]) * scale : (P[t] - Y[t]) * scale;
        Add("dS", dS, N, C);

        // (8) dB = dSᵀ H (C×H), (12) db = column sums of dS.
        var dB = new double[C * H];
        for (int j = 0; j < C; j++)
        {
            for (int i = 0; i < H; i++)
            {
                double g = 0;
                for (int n = 0; n < N; n++) g += dS[n * C + j] * Hm[n * H + i];
                dB[j * H + i] = g;
            }
        }
        Add("dB", dB, C, H);
        if (bias) Add("db", BiasGradient(dS, N, C, m == Mistake.BiasGradientWrongAxis), m == Mistake.BiasGradientWrongAxis ? N : C);

        // (9) dH = dS B (N×H).
        if (m == Mistake.TransposedB && H != C) return false;
        var dH = new double[N * H];
        for (int n = 0; n < N; n++)
        {
            for (int i = 0; i < H; i++)
            {
                double g = 0;
                for (int j = 0; j < C; j++) g += dS[n * C + j] * (m == Mistake.TransposedB ? w.B[i * H + j] : w.B[j * H + i]);
                dH[n * H + i] = g;
            }
        }
        Add("dH", dH, N, H);

        // (10) dZ = dH ⊙ f′(Z), with f′ from (13).
        var dZ = new double[N * H];
        for (int t = 0; t < N * H; t++)
        {
            dZ[t] = m switch
            {
                Mistake.NoActivationDerivative => dH[t],
                Mistake.ActivationDerivativeOfH => dH[t] * Derivative(o.Activation, Hm[t], F(o.Activation, Hm[t])),
                _ => dH[t] * Derivative(o.Activation, Z[t], Hm[t]),
            };
        }
        Add("dZ", dZ, N, H);

        // (11) dA = dZᵀ X (H×D), (12) da = column sums of dZ.
        var dA = new double[H * D];
        for (int i = 0; i < H; i++)
        {
            for (int d = 0; d < D; d++)
            {
                double g = 0;
                for (int n = 0; n < N; n++) g += dZ[n * H + i] * Xb[n * D + d];
                dA[i * D + d] = g;
            }
        }
        Add("dA", dA, H, D);
        if (bias) Add("da", BiasGradient(dZ, N, H, m == Mistake.BiasGradientWrongAxis), m == Mistake.BiasGradientWrongAxis ? N : H);
        if (m == Mistake.BiasGradientWrongAxis && bias) return false; // N numbers cannot update H or C biases.

        // (15) g = ∂L/∂θ + λθ for A and B; (16) v ← μv + g, θ ← θ − ηv.
        double[] gA = Decay(dA, w.A, o.L2), gB = Decay(dB, w.B, o.L2);
        double biasDecay = m == Mistake.L2OnBiases ? o.L2 : 0;
        double[] ga = bias ? Decay(BiasGradient(dZ, N, H, false), w.HiddenBias, biasDecay) : [];
        double[] gb = bias ? Decay(BiasGradient(dS, N, C, false), w.OutputBias, biasDecay) : [];
        Add("gA", gA, H, D);
        if (bias) Add("ga", ga, H);
        Add("gB", gB, C, H);
        if (bias) Add("gb", gb, C);
        Velocity(v.A, gA, o.Momentum, m);
        Velocity(v.HiddenBias, ga, o.Momentum, m);
        Velocity(v.B, gB, o.Momentum, m);
        Velocity(v.OutputBias, gb, o.Momentum, m);
        Add("vA", (double[])v.A.Clone(), H, D);
        if (bias) Add("va", (double[])v.HiddenBias.Clone(), H);
        Add("vB", (double[])v.B.Clone(), C, H);
        if (bias) Add("vb", (double[])v.OutputBias.Clone(), C);
        double direction = m == Mistake.UpdateSign ? 1 : -1;
        Move(w.A, v.A, o.LearningRate * direction);
        Move(w.HiddenBias, v.HiddenBias, o.LearningRate * direction);
        Move(w.B, v.B, o.LearningRate * direction);
        Move(w.OutputBias, v.OutputBias, o.LearningRate * direction);
        Add("A_after", (double[])w.A.Clone(), H, D);
        if (bias) Add("a_after", (double[])w.HiddenBias.Clone(), H);
        Add("B_after", (double[])w.B.Clone(), C, H);
        if (bias) Add("b_after", (double[])w.OutputBias.Clone(), C);
        return true;
    }

    /// <summary>(2) h = f(z).</summary>
    private static double F(Activation f, double z) => f switch
    {
        Activation.Tanh => Math.Tanh(z),
        Activation.Relu => z > 0 ? z : 0,
        _ => z,
    };

    /// <summary>(13) f′(z), given z and h = f(z): 1; 1 − h²; 1 for z &gt; 0 else 0.</summary>
    private static double Derivative(Activation f, double z, double h) => f switch
    {
        Activation.Tanh => 1 - h * h,
        Activation.Relu => z > 0 ? 1 : 0,
        _ => 1,
    };

    /// <summary>(12) the sums over samples of the rows of G (N×K): K numbers; with <paramref name="wrongAxis"/>, the sums over the K columns of each row: N numbers.</summary>
    private static double[] BiasGradient(double[] G, int N, int K, bool wrongAxis)
    {
        var g = new double[wrongAxis ? N : K];
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++) g[wrongAxis ? n : k] += G[n * K + k];
        return g;
    }

    private static double[] Decay(double[] gradient, double[] theta, double lambda)
    {
        var g = new double[gradient.Length];
        for (int t = 0; t < g.Length; t++) g[t] = gradient[t] + lambda * theta[t];
        return g;
    }

    private static void Velocity(double[] v, double[] g, double mu, Mistake m)
    {
        for (int t = 0; t < v.Length; t++) v[t] = m == Mistake.MomentumAverage ? mu * v[t] + (1 - mu) * g[t] : mu * v[t] + g[t];
    }

    private static void Move(double[] theta, double[] v, double step)
    {
        for (int t = 0; t < theta.Length; t++) theta[t] += step * v[t];
    }

    private static double[] Flat(double[][] rows) => rows.SelectMany(r => r).ToArray();
}
