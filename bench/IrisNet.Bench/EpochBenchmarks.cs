using System.Numerics;
using BenchmarkDotNet.Attributes;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Bench;

/// <summary>
/// One full-batch training epoch (forward, softmax and cross-entropy, backward, update) on the 120
/// training rows of Iris, vector kernels against the scalar reference kernels, in both precisions.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class IrisEpoch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Network<T, VectorKernels<T>> _vector = null!;
    private Network<T, ScalarKernels<T>> _scalar = null!;
    private Network<T, VectorKernels<T>>.Velocity _vv = null!;
    private Network<T, ScalarKernels<T>>.Velocity _sv = null!;
    private T[] _X = [], _Y = [];
    private int _N;
    private readonly T _eta = T.CreateChecked(1e-6);

    [Params(8, 16, 64)]
    public int H { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Dataset iris = CsvLoader.LoadLabelled(Path.Combine(AppContext.BaseDirectory, "iris.csv"));
        var (train, _) = iris.SplitStratified(0.2, 42);
        _N = train.Count;
        (_X, _Y) = FeatureMajor.Build<T>(train, Standardization.Fit(train));
        var shape = new NetworkShape(train.FeatureCount, H, train.ClassCount, true, Activation.Identity);
        InitialWeights w = Trainer.Initialize(shape, 42);
        _vector = new Network<T, VectorKernels<T>>(shape, _N);
        _scalar = new Network<T, ScalarKernels<T>>(shape, _N);
        Trainer.Load(w, _vector);
        Trainer.Load(w, _scalar);
        _vv = new Network<T, VectorKernels<T>>.Velocity(shape);
        _sv = new Network<T, ScalarKernels<T>>.Velocity(shape);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vector.Dispose();
        _scalar.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double Scalar()
    {
        var (loss, _) = _scalar.ForwardBackward(_X, _Y, 0, _N, _N);
        _scalar.Step(_eta, T.Zero, T.Zero, _sv);
        return loss;
    }

    [Benchmark]
    public double Vector()
    {
        var (loss, _) = _vector.ForwardBackward(_X, _Y, 0, _N, _N);
        _vector.Step(_eta, T.Zero, T.Zero, _vv);
        return loss;
    }
}

/// <summary>
/// The full-batch Iris epoch of <see cref="IrisEpoch{T}"/> (H = 16, vector kernels) with each optimizer's
/// step: the cost of Adam's moments against plain SGD's update, the rest of the epoch being the same.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class OptimizerEpoch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Network<T, VectorKernels<T>> _net = null!;
    private OptimizerState<T> _state = null!;
    private TrainingOptions _options = null!;
    private T[] _X = [], _Y = [];
    private int _N;

    [Params(Optimizer.Sgd, Optimizer.Nesterov, Optimizer.Adam, Optimizer.AdamW)]
    public Optimizer Optimizer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Dataset iris = CsvLoader.LoadLabelled(Path.Combine(AppContext.BaseDirectory, "iris.csv"));
        var (train, _) = iris.SplitStratified(0.2, 42);
        _N = train.Count;
        (_X, _Y) = FeatureMajor.Build<T>(train, Standardization.Fit(train));
        var shape = new NetworkShape(train.FeatureCount, 16, train.ClassCount, true, Activation.Identity);
        _net = new Network<T, VectorKernels<T>>(shape, _N);
        Trainer.Load(Trainer.Initialize(shape, 42), _net);
        // A tiny rate keeps the weights where they start over millions of epochs; momentum 0.9 for SGD and Nesterov.
        _options = new TrainingOptions
        {
            Optimizer = Optimizer,
            Momentum =
            Optimizer is Optimizer.Adam or Optimizer.AdamW ? 0 : 0.9,
            L2 = 1e-4
        };
        _state = new OptimizerState<T>(shape, Optimizer);
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark]
    public double Epoch()
    {
        var (loss, _) = _net.ForwardBackward(_X, _Y, 0, _N, _N);
        _state.Step(_net, _options, 1e-9);
        return loss;
    }
}
