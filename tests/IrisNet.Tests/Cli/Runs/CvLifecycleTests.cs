using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>
/// irisnet cv keeps train's promises on every way a run can end: signals save the finished folds,
/// kill -9 leaves a "running" summary and whole rows, a full disk is one error and a summary that
/// claims nothing that is missing, and folds.csv holds every epoch of every fold.
/// </summary>
public sealed class CvLifecycleTests() : TempDirectoryTest("cv-life")
{
    private const int Epochs = 200_000;

    private const string Header = "repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy";

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

    private static void Signal(Process p, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal,
            p.Id.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardError = true })!;
        string err = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {p.Id}: {err}");
    }

    /// <summary>
    /// folds.csv is the header and whole rows in (repeat, fold, epoch) order, each fold's epochs 1, 2, 3, …
    /// without a gap; returns the rows per (repeat, fold). With <paramref name="killed"/>, one cut row at the
    /// end (a write stopped by SIGKILL between two pages) is left out.
    /// </summary>
    private static Dictionary<(int Repeat, int Fold), int> FoldRows(string path, bool killed = false)
    {
        string text = File.ReadAllText(path);
        Assert.StartsWith(Header + "\n", text, StringComparison.Ordinal);
        if (killed && !text.EndsWith('\n')) text = text[..(text.LastIndexOf('\n') + 1)];
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var rows = new Dictionary<(int, int), int>();
        (int, int) previous = (0, 0);
        foreach (string line in text[..^1].Split('\n').Skip(1))
        {
            string[] f = line.Split(',');
            Assert.True(f.Length == 7, $"row '{line}' has {f.Length} fields");
            var key = (int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture));
            int epoch = int.Parse(f[2], CultureInfo.InvariantCulture);
            if (key != previous)
            {
                Assert.True(key.CompareTo(previous) > 0, $"fold {key} after fold {previous}");
                Assert.False(rows.ContainsKey(key));
                rows[key] = 0;
                previous = key;
            }
            Assert.True(epoch == rows[key] + 1, $"fold {key}: epoch {epoch} follows epoch {rows[key]}");
            rows[key] = epoch;
            foreach (string v in f.Skip(3)) Assert.True(double.IsFinite(double.Parse(v, CultureInfo.InvariantCulture)),
                line);
        }
        return rows;
    }

    /// <summary>
    /// Starts a cv run of 10 folds of <see cref="Epochs"/> epochs and returns once its first fold is
    /// reported: the other folds take many seconds more, so a signal sent then lands while folds remain,
    /// even on a loaded machine.
    /// </summary>
    private async Task<(Process P, Task<string> Stdout, Task<string> Stderr)> StartCv(string dir, params string[] args)
    {
        Process p = Cli.Start(_dir, ["cv", "--out", dir, "--folds", "10", "--epochs",
            Epochs.ToString(CultureInfo.InvariantCulture), .. args]);
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string? first = await p.StandardOutput.ReadLineAsync();
        if (first is null) Assert.Fail(await stderr); // the message only when it failed: awaiting it waits for the exit
        Assert.StartsWith("repeat 1/1 fold 1/", first, StringComparison.Ordinal);
        return (p, p.StandardOutput.ReadToEndAsync(), stderr);
    }

    [Theory]
    [InlineData("TERM", "SIGTERM", 143, "1")]
    [InlineData("HUP", "SIGHUP", 129, "1")]
    [InlineData("INT", "SIGINT", 130, "2")]
    [InlineData("TERM", "SIGTERM", 143, "2")]
    public async Task A_signal_after_some_folds_keeps_them_and_exits_128_plus_its_number(string signal, string name,
        int code, string threads)
    {
        string dir = P("sig");
        var (p, stdout, stderr) = await StartCv(dir, "--threads", threads);
        Signal(p, signal);
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
        string output = await stdout, err = await stderr;
        Assert.True(code == p.ExitCode, $"exit {p.ExitCode}: {err}\n{output}");
        Assert.Contains($"irisnet: {name}: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", err, StringComparison.Ordinal);

        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement root = s.RootElement;
        Assert.Equal("interrupted", root.GetProperty("status").GetString());
        Assert.Equal(name, root.GetProperty("signal").GetString());
        int completed = root.GetProperty("cross_validation").GetProperty("completed_folds").GetInt32();
        Assert.InRange(completed, 1, 9);
        Assert.Equal(completed, root.GetProperty("folds").GetArrayLength());
        // Every completed fold's rows, each epoch once, and nothing of the folds that did not finish.
        var rows = FoldRows(Path.Combine(dir, "folds.csv"));
        Assert.Equal(completed, rows.Count);
        Assert.All(rows.Values, n => Assert.Equal(Epochs, n));
        foreach (JsonElement f in root.GetProperty("files").EnumerateArray()) Assert.True(File.Exists(Path.Combine(dir,
            f.GetString()!)), f.GetString());
        Assert.True(File.Exists(Path.Combine(dir, "cv.png")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir, ".*"));
    }

    [Fact]
    public async Task Killed_during_a_fold_it_leaves_a_running_summary_whole_rows_and_a_rerun_is_told_why()
    {
        string dir = P("killed");
        var (p, stdout, stderr) = await StartCv(dir, "--threads", "2");
        p.Kill(); // SIGKILL
        p.WaitForExit();
        await stdout;
        await stderr;
        using (JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))))
            Assert.Equal("running", s.RootElement.GetProperty("status").GetString());
        var rows = FoldRows(Path.Combine(dir, "folds.csv"), killed: true);
        Assert.True(rows.Count >= 1, "the first fold was reported, so its rows are in folds.csv");
        // Nothing hidden but the claim marker, which a killed process cannot remove.
        Assert.Equal([RunDirectoryClaim], Directory.EnumerateFileSystemEntries(dir, ".*").Select(Path.GetFileName));

        Cli.Result again = Cli.Run(_dir, "cv", "--epochs", "5", "--out", dir);
        Assert.Equal(2, again.ExitCode);
        string[] lines = again.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("irisnet: error: --out: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("killed", lines[0], StringComparison.Ordinal);
        Assert.Contains(p.Id.ToString(CultureInfo.InvariantCulture), lines[0], StringComparison.Ordinal);
    }

    private const string RunDirectoryClaim = ".irisnet-run";

    [Fact]
    public void Folds_csv_holds_every_epoch_of_every_fold_beyond_the_bounded_curve()
    {
        Cli.Result r = Cli.Run(_dir, "cv", "--epochs", "4200", "--folds", "2", "--out", P("long"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = FoldRows(P("long", "folds.csv"));
        Assert.Equal([(1, 1), (1, 2)], rows.Keys.Order());
        Assert.All(rows.Values, n => Assert.Equal(4200, n));
    }

    /// <summary>
    /// cv kept every epoch of every fold for its mean curve: 29 MB at 20,000 epochs, 200 MB at 600,000
    /// (about 309 bytes per epoch). Now its peak is the same at 30 times the epochs.
    /// </summary>
    [SkippableFact]
    public void Memory_does_not_grow_with_epochs()
    {
        Skip.If(Cli.TimeProgram is null, "needs GNU time (/usr/bin/time) for the peak RSS");
        var (shortRun, shortPeak) = Cli.RunMeasured(_dir, "cv", "--epochs", "20000", "--folds", "2", "--out",
            P("short"), "--quiet");
        Assert.True(shortRun.ExitCode == 0, shortRun.Stderr);
        var (longRun, longPeak) = Cli.RunMeasured(_dir, "cv", "--epochs", "600000", "--folds", "2", "--out", P("long"),
            "--quiet");
        Assert.True(longRun.ExitCode == 0, longRun.Stderr);
        Assert.True(longPeak - shortPeak < 30 * 1024,
            $"peak RSS {shortPeak / 1024:N0} MiB at 20,000 epochs, {longPeak / 1024:N0} MiB at 600,000");
    }

    [Fact]
    public void The_summary_is_running_while_folds_train_and_leaves_out_test_fraction_and_threads()
    {
        Cli.Result r = Cli.Run(_dir, "cv", "--epochs", "20", "--out", P("opts"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using JsonDocument s = JsonDocument.Parse(File.ReadAllText(P("opts", "summary.json")));
        JsonElement options = s.RootElement.GetProperty("options");
        Assert.False(options.TryGetProperty("test_fraction", out _), "cv has no test fraction");
        Assert.False(options.TryGetProperty("threads", out _), "--threads is folds at once, in timing");
        Assert.Equal(20, options.GetProperty("epochs").GetInt32());
        Assert.Equal(["folds.csv", "cv.png", "summary.json"],
            s.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task While_folds_train_the_summary_says_running_and_folds_csv_grows()
    {
        string dir = P("live");
        var (p, stdout, stderr) = await StartCv(dir, "--threads", "1");
        try
        {
            using (JsonDocument s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))))
                Assert.Equal("running", s.RootElement.GetProperty("status").GetString());
            Assert.Equal(Epochs, FoldRows(Path.Combine(dir, "folds.csv"), killed: true)[(1, 1)]);
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
            await stdout;
            await stderr;
        }
    }

    [SkippableTheory]
    [InlineData("20", "48k")]
    [InlineData("100000000", "48k")]
    public void A_full_disk_is_one_error_and_the_summary_never_says_completed(string epochs, string size)
    {
        string disk = P("disk");
        Directory.CreateDirectory(disk);
        Mounts.SkipUnlessMounted(disk, $"size={size}");
        _mounts.Add(disk);
        string run = Path.Combine(disk, "run");
        // 20 epochs: folds.csv and summary.json fit, cv.png (about 60 KB) does not; endless: folds.csv fills the disk.
        Cli.Result r = Cli.Run(_dir, "cv", "--epochs", epochs, "--folds", "2", "--out", run, "--quiet");
        Assert.Equal(2, r.ExitCode);
        string[] errors = r.Stderr.Trim().Split('\n');
        Assert.True(errors.Length == 1, r.Stderr);
        Assert.Matches("^irisnet: error: cannot write '.*': no space left on the device", errors[0]);
        if (File.Exists(Path.Combine(run, "folds.csv"))) FoldRows(Path.Combine(run, "folds.csv"), killed: true);
        Assert.Empty(Directory.EnumerateFiles(run, ".*incomplete*"));
        Assert.True(File.Exists(Path.Combine(run, "summary.json")), "the running summary is written first");
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
