using System.Numerics;

namespace IrisNet.Tests;

/// <summary>
/// Every fast path of <see cref="Network{T, TK}"/> — scalar and vector kernels run separately,
/// the fused sweep, one thread and several partitions on two threads — against the sample-major
/// <see cref="ReferenceNetwork"/> implementation: loss, correct count and every gradient.
/// </summary>
public class ReferenceTests
{
    public static TheoryData<int, int, int, bool, Activation> Shapes() => new()
    {
        { 4, 16, 3, true, Activation.Identity },  // Iris: the fused sweep's case
        { 4, 16, 3, false, Activation.Relu },
        { 3, 5, 4, true, Activation.Relu },
        { 1, 1, 2, false, Activation.Identity },
        { 4, 7, 3, true, Activation.Tanh },       // tanh: the fused sweep with VectorMath.Tanh
        { 5, 6, 3, true, Activation.Tanh },       // D > 4: separate kernels with VectorMath.Tanh
        { 7, 9, 5, true, Activation.Identity },   // D > 4: always separate kernels
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_path_matches_the_reference(int D, int H, int C, bool bias, Activation f)
    {
        var shape = new NetworkShape(D, H, C, bias, f);
        bool fusable = FusedSweep<double>.Supports(shape);
        foreach (int N in new[] { 1, 3, Vector<double>.Count * 2 + 1, 37, 300 })
        {
            var (data, w) = Problem(shape, N, seed: N + 10 * H);
            double[][] Y = Equations.Derived.Y(data.Labels, C);
            var (forward, g) = ReferenceNetwork.ForwardBackward(w, f, data.Features, Y);
            Compare<ScalarKernels<double>>(KernelPath.Separate, KernelPath.Separate, 1);
            Compare<ScalarKernels<double>>(KernelPath.Fused, KernelPath.Separate, 1);
            Compare<VectorKernels<double>>(KernelPath.Separate, KernelPath.Separate, 1);
            Compare<VectorKernels<double>>(KernelPath.Fused, fusable ? KernelPath.Fused : KernelPath.Separate, 1);

            void Compare<TK>(KernelPath asked, KernelPath expectedPath, int threads) where TK : struct, IKernels<double>
            {
                using var net = new Network<double, TK>(shape, N, threads, asked);
                Assert.Equal(expectedPath, net.Path);
                AssertMatches(net, data, w, forward, g, $"{typeof(TK).Name} {asked} N={N}");
            }
        }
    }

    /// <summary>Above 8,192 samples the batch is split into partitions, summed in a fixed order on any thread
    /// count.</summary>
    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Tanh)]
    public void Partitions_and_threads_match_the_reference(Activation f)
    {
        var shape = new NetworkShape(4, 8, 3, true, f);
        const int N = 9_001;
        var (data, w) = Problem(shape, N, seed: 3);
        var (forward, g) = ReferenceNetwork.ForwardBackward(w, f, data.Features, Equations.Derived.Y(data.Labels, 3));
        Assert.True(Network<double, VectorKernels<double>>.PartitionCount(N) > 1);
        foreach (KernelPath path in Enum.GetValues<KernelPath>())
            foreach (int threads in new[] { 1, 2 })
            {
                using var net = new Network<double, VectorKernels<double>>(shape, N, threads, path);
                AssertMatches(net, data, w, forward, g, $"{path} threads={threads}");
            }
    }

    [Fact]
    public void The_fused_path_is_a_named_choice_and_the_trainer_takes_it_on_Iris()
    {
        var iris = new NetworkShape(4, 16, 3, true, Activation.Identity);
        using var fused = new Network<double, VectorKernels<double>>(iris, 10);
        Assert.Equal(KernelPath.Fused, fused.Path);
        using var separate = new Network<double, VectorKernels<double>>(iris, 10, 1, KernelPath.Separate);
        Assert.Equal(KernelPath.Separate, separate.Path);
        using var scalar = new Network<double, ScalarKernels<double>>(iris, 10, 1, KernelPath.Fused);
        Assert.Equal(KernelPath.Separate, scalar.Path);
    }

    [Fact]
    public void Float32_paths_match_the_reference_to_single_precision()
    {
        var shape = new NetworkShape(4, 16, 3, true, Activation.Identity);
        const int N = 150;
        var (data, w) = Problem(shape, N, seed: 7);
        double[][] labels = Equations.Derived.Y(data.Labels, 3);
        var (forward, g) = ReferenceNetwork.ForwardBackward(w, shape.Activation, data.Features, labels);
        foreach (KernelPath path in Enum.GetValues<KernelPath>())
        {
            using var net = new Network<float, VectorKernels<float>>(shape, N, 1, path);
            Trainer.Load(w.ToInitialWeights(), net);
            var (X, Y) = FeatureMajor.Build<float>(data, Standardization.None(4));
            var (lossSum, _) = net.ForwardBackward(X, Y, 0, N, N);
            Assert.Equal(forward.L, lossSum / N, 1e-5);
            Close(g.dA, net.dA.Select(v => (double)v).ToArray(), 1e-5, $"{path} dA");
            Close(g.dB, net.dB.Select(v => (double)v).ToArray(), 1e-5, $"{path} dB");
        }
    }

    [Fact]
    public void The_reference_keeps_every_intermediate_with_sample_major_shapes()
    {
        var shape = new NetworkShape(4, 5, 3, true, Activation.Tanh);
        const int N = 6;
        var (data, w) = Problem(shape, N, seed: 1);
        double[][] Y = Equations.Derived.Y(data.Labels, 3);
        var (fw, g) = ReferenceNetwork.ForwardBackward(w, shape.Activation, data.Features, Y);
        void Shape(double[][] m, int rows, int cols, string name)
        {
            Assert.True(m.Length == rows, $"{name} has {m.Length} rows, expected {rows}");
            Assert.All(m, r => Assert.Equal(cols, r.Length));
        }
        Shape(fw.Z, N, 5, "Z"); Shape(fw.H, N, 5, "H"); Shape(fw.S, N, 3, "S"); Shape(fw.Yhat, N, 3, "Ŷ");
        Shape(g.dS, N, 3, "dS"); Shape(g.dB, 3, 5, "dB"); Shape(g.dH, N, 5, "dH"); Shape(g.dZ, N, 5, "dZ"); Shape(g.dA,
            5, 4, "dA");
        Assert.Equal(3, g.dOutputBias!.Length);
        Assert.Equal(5, g.dHiddenBias!.Length);
        for (int n = 0; n < N; n++)
        {
            Assert.Equal(1.0, fw.Yhat[n].Sum(), 1e-15);
            Assert.Equal(-Math.Log(fw.Yhat[n][data.Labels[n]]), fw.Losses[n], 1e-13);
            for (int k = 0; k < 3; k++) Assert.Equal((fw.Yhat[n][k] - Y[n][k]) / N, g.dS[n][k], 1e-16);
            for (int i = 0; i < 5; i++) Assert.Equal(Math.Tanh(fw.Z[n][i]), fw.H[n][i], 1e-15);
        }
        Assert.Equal(fw.Losses.Average(), fw.L, 1e-15);
        for (int j = 0; j < 3; j++) Assert.Equal(Enumerable.Range(0, N).Sum(n => g.dS[n][j]), g.dOutputBias[j], 1e-15);
        for (int i = 0; i < 5; i++) Assert.Equal(Enumerable.Range(0, N).Sum(n => g.dZ[n][i]), g.dHiddenBias[i], 1e-15);
    }

    private static void AssertMatches<TK>(Network<double, TK> net, Dataset data, Parameters w,
        ForwardPass forward, Gradients g, string what) where TK : struct, IKernels<double>
    {
        int N = data.Count, D = data.FeatureCount;
        Trainer.Load(w.ToInitialWeights(), net);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.None(D));
        var (lossSum, correct) = net.ForwardBackward(X, Y, 0, N, N);
        Assert.True(Math.Abs(forward.L - lossSum / N) <= 1e-12 * Math.Max(1, forward.L),
            $"{what}: loss {lossSum / N:R} vs {forward.L:R}");
        int expectedCorrect = Enumerable.Range(0, N).Count(n => Array.IndexOf(forward.Yhat[n],
            forward.Yhat[n].Max()) == data.Labels[n]);
        Assert.Equal(expectedCorrect, correct);
        Close(g.dA, net.dA, 1e-12, $"{what} dA");
        Close(g.dB, net.dB, 1e-12, $"{what} dB");
        if (w.HiddenBias is not null)
        {
            Close([g.dHiddenBias!], net.dHiddenBias, 1e-12, $"{what} da");
            Close([g.dOutputBias!], net.dOutputBias, 1e-12, $"{what} db");
        }
    }

    private static void Close(double[][] expected, double[] actual, double tolerance, string what)
    {
        double[] flat = expected.SelectMany(r => r).ToArray();
        Assert.Equal(flat.Length, actual.Length);
        double scale = Math.Max(1e-3, flat.Max(Math.Abs));
        for (int i = 0; i < flat.Length; i++)
            Assert.True(Math.Abs(flat[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: {actual[i]:R}, reference {flat[i]:R}");
    }

    /// <summary>Random data and weights (no finite differences here, so a ReLU kink does no harm).</summary>
    private static (Dataset Data, Parameters W) Problem(NetworkShape s, int N, int seed)
    {
        Dataset data = RandomData.Make(N, s.D, s.C, seed);
        InitialWeights w = GradientTests.RandomWeights(s.D, s.H, s.C, s.Bias, seed + 1);
        return (data, w.ToParameters());
    }
}
