namespace IrisNet.Tests;

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
    public void A_training_step_allocates_nothing(int N, int H, int threads, Activation f,
        Optimizer optimizer = Optimizer.Sgd)
    {
        Dataset data = RandomData.Make(N, 4, 3, seed: 3);
        var shape = new NetworkShape(4, H, 3, true, f);
        using var net = new IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>(shape, N, threads);
        Trainer.Load(Trainer.Initialize(shape, 1), net);
        var velocity = new IrisNet.FastPath.Network<double, IrisNet.Kernels.VectorKernels<double>>.Velocity(shape);
        var options = new TrainingOptions
        {
            Optimizer = optimizer,
            Momentum = optimizer == Optimizer.Adam || optimizer
            == Optimizer.AdamW ? 0 : 0.9,
            L2 = 1e-4
        };
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
