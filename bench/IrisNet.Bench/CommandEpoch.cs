using System.Numerics;
using BenchmarkDotNet.Attributes;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Bench;

/// <summary>
/// The numerical work of one epoch of the default <c>irisnet train</c>: the training step on the
/// 120 training rows of the stratified 80/20 split, then the forward pass on the 30 test rows for
/// their loss and accuracy. bench/command-epoch.sh measures what the whole command spends per epoch;
/// the ratio of the two is the cost of everything around the numbers (metrics, progress, checks).
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class CommandEpoch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Network<T, VectorKernels<T>> _net = null!;
    private Network<T, VectorKernels<T>>.Velocity _velocity = null!;
    private T[] _X = [], _Y = [], _testX = [], _testY = [];
    private int _N, _testN;
    private readonly T _eta = T.CreateChecked(1e-6);

    [GlobalSetup]
    public void Setup()
    {
        Dataset iris = CsvLoader.LoadLabelled(Path.Combine(AppContext.BaseDirectory, "iris.csv"));
        var (train, test) = iris.SplitStratified(0.2, 42);
        Standardization st = Standardization.Fit(train);
        _N = train.Count;
        _testN = test!.Count;
        (_X, _Y) = FeatureMajor.Build<T>(train, st);
        (_testX, _testY) = FeatureMajor.Build<T>(test, st);
        var shape = new NetworkShape(train.FeatureCount, 16, train.ClassCount, true, Activation.Identity);
        _net = new Network<T, VectorKernels<T>>(shape, _N);
        Trainer.Load(Trainer.Initialize(shape, 42), _net);
        _velocity = new Network<T, VectorKernels<T>>.Velocity(shape);
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark]
    public double StepAndTestForward()
    {
        var (testLoss, _) = _net.Forward(_testX, _testY, 0, _testN, _testN);
        var (loss, _) = _net.ForwardBackward(_X, _Y, 0, _N, _N);
        _net.Step(_eta, T.Zero, T.Zero, _velocity);
        return loss + testLoss;
    }
}
