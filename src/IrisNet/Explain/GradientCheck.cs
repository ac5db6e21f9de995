using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Explain;

/// <summary>
/// Central finite differences in float64: ĝ_i = (J(θ + εe_i) − J(θ − εe_i)) / 2ε for every
/// parameter, compared with the analytic gradient g_i of the backward pass. The error of one entry
/// is |g − ĝ| / max(|g|, |ĝ|, 1e-8); the report gives the largest per tensor.
/// </summary>
public static class GradientCheck
{
    /// <summary>The default step ε: central differences lose about u·J/ε to rounding and gain ε²·J‴/6 of
    /// truncation error, smallest near ε ≈ u^(1/3) ≈ 5·10⁻⁶ in float64.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>
    /// The most multiply-adds <see cref="Run(Dataset, TrainingOptions, InitialWeights?, double)"/> is asked
    /// to do: its cost grows with the square of the parameters (two forward passes per parameter), so an
    /// accepted H of a million would take years; 10¹¹ is H ≈ 2,500 on the Iris data.
    /// </summary>
    public const double MaxMultiplyAdds = 1e11;

    /// <summary>
    /// The multiply-adds of a check of the network (D, H, C, biases) on N rows: 2 forward passes of
    /// N·H·(D + C) for each of the P = H·D + C·H (+ H + C with biases) parameters.
    /// </summary>
    /// <param name="N">Rows.</param>
    /// <param name="D">Features.</param>
    /// <param name="H">Hidden units.</param>
    /// <param name="C">Classes.</param>
    /// <param name="bias">Whether a and b exist.</param>
    public static double MultiplyAdds(int N, int D, int H, int C, bool bias)
    {
        double parameters = (double)H * D + (double)C * H + (bias ? (double)H + C : 0);
        return 2 * parameters * N * H * (D + (double)C);
    }

    /// <summary>Checks any differentiable objective: <paramref name="gradient"/> fills every tensor's Gradient at the
    /// current θ.</summary>
    public static IReadOnlyList<TensorCheck> Run(IReadOnlyList<ParameterTensor> tensors, Func<double> objective,
        Action gradient,
        double epsilon = DefaultEpsilon)
    {
        gradient();
        var analytic = tensors.Select(t => (double[])t.Gradient.Clone()).ToArray();
        var report = new List<TensorCheck>();
        for (int t = 0; t < tensors.Count; t++)
        {
            double[] theta = tensors[t].Values;
            var worst = new TensorCheck(tensors[t].Name, 0, -1, 0, 0);
            for (int i = 0; i < theta.Length; i++)
            {
                double saved = theta[i];
                theta[i] = saved + epsilon;
                double plus = objective();
                theta[i] = saved - epsilon;
                double minus = objective();
                theta[i] = saved;
                double numeric = (plus - minus) / (2 * epsilon);
                double g = analytic[t][i];
                double error = Math.Abs(g - numeric) / Math.Max(Math.Max(Math.Abs(g), Math.Abs(numeric)), 1e-8);
                if (error > worst.MaxRelativeError || worst.Index < 0) worst = new TensorCheck(tensors[t].Name, error,
                    i, g, numeric);
            }
            report.Add(worst);
        }
        return report;
    }

    /// <summary>
    /// Checks the library's own backward pass (the vectorized float64 network) on a dataset, for the
    /// objective J = L + (λ/2)(‖A‖² + ‖B‖²) with λ = <see cref="TrainingOptions.L2"/>.
    /// </summary>
    /// <param name="data">Labelled rows; standardized as the options say, fitted on these rows.</param>
    /// <param name="options">Network options (hidden, activation, bias, L2, seed).</param>
    /// <param name="init">Weights to check at, or null for the seeded initialization.</param>
    /// <param name="epsilon">The finite-difference step ε.</param>
    public static IReadOnlyList<TensorCheck> Run(Dataset data, TrainingOptions options, InitialWeights? init = null,
        double epsilon = DefaultEpsilon)
    {
        options.Validate();
        var shape = new NetworkShape(data.FeatureCount, init?.Hidden ?? options.Hidden, data.ClassCount, options.Bias,
            options.Activation);
        init ??= Trainer.Initialize(shape, options.Seed);
        init.Validate(shape.D, shape.C, shape.Bias, null);
        Standardization st = init.Standardization ?? (options.Standardize ? Standardization.Fit(data)
            : Standardization.None(shape.D));
        var (X, Y) = FeatureMajor.Build<double>(data, st);
        int N = data.Count;
        using var net = new Network<double, VectorKernels<double>>(shape, N);
        Trainer.Load(init, net);
        double l2 = options.L2;
        var tensors = net.Tensors().Select(t => new ParameterTensor(t.Name, t.Value, t.Gradient)).ToList();
        double Objective()
        {
            double J = net.Forward(X, Y, 0, N, N).LossSum / N;
            if (l2 != 0) J += 0.5 * l2 * (SumOfSquares(net.A) + SumOfSquares(net.B));
            return J;
        }
        void Gradient()
        {
            net.ForwardBackward(X, Y, 0, N, N);
            if (l2 == 0) return;
            for (int i = 0; i < net.A.Length; i++) net.dA[i] += l2 * net.A[i];
            for (int i = 0; i < net.B.Length; i++) net.dB[i] += l2 * net.B[i];
        }
        return Run(tensors, Objective, Gradient, epsilon);
    }

    private static double SumOfSquares(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v * v;
        return s;
    }
}
