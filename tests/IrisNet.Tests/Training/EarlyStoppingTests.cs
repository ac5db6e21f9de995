using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>
/// Early stopping on the committed wine-like fixture (13 features, 3 overlapping classes, made by
/// Fixtures/make_wine_like.py): a tanh network's test loss is lowest early and climbs while the
/// train loss keeps falling.
/// </summary>
public sealed class EarlyStoppingTests() : TempDirectoryTest("early")
{
    private static string Fixture => Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "wine_like.csv");

    private static readonly TrainingOptions Options = new()
    {
        Activation = Activation.Tanh,
        Epochs = 1000,
        ValidationFraction = 0.2,
        Seed = 42
    };

    private static (TrainingResult Result, List<EpochMetrics> Rows) Run(TrainingOptions options)
    {
        Dataset data = CsvLoader.LoadLabelled(Fixture);
        var (train, test) = data.SplitStratified(options.TestFraction, options.Seed);
        var rows = new List<EpochMetrics>();
        TrainingResult r = Trainer.Train(train, test, options, onEpoch: rows.Add);
        return (r, rows);
    }

    [Fact]
    public void The_fixture_overfits_and_early_stopping_keeps_weights_with_a_lower_test_loss_than_the_last_epochs()
    {
        var (full, fullRows) = Run(Options);
        Assert.Equal(1000, full.EpochsRun);
        Assert.Equal(TrainingStop.Completed, full.Stop);
        Assert.Null(full.BestEpoch);
        // The case itself: test loss lowest early, well higher at the end, while the train loss keeps falling.
        EpochMetrics lowest = fullRows.MinBy(m => m.TestLoss!.Value);
        Assert.InRange(lowest.Epoch, 50, 400);
        Assert.True(fullRows[^1].TestLoss > 1.2 * lowest.TestLoss,
            $"test loss {lowest.TestLoss} at epoch {lowest.Epoch}, {fullRows[^1].TestLoss} at 1000");
        Assert.True(fullRows[^1].TrainLoss < 0.5 * lowest.TrainLoss, "the train loss keeps falling");

        var (early, earlyRows) = Run(Options with { Patience = 50 });
        Assert.Equal(TrainingStop.EarlyStopped, early.Stop);
        Assert.True(early.EpochsRun < 600, $"stopped after epoch {early.EpochsRun}");
        int best = early.BestEpoch!.Value;
        Assert.Equal(early.EpochsRun - 50, best);
        EpochMetrics bestRow = earlyRows[best - 1];
        Assert.Equal(earlyRows.Min(m => m.ValidationLoss!.Value), bestRow.ValidationLoss!.Value);
        // The saved weights are those the best row measured, and they beat the last epoch's on the untouched test rows.
        Assert.Equal(bestRow.ValidationLoss!.Value, early.FinalValidation!.Loss, 12);
        Assert.Equal(bestRow.TestLoss!.Value, early.FinalTest!.Loss, 12);
        Assert.True(early.FinalTest.Loss < full.FinalTest!.Loss,
            $"restored {early.FinalTest.Loss}, last epoch {full.FinalTest.Loss}");
        // Watching the validation set does not change training: the rows agree bit for bit up to the stop.
        Assert.Equal(fullRows.Take(early.EpochsRun), earlyRows);
        Assert.Equal(36, early.FinalTest.Count);
        Assert.Equal(30, early.FinalValidation.Count);
    }

    [Fact]
    public void Min_delta_counts_only_real_improvements()
    {
        var (strict, _) = Run(Options with { Patience = 20, MinDelta = 0.05 });
        var (loose, _) = Run(Options with { Patience = 20 });
        Assert.True(strict.EpochsRun < loose.EpochsRun,
            $"min-delta 0.05 stopped at {strict.EpochsRun}, 0 at {loose.EpochsRun}");
    }

    [Theory]
    [InlineData(-0.1, 0, 0.0, nameof(TrainingOptions.ValidationFraction))]
    [InlineData(1.0, 0, 0.0, nameof(TrainingOptions.ValidationFraction))]
    [InlineData(0.0, 10, 0.0, nameof(TrainingOptions.Patience))]
    [InlineData(0.2, -1, 0.0, nameof(TrainingOptions.Patience))]
    [InlineData(0.2, 10, -1.0, nameof(TrainingOptions.MinDelta))]
    [InlineData(0.2, 10, double.NaN, nameof(TrainingOptions.MinDelta))]
    public void Early_stopping_options_are_validated_by_the_library(double fraction, int patience, double minDelta,
        string option)
    {
        var o = new TrainingOptions { ValidationFraction = fraction, Patience = patience, MinDelta = minDelta };
        var e = Assert.Throws<OptionException>(o.Validate);
        Assert.StartsWith(option, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_with_patience_writes_validation_columns_and_records_why_it_stopped()
    {
        Cli.Result r = Cli.Run(_dir, "train", "--data", Fixture, "--activation", "tanh", "--validation-fraction", "0.2",
            "--patience", "50", "--out", "es");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Early stopping", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Restored the weights of epoch", r.Stdout, StringComparison.Ordinal);
        string[] metrics = File.ReadAllLines(Path.Combine(_dir, "es", "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_accuracy,test_loss,test_accuracy,val_loss,val_accuracy,lr", metrics[0]);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "es", "summary.json")));
        JsonElement root = s.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal("early_stopping", root.GetProperty("stop_reason").GetString());
        int stopped = root.GetProperty("stopped_epoch").GetInt32();
        Assert.Equal(stopped + 1, metrics.Length);
        Assert.Equal(stopped - 50, root.GetProperty("best_epoch").GetInt32());
        Assert.Equal(30, root.GetProperty("data").GetProperty("validation_rows").GetInt32());
        Assert.Equal(114, root.GetProperty("data").GetProperty("train_rows").GetInt32());

        Cli.Result bad = Cli.Run(_dir, "train", "--patience", "10", "--out", "bad");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("irisnet: error: --patience:", bad.Stderr, StringComparison.Ordinal);
    }
}
