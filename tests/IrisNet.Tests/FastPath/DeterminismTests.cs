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
        var options = new TrainingOptions
        {
            Epochs = 200,
            Precision = precision,
            BatchSize = batch,
            Seed = 5,
            Momentum = 0.5
        };
        TrainingResult Run()
        {
            var (train, test) = iris.SplitStratified(options.TestFraction, options.Seed);
            return Trainer.Train(train, test, options);
        }
        TrainingResult a = Run(), b = Run();
        Assert.Equal(Bits(a.Model.A), Bits(b.Model.A));
        Assert.Equal(Bits(a.Model.B), Bits(b.Model.B));
        Assert.Equal(Bits(a.Model.HiddenBias), Bits(b.Model.HiddenBias));
        Assert.Equal(a.History.Select(m => BitConverter.DoubleToInt64Bits(m.TrainLoss)),
            b.History.Select(m => BitConverter.DoubleToInt64Bits(m.TrainLoss)));
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
    public void Results_do_not_depend_on_the_thread_count(Precision precision, Activation f,
        Optimizer optimizer = Optimizer.Sgd)
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
        Assert.Equal(8, IrisNet.FastPath.Network<double,
            IrisNet.Kernels.VectorKernels<double>>.PartitionCount(150_000));
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
