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
    /// With arguments, BenchmarkDotNet's own command line (--filter, --job, --list ...). Without any,
    /// BenchmarkDotNet would open an interactive menu and wait for a key, which hangs a script or CI;
    /// instead the program says so and runs the suite that the report is made from, then the clock
    /// check, whose file the report's clock targets are read from.
    /// --clock-check [ROUNDS] [FILE] runs the clock check alone; FILE defaults to clock-check.json in
    /// the results folder of BenchmarkDotNet's default artifacts folder, where the suite writes its JSON.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is ["--clock-check", ..])
        {
            int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : ClockCheckRounds;
            if (rounds < 1)
            {
                Console.Error.WriteLine("--clock-check needs at least one round");
                return 2;
            }
            string path = args.Length > 2 ? args[2] : Path.Combine(DefaultConfig.Instance.ArtifactsPath, "results", ClockCheck.FileName);
            RunClockCheck(rounds, path);
            return 0;
        }
        bool reportSuite = args.Length == 0;
        if (reportSuite)
        {
            Console.WriteLine($"No arguments: running the report suite ({string.Join(' ', ReportRun)}), about 12 minutes, then the clock check (--clock-check).");
            Console.WriteLine("Then: dotnet run -c Release --project bench/IrisNet.Bench.Report -- BenchmarkDotNet.Artifacts/results");
            Console.WriteLine("To choose benchmarks instead: --list flat, then --filter '*Pattern*'.");
            args = ReportRun;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        int code = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        if (reportSuite)
        {
            // The clock and the FMA loops measured in this one process, after the suite, into the folder
            // the suite's JSON went to: the benchmarks' separate processes can see different clocks.
            string results = summaries.FirstOrDefault()?.ResultsDirectoryPath ?? Path.Combine(DefaultConfig.Instance.ArtifactsPath, "results");
            RunClockCheck(ClockCheckRounds, Path.Combine(results, ClockCheck.FileName));
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
}
