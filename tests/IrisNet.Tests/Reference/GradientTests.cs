using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

public class GradientTests
{
    public static TheoryData<bool, Activation, int, int, int, int> Configurations()
    {
        var data = new TheoryData<bool, Activation, int, int, int, int>();
        (int N, int D, int H, int C)[] shapes = [(1, 1, 1, 2), (13, 3, 5, 3), (37, 4, 16, 3), (29, 7, 9, 5)];
        foreach (bool bias in new[] { true, false })
            foreach (Activation f in Enum.GetValues<Activation>())
                foreach (var (N, D, H, C) in shapes) data.Add(bias, f, N, D, H, C);
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Backward_pass_matches_central_differences(bool bias, Activation f, int N, int D, int H, int C)
    {
        Dataset data = RandomData.Make(N, D, C, seed: N * 31 + H);
        // Raw features: with N = 1, standardization would map every feature to exactly 0.
        var options = new TrainingOptions
        {
            Hidden = H,
            Activation = f,
            Bias = bias,
            Seed = (ulong)(D + 7 * H),
            Standardize = false
        };
        InitialWeights w = AwayFromKinks(data, f, D, H, C, bias, seed: N + D, standardize: false);
        IReadOnlyList<TensorCheck> report = GradientCheck.Run(data, options, w);
        Assert.Equal(bias ? 4 : 2, report.Count);
        foreach (TensorCheck t in report) Assert.True(t.MaxRelativeError < 1e-6,
            $"{t.Name}: {t.MaxRelativeError:E3} (analytic {t.Analytic}, numeric {t.Numeric})");
    }

    [Theory]
    [InlineData(true, Activation.Identity)]
    [InlineData(false, Activation.Identity)]
    [InlineData(true, Activation.Tanh)]
    [InlineData(true, Activation.Relu)]
    public void Backward_pass_matches_central_differences_on_Iris(bool bias, Activation f)
    {
        var options = new TrainingOptions { Hidden = 16, Activation = f, Bias = bias, Seed = 3 };
        Dataset iris = Repo.Iris();
        IReadOnlyList<TensorCheck> report = GradientCheck.Run(iris, options, AwayFromKinks(iris, f, 4, 16, 3, bias,
            seed: 5));
        foreach (TensorCheck t in report) Assert.True(t.MaxRelativeError < 1e-6, $"{t.Name}: {t.MaxRelativeError:E3}");
    }

    [Fact]
    public void L2_term_is_part_of_the_checked_gradient()
    {
        Dataset data = RandomData.Make(20, 4, 3, seed: 9);
        var options = new TrainingOptions { Hidden = 6, L2 = 0.3, Seed = 4 };
        IReadOnlyList<TensorCheck> report = GradientCheck.Run(data, options, RandomWeights(4, 6, 3, true, seed: 2));
        foreach (TensorCheck t in report) Assert.True(t.MaxRelativeError < 1e-6, $"{t.Name}: {t.MaxRelativeError:E3}");
    }

    [Fact]
    public void The_check_catches_the_diagonal_only_softmax_derivative()
    {
        Dataset data = RandomData.Make(17, 4, 3, seed: 11);
        double MaxError(bool diagonalOnly)
        {
            var net = new IndependentNetwork(4, 5, 3, bias: true, Activation.Tanh) { DiagonalOnly = diagonalOnly };
            Fill(net, seed: 21);
            var report = GradientCheck.Run(net.Tensors(), () => net.Loss(data.Features, data.Labels, false),
                () => net.Loss(data.Features, data.Labels, true));
            return report.Max(t => t.MaxRelativeError);
        }
        Assert.True(MaxError(diagonalOnly: false) < 1e-6);
        Assert.True(MaxError(diagonalOnly: true) > 1e-2);
    }

    [Theory]
    [InlineData(true, Activation.Identity)]
    [InlineData(false, Activation.Relu)]
    [InlineData(true, Activation.Tanh)]
    public void Library_gradient_equals_the_independent_reference(bool bias, Activation f)
    {
        const int N = 23, D = 4, H = 7, C = 3;
        Dataset data = RandomData.Make(N, D, C, seed: 5);
        var reference = new IndependentNetwork(D, H, C, bias, f);
        Fill(reference, seed: 8);
        double expectedLoss = reference.Loss(data.Features, data.Labels, gradient: true);

        using var net = new Network<double, VectorKernels<double>>(new NetworkShape(D, H, C, bias, f), N);
        reference.A.CopyTo(net.A); reference.HiddenBias.CopyTo(net.HiddenBias); reference.B.CopyTo(net.B);
        reference.OutputBias.CopyTo(net.OutputBias);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.None(D));
        double loss = net.ForwardBackward(X, Y, 0, N, N).LossSum / N;

        Assert.Equal(expectedLoss, loss, 1e-12);
        AssertClose(reference.dA, net.dA);
        AssertClose(reference.dHiddenBias, net.dHiddenBias);
        AssertClose(reference.dB, net.dB);
        AssertClose(reference.dOutputBias, net.dOutputBias);
    }

