using BenchmarkDotNet.Running;

namespace IrisNet.Bench;

public static class Program
{
    /// <summary>The arguments of the run that bench/results.md and docs/images/scaling.png are made from.</summary>
    public static readonly string[] ReportRun = ["--job", "short", "--filter", "*", "--exporters", "json"];

    /// <summary>
    /// With arguments, BenchmarkDotNet's own command line (--filter, --job, --list ...). Without any,
    /// BenchmarkDotNet would open an interactive menu and wait for a key, which hangs a script or CI;
    /// instead the program says so and runs the suite that the report is made from.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args is ["--clock-check", ..])
        {
            // The roofline's clock check in one process, the halves interleaved (see Roofline.Paired).
            int slices = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000;
            Console.WriteLine(Roofline.Paired(slices));
            return 0;
        }
        if (args.Length == 0)
        {
            Console.WriteLine($"No arguments: running the report suite ({string.Join(' ', ReportRun)}), about 12 minutes.");
            Console.WriteLine("Then: dotnet run -c Release --project bench/IrisNet.Bench.Report -- BenchmarkDotNet.Artifacts/results");
            Console.WriteLine("To choose benchmarks instead: --list flat, then --filter '*Pattern*'.");
            args = ReportRun;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
