using System.Runtime.InteropServices;

namespace IrisNet.Cli.Runs;

/// <summary>
/// How a training run (train, cv) ends on a signal. SIGINT (Ctrl+C), SIGTERM (timeout, docker stop, systemd) and
/// SIGHUP (a closed terminal) all do the same: the first one says so and cancels training after the
/// current epoch, the run directory is written in full with the status "interrupted", and the exit code is
/// 128 + the signal's number (130, 143, 129). A second signal while that happens only prints that
/// the run is finishing; a third stops the process at once, leaving summary.json at "running".
/// </summary>
public sealed class RunSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly string _work;
    private int _count;

    /// <param name="work">What the run finishes before it writes its files: "the current epoch" for train; cv names its
    /// folds.</param>
    public RunSignals(string work = "the current epoch")
    {
        _work = work;
        Register(PosixSignal.SIGINT, "SIGINT", 2);
        Register(PosixSignal.SIGTERM, "SIGTERM", 15);
        Register(PosixSignal.SIGHUP, "SIGHUP", 1);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The first signal received, or null.</summary>
    public (string Name, int Number)? Received { get; private set; }

    /// <summary>The exit code for the first signal: 128 + its number.</summary>
    public int ExitCode => Received is var (_, number) ? 128 + number : Cli.ExitCode.Success;

    /// <summary>Set once training is over and the files are being written (changes what a second signal
    /// says).</summary>
    public bool Writing { get; set; }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations) r.Dispose();
        _cancel.Dispose();
    }

    private void Register(PosixSignal signal, string name, int number)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, ctx => OnSignal(ctx, name, number)));
        }
        catch (PlatformNotSupportedException)
        {
            // Not every platform delivers every signal (SIGHUP on some); the others still work.
        }
    }

    private void OnSignal(PosixSignalContext ctx, string name, int number)
    {
        ctx.Cancel = true;
        int count = Interlocked.Increment(ref _count);
        if (count == 1)
        {
            Received = (name, number);
            // Said at once, so a person who pressed Ctrl+C knows it was heard.
            Console.Error.WriteLine(Writing
                ? $"irisnet: {name}: training is over; writing the run directory."
                : $"irisnet: {name}: stopping after {_work}, then writing the run directory.");
            _cancel.Cancel();
        }
        else if (count == 2)
        {
            Console.Error.WriteLine(Writing
                ? $"irisnet: {name}: finishing, writing the run directory; send it again to stop at once (the run is " +
                    $"then left marked \"running\")."
                : $"irisnet: {name}: finishing {_work}, then writing the run directory; send it again to stop at " +
                    $"once (the run is then left marked \"running\").");
        }
        else
        {
            Console.Error.WriteLine($"irisnet: {name}: stopped at once; the run directory is incomplete and its " +
                $"summary.json says \"running\".");
            Environment.Exit(128 + number);
        }
    }
}
