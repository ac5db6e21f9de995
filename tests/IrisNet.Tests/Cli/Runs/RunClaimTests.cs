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
        File.WriteAllText(marker, "4242\n2026-12-02T00:00:00.0000000+00:00\n");

        Cli.Result r = Cli.Run(_dir, "train", "--epochs", "5", "--out", "run");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out: 'run' is being written by another irisnet run", r.Stderr, StringComparison.Ordinal);
        Assert.Equal([Marker], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
        Assert.Equal("4242\n2026-12-02T00:00:00.0000000+00:00\n", File.ReadAllText(marker));
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
