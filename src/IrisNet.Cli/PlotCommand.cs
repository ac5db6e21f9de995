using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IrisNet.Data;
using Spectre.Console;

namespace IrisNet.Cli;

public static class PlotCommand
{
    public static Command Build()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "One or more run directories (each with a metrics.csv)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "PNG to write [default: RUN_DIR/curves.png for one run, comparison.png for several]", HelpName = "FILE.png" };
        var command = new Command("plot", "Loss and accuracy curves of one run, or of several runs on one chart, from their metrics.csv.")
        {
            runs, output,
        };
        command.SetAction(p =>
        {
            string[] dirs = p.GetValue(runs)!;
            var curves = new List<(string, IReadOnlyList<EpochMetrics>)>();
            foreach (string dir in dirs)
            {
                string metrics = Directory.Exists(dir) ? Path.Combine(dir, "metrics.csv") : dir;
                if (!File.Exists(metrics)) throw new DataException(metrics, 0, 0, "not found; give a run directory written by 'irisnet train'.");
                curves.Add((Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory.Exists(dir) ? dir : Path.GetDirectoryName(Path.GetFullPath(dir))!)), RunDirectory.ReadMetrics(metrics)));
            }
            string target = p.GetValue(output) ?? (dirs.Length == 1 && Directory.Exists(dirs[0]) ? Path.Combine(dirs[0], "curves.png") : "comparison.png");
            if (!target.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new OptionException("--out", $"'{target}' does not end in .png; the plot is a PNG image.");
            AtomicFile.Write(target, tmp => Plots.Compare(curves, tmp));
            AnsiConsole.WriteLine($"wrote {target}");
            return ExitCode.Success;
        });
        return command;
    }
}
