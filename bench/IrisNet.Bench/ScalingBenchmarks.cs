using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Bench;

/// <summary>
/// One full-batch epoch (forward, softmax and cross-entropy, backward, update) on Iris tiled to N
/// rows with small seeded jitter, for N ∈ {150; 1,500; 15,000; 150,000} × H ∈ {16, 256}, in
/// float and double, on 1 and 2 threads. FLOP per epoch: 2·N·H·(2·D + 3·C).
/// As benchmarks, 1 and 2 threads run in separate processes, minutes apart, on a machine whose host
/// can give its two virtual processors one physical core or two; <see cref="Interleaved"/> times both
/// thread counts and the machine's own two-thread capacity in turn in one process.
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

    /// <summary>The network set up by <see cref="Setup"/>, for the thread check's comparison of results.</summary>
    internal Network<T, VectorKernels<T>> Net => _net;

    [Benchmark]
    public double Epoch()
    {
        var (loss, _) = _net.ForwardBackward(_X, _Y, 0, N, N);
        _net.Step(_eta, T.Zero, T.Zero, _velocity);
        return loss;
    }

    /// <summary>
    /// The thread check of one case (N = <paramref name="n"/>, H = <paramref name="h"/>): a 1-thread
    /// and a 2-thread network set up as the benchmark sets them up (same weights), then
    /// <paramref name="rounds"/> rounds, each (a) <paramref name="machine"/>'s FMA loop on one thread and
    /// then on two at once, (b) k epochs (<see cref="Epoch"/>) on the 1-thread network, (c) k epochs on
    /// the 2-thread network, each epoch timed. k is chosen so that a slice takes about
    /// <see cref="ThreadCheck.SliceMilliseconds"/> on one thread: short enough that the machine check
    /// and both networks see the same placement of the two virtual processors on cores, which can
    /// change within a minute. Throws when the two networks' losses, gradients or weights differ in
    /// any bit, after the first epoch or after the last.
    /// </summary>
    public static ThreadCase Interleaved(int n, int h, int rounds, FmaPair machine)
    {
        var one = new Scaling<T> { N = n, H = h, Threads = 1 };
        var two = new Scaling<T> { N = n, H = h, Threads = 2 };
        one.Setup();
        two.Setup();
        try
        {
            Identical(one, two, one.Epoch(), two.Epoch(), "after one epoch from the same weights");
            // Warm-up, until the JIT has compiled the sweep's final code: as many epochs on each network,
            // so that both stay at the same weights and can be compared at the end.
            long start = Stopwatch.GetTimestamp();
            int warm = 0;
            while (warm < ThreadCheck.WarmupEpochs || Stopwatch.GetElapsedTime(start).TotalMilliseconds <
                ThreadCheck.WarmupMilliseconds)
            {
                one.Epoch();
                warm++;
            }
            for (int i = 0; i < warm; i++) two.Epoch();
            double oneNs = double.MaxValue, twoNs = double.MaxValue;
            for (int i = 0; i < 3; i++) Slice(one, 1, ref oneNs);
            for (int i = 0; i < 3; i++) Slice(two, 1, ref twoNs);
            int k = Math.Clamp((int)Math.Round(ThreadCheck.SliceMilliseconds * 1e6 / oneNs), 1, 1000);

            var each = new ThreadRound[rounds];
            var machineSpeedup = new double[rounds];
            var speedup = new double[rounds];
            var processors = new double[rounds];
            double bestOne = double.MaxValue, bestPair = double.MaxValue;
            oneNs = twoNs = double.MaxValue;
            for (int r = 0; r < rounds; r++)
            {
                // The 2-thread network's idle worker spins for 200 µs after an epoch before it sleeps:
                // let it sleep, so that the one-thread FMA loop has the machine to itself.
                Thread.Sleep(1);
                var (single, first, second) = machine.Measure(typeof(T) == typeof(float));
                double pair = Math.Max(first, second);
                machineSpeedup[r] = 2 * single / pair;
                bestOne = Math.Min(bestOne, single);
                bestPair = Math.Min(bestPair, pair);
                double t1 = Slice(one, k, ref oneNs);
                // The process's processor time over the 2-thread slice's wall time: 2.0 when both threads ran
                // throughout (a waiting thread spins), less when another process took a processor. The short
                // FMA measurement cannot see that: a thread that has just woken up is run at once.
                TimeSpan cpu = Environment.CpuUsage.TotalTime;
                double t2 = Slice(two, k, ref twoNs);
                processors[r] = (Environment.CpuUsage.TotalTime - cpu).TotalNanoseconds / t2;
                speedup[r] = t1 / t2;
                each[r] = new ThreadRound(single, pair, processors[r], t1 / k, t2 / k);
            }
            Identical(one, two, one.Epoch(), two.Epoch(), $"after {warm + rounds * k + 5} epochs");

            double[] twoCore = Enumerable.Range(0, rounds).Where(r => machineSpeedup[r]
                >= ThreadCheck.TwoCoreThreshold).Select(r => speedup[r]).ToArray();
            double[] clean = Enumerable.Range(0, rounds)
                .Where(r => machineSpeedup[r] >= ThreadCheck.TwoCoreThreshold && processors[r]
                    >= ThreadCheck.TwoCoreThreshold).Select(r => speedup[r]).ToArray();
            return new ThreadCase(typeof(T) == typeof(float) ? "float32" : "float64", n, h, k, oneNs, twoNs,
                CheckFile.Median(speedup),
                2 * bestOne / bestPair, CheckFile.Median(machineSpeedup), twoCore.Length,
                    twoCore.Length > 0 ? CheckFile.Median(twoCore) : null,
                CheckFile.Median(processors), clean.Length, clean.Length > 0 ? CheckFile.Median(clean) : null, each);
        }
        finally
        {
            one.Cleanup();
            two.Cleanup();
        }
    }

    /// <summary>k epochs on <paramref name="s"/>, each timed; lowers <paramref name="fastest"/> to the fastest
    /// epoch in ns and returns the slice's time in ns.</summary>
    private static double Slice(Scaling<T> s, int k, ref double fastest)
    {
        long start = Stopwatch.GetTimestamp(), previous = start;
        for (int i = 0; i < k; i++)
        {
            s.Epoch();
            long now = Stopwatch.GetTimestamp();
            fastest = Math.Min(fastest, (now - previous) * 1e9 / Stopwatch.Frequency);
            previous = now;
        }
        return (previous - start) * 1e9 / Stopwatch.Frequency;
    }

    /// <summary>The two networks' losses, gradients and weights compared bit for bit; throws on the first
    /// difference.</summary>
    private static void Identical(Scaling<T> one, Scaling<T> two, double lossOne, double lossTwo, string when)
    {
        string where = $"N = {one.N}, H = {one.H}, {typeof(T).Name}, {when}";
        if (BitConverter.DoubleToInt64Bits(lossOne) != BitConverter.DoubleToInt64Bits(lossTwo))
            throw new
                InvalidOperationException($"2 threads differ from 1 ({where}): loss {lossTwo:R} against {lossOne:R}");
        foreach (var (a, b) in one.Net.Tensors().Zip(two.Net.Tensors()))
        {
            if (!MemoryMarshal.AsBytes(a.Value.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.Value.AsSpan())))
                throw new InvalidOperationException($"2 threads differ from 1 ({where}): weights {a.Name}");
            if (!MemoryMarshal.AsBytes(a.Gradient.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.Gradient.AsSpan())))
                throw new InvalidOperationException($"2 threads differ from 1 ({where}): gradient d{a.Name}");
        }
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
