using System.Globalization;
using System.Text.Json;
using IrisNet.Models;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>The optimizer and schedule options, metrics.csv's lr column, --init's note and lr-find, through the built
/// program.</summary>
public sealed class OptimizerCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("irisnet-optim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(params string[] parts) => Path.Combine([_dir, .. parts]);

    private Cli.Result Ok(params string[] args)
    {
        Cli.Result r = Cli.Run(_dir, args);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        return r;
    }

    [Fact]
    public void A_scheduled_adam_run_records_each_epochs_rate_and_its_options_and_plot_reads_the_file_back()
    {
        Ok("train", "--optimizer", "adam", "--lr", "0.02", "--lr-schedule", "step", "--lr-step-size", "10",
            "--lr-gamma", "0.5",
            "--warmup-epochs", "5", "--epochs", "40", "--out", P("a"));
        string[] rows = File.ReadAllLines(P("a", "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr", rows[0]);
        double[] lr = rows.Skip(1).Select(r => double.Parse(r.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();
        var expected = new TrainingOptions
        {
            LearningRate = 0.02,
            Epochs = 40,
            LrSchedule = LearningRateSchedule.Step,
            LrStepSize = 10,
            LrGamma = 0.5,
            WarmupEpochs = 5,
        };
        Assert.Equal(Enumerable.Range(0, 40).Select(e => LearningRateScheduler.RateAt(expected, e)), lr);
        Assert.Equal(0.02 / 3, lr[0], 1e-17);
        Assert.Equal(0.0025, lr[^1], 1e-17); // 35 epochs after the warm-up: γ³

        TrainingOptions saved = ModelJson.Load(P("a", "model.json")).Options!;
        Assert.Equal((Optimizer.Adam, LearningRateSchedule.Step, 10, 0.5, 5), (saved.Optimizer, saved.LrSchedule,
            saved.LrStepSize, saved.LrGamma, saved.WarmupEpochs));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(P("a", "summary.json")));
        JsonElement options = summary.RootElement.GetProperty("options");
        Assert.Equal("adam", options.GetProperty("optimizer").GetString());
        Assert.Equal(0.999, options.GetProperty("beta2").GetDouble());
        Assert.Equal("step", options.GetProperty("lr_schedule").GetString());

        Ok("plot", P("a"));
        Assert.True(File.Exists(P("a", "curves.png")));
    }

    [Fact]
    public void Init_from_a_model_trained_with_adam_says_its_moments_start_at_zero_and_from_plain_sgd_says_nothing()
    {
        Ok("train", "--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--out", P("adam"));
        Ok("train", "--epochs", "5", "--out", P("sgd"));
        Cli.Result fromAdam = Ok("train", "--init", P("adam", "model.json"), "--optimizer", "adam", "--lr", "0.01",
            "--epochs", "2", "--out", P("a2"));
        string note = fromAdam.Stdout.Split('\n')[0];
        Assert.Equal("--init: only the weights are saved, not adam's moments m, r and step count t; this run's adam " +
            "state starts at zero.", note.TrimEnd('\r'));
        Cli.Result fromSgd = Ok("train", "--init", P("sgd", "model.json"), "--epochs", "2", "--out", P("s2"));
        Assert.DoesNotContain("--init:", fromSgd.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--beta2: ", "train", "--optimizer", "adam", "--beta2", "1")]
    [InlineData("--epsilon: ", "train", "--optimizer", "adam", "--epsilon", "0")]
    [InlineData("--lr-gamma: ", "train", "--lr-schedule", "exponential", "--lr-gamma", "1.5")]
    [InlineData("--lr-step-size: ", "train", "--lr-schedule", "step")]
    [InlineData("--lr-schedule: plateau watches the validation loss", "train", "--lr-schedule", "plateau")]
    [InlineData("--beta1: applies to adam and adamw only", "train", "--beta1", "0.5")]
    [InlineData("--lr-schedule: plateau watches a validation loss, and cv sets none aside", "cv", "--lr-schedule",
        "plateau")]
    [InlineData("--steps: ", "lr-find", "--steps", "3")]
    [InlineData("--end-lr: ", "lr-find", "--start-lr", "1", "--end-lr", "0.5")]
    public void A_bad_option_is_one_line_and_exit_2_and_nothing_is_written(string message, params string[] args)
    {
        Cli.Result r = Cli.Run(_dir, [.. args, "--out", P("bad")]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("irisnet: error: " + message, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(P("bad")));
    }

    [Fact]
    public void Lr_find_writes_its_points_and_picture_and_prints_the_suggestion_it_read_from_them()
    {
        Cli.Result r = Ok("lr-find", "--optimizer", "adam", "--out", P("lf"));
        string[] stdout = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Single(stdout);
        string[] rows = File.ReadAllLines(P("lf", "lr_find.csv"));
        Assert.Equal("step,lr,loss,smoothed_loss", rows[0]);
        var points = rows.Skip(1).Select(l => l.Split(',')).Select(f => new RangeTestPoint(int.Parse(f[0],
            CultureInfo.InvariantCulture),
            double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
                double.Parse(f[3], CultureInfo.InvariantCulture))).ToArray();
        Assert.InRange(points.Length, 10, 100);
        Assert.Equal(1e-7, points[0].LearningRate);
        // The rate grows by the same factor every step: (10 / 1e-7)^(1/100).
        Assert.Equal(Math.Pow(1e8, 0.01), points[1].LearningRate / points[0].LearningRate, 1e-12);
        // The smoothed loss is fastai's debiased average of the batch losses.
        double a = 0;
        for (int i = 0; i < points.Length; i++)
        {
            a = 0.98 * a + 0.02 * points[i].Loss;
            Assert.Equal(a / (1 - Math.Pow(0.98, i + 1)), points[i].SmoothedLoss, 1e-12);
        }
        // The suggestion: a tenth of the rate at the smoothed loss's minimum over steps 10 to the fifth-last.
        RangeTestPoint lowest = points.Skip(10).Take(points.Length - 15).MinBy(p => p.SmoothedLoss);
        string suggested = (lowest.LearningRate / 10).ToString("G3", CultureInfo.InvariantCulture);
        Assert.StartsWith($"lr-find: suggested learning rate {suggested}, a tenth of the rate at the smoothed loss's " +
            $"minimum (step {lowest.Step};", stdout[0], StringComparison.Ordinal);
        Assert.Equal((900, 540), Png.Size(P("lf", "lr_find.png")));
    }
}
