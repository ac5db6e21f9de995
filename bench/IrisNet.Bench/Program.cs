using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace IrisNet.Bench;

public static class Program
{
    /// <summary>The arguments of the run that bench/results.md and docs/images/scaling.png are made from.</summary>
    public static readonly string[] ReportRun = ["--job", "short", "--filter", "*", "--exporters", "json"];

    /// <summary>Rounds of the interleaved clock check (about 0.85 ms each, so under two seconds).</summary>
    public const int ClockCheckRounds = 2000;

    /// <summary>
    /// Rounds of the interleaved thread check per case (8 cases; a round takes 15–50 ms, so 8–25 s a
    /// case and under two minutes in all).
    /// </summary>
    public const int ThreadCheckRounds = 500;

    /// <summary>Rounds of the interleaved activation check (three slices of about 2–5 ms a round, both precisions:
    /// about 25 s).</summary>
    public const int ActivationCheckRounds = 1000;

    /// <summary>
    /// With arguments, BenchmarkDotNet's own command line (--filter, --job, --list ...). Without any,
    /// BenchmarkDotNet would open an interactive menu and wait for a key, which hangs a script or CI;
    /// instead the program says so and runs the suite that the report is made from, then the clock
    /// check, the activation check and the thread check, whose files the report's clock, tanh and two-thread targets
    /// are read from.
    /// --clock-check [ROUNDS] [FILE] runs the clock check alone, --thread-check [ROUNDS] [FILE] the thread
    /// check alone, --activation-check [ROUNDS] [FILE] the activation check (the tanh target's ratio) alone;
    /// --optimizer-check [ROUNDS] prints the optimizers' Iris epochs interleaved (Adam's cost over SGD's);
    /// FILE defaults to clock-check.json, thread-check.json or activation-check.json in the results folder of
    /// BenchmarkDotNet's default artifacts folder, where the suite writes its JSON.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is ["--optimizer-check", ..])
        {
            // The optimizers' Iris epochs interleaved in one process (Adam's cost against SGD's); prints a table.
            int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
            Console.Write(OptimizerCheck.Run(Math.Max(1, n)));
            return 0;
        }
        if (args is ["--clock-check" or "--thread-check" or "--activation-check", ..])
        {
            bool clock = args[0] == "--clock-check", activation = args[0] == "--activation-check";
            int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : clock ? ClockCheckRounds
                : activation ? ActivationCheckRounds : ThreadCheckRounds;
            if (rounds < 1)
            {
                Console.Error.WriteLine($"{args[0]} needs at least one round");
                return 2;
            }
            string path = args.Length > 2 ? args[2] : Path.Combine(DefaultConfig.Instance.ArtifactsPath, "results",
                clock ? ClockCheck.FileName : activation ? ActivationCheck.FileName : ThreadCheck.FileName);
            if (clock)
            {
                RunClockCheck(rounds, path);
                return 0;
            }
            if (activation)
            {
                RunActivationCheck(rounds, path);
                return 0;
            }
            return RunThreadCheck(rounds, path);
        }
        bool reportSuite = args.Length == 0;
        if (reportSuite)
        {
            Console.WriteLine($"No arguments: running the report suite ({string.Join(' ', ReportRun)}), about 12 " +
                $"minutes, then the clock check (--clock-check), the activation check (--activation-check) and the " +
                $"thread check (--thread-check), about 2.5 minutes.");
            Console.WriteLine("Then: dotnet run -c Release --project bench/IrisNet.Bench.Report -- " +
                "BenchmarkDotNet.Artifacts/results");
            Console.WriteLine("To choose benchmarks instead: --list flat, then --filter '*Pattern*'.");
            args = ReportRun;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        int code = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        if (reportSuite)
        {
            // The clock and the FMA loops measured in this one process, after the suite, into the folder
            // the suite's JSON went to: the benchmarks' separate processes can see different clocks.
            string results = summaries.FirstOrDefault()?.ResultsDirectoryPath
                ?? Path.Combine(DefaultConfig.Instance.ArtifactsPath, "results");
            RunClockCheck(ClockCheckRounds, Path.Combine(results, ClockCheck.FileName));
            // The activations' Iris epochs, likewise interleaved: the tanh target is a ratio of two of them.
            RunActivationCheck(ActivationCheckRounds, Path.Combine(results, ActivationCheck.FileName));
            // Two threads against one, likewise in one process, beside the machine's own two-thread capacity:
            // the host can give the two virtual processors one core in one benchmark process and two in the next.
            code = Math.Max(code, RunThreadCheck(ThreadCheckRounds, Path.Combine(results, ThreadCheck.FileName)));
        }
        return code;
    }

    private static void RunClockCheck(int rounds, string path)
    {
        ClockCheck check = Roofline.Paired(rounds);
        check.Write(path);
        Console.WriteLine(check);
        Console.WriteLine($"wrote {path}");
    }

    private static void RunActivationCheck(int rounds, string path)
    {
        ActivationCheck check = ActivationCheck.Measure(rounds);
        check.Write(path);
        Console.WriteLine(check);
        Console.WriteLine($"wrote {path}");
    }

    // A two-thread result that differs from the one-thread result in any bit fails the run: the speed-up
    // of a different computation would mean nothing.
    private static int RunThreadCheck(int rounds, string path)
    {
        Console.WriteLine(ThreadCheck.Legend(rounds));
        Console.WriteLine(ThreadCheck.Header);
        ThreadCheck check;
        try
        {
            check = ThreadCheck.Measure(rounds, c => Console.WriteLine(ThreadCheck.Row(c, rounds)));
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"thread check failed: {e.Message}");
            return 1;
        }
        check.Write(path);
        Console.WriteLine($"wrote {path}");
        // Not a failure (the machine is shared), but the figures then say little about two threads.
        int unclean = check.Cases.Count(c => c.CleanRounds == 0);
        if (unclean > 0)
            Console.WriteLine($"{unclean} of {check.Cases.Count} cases had no clean round: another process held a " +
                $"processor while two threads ran, or the host ran both on one core.");
        return 0;
    }
}