    /// <summary>
    /// One observation with small fixed weights: dB and dA equal the closed forms
    /// ∂L/∂B_j = (ŷ_j − y_j)(A x)ᵀ and ∂L/∂A_i = Σ_j (ŷ_j − y_j) B_ji xᵀ, computed here from scratch.
    /// </summary>
    [Fact]
    public void Worked_single_sample_example_matches_the_closed_forms()
    {
        double[] x = [0.5, -1.0, 2.0];
        double[,] A = { { 0.1, 0.2, -0.3 }, { -0.4, 0.5, 0.6 } };
        double[,] B = { { 0.7, -0.8 }, { 0.9, 0.1 }, { -0.2, 0.3 } };
        const int label = 1;

        // Closed forms, written out here.
        double[] h = [A[0, 0] * x[0] + A[0, 1] * x[1] + A[0, 2] * x[2], A[1, 0] * x[0] + A[1, 1] * x[1] + A[1,
            2] * x[2]];
        double[] s = Enumerable.Range(0, 3).Select(j => B[j, 0] * h[0] + B[j, 1] * h[1]).ToArray();
        double denominator = s.Sum(Math.Exp);
        double[] yhat = s.Select(v => Math.Exp(v) / denominator).ToArray();
        double[] y = [0, 1, 0];
        var expectedDB = new double[3, 2];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 2; i++) expectedDB[j, i] = (yhat[j] - y[j]) * h[i];
        var expectedDA = new double[2, 3];
        for (int i = 0; i < 2; i++)
            for (int d = 0; d < 3; d++) expectedDA[i, d] = Enumerable.Range(0, 3).Sum(j => (yhat[j] - y[j]) * B[j,
                i]) * x[d];

        var data = new Dataset(["x1", "x2", "x3"], ["c0", "c1", "c2"], [x], [label]);
        using var net = new Network<double, VectorKernels<double>>(new NetworkShape(3, 2, 3, false,
            Activation.Identity), 1);
        Buffer.BlockCopy(A, 0, net.A, 0, 6 * sizeof(double));
        Buffer.BlockCopy(B, 0, net.B, 0, 6 * sizeof(double));
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.None(3));
        double loss = net.ForwardBackward(X, Y, 0, 1, 1).LossSum;

        Assert.Equal(-Math.Log(yhat[label]), loss, 1e-14);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 2; i++) Assert.Equal(expectedDB[j, i], net.dB[j * 2 + i], 1e-14);
        for (int i = 0; i < 2; i++)
            for (int d = 0; d < 3; d++) Assert.Equal(expectedDA[i, d], net.dA[i * 3 + d], 1e-14);
    }

    /// <summary>
    /// Random weights such that no ReLU pre-activation z = A x′ + a lies within 10⁻³ of the kink at 0:
    /// a central difference that straddles the kink measures neither one-sided derivative, so there
    /// the check would report the finite-difference error, not a backward-pass error.
    /// </summary>
    internal static InitialWeights AwayFromKinks(Dataset data, Activation f, int D, int H, int C, bool bias, int seed,
        bool standardize = true)
    {
        Standardization st = standardize ? Standardization.Fit(data) : Standardization.None(D);
        for (int attempt = 0; ; attempt++)
        {
            InitialWeights w = RandomWeights(D, H, C, bias, seed + 1000 * attempt);
            if (f != Activation.Relu) return w;
            double closest = double.MaxValue;
            foreach (double[] row in data.Features)
            {
                for (int i = 0; i < H; i++)
                {
                    double z = bias ? w.HiddenBias![i] : 0;
                    for (int d = 0; d < D; d++) z += w.A[i][d] * st.Apply(row[d], d);
                    closest = Math.Min(closest, Math.Abs(z));
                }
            }
            if (closest > 1e-3) return w;
            Assert.True(attempt < 100, "no kink-free weights found");
        }
    }

    internal static InitialWeights RandomWeights(int D, int H, int C, bool bias, int seed)
    {
        var rng = new Random(seed);
        double[][] Rows(int r, int c) => Enumerable.Range(0, r).Select(_ => Enumerable.Range(0,
            c).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        return new InitialWeights(Rows(H, D), bias ? RandomData.Vector(H, seed + 1, 0.5) : null, Rows(C, H),
            bias ? RandomData.Vector(C, seed + 2, 0.5) : null);
    }

    private static void Fill(IndependentNetwork net, int seed)
    {
        RandomData.Vector(net.A.Length, seed).CopyTo(net.A, 0);
        RandomData.Vector(net.HiddenBias.Length, seed + 1).CopyTo(net.HiddenBias, 0);
        RandomData.Vector(net.B.Length, seed + 2).CopyTo(net.B, 0);
        RandomData.Vector(net.OutputBias.Length, seed + 3).CopyTo(net.OutputBias, 0);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])),
                $"[{i}] expected {expected[i]}, got {actual[i]}");
    }
}
