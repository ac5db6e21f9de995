using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>Every way a run can end leaves a readable run directory; two runs never share one.</summary>
public sealed class RunLifecycleTests() : TempDirectoryTest("life")
{
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Cli.KillLeftovers(_dir); // nothing may still write on a mount that is taken away
            foreach (string mount in _mounts) Mounts.Umount(mount);
        }
        base.Dispose(disposing);
    }

    private readonly List<string> _mounts = [];

    private static void Signal(Process p, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, p.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Starts a long run and returns once its first epoch line is printed.</summary>
    private static async Task<(Process P, Task<string> Stdout, Task<string> Stderr)> StartTraining(string dir,
        params string[] args)
    {
        var (p, stdout, stderr) = await StartTrainingWatched(dir, args);
        return (p, stdout, stderr.All());
    }

    /// <summary>
    /// metrics.csv is a header and whole rows of numbers with increasing epochs; returns the row count. With
    /// <paramref name="killed"/>, the file may end in one cut row without its newline: the kernel can stop a
    /// write of many rows between two pages when the process is killed (SIGKILL) during it. That row is left
    /// out of the count (`irisnet plot`'s reader drops it too).
    /// </summary>
    private static int AssertWholeRows(string path, int fields = 6, bool killed = false)
    {
        string text = File.ReadAllText(path);
        Assert.StartsWith("epoch,train_loss,train_accuracy,test_loss,test_accuracy", text, StringComparison.Ordinal);
        if (killed && !text.EndsWith('\n'))
        {
            text = text[..(text.LastIndexOf('\n') + 1)];
            return AssertWholeRows(WriteBeside(path, text), fields);
        }
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        string[] lines = text[..^1].Split('\n');
        int previous = 0;
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            Assert.True(f.Length == fields, $"row '{line}' of {path} has {f.Length} fields");
            int epoch = int.Parse(f[0], CultureInfo.InvariantCulture);
            Assert.True(epoch > previous, $"epoch {epoch} after {previous}");
            previous = epoch;
            foreach (string v in f.Skip(1).Where(v => v.Length > 0)) Assert.True(double.IsFinite(double.Parse(v,
                CultureInfo.InvariantCulture)), line);
        }
        return lines.Length - 1;
    }

    [Theory]
    [InlineData("TERM", "SIGTERM", 143)]
    [InlineData("HUP", "SIGHUP", 129)]
    [InlineData("INT", "SIGINT", 130)]
    public async Task A_termination_signal_finishes_the_epoch_writes_everything_and_exits_128_plus_its_number(string
        signal, string name, int code)
    {
        var (p, stdout, stderr) = await StartTraining(_dir, "--out", P("sig"));
        await Task.Delay(300);
        Signal(p, signal);
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        await stdout;
        Assert.Equal(code, p.ExitCode);
        string err = await stderr;
        Assert.Contains($"irisnet: {name}: stopping after the current epoch", err, StringComparison.Ordinal);
        Assert.Contains($"interrupted by {name}", err, StringComparison.Ordinal);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("sig", "summary.json")));
        Assert.Equal("interrupted", s.RootElement.GetProperty("status").GetString());
        Assert.Equal(name, s.RootElement.GetProperty("signal").GetString());
        int epochs = s.RootElement.GetProperty("timing").GetProperty("epochs").GetInt32();
        Assert.Equal(epochs, AssertWholeRows(P("sig", "metrics.csv")));
        Assert.NotNull(ModelJson.Load(P("sig", "model.json")));
        foreach (string png in new[] { "loss.png", "accuracy.png", "confusion.png" }) Assert.True(File.Exists(P("sig",
            png)), png);
        Assert.Empty(Directory.EnumerateFiles(P("sig"), ".*"));
    }

    private static string WriteBeside(string path, string text)
    {
        string copy = path + ".whole";
        File.WriteAllText(copy, text);
        return copy;
    }

    [Fact]
    public async Task A_second_signal_says_the_run_is_finishing_and_a_third_stops_at_once()
    {
        // Each signal is sent once the one before has been answered on standard error: two signals
        // sent back to back can reach a busy process as one (the kernel keeps one pending SIGINT).
        // Two signals: the run still finishes its files, and says so instead of ignoring the second.
        // The second signal must land while the run writes its files (a fraction of a second); on a busy machine
        // the test can see the first message only after that, and then the second signal finds the run gone.
        // Such an attempt says nothing either way, so it is repeated (five at most) until the signal lands.
        Process p;
        Task<string> stdout;
        Lines stderr;
        string err = "";
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            string dir = P($"two-{attempt}");
            (p, stdout, stderr) = await StartTrainingWatched(_dir, "--out", dir);
            Signal(p, "INT");
            await stderr.WaitFor("irisnet: SIGINT: stopping after the current epoch");
            bool landed = !p.HasExited;
            Signal(p, "INT");
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
            await stdout;
            err = await stderr.All();
            Assert.Equal(130, p.ExitCode);
            using (JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))))
                Assert.Equal("interrupted", s.RootElement.GetProperty("status").GetString());
            if (landed && err.Contains("irisnet: SIGINT: finishing", StringComparison.Ordinal)) break;
        }
        Assert.Contains("irisnet: SIGINT: finishing", err, StringComparison.Ordinal);
        Assert.Contains("send it again to stop at once", err, StringComparison.Ordinal);

        // Three: it stops at once and says that the run directory is incomplete.
        (p, stdout, stderr) = await StartTrainingWatched(_dir, "--out", P("three"));
        Signal(p, "INT");
        await stderr.WaitFor("irisnet: SIGINT: stopping after the current epoch");
        Signal(p, "INT");
        await stderr.WaitFor("send it again to stop at once");
        Signal(p, "INT");
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        await stdout;
        err = await stderr.All();
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("stopped at once; the run directory is incomplete", err, StringComparison.Ordinal);
        using (JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("three", "summary.json"))))
            Assert.Equal("running", s.RootElement.GetProperty("status").GetString());
    }

    private static async Task<(Process P, Task<string> Stdout, Lines Stderr)> StartTrainingWatched(string dir,
        params string[] args)
    {
        Process p = Cli.Start(dir, ["train", "--epochs", "100000000", .. args]);
        var stderr = new Lines(p.StandardError);
        string? first = await p.StandardOutput.ReadLineAsync();
        Assert.NotNull(first);
        Assert.StartsWith("epoch 1/", first, StringComparison.Ordinal);
        return (p, p.StandardOutput.ReadToEndAsync(), stderr);
    }

    /// <summary>A process's output read line by line as it comes, to wait for a given line.</summary>
    private sealed class Lines
    {
        private readonly List<string> _lines = [];
        private readonly Task _reading;

        public Lines(StreamReader reader) => _reading = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is string line)
                lock (_lines) _lines.Add(line);
        });

        /// <summary>Waits (at most a minute) for a line containing <paramref name="text"/>.</summary>
        public async Task WaitFor(string text)
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!Has(text))
            {
                Assert.False(_reading.IsCompleted && !Has(text),
                    $"the output ended without a line containing '{text}'");
                Assert.True(DateTime.UtcNow < deadline, $"no line containing '{text}' within a minute");
                await Task.Delay(10);
            }
        }

        private bool Has(string text)
        {
            lock (_lines) return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }

        public async Task<string> All()
        {
            await _reading;
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    [Fact]
    public async Task A_running_summary_is_written_before_the_first_epoch_and_metrics_grow_while_training()
    {
        var (p, stdout, _) = await StartTraining(_dir, "--out", P("live"), "--seed", "7");
        try
        {
            using (JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("live", "summary.json"))))
            {
                JsonElement r = s.RootElement;
                Assert.Equal("running", r.GetProperty("status").GetString());
                Assert.Equal(7UL, r.GetProperty("seed").GetUInt64());
                Assert.Equal(100_000_000, r.GetProperty("options").GetProperty("epochs").GetInt32());
                Assert.Equal(120, r.GetProperty("data").GetProperty("train_rows").GetInt32());
                Assert.True(DateTimeOffset.TryParse(r.GetProperty("started").GetString(), CultureInfo.InvariantCulture,
                    out _));
                Assert.False(r.TryGetProperty("final", out _));
            }
            // Streamed: rows reach the file during training (flushed at least once a second), not at the end.
            int rows = 0;
            for (int i = 0; i < 100 && rows < 2; i++)
            {
                await Task.Delay(100);
                rows = AssertWholeRows(P("live", "metrics.csv"));
            }
            Assert.True(rows >= 2, $"metrics.csv holds {rows} rows while training runs");
            Assert.True(File.Exists(P("live", ".irisnet-run")), "the run's claim marker exists while it runs");
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
            await stdout;
            p.Dispose();
        }
    }

    [Fact]
    public async Task Killed_at_random_moments_a_run_leaves_a_readable_summary_and_whole_metric_rows()
    {
        var random = new Random(20261202);
        for (int k = 0; k < 6; k++)
        {
            string dir = P($"kill{k}");
            using Process p = Cli.Start(_dir, ["train", "--epochs", k % 2 == 0 ? "100000000" : "4000", "--out", dir]);
            Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
            int delay = random.Next(200, 2500);
            await Task.Delay(delay);
            try
            {
                p.Kill(); // SIGKILL
            }
            catch (InvalidOperationException)
            {
                // Already finished: the directory must then be complete.
            }
            p.WaitForExit();
            await stdout;
            await stderr;
            if (!File.Exists(Path.Combine(dir, "summary.json")))
            {
                // Killed before the directory was claimed or its first file written: nothing may be there but the
                // claim.
                Assert.True(!Directory.Exists(dir) || Directory.EnumerateFileSystemEntries(dir).All(f
                    => Path.GetFileName(f).StartsWith('.')), $"kill after {delay} ms");
                continue;
            }
            using JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            string status = s.RootElement.GetProperty("status").GetString()!;
            Assert.True(status is "running" or "completed", $"status {status} after a kill at {delay} ms");
            if (File.Exists(Path.Combine(dir, "metrics.csv"))) AssertWholeRows(Path.Combine(dir, "metrics.csv"),
                killed: status == "running");
            if (status == "completed")
            {
                foreach (JsonElement f in s.RootElement.GetProperty("files").EnumerateArray())
                    Assert.True(File.Exists(Path.Combine(dir, f.GetString()!)), $"summary lists {f} but it is missing");
            }
        }
    }

    [Fact]
    public async Task Two_runs_started_at_once_on_the_same_out_never_share_it()
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            string dir = P($"same{attempt}");
            using Process a = Cli.Start(_dir, ["train", "--epochs", "300", "--seed", "1", "--out", dir]);
            using Process b = Cli.Start(_dir, ["train", "--epochs", "300", "--seed", "2", "--out", dir]);
            var outputs = await Task.WhenAll(a.StandardOutput.ReadToEndAsync(), a.StandardError.ReadToEndAsync(),
                b.StandardOutput.ReadToEndAsync(), b.StandardError.ReadToEndAsync());
            a.WaitForExit();
            b.WaitForExit();
            int[] codes = [a.ExitCode, b.ExitCode];
            Assert.True(codes.Order().SequenceEqual([0, 2]),
                $"exit codes {a.ExitCode} and {b.ExitCode}: {outputs[1]} {outputs[3]}");
            string loserError = a.ExitCode == 2 ? outputs[1] : outputs[3];
            Assert.StartsWith("irisnet: error: --out:", loserError, StringComparison.Ordinal);
            using JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            Assert.Equal(a.ExitCode == 0 ? 1UL : 2UL, s.RootElement.GetProperty("seed").GetUInt64());
            Assert.Equal(300, AssertWholeRows(Path.Combine(dir, "metrics.csv")));
        }
    }

    [Fact]
    public void Default_run_directories_started_in_the_same_second_are_all_distinct()
    {
        Process[] runs = Enumerable.Range(0, 3).Select(_ => Cli.Start(_dir, ["train", "--epochs", "5",
            "--quiet"])).ToArray();
        string[] dirs = runs.Select(p => p.StandardOutput.ReadToEnd().Trim()).ToArray();
        foreach (Process p in runs)
        {
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            p.Dispose();
        }
        Assert.Equal(3, dirs.Distinct().Count());
        Assert.All(dirs, d => Assert.True(File.Exists(Path.Combine(_dir, d, "model.json")), d));
    }

    [Fact]
    public void A_dangling_symlink_as_out_is_reported_as_a_link_not_a_file()
    {
        File.CreateSymbolicLink(P("link"), P("nowhere"));
        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", P("link"));
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("is a file", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("symbolic link", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Log_every_writes_every_kth_epoch_and_the_last()
    {
        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "25", "--log-every", "10", "--out", P("k"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, AssertWholeRows(P("k", "metrics.csv")));
        Assert.Equal(["10", "20", "25"], File.ReadAllLines(P("k", "metrics.csv")).Skip(1).Select(l => l.Split(',')[0]));
        Cli.Result bad = Cli.Run(_dir, "train", "--log-every", "0", "--out", P("k0"));
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("irisnet: error: --log-every:", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Timing_reports_the_first_epoch_apart_from_the_steady_median()
    {
        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "50", "--out", P("t"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Timing: first epoch ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("median of ", r.Stdout, StringComparison.Ordinal);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("t", "summary.json")));
        JsonElement timing = s.RootElement.GetProperty("timing");
        Assert.True(timing.GetProperty("first_epoch_microseconds").GetDouble() > 0);
        Assert.True(timing.GetProperty("steady_median_microseconds_per_epoch").GetDouble() > 0);
    }

    [Fact]
    public void With_IRISNET_PHASES_train_prints_where_its_time_went_and_without_it_nothing()
    {
        var phases = new Dictionary<string, string> { ["IRISNET_PHASES"] = "1" };
        Cli.Result r = Cli.Run(_dir, phases, "train", "--epochs", "5", "--quiet", "--out", P("p"));
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("irisnet-phase ", StringComparison.Ordinal))
            .ToDictionary(l => l[14..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..],
                System.Globalization.CultureInfo.InvariantCulture));
        string[] expected = ["parse", "data", "run directory", "training", "metrics.csv", "model.json",
            "waiting for the drawing warm-up",
            "loss.png", "accuracy.png", "units.png", "confusion.png", "regions.png", "summary.json", "report", "other",
                "main"];
        Assert.Equal(expected, lines.Keys);
        Assert.All(lines.Values, ms => Assert.True(ms >= 0));
        // "main" is the total since Main's first line: every phase lies within it.
        Assert.True(lines["main"] >= lines.Where(l => l.Key != "main").Sum(l => l.Value) - 0.01);

        Cli.Result quiet = Cli.Run(_dir, "train", "--epochs", "5", "--quiet", "--out", P("q"));
        Assert.Equal(0, quiet.ExitCode);
        Assert.DoesNotContain("irisnet-phase", quiet.Stderr, StringComparison.Ordinal);
    }

    /// <summary>On a 200 KiB file system a long run fills the disk: one clear error, exit 2, and no summary claiming
    /// more than exists.</summary>
    [SkippableTheory]
    [InlineData("400")]
    [InlineData("100000000")]
    public async Task A_full_disk_is_one_clear_error_and_the_summary_never_claims_more_than_was_written(string epochs)
    {
        string disk = P("disk");
        Directory.CreateDirectory(disk);
        Mounts.SkipUnlessMounted(disk, "size=200k");
        _mounts.Add(disk);
        // Fill most of the disk so that the images (or, for the long run, metrics.csv) no longer fit.
        if (epochs == "400") await File.WriteAllBytesAsync(Path.Combine(disk, "ballast"), new byte[120 * 1024]);
        Cli.Result r = Cli.Run(_dir, "train", "--epochs", epochs, "--out", Path.Combine(disk, "run"));
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Trim().Split('\n');
        Assert.Single(errors);
        Assert.Matches("^irisnet: error: cannot write '.*': no space left on the device", errors[0]);
        string run = Path.Combine(disk, "run");
        if (File.Exists(Path.Combine(run, "metrics.csv"))) AssertWholeRows(Path.Combine(run, "metrics.csv"));
        Assert.Empty(Directory.EnumerateFiles(run, ".*incomplete*"));
        if (File.Exists(Path.Combine(run, "summary.json")))
        {
            using JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            string status = s.RootElement.GetProperty("status").GetString()!;
            Assert.True(status is "failed" or "running", status);
            if (s.RootElement.TryGetProperty("files", out JsonElement files))
            {
                foreach (JsonElement f in files.EnumerateArray())
                    Assert.True(File.Exists(Path.Combine(run, f.GetString()!)), $"summary lists {f} but it is missing");
            }
        }
    }
}
