namespace IrisNet.Tests;

public class TrainingTests
{
    [Fact]
    public void Default_options_reach_the_accuracy_bar_over_ten_seeds()
    {
        Dataset iris = Repo.Iris();
        var accuracies = new List<double>();
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var options = new TrainingOptions { Seed = seed };
            var (train, test) = iris.SplitStratified(options.TestFraction, seed);
            TrainingResult r = Trainer.Train(train, test, options);
            accuracies.Add(r.FinalTest!.Accuracy);
        }
        Assert.True(accuracies.Average() >= 0.95,
            $"mean test accuracy {accuracies.Average():F4}: {string.Join(", ", accuracies)}");
        Assert.True(accuracies.Min() >= 0.90, $"lowest test accuracy {accuracies.Min():F4}");
    }

    [Fact]
    public void Without_biases_the_documents_network_stalls_near_85_percent_while_biases_fix_it()
    {
        Dataset iris = Repo.Iris();
        TrainingResult noBias = Trainer.Train(iris, null, new TrainingOptions
        {
            Bias = false,
            Epochs = 3000,
            TestFraction = 0
        });
        TrainingResult bias = Trainer.Train(iris, null, new TrainingOptions
        {
            Bias = true,
            Epochs = 3000,
            TestFraction = 0
        });
        Assert.InRange(noBias.FinalTrain.Accuracy, 0.75, 0.90);
        Assert.True(noBias.FinalTrain.Loss > 0.25, $"bias-free loss {noBias.FinalTrain.Loss}");
        Assert.True(bias.FinalTrain.Accuracy >= 0.97, $"with biases {bias.FinalTrain.Accuracy}");
    }

    [Fact]
    public void Epoch_one_reports_the_loss_of_the_initial_weights()
    {
        Dataset data = RandomData.Make(40, 4, 3, seed: 2);
        var options = new TrainingOptions { Epochs = 2, TestFraction = 0, Standardize = false, Seed = 77 };
        TrainingResult r = Trainer.Train(data, null, options);

        var shape = new NetworkShape(4, options.Hidden, 3, true, Activation.Identity);
        var reference = new IndependentNetwork(4, options.Hidden, 3, true, Activation.Identity);
        InitialWeights w = Trainer.Initialize(shape, options.Seed);
        reference.A = w.A.SelectMany(x => x).ToArray();
        reference.B = w.B.SelectMany(x => x).ToArray();
        double initialLoss = reference.Loss(data.Features, data.Labels, gradient: false);
        Assert.Equal(initialLoss, r.History[0].TrainLoss, 1e-12);
        Assert.True(r.History[1].TrainLoss < r.History[0].TrainLoss);
    }

    [Fact]
    public void Training_from_a_saved_model_starts_at_its_final_loss_exactly()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 50, TestFraction = 0 };
        TrainingResult first = Trainer.Train(iris, null, options);
        Model reloaded = ModelJson.Parse(ModelJson.Serialize(first.Model));
        TrainingResult second = Trainer.Train(iris, null, options with { Epochs = 1 }, reloaded.ToInitialWeights());
        Assert.Equal(first.FinalTrain.Loss, second.History[0].TrainLoss);
    }

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Mini_batches_momentum_and_L2_train_in_both_precisions(Precision precision)
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions
        {
            BatchSize = 16,
            Momentum = 0.9,
            L2 = 1e-4,
            LearningRate = 0.02,
            Epochs = 100,
            Precision = precision,
            Activation = Activation.Tanh
        };
        var (train, test) = iris.SplitStratified(0.2, 42);
        TrainingResult r = Trainer.Train(train, test, options);
        Assert.Equal(100, r.EpochsRun);
        Assert.True(r.FinalTest!.Accuracy >= 0.9, $"test accuracy {r.FinalTest.Accuracy}");
        Assert.True(r.History[^1].TrainLoss < r.History[0].TrainLoss / 3);
        Assert.Equal(precision, r.Model.Precision);
    }

    [Fact]
    public void A_diverging_run_throws_with_its_epoch_and_only_finite_history()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { LearningRate = 900, Epochs = 2000, Standardize = false, TestFraction = 0 };
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(iris, null, options));
        Assert.Equal(e.History.Count + 1, e.Epoch);
        Assert.All(e.History, m => Assert.True(double.IsFinite(m.TrainLoss)));
        Assert.Contains("smaller learning rate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_stops_after_the_current_epoch_and_keeps_a_usable_model()
    {
        using var cancel = new CancellationTokenSource();
        TrainingResult r = Trainer.Train(Repo.Iris(), null, new TrainingOptions { Epochs = 1000, TestFraction = 0 },
            onEpoch: m => { if (m.Epoch == 3) cancel.Cancel(); }, cancel: cancel.Token);
        Assert.True(r.Interrupted);
        Assert.Equal(3, r.EpochsRun);
        Assert.All(r.Model.A, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Invalid_options_name_the_property()
    {
        Dataset iris = Repo.Iris();
        Assert.Equal(nameof(TrainingOptions.LearningRate), Assert.Throws<OptionException>(() => Trainer.Train(iris,
            null, new TrainingOptions { LearningRate = -1 })).Option);
        Assert.Equal(nameof(TrainingOptions.LearningRate), Assert.Throws<OptionException>(() => Trainer.Train(iris,
            null, new TrainingOptions { LearningRate = double.NaN })).Option);
        Assert.Equal(nameof(TrainingOptions.Epochs), Assert.Throws<OptionException>(() => Trainer.Train(iris, null,
            new TrainingOptions { Epochs = 0 })).Option);
        Assert.Equal(nameof(TrainingOptions.Hidden), Assert.Throws<OptionException>(() => Trainer.Train(iris, null,
            new TrainingOptions { Hidden = 0 })).Option);
        Assert.Equal(nameof(TrainingOptions.BatchSize), Assert.Throws<OptionException>(() => Trainer.Train(iris, null,
            new TrainingOptions { BatchSize = 151, TestFraction = 0 })).Option);
        Assert.Equal(nameof(TrainingOptions.Threads), Assert.Throws<OptionException>(() => Trainer.Train(iris, null,
            new TrainingOptions { Threads = 0 })).Option);
        Assert.Equal(nameof(TrainingOptions.Hidden), Assert.Throws<OptionException>(() => Trainer.Train(iris, null,
            new TrainingOptions { Hidden = 900_000, TestFraction = 0 })).Option);
    }

    [Fact]
    public void Network_gradients_are_overwritten_not_accumulated()
    {
        Dataset data = RandomData.Make(10, 3, 2, seed: 1);
        using var net = new Network<double, VectorKernels<double>>(new NetworkShape(3, 4, 2, true, Activation.Tanh),
            10);
        RandomData.Vector(12, 3).CopyTo(net.A, 0);
        RandomData.Vector(8, 4).CopyTo(net.B, 0);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.None(3));
        net.ForwardBackward(X, Y, 0, 10, 10);
        double[] first = (double[])net.dA.Clone();
        net.ForwardBackward(X, Y, 0, 10, 10);
        Assert.Equal(first, net.dA);
    }
}
