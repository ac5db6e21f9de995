using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

public class DeterminismTests
{
    [Theory]
    [InlineData(Precision.Float64, 0)]
    [InlineData(Precision.Float32, 0)]
    [InlineData(Precision.Float64, 16)]
    public void Same_data_options_and_seed_give_bit_identical_weights_and_curves(Precision precision, int batch)
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 200, Precision = precision, BatchSize = batch, Seed = 5, Momentum = 0.5 };
        TrainingResult Run()
        {
            var (train, test) = iris.SplitStratified(options.TestFraction, options.Seed);
            return Trainer.Train(train, test, options);
        }
        TrainingResult a = Run(), b = Run();
        Assert.Equal(Bits(a.Model.A), Bits(b.Model.A));
        Assert.Equal(Bits(a.Model.B), Bits(b.Model.B));
        Assert.Equal(Bits(a.Model.HiddenBias), Bits(b.Model.HiddenBias));
        Assert.Equal(a.History.Select(m => BitConverter.DoubleToInt64Bits(m.TrainLoss)), b.History.Select(m => BitConverter.DoubleToInt64Bits(m.TrainLoss)));
        Assert.Equal(a.History.Select(m => m.TestLoss), b.History.Select(m => m.TestLoss));

        TrainingResult other = Trainer.Train(iris, null, options with { Seed = 6, TestFraction = 0 });
        Assert.NotEqual(Bits(a.Model.A), Bits(other.Model.A));
    }

    [Theory]
    [InlineData(Precision.Float64, Activation.Tanh)]
    [InlineData(Precision.Float32, Activation.Tanh)]
    [InlineData(Precision.Float64, Activation.Identity)] // the fused sweep
    [InlineData(Precision.Float32, Activation.Relu)]     // the fused sweep
    [InlineData(Precision.Float64, Activation.Tanh, Optimizer.Adam)]
    [InlineData(Precision.Float32, Activation.Identity, Optimizer.AdamW)]
    [InlineData(Precision.Float64, Activation.Relu, Optimizer.Nesterov)]
    public void Results_do_not_depend_on_the_thread_count(Precision precision, Activation f, Optimizer optimizer = Optimizer.Sgd)
    {
        // 20,000 rows: above the size at which the pass is split into partitions.
        Dataset data = RandomData.Make(20_000, 4, 3, seed: 12);
        var options = new TrainingOptions
        {
            Epochs = 3,
            Hidden = 24,
            TestFraction = 0,
            Precision = precision,
            Activation = f,
            Optimizer = optimizer,
            Momentum = optimizer == Optimizer.Nesterov ? 0.9 : 0,
            LearningRate = optimizer == Optimizer.Sgd ? 0.1 : 0.01,
        };
        TrainingResult one = Trainer.Train(data, null, options with { Threads = 1 });
        TrainingResult two = Trainer.Train(data, null, options with { Threads = 2 });
        TrainingResult three = Trainer.Train(data, null, options with { Threads = 3 });
        Assert.Equal(Bits(one.Model.A), Bits(two.Model.A));
        Assert.Equal(Bits(one.Model.B), Bits(two.Model.B));
        Assert.Equal(Bits(one.Model.A), Bits(three.Model.A));
        Assert.Equal(one.History.Select(m => m.TrainLoss), two.History.Select(m => m.TrainLoss));
    }

    [Fact]
    public void The_partition_count_depends_on_N_only()
    {
        Assert.Equal(1, IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.PartitionCount(120));
        Assert.Equal(1, IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.PartitionCount(8191));
        Assert.Equal(2, IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.PartitionCount(8192));
        Assert.Equal(8, IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.PartitionCount(150_000));
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}

public class AllocationTests
{
    /// <summary>
    /// A training step allocates nothing on the calling thread once warmed up. (BenchmarkDotNet's
    /// MemoryDiagnoser counts every thread of the process, runtime threads included; this counts ours.)
    /// </summary>
    [Theory]
    [InlineData(120, 16, 1, Activation.Identity)]
    [InlineData(120, 16, 1, Activation.Tanh)]
    [InlineData(20_000, 32, 1, Activation.Relu)]
    [InlineData(20_000, 32, 2, Activation.Identity)]
    [InlineData(120, 16, 1, Activation.Identity, Optimizer.Adam)]
    [InlineData(120, 16, 1, Activation.Tanh, Optimizer.AdamW)]
    [InlineData(20_000, 32, 2, Activation.Identity, Optimizer.Nesterov)]
    public void A_training_step_allocates_nothing(int N, int H, int threads, Activation f, Optimizer optimizer = Optimizer.Sgd)
    {
        Dataset data = RandomData.Make(N, 4, 3, seed: 3);
        var shape = new NetworkShape(4, H, 3, true, f);
        using var net = new IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>(shape, N, threads);
        Trainer.Load(Trainer.Initialize(shape, 1), net);
        var velocity = new IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.Velocity(shape);
        var options = new TrainingOptions { Optimizer = optimizer, Momentum = optimizer == Optimizer.Adam || optimizer == Optimizer.AdamW ? 0 : 0.9, L2 = 1e-4 };
        var state = new OptimizerState<double>(shape, optimizer);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.Fit(data));
        void Step()
        {
            net.ForwardBackward(X, Y, 0, N, N);
            if (optimizer == Optimizer.Sgd) net.Step(0.01, 0.9, 1e-4, velocity);
            else state.Step(net, options, 0.01);
        }
        for (int i = 0; i < 5; i++) Step();
        // Windows of 20 steps: an allocation in the step shows in every window, while the runtime's
        // own one-off work on this thread (tiered recompilation while the whole suite runs) can land
        // in one. The first window that allocates nothing passes; five that all allocate fail.
        var windows = new List<long>();
        for (int w = 0; w < 5; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Step();
            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (windows[^1] == 0) break;
        }
        Assert.True(windows[^1] == 0, $"every window of 20 steps allocated: {string.Join(", ", windows)} bytes");
    }
}
