using System.Numerics;
using BenchmarkDotNet.Attributes;
using IrisNet.Data;
using IrisNet.Kernels;

namespace IrisNet.Bench;

/// <summary>
/// One full-batch epoch (forward, softmax and cross-entropy, backward, update) on Iris tiled to N
/// rows with small seeded jitter, for N ∈ {150; 1,500; 15,000; 150,000} × H ∈ {16, 256}, in
/// float and double, on 1 and 2 threads. FLOP per epoch: 2·N·H·(2·D + 3·C).
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class Scaling<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Network<T, VectorKernels<T>> _net = null!;
    private Network<T, VectorKernels<T>>.Velocity _velocity = null!;
    private T[] _X = [], _Y = [];
    private readonly T _eta = T.CreateChecked(1e-6);

    [Params(150, 1_500, 15_000, 150_000)]
    public int N { get; set; }

    [Params(16, 256)]
    public int H { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Dataset tiled = Tiled(N);
        (_X, _Y) = FeatureMajor.Build<T>(tiled, Standardization.Fit(tiled));
        var shape = new NetworkShape(tiled.FeatureCount, H, tiled.ClassCount, true, Activation.Identity);
        _net = new Network<T, VectorKernels<T>>(shape, N, Threads);
        Trainer.Load(Trainer.Initialize(shape, 42), _net);
        _velocity = new Network<T, VectorKernels<T>>.Velocity(shape);
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark]
    public double Epoch()
    {
        var (loss, _) = _net.ForwardBackward(_X, _Y, 0, N, N);
        _net.Step(_eta, T.Zero, T.Zero, _velocity);
        return loss;
    }

    /// <summary>Iris repeated to <paramref name="N"/> rows, each copy jittered by U(−0.05, 0.05) cm (seeded).</summary>
    public static Dataset Tiled(int N)
    {
        Dataset iris = CsvLoader.LoadLabelled(Path.Combine(AppContext.BaseDirectory, "iris.csv"));
        var rng = new SplitMix64(2024);
        var rows = new double[N][];
        var labels = new int[N];
        for (int n = 0; n < N; n++)
        {
            int source = n % iris.Count;
            rows[n] = iris.Features[source].Select(v => v + (rng.NextDouble() - 0.5) * 0.1).ToArray();
            labels[n] = iris.Labels[source];
        }
        return new Dataset(iris.FeatureNames, iris.ClassNames, rows, labels);
    }
}
