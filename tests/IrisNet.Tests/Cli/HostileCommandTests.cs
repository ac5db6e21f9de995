using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IrisNet.Cli;

namespace IrisNet.Tests;

/// <summary>
/// The commands added after train (cv, trace, diff, predict, evaluate, explain, plot, gradcheck) under
/// hostile input: each keeps train's promises of one clear line and exit 2 for bad input, and never an
/// internal error.
/// </summary>
public sealed partial class HostileCommandTests() : TempDirectoryTest("hostile-commands")
{
    private readonly List<string> _mounts = [];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Cli.KillLeftovers(_dir);
            foreach (string mount in _mounts) Mounts.Umount(mount);
        }
        base.Dispose(disposing);
    }

    /// <summary>A model trained on data/iris.csv (the file, so that its SHA-256 is recorded), in P("m").</summary>
    private string TrainedModel()
    {
        if (!File.Exists(P("m", "model.json"))) Ok("train", "--data", Repo.IrisCsv, "--epochs", "50", "--out", P("m"),
            "--quiet");
        return P("m", "model.json");
    }

    /// <summary>The trained model with every number of the weight matrix <paramref name="field"/> multiplied by
    /// <paramref name="factor"/>.</summary>
    private string ScaledModel(string field, double factor)
    {
        JsonNode model = JsonNode.Parse(File.ReadAllText(TrainedModel()))!;
        foreach (JsonNode? row in model[field]!.AsArray())
        {
            JsonArray r = row!.AsArray();
            for (int i = 0; i < r.Count; i++) r[i] = r[i]!.GetValue<double>() * factor;
        }
        return Write($"{field}-scaled.json", model.ToJsonString());
    }

    /// <summary>No line of <paramref name="text"/> is longer than a terminal's few hundred columns, and no number has
    /// 30 digits in a row.</summary>
    private static void Readable(string text)
    {
        foreach (string line in text.Split('\n')) Assert.True(line.Length < 250,
            $"a line of {line.Length} characters: {line[..Math.Min(line.Length, 120)]}…");
        Match digits = LongDigitRun().Match(text);
        Assert.False(digits.Success, $"a {digits.Length}-digit run: {digits.Value[..Math.Min(40, digits.Length)]}…");
    }

    [GeneratedRegex("[0-9]{30,}")]
    private static partial Regex LongDigitRun();

    private static void OneErrorLine(Cli.Result r, string expected)
    {
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(r.ExitCode == 2 && lines.Length == 1, $"exit {r.ExitCode}, stderr:\n{r.Stderr}");
        Assert.StartsWith("irisnet: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        File.WriteAllText(P(name), text, new UTF8Encoding(false));
        return P(name);
    }

    /// <summary>Every path option and argument of every command, as (command, option or argument name).</summary>
    public static TheoryData<string, string> PathParameters()
    {
        var data = new TheoryData<string, string>();
        string[] pathValues = ["FILE", "DIR", "MODEL", "WEIGHTS", "WEIGHTS.json", "FILE.png", "FILE.html"];
        foreach (Command c in Program.BuildRoot().Subcommands)
        {
            foreach (Option o in c.Options.Where(o => !o.Hidden && pathValues.Contains(o.HelpName))) data.Add(c.Name,
                o.Name);
            foreach (Argument a in c.Arguments) data.Add(c.Name, a.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PathParameters))]
    public void An_empty_path_is_one_error_line_naming_the_option(string command, string parameter)
    {
        var args = new List<string> { command };
        bool argument = !parameter.StartsWith("--", StringComparison.Ordinal);
        if (argument) args.Add("");
        else if (command is "diff" or "plot") args.Add("somewhere");
        if (command is "evaluate" or "predict" or "export" && parameter != "--model") args.AddRange(["--model",
            "m.json"]);
        if (command == "predict" && parameter != "--data") args.AddRange(["--features", "1"]);
        if (!argument) args.AddRange([parameter, ""]);
        Cli.Result r = Cli.Run(_dir, [.. args]);
        OneErrorLine(r, $"{parameter}: the path is empty");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    // ---- trace and plot output files ----

    [SkippableFact]
    public void Trace_in_a_read_only_working_directory_is_one_error_naming_out()
    {
        string ro = P("ro");
        Directory.CreateDirectory(ro);
        Mounts.SkipUnlessMounted(ro, "size=1m");
        _mounts.Add(ro);
        Mounts.MakeReadOnly(ro);
        Cli.Result r = Cli.Run(ro, "trace", "--steps", "1");
        OneErrorLine(r, "--out: ");
        Assert.Contains("trace.json", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_in_a_deleted_working_directory_is_one_error_naming_out()
    {
        // sh enters the folder, removes it, and starts irisnet there: its working directory no longer exists.
        Directory.CreateDirectory(P("gone"));
        var info = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir
        };
        foreach (string a in new[] { "-c", "cd gone && rmdir ../gone && exec \"$@\"",
            "sh" }.Concat(Cli.Launcher("dotnet")).Concat([Repo.CliPath, "trace", "--steps", "1"]))
            info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        OneErrorLine(new Cli.Result(p.ExitCode, await stdout, await stderr), "--out: ");
    }

    [SkippableFact]
    public void Trace_on_a_full_disk_is_one_error_and_leaves_no_file()
    {
        string disk = P("disk");
        Directory.CreateDirectory(disk);
        Mounts.SkipUnlessMounted(disk, "size=64k");
        _mounts.Add(disk);
        Cli.Result r = Cli.Run(_dir, "trace", "--steps", "1", "--out", Path.Combine(disk, "trace.json"));
        OneErrorLine(r, "no space left on the device");
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk));
    }

    [Fact]
    public void A_legal_250_character_file_name_is_written_by_trace_and_a_249_character_one_by_plot()
    {
        string trace = P(new string('t', 245) + ".json");
        Assert.Equal(250, Path.GetFileName(trace).Length);
        Cli.Result r = Cli.Run(_dir, "trace", "--steps", "1", "--out", trace);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(new FileInfo(trace).Length > 0);

        Ok("train", "--epochs", "5", "--out", P("run"), "--quiet");
        string png = P(new string('p', 245) + ".png");
        Assert.Equal(249, Path.GetFileName(png).Length);
        Cli.Result plot = Cli.Run(_dir, "plot", P("run"), "--out", png);
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        Assert.True(Png.Size(png).Width > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir, ".*"));
    }

    [Fact]
    public void Every_atomic_writer_keeps_its_temporary_name_within_255_bytes()
    {
        foreach (string name in new[] { new string('x', 255), new string('é', 127) + "x", "summary.json", "a" })
        {
            string path = P(name);
            string? seen = null;
            IrisNet.Cli.Runs.AtomicFile.Write(path, tmp =>
            {
                seen = tmp;
                File.WriteAllText(tmp, "x");
            });
            Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(seen!)) <= 255, seen);
            Assert.StartsWith(".", Path.GetFileName(seen!), StringComparison.Ordinal);
            Assert.Equal("x", File.ReadAllText(path));
            File.Delete(path);
        }
    }

    [Fact]
    public void Trace_steps_1_reports_the_loss_once()
    {
        Cli.Result r = Ok("trace", "--steps", "1", "--out", P("t.json"));
        string line = r.Stdout.Split('\n').Single(l => l.StartsWith("L ", StringComparison.Ordinal));
        Assert.Single(Regex.Matches(line, "step 1"));
        Cli.Result two = Ok("trace", "--steps", "2", "--out", P("t2.json"));
        Assert.Contains("at step 2:", two.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_with_a_million_hidden_units_is_refused_before_allocating_with_the_limit()
    {
        var (r, peak) = Cli.TimeProgram is null ? (Cli.Run(_dir, "trace", "--hidden", "1000000", "--out",
            P("big.json")), 0L)
            : Cli.RunMeasured(_dir, "trace", "--hidden", "1000000", "--out", P("big.json"));
        OneErrorLine(r, "--");
        Assert.Contains("numbers", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("big.json")));
        Assert.True(peak < 300 * 1024, $"peak RSS {peak:N0} KiB");
    }

    /// <summary>gradcheck's cost grows with the square of the parameters: H = 1,000,000 ran for hours.</summary>
    [Fact]
    public void Gradcheck_with_a_million_hidden_units_is_refused_before_it_starts()
    {
        Cli.Result r = Cli.Run(_dir, "gradcheck", "--hidden", "1000000"); // Cli.Run fails a run of more than 3 minutes
        OneErrorLine(r, "--hidden: a gradient check of H = 1,000,000");
        Assert.Contains("multiply-adds", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run(_dir, "gradcheck", "--hidden", "32").ExitCode);
    }

    /// <summary>Runs irisnet through sh with its standard output on /dev/full (every write fails with
    /// ENOSPC).</summary>
    private async Task<Cli.Result> RunToDevFull(params string[] args)
    {
        var info = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir
        };
        foreach (string a in new[] { "-c", "exec \"$@\" > /dev/full",
            "sh" }.Concat(Cli.Launcher("dotnet")).Concat([Repo.CliPath, .. args]))
            info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        return new Cli.Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Standard output on a full disk was an internal error for evaluate, predict, explain and gradcheck,
    /// and train and cv blamed their own metrics.csv or folds.csv ("cannot write 'run/folds.csv': no space
    /// left") while both had room.
    /// </summary>
    [Theory]
    [InlineData("evaluate")]
    [InlineData("predict")]
    [InlineData("predict --json")]
    [InlineData("explain --json")]
    [InlineData("gradcheck")]
    [InlineData("train")]
    [InlineData("cv")]
    public async Task A_full_standard_output_is_one_error_that_says_so(string command)
    {
        string[] args = command.Split(' ');
        if (args[0] is "evaluate" or "predict") args = [.. args, "--model", TrainedModel()];
        if (args[0] == "predict") args = [.. args, "--data", Repo.IrisCsv];
        if (args[0] is "train" or "cv") args = [.. args, "--epochs", "10", "--out", P("run")];
        Cli.Result r = await RunToDevFull(args);
        OneErrorLine(r, "cannot write the standard output: no space left on the device");
        if (args[0] is "train" or "cv")
        {
            using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("run", "summary.json")));
            Assert.Equal("failed", s.RootElement.GetProperty("status").GetString());
            Assert.Contains("standard output", s.RootElement.GetProperty("error").GetString(),
                StringComparison.Ordinal);
        }
    }

    /// <summary>diff read a whole file into memory: /dev/zero or a 1 GB file ran out of memory at 2–4 GB.</summary>
    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("sparse")]
    public void Diff_refuses_a_file_larger_than_any_trace_like_the_model_reader(string file)
    {
        if (file == "sparse")
        {
            file = P("huge.json");
            using var f = File.Create(file);
            f.SetLength(1L << 30); // 1 GiB that takes no room on the disk
        }
        Cli.Result r = Cli.Run(_dir, "diff", file);
        OneErrorLine(r, $"{file}: $: is larger than 128 MiB");
    }

    [Fact]
    public void Trace_refuses_a_trace_larger_than_diff_reads()
    {
        Cli.Result r = Cli.Run(_dir, "trace", "--steps", "400", "--out", P("t.json"));
        OneErrorLine(r, "--steps: a trace of 400 step(s)");
        Assert.Contains("at most 4,000,000 numbers", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("t.json")));
    }

    /// <summary>A file of another kind got a field-level complaint ("irisnet_version: unknown field") instead of its
    /// kind.</summary>
    [Fact]
    public void A_file_of_the_wrong_kind_is_named_by_its_kind()
    {
        string model = TrainedModel();
        string summary = P("m", "summary.json");
        Ok("cv", "--epochs", "5", "--folds", "2", "--out", P("cv"), "--quiet");
        Ok("trace", "--steps", "1", "--out", P("t.json"));
        OneErrorLine(Cli.Run(_dir, "evaluate", "--model", summary),
            "this is the summary.json of an irisnet train run, not a model");
        OneErrorLine(Cli.Run(_dir, "evaluate", "--model", P("cv", "summary.json")),
            "this is the summary.json of an irisnet cv run, not a model");
        OneErrorLine(Cli.Run(_dir, "predict", "--model", P("t.json"), "--features", "1,2,3,4"),
            "this is a trace written by irisnet trace, not a model");
        OneErrorLine(Cli.Run(_dir, "train", "--init", summary, "--epochs", "1", "--out", P("x")),
            "this is the summary.json of an irisnet train run, not weights");
        OneErrorLine(Cli.Run(_dir, "diff", model), "this is an IrisNet model (model.json), not a trace");
        OneErrorLine(Cli.Run(_dir, "diff", summary), "this is the summary.json of an irisnet train run, not a trace");
    }

    /// <summary>plot --confusion on a finished cv said the run "did not finish"; it draws the pooled held-out
    /// matrix.</summary>
    [Fact]
    public void Plot_confusion_of_a_cv_draws_its_pooled_held_out_matrix_and_other_plots_name_the_cv()
    {
        Ok("cv", "--epochs", "20", "--folds", "3", "--out", P("cv"), "--quiet");
        Cli.Result r = Ok("plot", P("cv"), "--confusion");
        Assert.Contains("confusion.png", r.Stdout, StringComparison.Ordinal);
        PngImage png = PngImage.Load(P("cv", "confusion.png"));
        Assert.True(png.Width > 0);
        OneErrorLine(Cli.Run(_dir, "plot", P("cv")), "is an irisnet cv directory: its loss curves are cv.png");
        OneErrorLine(Cli.Run(_dir, "plot", P("cv"), "--regions"), "is an irisnet cv directory: cv saves no model");
    }

    // ---- numbers of any size ----

    [Fact]
    public void Explain_json_with_huge_finite_weights_writes_valid_json_and_names_what_overflowed()
    {
        string model = ScaledModel("B", 1e300);
        Cli.Result r = Cli.Run(_dir, "explain", "--model", model, "--sample", "51", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        Assert.DoesNotContain("Infinity", r.Stdout, StringComparison.Ordinal);
        Assert.True(doc.RootElement.TryGetProperty("not_finite", out JsonElement overflowed),
            "the output names the values that overflowed");
        Assert.True(overflowed.GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("b", 1e300)]
    [InlineData("B", 1e300)]
    [InlineData("A", 1e300)]
    public void Evaluate_and_explain_print_huge_numbers_readably(string field, double factor)
    {
        JsonNode model = JsonNode.Parse(File.ReadAllText(TrainedModel()))!;
        string path;
        if (field == "b")
        {
            model["b"] = new JsonArray(1e300, -1e300, 0);
            path = Write("b-huge.json", model.ToJsonString());
        }
        else path = ScaledModel(field, factor);
        Cli.Result evaluate = Cli.Run(_dir, "evaluate", "--model", path);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Readable(evaluate.Stdout);
        Assert.Contains("e+", evaluate.Stdout, StringComparison.Ordinal);
        Cli.Result explain = Cli.Run(_dir, "explain", "--model", path, "--sample", "51");
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Readable(explain.Stdout);
    }

    // ---- piped data ----

    [Fact]
    public async Task Evaluate_on_a_pipe_recognises_the_models_own_data_by_its_bytes()
    {
        string model = TrainedModel();
        byte[] iris = File.ReadAllBytes(Repo.IrisCsv);
        Cli.Result file = Ok("evaluate", "--model", model, "--data", Repo.IrisCsv, "--json");
        Cli.Result pipe = await Cli.RunWithInput(_dir, iris, "evaluate", "--model", model, "--data", "/dev/stdin",
            "--json");
        Assert.True(pipe.ExitCode == 0, pipe.Stderr);
        JsonNode a = JsonNode.Parse(file.Stdout)!, b = JsonNode.Parse(pipe.Stdout)!;
        Assert.Equal("test", b["split"]!.GetValue<string>());
        Assert.Equal(a["sha256"]!.GetValue<string>(), b["sha256"]!.GetValue<string>());
        Assert.Equal(30, b["rows"]!.GetValue<int>());
        foreach (string field in new[] { "rows", "loss", "accuracy", "confusion" })
            Assert.Equal(a[field]!.ToJsonString(), b[field]!.ToJsonString());
        Cli.Result split = await Cli.RunWithInput(_dir, iris, "evaluate", "--model", model, "--data", "/dev/stdin",
            "--split", "test");
        Assert.True(split.ExitCode == 0, split.Stderr);
        Assert.Contains("30 rows", split.Stdout, StringComparison.Ordinal);
    }

    // ---- plot reads metrics.csv strictly ----

    [Theory]
    [InlineData("1e999")]
    [InlineData("-1e999")]
    [InlineData("million")]
    [InlineData("0.4\0")]
    [InlineData("0.4\0\0\0")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    public void Plot_refuses_a_metrics_value_that_is_not_a_finite_number_with_its_line(string value)
    {
        if (value == "million") value = "1" + new string('0', 1_000_000);
        Directory.CreateDirectory(P("run"));
        Write(Path.Combine("run", "metrics.csv"),
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy\n1,1.1,0.3,1.2,0.3\n"
            + $"2,{value},0.5,1.0,0.5\n3,0.8,0.6,0.9,0.6\n");
        Cli.Result r = Cli.Run(_dir, "plot", P("run"));
        OneErrorLine(r, "metrics.csv:3");
        Assert.True(r.Stderr.Length < 500, $"{r.Stderr.Length} characters");
        Assert.False(File.Exists(P("run", "curves.png")));
    }

    // ---- messages that name the right option ----

    [Theory]
    [InlineData("train", "--quiet")]
    [InlineData("evaluate", "--json")]
    [InlineData("cv", "--quiet")]
    public void An_unknown_option_after_a_flag_is_named_as_unknown(string command, string flag)
    {
        string[] args = command == "evaluate" ? [command, "--model", "m.json", flag, "--bogus"] : [command, flag,
            "--bogus"];
        Cli.Result r = Cli.Run(_dir, args);
        OneErrorLine(r, "'--bogus'");
        Assert.DoesNotContain("true or false", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain($"{flag}:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_split_name_names_split_and_its_choices()
    {
        Cli.Result r = Cli.Run(_dir, "evaluate", "--model", TrainedModel(), "--split", "TEST");
        OneErrorLine(r, "--split: 'TEST'");
        Assert.Contains("test, train, validation, all", r.Stderr, StringComparison.Ordinal);
    }

    // ---- predict streams ----

    /// <summary>Iris rows repeated to about <paramref name="megabytes"/> MB, without the label column.</summary>
    private string BigFeatureCsv(string name, int megabytes)
    {
        string[] rows = File.ReadAllLines(Repo.IrisCsv).Skip(1).Where(l => l.Length > 0).Select(l
            => l[..l.LastIndexOf(',')]).ToArray();
        using var w = new StreamWriter(P(name));
        w.Write("sepal_length,sepal_width,petal_length,petal_width\n");
        long bytes = 0;
        for (int i = 0; bytes < megabytes * 1_000_000L; i++)
        {
            w.Write(rows[i % rows.Length]);
            w.Write('\n');
            bytes += rows[i % rows.Length].Length + 1;
        }
        return P(name);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predict_on_a_5_MB_csv_streams_its_rows_in_bounded_memory(bool json)
    {
        Skip.If(Cli.TimeProgram is null, "needs GNU time (/usr/bin/time) for the peak RSS");
        string model = TrainedModel();
        string data = BigFeatureCsv("big.csv", 5);
        int rows = File.ReadLines(data).Count() - 1;
        var (r, peak) = Cli.RunMeasured(_dir, json ? ["predict", "--model", model, "--data", data,
            "--json"] : ["predict", "--model", model, "--data", data]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        if (json)
        {
            using JsonDocument doc = JsonDocument.Parse(r.Stdout);
            Assert.Equal(rows, doc.RootElement.GetProperty("predictions").GetArrayLength());
        }
        else Assert.Contains($"│ {rows.ToString(CultureInfo.InvariantCulture)} ", r.Stdout, StringComparison.Ordinal);
        // Holding every row and its table cells took 851 MB (502 MB with --json) for these 5 MB.
        Assert.True(peak < 200 * 1024, $"peak RSS {peak / 1024:N0} MiB for {rows:N0} rows");
    }
}
