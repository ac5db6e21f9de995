namespace IrisNet.Tests;

/// <summary>
/// The claim of a run directory is decided by creating its marker file with create-new semantics.
/// Two runs racing for one folder both pass the "is it empty" check; the race itself cannot be timed
/// reliably, but its second half can: a folder that holds only another run's marker is exactly
/// what the later run finds, and it must give way without touching the marker.
/// </summary>
public sealed class RunClaimTests() : TempDirectoryTest("claim")
{
    private const string Marker = ".irisnet-run";
    [Fact]
    public void A_folder_claimed_by_another_run_is_refused_and_its_marker_kept()
    {
        string run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);
        string marker = Path.Combine(run, Marker);
        // A live process (this one) that started before the claim: the run may still be writing.
        string claim = $"{Environment.ProcessId}\n{DateTimeOffset.UtcNow:O}\n";
        File.WriteAllText(marker, claim);

        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", "run");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out: 'run' is being written by another irisnet run", r.Stderr, StringComparison.Ordinal);
        Assert.Equal([Marker], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
        Assert.Equal(claim, File.ReadAllText(marker));
    }

    [Fact]
    public void A_folder_whose_marker_names_a_process_that_no_longer_runs_is_refused_as_a_killed_run()
    {
        // The id of a process that has exited: no irisnet run holds the folder any more.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        string run = Path.Combine(_dir, "killed");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, Marker), $"{gone.Id}\n{DateTimeOffset.UtcNow:O}\n");
        File.WriteAllText(Path.Combine(run, "summary.json"), "{}");

        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", "killed");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"holds an unfinished run: its marker .irisnet-run names irisnet process {gone.Id}", r.Stderr,
            StringComparison.Ordinal);
        Assert.Contains("no longer runs (it was killed", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(run, "summary.json")));
    }

    [Fact]
    public void A_folder_holding_only_hidden_files_says_which()
    {
        string run = Path.Combine(_dir, "hidden");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, ".summary.json.incomplete-99"), "{");

        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", "hidden");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already holds files (.summary.json.incomplete-99)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_files_besides_a_marker_is_refused_as_holding_files()
    {
        string run = Path.Combine(_dir, "full");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, Marker), "1\n");
        File.WriteAllText(Path.Combine(run, "model.json"), "{}");

        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", "full");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already holds files", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(run, "model.json")));
    }
}
