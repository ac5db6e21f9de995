using System.Text.Json;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>
/// IrisNet's optimizers and schedules against torch.optim: Fixtures/optimizers/optimizers.json holds the
/// float64 loss curves (and the learning rate of every epoch) of 1000-epoch runs made with torch by
/// make_fixtures.py beside it, from the same initial weights, split and mini-batch order (rebuilt there from
/// docs/derivation.md section 10). Each run here must agree epoch by epoch to 1e-13 relative.
/// </summary>
public sealed class OptimizerFixtureTests(ITestOutputHelper output)
{
    /// <summary>The agreement required of every epoch's training loss, validation loss and learning rate.</summary>
    private const double Tolerance = 1e-13;

    private static readonly JsonElement Cases = Load();

    private static JsonElement Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizers", "optimizers.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (JsonElement c in Cases.EnumerateArray())
            names.Add(c.GetProperty("case").GetProperty("name").GetString()!);
        return names;
    }

    /// <summary>The options a fixture case names (its keys are model.json's training field names).</summary>
    internal static TrainingOptions Options(JsonElement c)
    {
        double D(string key, double fallback) => c.TryGetProperty(key, out JsonElement v) ? v.GetDouble() : fallback;
        int I(string key, int fallback) => c.TryGetProperty(key, out JsonElement v) ? v.GetInt32() : fallback;
        string S(string key, string fallback) => c.TryGetProperty(key, out JsonElement v) ? v.GetString()! : fallback;
        var d = new TrainingOptions();
        return new TrainingOptions
        {
            Epochs = I("epochs", d.Epochs),
            LearningRate = D("lr", d.LearningRate),
            Hidden = I("hidden", d.Hidden),
            Activation = S("activation", "identity") == "tanh" ? Activation.Tanh : Activation.Identity,
            BatchSize = I("batch_size", 0),
            Momentum = D("momentum", 0),
            L2 = D("l2", 0),
            Optimizer = Parse<Optimizer>(S("optimizer", "sgd")),
            Beta1 = D("beta1", d.Beta1),
            Beta2 = D("beta2", d.Beta2),
            Epsilon = D("epsilon", d.Epsilon),
            WeightDecay = D("weight_decay", d.WeightDecay),
            LrSchedule = Parse<LearningRateSchedule>(S("lr_schedule", "constant")),
            LrStepSize = I("lr_step_size", 0),
            LrGamma = c.TryGetProperty("lr_gamma", out JsonElement g) ? g.GetDouble() : null,
            LrMin = D("lr_min", 0),
            LrTMax = I("lr_t_max", 0),
            WarmupEpochs = I("warmup_epochs", 0),
            WarmupStartFactor = D("warmup_start_factor", d.WarmupStartFactor),
            PlateauFactor = D("plateau_factor", d.PlateauFactor),
            PlateauPatience = I("plateau_patience", d.PlateauPatience),
            PlateauThreshold = D("plateau_threshold", d.PlateauThreshold),
            PlateauCooldown = I("plateau_cooldown", d.PlateauCooldown),
            ValidationFraction = D("validation_fraction", 0),
            TestFraction = D("test_fraction", d.TestFraction),
            Seed = (ulong)I("seed", 42),
        };
    }

    private static T Parse<T>(string name) where T : struct, Enum =>
        Models.Names.TryParse(name, out T value) ? value : throw new
            ArgumentException($"unknown {typeof(T).Name} '{name}'");

    private static JsonElement Case(string name) =>
        Cases.EnumerateArray().Single(c => c.GetProperty("case").GetProperty("name").GetString() == name);

    /// <summary>Every epoch's metrics of the case's run with IrisNet.</summary>
    internal static List<EpochMetrics> Train(TrainingOptions o)
    {
        var (train, test) = Repo.Iris().SplitStratified(o.TestFraction, o.Seed);
        var rows = new List<EpochMetrics>();
        Trainer.Train(train, test, o, null, rows.Add);
        return rows;
    }

    /// <summary>The largest relative difference of two curves, and the epoch where it occurs.</summary>
    internal static (double Worst, int Epoch) Compare(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double rel = Math.Abs(actual[i] - expected[i]) / Math.Abs(expected[i]);
            if (!(rel <= worst)) { worst = rel; at = i + 1; }
        }
        return (worst, at);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Loss_curves_and_learning_rates_equal_torch_optim_to_1e_13(string name)
    {
        JsonElement c = Case(name);
        TrainingOptions o = Options(c.GetProperty("case"));
        List<EpochMetrics> rows = Train(o);
        double[] Curve(string key) => c.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();

        var (loss, lossAt) = Compare(Curve("train_loss"), rows.Select(r => r.TrainLoss).ToArray());
        var (rate, rateAt) = Compare(Curve("lr"), rows.Select(r => r.LearningRate!.Value).ToArray());
        output.WriteLine($"{name}: train loss within {loss:E2} (epoch {lossAt}), lr within {rate:E2} (epoch {rateAt})");
        Assert.True(loss <= Tolerance,
            $"{name}: the training loss of epoch {lossAt} differs from torch's by {loss:E3} relative");
        Assert.True(rate <= Tolerance,
            $"{name}: the learning rate of epoch {rateAt} differs from torch's by {rate:E3} relative");
        if (c.TryGetProperty("validation_loss", out _))
        {
            var (val, valAt) = Compare(Curve("validation_loss"), rows.Select(r => r.ValidationLoss!.Value).ToArray());
            output.WriteLine($"{name}: validation loss within {val:E2} (epoch {valAt})");
            Assert.True(val <= Tolerance,
                $"{name}: the validation loss of epoch {valAt} differs from torch's by {val:E3} relative");
        }
    }
}
