using System.Globalization;
using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>evaluate and predict, end to end: which rows are scored, everything in --json, no prediction from
/// non-finite numbers, --init by name.</summary>
public sealed class EvaluationTests() : TempDirectoryTest("eval")
{
    private static JsonElement Json(Cli.Result r) => JsonDocument.Parse(r.Stdout).RootElement;

    [Fact]
    public void On_the_models_own_data_evaluate_scores_the_held_out_rows_exactly_as_training_did()
    {
        Ok("train", "--epochs", "150", "--out", P("run"), "--quiet");
        string model = P("run", "model.json");
        JsonElement summaryTest = JsonDocument.Parse(File.ReadAllText(P("run",
            "summary.json"))).RootElement.GetProperty("final").GetProperty("test");
        JsonElement summaryTrain = JsonDocument.Parse(File.ReadAllText(P("run",
            "summary.json"))).RootElement.GetProperty("final").GetProperty("train");

        JsonElement test = Json(Ok("evaluate", "--model", model, "--json"));
        Assert.Equal("test", test.GetProperty("split").GetString());
        Assert.Equal(30, test.GetProperty("rows").GetInt32());
        Assert.Equal(summaryTest.GetProperty("loss").GetDouble(), test.GetProperty("loss").GetDouble());
        Assert.Equal(summaryTest.GetProperty("accuracy").GetDouble(), test.GetProperty("accuracy").GetDouble());
        static int[][] Matrix(JsonElement m) => m.EnumerateArray().Select(r => r.EnumerateArray().Select(v
            => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(Matrix(summaryTest.GetProperty("confusion")), Matrix(test.GetProperty("confusion")));
        // Everything the table shows: per-class precision, recall and F1 for each class.
        foreach (string c in new[] { "setosa", "versicolor", "virginica" })
        {
            JsonElement k = test.GetProperty("per_class").GetProperty(c);
            foreach (string score in new[] { "precision", "recall",
                "f1" }) Assert.InRange(k.GetProperty(score).GetDouble(), 0, 1);
        }

        JsonElement train = Json(Ok("evaluate", "--model", model, "--split", "train", "--json"));
        Assert.Equal(120, train.GetProperty("rows").GetInt32());
        Assert.Equal(summaryTrain.GetProperty("loss").GetDouble(), train.GetProperty("loss").GetDouble());
        Assert.Equal(150, Json(Ok("evaluate", "--model", model, "--split", "all",
            "--json")).GetProperty("rows").GetInt32());

        // The table says which rows it scored.
        Assert.Contains("test rows (held out from training): 30 rows", Ok("evaluate", "--model", model).Stdout,
            StringComparison.Ordinal);

        // The same data under another name is still the model's own data (same SHA-256).
        File.Copy(Repo.IrisCsv, P("copy.csv"));
        Assert.Equal("test", Json(Ok("evaluate", "--model", model, "--data", P("copy.csv"),
            "--json")).GetProperty("split").GetString());
    }

    [Fact]
    public void With_early_stopping_train_scores_the_fitted_rows_and_validation_the_watched_ones_as_the_summary_does()
    {
        Ok("train", "--epochs", "120", "--validation-fraction", "0.25", "--patience", "30", "--out", P("run"),
            "--quiet");
        string model = P("run", "model.json");
        JsonElement final = JsonDocument.Parse(File.ReadAllText(P("run",
            "summary.json"))).RootElement.GetProperty("final");

        JsonElement train = Json(Ok("evaluate", "--model", model, "--split", "train", "--json"));
        JsonElement validation = Json(Ok("evaluate", "--model", model, "--split", "validation", "--json"));
        Assert.Equal("validation", validation.GetProperty("split").GetString());
        Assert.Equal(90, train.GetProperty("rows").GetInt32());
        Assert.Equal(30, validation.GetProperty("rows").GetInt32());
        Assert.Equal(final.GetProperty("train").GetProperty("loss").GetDouble(), train.GetProperty("loss").GetDouble());
        Assert.Equal(final.GetProperty("validation").GetProperty("loss").GetDouble(),
            validation.GetProperty("loss").GetDouble());
        Assert.Contains("validation rows (held out from fitting for early stopping): 30 rows", Ok("evaluate", "--model",
            model, "--split", "validation").Stdout, StringComparison.Ordinal);

        // A model trained without a validation set has none to score: one clear error.
        Ok("train", "--epochs", "20", "--out", P("plain"), "--quiet");
        Cli.Result refused = Cli.Run(_dir, "evaluate", "--model", P("plain", "model.json"), "--split", "validation");
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("irisnet: error: --split: validation: the model was trained without a validation set",
            refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("", refused.Stdout);
    }

    [Fact]
    public void On_other_data_evaluate_scores_every_row_and_refuses_a_test_split()
    {
        Ok("train", "--epochs", "50", "--out", P("run"), "--quiet");
        string model = P("run", "model.json");
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        File.WriteAllLines(P("other.csv"), lines.Take(lines.Length - 1)); // one row fewer: other bytes
        JsonElement all = Json(Ok("evaluate", "--model", model, "--data", P("other.csv"), "--json"));
        Assert.Equal("all", all.GetProperty("split").GetString());
        Assert.Equal(149, all.GetProperty("rows").GetInt32());
        Cli.Result refused = Cli.Run(_dir, "evaluate", "--model", model, "--data", P("other.csv"), "--split", "test");
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("irisnet: error: --split: test needs the model's own data file", refused.Stderr,
            StringComparison.Ordinal);
        Assert.Single(refused.Stderr.TrimEnd().Split('\n'));
        Assert.Equal("", refused.Stdout);
    }

    [Fact]
    public void A_model_trained_with_another_label_column_is_evaluated_without_repeating_it()
    {
        // The label first, then the features: --label is needed to train, not to evaluate.
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        File.WriteAllLines(P("first.csv"), lines.Select(l =>
        {
            string[] f = l.Split(','); return string.Join(',',
            f[^1..].Concat(f[..^1]));
        }));
        File.WriteAllText(P("first.csv"), File.ReadAllText(P("first.csv")).Replace("species,", "class,",
            StringComparison.Ordinal));
        Ok("train", "--data", P("first.csv"), "--label", "class", "--epochs", "100", "--out", P("run"), "--quiet");
        JsonElement e = Json(Ok("evaluate", "--model", P("run", "model.json"), "--data", P("first.csv"), "--json"));
        Assert.Equal("test", e.GetProperty("split").GetString());
        Assert.Equal(30, e.GetProperty("rows").GetInt32());
    }

    [Fact]
    public void Without_data_evaluate_reads_the_file_the_model_was_trained_on()
    {
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        File.WriteAllLines(P("own.csv"), lines.Select(l => l.Replace("species", "kind", StringComparison.Ordinal)));
        Ok("train", "--data", P("own.csv"), "--epochs", "100", "--out", P("own"), "--quiet");
        JsonElement e = Json(Ok("evaluate", "--model", P("own", "model.json"), "--json"));
        Assert.Equal(P("own.csv"), e.GetProperty("data").GetString());
        Assert.Equal("test", e.GetProperty("split").GetString());
        Assert.Equal(30, e.GetProperty("rows").GetInt32());
    }

    [Fact]
    public void Non_finite_probabilities_are_an_error_never_a_prediction()
    {
        Ok("train", "--epochs", "50", "--out", P("run"), "--quiet");
        string model = P("run", "model.json");
        Cli.Result table = Cli.Run(_dir, "predict", "--model", model, "--features", "1.7e308,1,1,1");
        Assert.Equal(2, table.ExitCode);
        Assert.Contains("probabilities are not finite", table.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("setosa", table.Stdout.Split('\n').Last(l => l.Contains('1', StringComparison.Ordinal)),
            StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", table.Stdout, StringComparison.Ordinal);

        File.WriteAllText(P("rows.csv"),
            "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n1.7e308,1,1,1\n");
        Cli.Result json = Cli.Run(_dir, "predict", "--model", model, "--data", P("rows.csv"), "--json");
        Assert.Equal(2, json.ExitCode);
        JsonElement[] rows = Json(json).GetProperty("predictions").EnumerateArray().ToArray(); // a whole document
        Assert.Equal("setosa", rows[0].GetProperty("class").GetString());
        Assert.False(rows[1].TryGetProperty("class", out _));
        Assert.False(rows[1].TryGetProperty("probabilities", out _));
        Assert.Contains("not finite", rows[1].GetProperty("error").GetString()!, StringComparison.Ordinal);

        // The same row among eight others, so that it is computed in a full vector of either precision.
        File.WriteAllText(P("nine.csv"), "sepal_length,sepal_width,petal_length,petal_width\n1.7e308,1,1,1\n"
            + string.Concat(Enumerable.Repeat("5.1,3.5,1.4,0.2\n", 8)));
        Cli.Result nine = Cli.Run(_dir, "predict", "--model", model, "--data", P("nine.csv"), "--json");
        Assert.Equal(2, nine.ExitCode);
        JsonElement[] nineRows = Json(nine).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Contains("not finite", nineRows[0].GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.All(nineRows[1..], r => Assert.Equal("setosa", r.GetProperty("class").GetString()));

        // evaluate: a setosa row whose features overflow is not counted as a correct setosa.
        File.WriteAllText(P("bad.csv"),
            "sepal_length,sepal_width,petal_length,petal_width,species\n1.7e308,1,1,1,setosa\n5.1,3.5,1.4,0.2,setosa\n");
        Cli.Result e = Cli.Run(_dir, "evaluate", "--model", model, "--data", P("bad.csv"));
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("not finite", e.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("accuracy", e.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_matches_feature_columns_by_name_and_refuses_a_renamed_class()
    {
        Ok("train", "--epochs", "300", "--out", P("run"), "--quiet");
        string model = P("run", "model.json");
        // The same Iris columns in another order.
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        int[] order = [3, 1, 0, 2, 4];
        File.WriteAllLines(P("shuffled.csv"), lines.Select(l =>
        {
            string[] f = l.Split(','); return string.Join(',',
            order.Select(i => f[i]));
        }));
        Ok("train", "--init", model, "--data", P("shuffled.csv"), "--epochs", "1", "--lr", "1e-12", "--out", P("again"),
            "--quiet");
        Ok("train", "--init", model, "--epochs", "1", "--lr", "1e-12", "--out", P("same"), "--quiet");
        double Accuracy(string run) => JsonDocument.Parse(File.ReadAllText(P(run, "summary.json"))).RootElement
            .GetProperty("final").GetProperty("train").GetProperty("accuracy").GetDouble();
        Assert.Equal(Accuracy("same"), Accuracy("again"));
        Assert.True(Accuracy("again") > 0.9, Accuracy("again").ToString(CultureInfo.InvariantCulture));
        // Predictions from the continued model agree with the original's on the same flower.
        JsonElement p1 = Json(Ok("predict", "--model", model, "--features", "6.3,2.5,5.0,1.9", "--json"));
        JsonElement p2 = Json(Ok("predict", "--model", P("again", "model.json"), "--features", "1.9,2.5,6.3,5.0",
            "--json"));
        Assert.Equal(p1.GetProperty("predictions")[0].GetProperty("class").GetString(),
            p2.GetProperty("predictions")[0].GetProperty("class").GetString());

        File.WriteAllText(P("renamed.csv"), File.ReadAllText(Repo.IrisCsv).Replace("virginica", "virgin",
            StringComparison.Ordinal));
        Cli.Result refused = Cli.Run(_dir, "train", "--init", model, "--data", P("renamed.csv"), "--out", P("no"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("classes: the weights are for the classes ('setosa', 'versicolor', 'virginica'), but the " +
            "data has", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("no")) && Directory.EnumerateFileSystemEntries(P("no")).Any());
    }

    [SkippableFact]
    public void Evaluate_of_an_endless_file_stops_with_one_error()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/dev/zero, an endless file, is a Linux device");
        Cli.Result r = Cli.Run(_dir, "evaluate", "--model", "/dev/zero");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("irisnet: error: /dev/zero: is larger than 128 MiB, more than any model or weights file holds; " +
            "is it the right file?", r.Stderr.TrimEnd());
    }

    [Fact]
    public void Library_errors_name_properties_and_the_command_line_names_options()
    {
        var e = Assert.Throws<OptionException>(() => new TrainingOptions { LearningRate = -1 }.Validate());
        Assert.Equal(nameof(TrainingOptions.LearningRate), e.Option);
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        Cli.Result r = Cli.Run(_dir, "train", "--lr", "-1", "--out", P("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("irisnet: error: --lr: -1 is not a positive finite learning rate", r.Stderr,
            StringComparison.Ordinal);
        Cli.Result f = Cli.Run(_dir, "train", "--test-fraction", "1", "--out", P("y"));
        Assert.StartsWith("irisnet: error: --test-fraction: 1 is outside [0, 1)", f.Stderr, StringComparison.Ordinal);
    }
}
