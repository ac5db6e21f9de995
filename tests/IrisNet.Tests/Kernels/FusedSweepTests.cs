using System.Numerics;

namespace IrisNet.Tests;

/// <summary>
/// The fused sweep (the vector network's path for D ≤ 4, C ≤ 4, any activation) against the
/// scalar network, which runs the separate readable kernels: same loss, hit count and gradient
/// within a tolerance, on every shape the sweep takes, every column count up to three float vectors
/// and a few beyond (whole and partial vectors),
/// several chunks and partitions.
/// </summary>
public class FusedSweepTests
{
    public static TheoryData<int, int, bool, Activation> Shapes()
    {
        var data = new TheoryData<int, int, bool, Activation>();
        for (int D = 1; D <= 4; D++)
            for (int C = 1; C <= 4; C++)
                data.Add(D, C, (D + C) % 2 == 0, (D, C, (D * C) % 3) switch
                {
                    (4, 3, _) => Activation.Tanh, // Iris
                    (_, _, 0) => Activation.Relu,
                    (_, _, 1) => Activation.Identity,
                    _ => Activation.Tanh,
                });
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_matches_the_separate_scalar_kernels(int D, int C, bool bias, Activation f)
    {
        foreach (int H in new[] { 1, 5, 16 })
            foreach (int N in Enumerable.Range(1, 3 * Vector<float>.Count + 2).Concat([31, 33, 120]))
            {
                Compare<double>(new NetworkShape(D, H, C, bias, f), N, 1, 1e-12, $"D={D} C={C} H={H} N={N}");
                Compare<float>(new NetworkShape(D, H, C, bias, f), N, 1, 2e-5, $"D={D} C={C} H={H} N={N}");
            }
    }

    [Theory]
    [InlineData(9_001, 256, 1)] // chunks of 128 (float64) or 256 columns, a partial last chunk, two partitions
    [InlineData(9_001, 256, 2)]
    [InlineData(20_003, 16, 2)] // chunks of 2,048 columns, four partitions
    public void Many_chunks_and_partitions_match_the_separate_scalar_kernels(int N, int H, int threads)
    {
        foreach (Activation f in Enum.GetValues<Activation>())
        {
            Compare<double>(new NetworkShape(4, H, 3, true, f), N, threads, 1e-11, $"{f} N={N} H={H}");
            Compare<float>(new NetworkShape(4, H, 3, true, f), N, threads, 5e-4, $"{f} N={N} H={H}");
        }
    }

    [Fact]
    public void Repeated_passes_start_from_zero_and_an_empty_batch_gives_a_zero_gradient()
    {
        var shape = new NetworkShape(4, 7, 3, true, Activation.Identity);
        const int N = 50;
        using var net = new Network<double, VectorKernels<double>>(shape, N);
        Fill(net, seed: 4);
        var (X, Y) = Batch<double>(shape, N, seed: 9);
        var first = net.ForwardBackward(X, Y, 0, N, N);
        double[] dA = (double[])net.dA.Clone(), dB = (double[])net.dB.Clone(), da = (double[])net.dHiddenBias.Clone();
        var second = net.ForwardBackward(X, Y, 0, N, N);
        Assert.Equal(first, second);
        Assert.Equal(dA, net.dA);
        Assert.Equal(dB, net.dB);
        Assert.Equal(da, net.dHiddenBias);
        Assert.Contains(dA, v => v != 0);

        // A shorter batch after a longer one: nothing of the longer one's work buffers may leak in.
        using var fresh = new Network<double, VectorKernels<double>>(shape, N);
        Fill(fresh, seed: 4);
        Assert.Equal(fresh.ForwardBackward(X, Y, 0, N, 45), net.ForwardBackward(X, Y, 0, N, 45));
        Assert.Equal(fresh.dA, net.dA);
        Assert.Equal(fresh.dB, net.dB);

        Assert.Equal((0.0, 0), net.ForwardBackward(X, Y, 0, N, 0));
        Assert.All(net.dA, v => Assert.Equal(0.0, v));
        Assert.All(net.dB, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Exp_for_the_softmax_is_accurate_to_a_few_ulps()
    {
        // ExpNonPositive against Math.Exp on [−700, 0] (double) and [−80, 0] (float), densest near 0.
        var rng = new Random(17);
        double worstD = 0, worstF = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = -Math.Pow(rng.NextDouble(), 4) * 700;
            double got = VectorMath.ExpNonPositive(new Vector<double>(x))[0], want = Math.Exp(x);
            worstD = Math.Max(worstD, Math.Abs(got - want) / want);
            float xf = (float)(-Math.Pow(rng.NextDouble(), 4) * 80);
            float gotF = VectorMath.ExpNonPositive(new Vector<float>(xf))[0];
            double wantF = Math.Exp(xf);
            worstF = Math.Max(worstF, Math.Abs(gotF - wantF) / wantF);
        }
        Assert.True(worstD < 1e-15, $"double: worst relative error {worstD:E2}");
        Assert.True(worstF < 5e-7, $"float: worst relative error {worstF:E2}");
        Assert.Equal(1.0, VectorMath.ExpNonPositive(Vector<double>.Zero)[0]);
        Assert.Equal(0.0, VectorMath.ExpNonPositive(new Vector<double>(-800))[0]);
    }

    private static void Compare<T>(NetworkShape shape, int N, int threads, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var vector = new Network<T, VectorKernels<T>>(shape, N, threads);
        using var scalar = new Network<T, ScalarKernels<T>>(shape, N);
        Fill(vector, seed: N + shape.H);
        Fill(scalar, seed: N + shape.H);
        var (X, Y) = Batch<T>(shape, N, seed: N * 3 + shape.D);
        var (lossV, hitsV) = vector.ForwardBackward(X, Y, 0, N, N);
        var (lossS, hitsS) = scalar.ForwardBackward(X, Y, 0, N, N);
        Assert.True(Math.Abs(lossV - lossS) <= tolerance * Math.Max(1, Math.Abs(lossS)),
            $"{what} loss: scalar {lossS}, fused {lossV}");
        Assert.Equal(hitsS, hitsV);
        // A forward-only pass (test and validation loss) is the first sweep alone: the training pass's loss
        // and hits bit for bit; the separate vector kernels' too within one chunk (they chunk more finely,
        // and the chunks' losses are summed in T).
        Assert.Equal((lossV, hitsV), vector.Forward(X, Y, 0, N, N));
        using var separate = new Network<T, VectorKernels<T>>(shape, N, threads, KernelPath.Separate);
        Fill(separate, seed: N + shape.H);
        var (lossF, hitsF) = separate.Forward(X, Y, 0, N, N);
        Assert.Equal(hitsV, hitsF);
        if (N <= 64) Assert.Equal(lossV, lossF);
        else Assert.True(Math.Abs(lossV - lossF) <= tolerance * Math.Abs(lossV),
            $"{what} forward-only loss: fused {lossV}, separate {lossF}");
        foreach (var ((name, _, gv, _, _), (_, _, gs, _, _)) in vector.Tensors().Zip(scalar.Tensors()))
        {
            double scale = Math.Max(1e-3, gs.Max(g => Math.Abs(double.CreateChecked(g))));
            for (int i = 0; i < gs.Length; i++)
            {
                double e = double.CreateChecked(gs[i]), a = double.CreateChecked(gv[i]);
                Assert.True(Math.Abs(e - a) <= tolerance * scale, $"{what} d{name}[{i}]: scalar {e}, fused {a}");
            }
        }
    }

    private static void Fill<T, TK>(Network<T, TK> net, int seed) where T : unmanaged,
        IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        int k = 0;
        foreach (var (_, value, _, _, _) in net.Tensors())
        {
            double[] r = RandomData.Vector(value.Length, seed * 31 + k++);
            for (int i = 0; i < value.Length; i++) value[i] = T.CreateChecked(r[i]);
        }
    }

    private static (T[] X, T[] Y) Batch<T>(NetworkShape shape, int N, int seed) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        double[] x = RandomData.Vector(shape.D * N, seed, scale: 2);
        var rng = new Random(seed);
        var Y = new T[shape.C * N];
        for (int n = 0; n < N; n++) Y[rng.Next(shape.C) * N + n] = T.One;
        return (x.Select(T.CreateChecked).ToArray(), Y);
    }
}
