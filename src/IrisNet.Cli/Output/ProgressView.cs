using System.Diagnostics;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Output;

/// <summary>
/// Training progress: a live Spectre progress bar on a terminal; otherwise (redirected output or CI
/// set) plain lines at epoch 1, every tenth of the run and the last epoch, with no control codes.
/// </summary>
public sealed class ProgressView(int epochs, bool quiet, bool verbose)
{
    public T Run<T>(Func<Action<EpochMetrics>, T> work)
    {
        if (quiet) return work(_ => { });
        if (!ConsoleSetup.Interactive || verbose) return work(Plain());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("epoch 0", maxValue: epochs);
                var clock = Stopwatch.StartNew();
                long last = -1000;
                result = work(m =>
                {
                    // Redraw at most ten times a second: an Iris epoch takes microseconds.
                    if (m.Epoch != epochs && clock.ElapsedMilliseconds - last < 100) return;
                    last = clock.ElapsedMilliseconds;
                    task.Description = Line(m, epochs);
                    task.Value = m.Epoch;
                });
            });
        return result;
    }

    private Action<EpochMetrics> Plain()
    {
        int every = verbose ? 1 : Math.Max(1, epochs / 10);
        var clock = Stopwatch.StartNew();
        return m =>
        {
            if (m.Epoch == 1 || m.Epoch % every == 0 || m.Epoch == epochs)
                Console.WriteLine(Line(m, epochs) + $"  elapsed {clock.Elapsed.TotalSeconds:F1}s");
        };
    }

    public static string Line(EpochMetrics m, int epochs)
    {
        string s = $"epoch {m.Epoch}/{epochs}  loss {Format.F(m.TrainLoss, 6)}  acc {Format.F(m.TrainAccuracy)}";
        if (m.TestLoss is double tl) s += $"  test_loss {Format.F(tl, 6)}  test_acc {Format.F(m.TestAccuracy!.Value)}";
        return s;
    }
}
