namespace IrisNet.Tests;

/// <summary>
/// The set-up the end-to-end test classes share: a fresh temporary directory for each test (xUnit
/// makes one instance of the class per test), deleted afterwards, with helpers to name files in it
/// and to run the built program there.
/// </summary>
public abstract class TempDirectoryTest : IDisposable
{
    /// <summary>The test's own directory, <c>irisnet-NAME-*</c> in the temporary folder; irisnet runs in it.</summary>
    protected readonly string _dir;

    /// <param name="name">Names the directory, so that one a crashed run leaves says which class made it.</param>
    protected TempDirectoryTest(string name) => _dir = Directory.CreateTempSubdirectory($"irisnet-{name}-").FullName;

    /// <summary>A path inside the test's directory.</summary>
    protected string P(params string[] parts) => Path.Combine([_dir, .. parts]);

    /// <summary>Runs irisnet in the test's directory: it must succeed and print no escape code (CI is set).</summary>
    private protected Cli.Result Ok(params string[] args)
    {
        Cli.Result r = Cli.Run(_dir, args);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.DoesNotContain('\u001b', r.Stdout);
        return r;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Kills any irisnet process the test started that still runs (a test that failed while its child
    /// trained on), then deletes the directory; a class that leaves more behind (a mount) undoes that first.
    /// </summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Cli.KillLeftovers(_dir);
        Directory.Delete(_dir, recursive: true);
    }
}
