using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>Repeated stratified k-fold cross-validation: the library and the cv command.</summary>
public sealed class CrossValidationTests(ITestOutputHelper output) : TempDirectoryTest("cv")
{
    private static string Fish => Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "fish.csv");

    /// <summary>The cross-validation counterpart of the ten-seed accuracy bar in TrainingTests.</summary>
    [Fact]
    public void Default_options_reach_the_accuracy_bar_over_five_folds_and_four_repeats()
    {
        CrossValidationResult r = CrossValidation.Run(Repo.Iris(), new TrainingOptions(), folds: 5, repeats: 4,
            threads: 2);
        output.WriteLine($"mean held-out accuracy {r.MeanAccuracy:F4} ± {r.AccuracySd:F4}, loss {r.MeanLoss:F4} ± " +
            $"{r.LossSd:F4}, " +
            $"pooled {r.Pooled.Accuracy:F4}, Wilson [{r.AccuracyLow:F4}, {r.AccuracyHigh:F4}], lowest fold " +
                $"{r.Folds.Min(f => f.HeldOut.Accuracy):F4}");
        Assert.Equal(20, r.Folds.Count);
        Assert.False(r.Interrupted);
        Assert.True(r.MeanAccuracy >= 0.95,
            $"mean held-out accuracy {r.MeanAccuracy:F4}: " +
            $"{string.Join(", ", r.Folds.Select(f => f.HeldOut.Accuracy))}");
        Assert.Equal(4 * 150, r.Pooled.Count);
    }

    [Fact]
    public void Every_row_is_held_out_exactly_once_per_repeat_and_folds_keep_the_class_proportions()
    {
        Dataset fish = Data.CsvLoader.LoadLabelled(Fish, "species");
        const int K = 4, R = 3;
        CrossValidationResult r = CrossValidation.Run(fish, new TrainingOptions { Epochs = 5 }, K, R, threads: 2);
        Assert.Equal(K * R, r.Folds.Count);
        int[] classSizes = Enumerable.Range(0, fish.ClassCount).Select(c => fish.Labels.Count(l => l == c)).ToArray();
        for (int repeat = 1; repeat <= R; repeat++)
        {
            FoldResult[] folds = r.Folds.Where(f => f.Repeat == repeat).ToArray();
            Assert.Equal(Enumerable.Range(1, K), folds.Select(f => f.Fold));
            int[] heldOut = folds.SelectMany(f => f.HeldOutRows).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, fish.Count), heldOut);
            foreach (FoldResult f in folds)
            {
                Assert.Equal(f.HeldOutRows.Length, f.HeldOut.Count);
                Assert.Equal(fish.Count - f.HeldOutRows.Length, f.Train.Count);
                for (int c = 0; c < fish.ClassCount; c++)
                {
                    // Each class is spread evenly: ⌊n_c/K⌋ or ⌈n_c/K⌉ of its rows in every fold.
                    int count = f.HeldOutRows.Count(n => fish.Labels[n] == c);
                    Assert.InRange(count, classSizes[c] / K, (classSizes[c] + K - 1) / K);
                }
            }
        }
        // Each repeat draws a new partition.
        Assert.NotEqual(r.Folds[0].HeldOutRows, r.Folds[K].HeldOutRows);
        Assert.NotEqual(r.Folds[K].HeldOutRows, r.Folds[2 * K].HeldOutRows);
    }

    /// <summary>A fold is exactly a plain training run on its rows: same seeded start, standardization fitted on its
    /// training rows alone.</summary>
    [Fact]
    public void A_fold_equals_training_on_its_own_rows_with_standardization_fitted_on_them()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 60, Seed = 9 };
        var histories = new List<List<EpochMetrics>>();
        CrossValidationResult r = CrossValidation.Run(iris, options, 3, 1, threads: 1, epochsOf: (_, _) =>
        {
            var history = new List<EpochMetrics>();
            histories.Add(history);
            return history.Add;
        });
        for (int i = 0; i < r.Folds.Count; i++)
        {
            FoldResult f = r.Folds[i];
            int[] kept = Enumerable.Range(0, iris.Count).Except(f.HeldOutRows).ToArray();
            TrainingResult plain = Trainer.Train(iris.Subset(kept), iris.Subset(f.HeldOutRows), options);
            Assert.Equal(plain.FinalTest!.Loss, f.HeldOut.Loss);
            Assert.Equal(plain.FinalTrain.Loss, f.Train.Loss);
            Assert.Equal(plain.History, histories[i]);
            Standardization fitted = Standardization.Fit(iris.Subset(kept));
            Assert.Equal(fitted.Mean, plain.Model.Standardization.Mean);
            Assert.NotEqual(Standardization.Fit(iris).Mean, fitted.Mean);
        }
        // The mean curve is the mean of the folds' curves, one point per epoch up to CurveBand.Capacity epochs.
        Assert.Equal(1, r.HeldOutLoss!.Width);
        Assert.Equal(11, r.HeldOutLoss.Epoch[10]);
        Assert.Equal(histories.Average(h => h[10].TestLoss!.Value), r.HeldOutLoss.Mean[10], 1e-15);
        Assert.Equal(histories.Max(h => h[10].TrainLoss), r.TrainLoss!.Max[10]);
    }

    /// <summary>Beyond <see cref="CurveBand.Capacity"/> epochs the band keeps buckets: each one's mean, minimum and
    /// maximum over every fold and epoch in it.</summary>
    [Fact]
    public void A_long_run_keeps_a_bounded_band_whose_buckets_cover_every_fold_and_epoch()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 3 * CurveBand.Capacity + 5, Seed = 3 };
        var histories = new List<List<EpochMetrics>>();
        CrossValidationResult r = CrossValidation.Run(iris, options, 2, 1, threads: 2, epochsOf: (_, _) =>
        {
            var history = new List<EpochMetrics>();
            lock (histories) histories.Add(history);
            return history.Add;
        });
        CurveBand band = r.HeldOutLoss!;
        Assert.Equal(4, band.Width);
        Assert.Equal((options.Epochs + 3) / 4, band.Mean.Length);
        Assert.True(band.Mean.Length <= CurveBand.Capacity);
        Assert.All(histories, h => Assert.Equal(Enumerable.Range(1, options.Epochs), h.Select(m => m.Epoch)));
        foreach (int i in new[] { 0, 7, 1000, band.Mean.Length - 1 })
        {
            var values = histories.SelectMany(h => h.Skip(i * 4).Take(4)).Select(m => m.TestLoss!.Value).ToArray();
            Assert.Equal(values.Min(), band.Min[i]);
            Assert.Equal(values.Max(), band.Max[i]);
            Assert.Equal(values.Average(), band.Mean[i], 1e-12);
            int first = i * 4 + 1, last = Math.Min(options.Epochs, i * 4 + 4);
            Assert.Equal((first + last) / 2.0, band.Epoch[i]);
        }
    }

    [Fact]
    public void Results_are_bit_identical_whatever_the_thread_count()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 40, BatchSize = 16, Seed = 5 };
        CrossValidationResult one = CrossValidation.Run(iris, options, 5, 2, threads: 1);
        CrossValidationResult three = CrossValidation.Run(iris, options, 5, 2, threads: 3);
        Assert.Equal(one.Folds.Select(f => (f.Repeat, f.Fold, f.HeldOut.Loss, f.Train.Loss)),
            three.Folds.Select(f => (f.Repeat, f.Fold, f.HeldOut.Loss, f.Train.Loss)));
        Assert.Equal(one.HeldOutLoss!.Mean, three.HeldOutLoss!.Mean);
        Assert.Equal(one.MeanLoss, three.MeanLoss);
        Assert.Equal(one.AccuracyLow, three.AccuracyLow);
    }

    [Fact]
    public void The_wilson_interval_matches_its_closed_forms()
    {
        // p̂ = 1: the lower end is n / (n + z²); p̂ = 0: the upper end is z² / (n + z²).
        double z2 = CrossValidation.Z95 * CrossValidation.Z95;
        var (low, high) = CrossValidation.WilsonInterval(1, 150);
        Assert.Equal(150 / (150 + z2), low, 1e-12);
        Assert.Equal(1, high, 1e-12);
        (low, high) = CrossValidation.WilsonInterval(0, 10);
        Assert.Equal(0, low, 1e-12);
        Assert.Equal(z2 / (10 + z2), high, 1e-12);
        // p̂ = 1/2 is symmetric about 1/2 with half-width z√(1/4n + z²/4n²)/(1 + z²/n).
        (low, high) = CrossValidation.WilsonInterval(0.5, 40);
        double half = CrossValidation.Z95 * Math.Sqrt(0.25 / 40 + z2 / (4.0 * 40 * 40)) / (1 + z2 / 40);
        Assert.Equal(0.5 - half, low, 1e-12);
        Assert.Equal(0.5 + half, high, 1e-12);
        var (mean, sd) = CrossValidation.MeanAndSd([1, 2, 3, 4]);
        Assert.Equal(2.5, mean);
        Assert.Equal(Math.Sqrt(5.0 / 3), sd, 1e-15);
    }

    [Fact]
    public void Cv_command_output_is_byte_identical_with_one_and_two_threads()
    {
        string[] common = ["cv", "--epochs", "30", "--folds", "3", "--repeats", "2", "--batch-size", "20", "--quiet"];
        Cli.Result a = Cli.Run(_dir, [.. common, "--threads", "1", "--out", P("t1")]);
        Cli.Result b = Cli.Run(_dir, [.. common, "--threads", "2", "--out", P("t2")]);
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        Assert.Equal(File.ReadAllBytes(P("t1", "folds.csv")), File.ReadAllBytes(P("t2", "folds.csv")));
        Assert.Equal(WithoutTiming(P("t1", "summary.json")), WithoutTiming(P("t2", "summary.json")));
        JsonNode summary = JsonNode.Parse(File.ReadAllText(P("t2", "summary.json")))!;
        Assert.Equal(2, summary["timing"]!["threads"]!.GetValue<int>());
        Assert.Equal(6, summary["folds"]!.AsArray().Count);
    }

    private static string WithoutTiming(string path)
    {
        JsonObject o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(o.Remove("timing"));
        return o.ToJsonString();
    }

    [Fact]
    public void Cv_command_on_another_csv_writes_folds_summary_and_plot()
    {
        Cli.Result r = Cli.Run(_dir, "cv", "--data", Fish, "--label", "species", "--folds", "5", "--repeats", "2",
            "--epochs", "200", "--threads", "2", "--out", P("fish"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("95 % Wilson interval", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("pike", r.Stdout, StringComparison.Ordinal);

        string[] rows = File.ReadAllLines(P("fish", "folds.csv"));
        Assert.Equal("repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy", rows[0]);
        Assert.Equal(1 + 2 * 5 * 200, rows.Length);
        string[] expectedOrder = (from rep in Enumerable.Range(1, 2)
                                  from k in Enumerable.Range(1,
            5)
                                  from e in Enumerable.Range(1, 200)
                                  select $"{rep},{k},{e},").ToArray();
        Assert.Equal(expectedOrder, rows.Skip(1).Select(l => string.Join(',', l.Split(',').Take(3)) + ","));
        Assert.Equal((900, 540), Png.Size(P("fish", "cv.png")));

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(P("fish", "summary.json")));
        JsonElement s = doc.RootElement;
        Assert.Equal("completed", s.GetProperty("status").GetString());
        JsonElement held = s.GetProperty("heldout");
        int[][] confusion = held.GetProperty("pooled").GetProperty("confusion").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        // Each row is held out once per repeat: the pooled matrix counts every row twice, by its true class.
        Dataset fish = Data.CsvLoader.LoadLabelled(Fish, "species");
        for (int c = 0; c < 3; c++) Assert.Equal(2 * fish.Labels.Count(l => l == c), confusion[c].Sum());
        double[] accuracies = s.GetProperty("folds").EnumerateArray().Select(f
            => f.GetProperty("heldout_accuracy").GetDouble()).ToArray();
        Assert.Equal(accuracies.Average(), held.GetProperty("accuracy_mean").GetDouble(), 1e-12);
        double low = held.GetProperty("accuracy_interval_95").GetProperty("low").GetDouble();
        double high = held.GetProperty("accuracy_interval_95").GetProperty("high").GetDouble();
        double pooled = held.GetProperty("pooled").GetProperty("accuracy").GetDouble();
        Assert.True(low < pooled && pooled < high, $"{low} < {pooled} < {high}");
    }

    [Theory]
    [InlineData("--folds", "1")]
    [InlineData("--folds", "51")]
    [InlineData("--repeats", "0")]
    [InlineData("--threads", "0")]
    [InlineData("--test-fraction", "0.3")]
    public void Bad_cv_options_give_one_clear_error_and_exit_2(string option, string value)
    {
        Cli.Result r = Cli.Run(_dir, "cv", option, value, "--epochs", "5", "--out", P("bad"));
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"irisnet: error: {option}: ", lines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("bad")), "nothing is written for bad options");
    }

    [Fact]
    public void Too_many_folds_for_the_smallest_class_of_another_csv_names_it()
    {
        Cli.Result r = Cli.Run(_dir, "cv", "--data", Fish, "--label", "species", "--folds", "11", "--out", P("bad"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--folds: 11 is more than the 10 row(s) of class 'pike'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("Use 10 or fewer", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diverging_fold_is_named_and_exits_1_with_a_failed_summary()
    {
        Cli.Result r = Cli.Run(_dir, "cv", "--lr", "1000", "--epochs", "100", "--threads", "2", "--out", P("div"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("irisnet: error: repeat 1, fold 1: training diverged at epoch", r.Stderr,
            StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(P("div", "summary.json")));
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
        Assert.False(File.Exists(P("div", "cv.png")));
        Assert.Empty(Directory.GetFiles(P("div"), ".*"));
    }
}
