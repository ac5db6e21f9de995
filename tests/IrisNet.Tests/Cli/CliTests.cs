using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IrisNet.Tests;

/// <summary>End-to-end: the built program, run as a process with redirected output.</summary>
public sealed partial class CliTests() : TempDirectoryTest("cli")
{
    [Fact]
    public void Train_writes_every_artifact_and_a_saved_model_continues_exactly()
    {
        Cli.Result r = Ok("train", "--epochs", "25", "--test-fraction", "0", "--out", P("run1"));
        Assert.Contains("epoch 25/25", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("versicolor", r.Stdout, StringComparison.Ordinal);

        Model model = ModelJson.Load(P("run1", "model.json"));
        Assert.Equal(["setosa", "versicolor", "virginica"], model.ClassNames);
        string[] metrics = File.ReadAllLines(P("run1", "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr", metrics[0]);
        Assert.Equal(26, metrics.Length);
        Assert.EndsWith(",,0.1", metrics[1], StringComparison.Ordinal); // no test split; lr last
        foreach (string png in new[] { "loss.png", "accuracy.png", "confusion.png" })
            Assert.Equal((900, 540), Png.Size(P("run1", png)));

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(P("run1", "summary.json")));
        JsonElement s = summary.RootElement;
        Assert.Equal("completed", s.GetProperty("status").GetString());
        Assert.Equal(42UL, s.GetProperty("seed").GetUInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Repo.IrisCsv))),
            s.GetProperty("data").GetProperty("sha256").GetString());
        Assert.Equal(25, s.GetProperty("timing").GetProperty("epochs").GetInt32());
        Assert.True(s.GetProperty("timing").GetProperty("microseconds_per_epoch").GetDouble() > 0);
        Assert.Equal(3, s.GetProperty("final").GetProperty("train").GetProperty("confusion").GetArrayLength());
        double finalLoss = s.GetProperty("final").GetProperty("train").GetProperty("loss").GetDouble();

        // Same data, no test split, starting from the saved model: epoch 1 is the saved final loss, bit for bit.
        Ok("train", "--init", P("run1", "model.json"), "--epochs", "2", "--test-fraction", "0", "--out", P("run2"));
        string firstRow = File.ReadAllLines(P("run2", "metrics.csv"))[1];
        Assert.Equal(finalLoss, double.Parse(firstRow.Split(',')[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Evaluate_and_predict_use_a_saved_model()
    {
        Ok("train", "--epochs", "300", "--out", P("run"), "--quiet");
        string model = P("run", "model.json");
        Assert.Contains("accuracy", Ok("evaluate", "--model", model).Stdout, StringComparison.Ordinal);
        using (JsonDocument e = JsonDocument.Parse(Ok("evaluate", "--model", model, "--json").Stdout))
            Assert.True(e.RootElement.GetProperty("accuracy").GetDouble() > 0.9);

        Assert.Contains("setosa", Ok("predict", "--model", model, "--features", "5.1,3.5,1.4,0.2").Stdout,
            StringComparison.Ordinal);
        File.WriteAllText(P("rows.csv"),
            "petal_width,sepal_length,sepal_width,petal_length\n0.2,5.1,3.5,1.4\n2.3,6.7,3.0,5.2\n");
        using JsonDocument p = JsonDocument.Parse(Ok("predict", "--model", model, "--data", P("rows.csv"),
            "--json").Stdout);
        JsonElement[] predictions = p.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(2, predictions.Length);
        Assert.Equal("setosa", predictions[0].GetProperty("class").GetString());
        Assert.Equal("virginica", predictions[1].GetProperty("class").GetString());
        double total = predictions[1].GetProperty("probabilities").EnumerateObject().Sum(c => c.Value.GetDouble());
        Assert.Equal(1.0, total, 1e-12);
    }

    [Fact]
    public void Gradcheck_passes_and_plot_compares_runs()
    {
        Cli.Result g = Ok("gradcheck", "--activation", "tanh");
        Assert.Contains("passed", g.Stdout, StringComparison.Ordinal);
        Ok("train", "--epochs", "20", "--out", P("a"), "--quiet");
        Ok("train", "--epochs", "30", "--bias", "false", "--out", P("b"), "--quiet");
        Ok("plot", P("a"), P("b"), "--out", P("both.png"));
        Assert.Equal((1800, 540), Png.Size(P("both.png")));
        Ok("plot", P("a"));
        Assert.Equal((1800, 540), Png.Size(P("a", "curves.png")));
    }

    [Theory]
    [InlineData("--lr", "-1")]
    [InlineData("--lr", "NaN")]
    [InlineData("--lr", "1e9")]
    [InlineData("--epochs", "0")]
    [InlineData("--hidden", "0")]
    [InlineData("--hidden", "100000000")]
    [InlineData("--batch-size", "-1")]
    [InlineData("--batch-size", "1000")]
    [InlineData("--test-fraction", "1")]
    [InlineData("--test-fraction", "-0.1")]
    [InlineData("--threads", "0")]
    [InlineData("--activation", "sigmoid")]
    [InlineData("--precision", "float16")]
    [InlineData("--momentum", "1.5")]
    [InlineData("--lr", "abc")]
    public void Bad_options_exit_2_with_one_line_naming_the_option(string option, string value)
    {
        Cli.Result r = Cli.Run(_dir, "train", option, value, "--out", P("never"));
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(option, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("never")) && Directory.EnumerateFiles(P("never")).Any());
    }

    [Fact]
    public void Usage_errors_bad_files_and_existing_output_exit_2()
    {
        Assert.Equal(2, Cli.Run(_dir, "train", "--no-such-option").ExitCode);
        Assert.Equal(2, Cli.Run(_dir, "evaluate").ExitCode);
        Assert.Equal(2, Cli.Run(_dir).ExitCode);
        Assert.Equal(2, Cli.Run(_dir, "predict", "--model", P("x.json")).ExitCode);

        File.WriteAllText(P("bad.csv"), "a,b,label\n1,2,x\n3,oops,y\n");
        Cli.Result bad = Cli.Run(_dir, "train", "--data", P("bad.csv"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"{P("bad.csv")}:3:2", bad.Stderr, StringComparison.Ordinal);

        Cli.Result missing = Cli.Run(_dir, "evaluate", "--model", P("nope.json"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr, StringComparison.Ordinal);

        Directory.CreateDirectory(P("full"));
        File.WriteAllText(P("full", "keep.txt"), "precious");
        Cli.Result exists = Cli.Run(_dir, "train", "--out", P("full"));
        Assert.Equal(2, exists.ExitCode);
        Assert.Contains("never overwritten", exists.Stderr, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(P("full", "keep.txt")));

        File.WriteAllText(P("afile"), "");
        Cli.Result unwritable = Cli.Run(_dir, "train", "--out", P("afile", "sub"));
        Assert.Equal(2, unwritable.ExitCode);
        Assert.Contains("--out", unwritable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_does_not_fit_the_task_or_the_model_exits_2()
    {
        File.WriteAllText(P("one.csv"), "a,b,label\n1,2,x\n3,4,x\n");
        Cli.Result single = Cli.Run(_dir, "train", "--data", P("one.csv"), "--test-fraction", "0");
        Assert.Equal(2, single.ExitCode);
        Assert.Contains("at least two classes", single.Stderr, StringComparison.Ordinal);

        Ok("train", "--epochs", "5", "--out", P("m"), "--quiet");
        string model = P("m", "model.json");
        Cli.Result three = Cli.Run(_dir, "predict", "--model", model, "--features", "5.1,3.5,1.4");
        Assert.Equal(2, three.ExitCode);
        Assert.Contains("expects 4", three.Stderr, StringComparison.Ordinal);

        File.WriteAllText(P("narrow.csv"), "sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n");
        Cli.Result narrow = Cli.Run(_dir, "predict", "--model", model, "--data", P("narrow.csv"));
        Assert.Equal(2, narrow.ExitCode);
        Assert.Contains("'petal_width'", narrow.Stderr, StringComparison.Ordinal);
        File.WriteAllText(P("narrow-labelled.csv"),
            "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n");
        Cli.Result narrowEvaluate = Cli.Run(_dir, "evaluate", "--model", model, "--data", P("narrow-labelled.csv"));
        Assert.Equal(2, narrowEvaluate.ExitCode);
        Assert.Contains("expects 4 features", narrowEvaluate.Stderr, StringComparison.Ordinal);

        File.WriteAllText(P("unknown.csv"),
            "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n6,3,5,2,rosa\n");
        Cli.Result unknown = Cli.Run(_dir, "evaluate", "--model", model, "--data", P("unknown.csv"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains($"{P("unknown.csv")}:3:5", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("'rosa'", unknown.Stderr, StringComparison.Ordinal);

        File.WriteAllText(P("w.json"), "{\"A\": [[1, 2]], \"B\": [[1], [2], [3]]}");
        Cli.Result init = Cli.Run(_dir, "train", "--init", P("w.json"), "--out", P("x"));
        Assert.Equal(2, init.ExitCode);
        Assert.Contains("D = 4", init.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Divergence_exits_1_and_keeps_finite_metrics_but_no_model()
    {
        Cli.Result r = Cli.Run(_dir, "train", "--lr", "900", "--epochs", "2000", "--standardize", "none",
            "--test-fraction", "0", "--out", P("div"));
        Assert.Equal(1, r.ExitCode);
        Match m = DivergedAt().Match(r.Stderr);
        Assert.True(m.Success, r.Stderr);
        Assert.Contains("smaller learning rate", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("div", "model.json")));
        string[] rows = File.ReadAllLines(P("div", "metrics.csv"));
        // header + epochs before the failing one
        Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), rows.Length);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("div", "summary.json")));
        Assert.Equal("failed", s.RootElement.GetProperty("status").GetString());
        Assert.Empty(Directory.EnumerateFiles(P("div"), ".*"));
    }

    [Fact]
    public async Task Ctrl_c_stops_after_the_current_epoch_writes_artifacts_and_exits_130()
    {
        using var p = Cli.Start(_dir, ["train", "--epochs", "100000000", "--out", P("int")]);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string? first = await p.StandardOutput.ReadLineAsync(); // "epoch 1/..." once training runs
        Assert.NotNull(first);
        Assert.StartsWith("epoch 1/", first, StringComparison.Ordinal);
        await Task.Delay(200);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT",
            p.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        string rest = await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("interrupted", await stderr, StringComparison.Ordinal);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("int", "summary.json")));
        Assert.Equal("interrupted", s.RootElement.GetProperty("status").GetString());
        int epochs = s.RootElement.GetProperty("timing").GetProperty("epochs").GetInt32();
        Assert.InRange(epochs, 1, 99_999_999);
        Assert.Equal(epochs + 1, File.ReadAllLines(P("int", "metrics.csv")).Length);
        Assert.NotNull(ModelJson.Load(P("int", "model.json")));
        Assert.DoesNotContain('\u001b', rest);
    }

    [Fact]
    public void Version_and_help_work_on_every_command()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", Ok("--version").Stdout.Trim());
        string[] commands =
        [
            "train", "evaluate", "predict", "export", "gradcheck", "plot", "explain", "cv", "sweep", "trace", "diff",
                "report",
            "lr-find",
        ];
        foreach (string command in commands)
            Assert.Contains("Usage:", Ok(command, "--help").Stdout, StringComparison.Ordinal);
    }

    /// <summary>The synopsis of docs/commands.md lists exactly the options each command's --help shows.</summary>
    [Fact]
    public void The_command_synopsis_matches_help()
    {
        string commands = File.ReadAllText(Path.Combine(Repo.Root, "docs", "commands.md"));
        string reference = commands[commands.IndexOf("## Synopsis", StringComparison.Ordinal)..];
        reference = reference[(reference.IndexOf("```text", StringComparison.Ordinal) + 7)..];
        reference = reference[..reference.IndexOf("```", StringComparison.Ordinal)];
        var documented = new Dictionary<string, HashSet<string>>();
        string? current = null;
        foreach (string line in reference.Split('\n'))
        {
            Match c = CommandLine().Match(line);
            if (c.Success) current = c.Groups[1].Value;
            if (current is null) continue;
            documented.TryAdd(current, []);
            foreach (Match o in OptionName().Matches(line)) documented[current].Add(o.Value);
        }
        Assert.Equal(["cv", "diff", "evaluate", "explain", "export", "gradcheck", "lr-find", "plot", "predict",
            "report", "sweep",
            "trace", "train"], documented.Keys.Order());
        foreach (var (command, options) in documented)
        {
            string help = Ok(command, "--help").Stdout;
            var shown = OptionName().Matches(help).Select(m => m.Value).Where(o
                => o is not "--help" and not "--version").ToHashSet();
            Assert.True(shown.SetEquals(options),
                $"{command}: docs/commands.md {string.Join(' ', options.Order())} "
                + $"vs --help {string.Join(' ', shown.Order())}");
        }
    }

    [GeneratedRegex(@"training diverged at epoch (\d+)")]
    private static partial Regex DivergedAt();

    [GeneratedRegex(@"^irisnet ([\w-]+)")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();
}
