using System.CommandLine;
using System.Globalization;
using System.Text;
using IrisNet.Cli.Options;
using IrisNet.Cli.Reports;
using IrisNet.Cli.Runs;
using IrisNet.Errors;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet report: one self-contained HTML file (no network: every script and style inline) with the
/// curves of a train run, of several runs overlaid, of a cv directory's folds, or of a sweep's
/// configurations, and the tables and pictures of their summary. See docs/report.md.
/// </summary>
public static class ReportCommand
{
    public static Command Build()
    {
        var dirs = new Argument<string[]>("RUN_DIR")
        {
            Description = "A train run directory, several to compare, a cv directory or a sweep directory",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string?> output = SharedOptions.ReportFile();
        var command = new Command("report", "An interactive HTML report (one file, works offline) of a run, several " +
            "runs, a cv or a sweep: curves with hover readout, zoom, log axes, toggles and smoothing; the summary's " +
            "tables and pictures.")
        {
            dirs, output,
        };
        command.SetAction(p =>
        {
            string[] given = p.GetValue(dirs)!;
            string[] kinds = Kinds(given);
            string target = p.GetValue(output)
                ?? (given.Length == 1 ? Path.Combine(given[0], "report.html") : "report.html");
            CheckTarget(target);
            ReportContent content = Content(given, kinds);
            string html = ReportPage.Build(content);
            try
            {
                AtomicFile.Write(target, tmp => File.WriteAllText(tmp, html, new UTF8Encoding(false)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OptionException("--out", $"cannot write '{target}': {e.Message} Choose a writable folder.");
            }
            long bytes = new FileInfo(target).Length;
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {target} ({bytes / 1024.0:F0} KB)"));
            return ExitCode.Success;
        });
        return command;
    }

    /// <summary>What each directory is, by the file only it has: leaderboard.csv, folds.csv or metrics.csv.</summary>
    private static string[] Kinds(string[] given)
    {
        var kinds = new List<string>();
        foreach (string dir in given)
        {
            if (!Directory.Exists(dir))
            {
                throw new DataException(dir, 0, 0, File.Exists(dir)
                    ? "is a file; give the directory that holds it (a train run, cv or sweep directory)."
                    : "not found; give a run directory written by 'irisnet train' or 'irisnet cv'.");
            }
            kinds.Add(File.Exists(Path.Combine(dir, "leaderboard.csv")) ? "sweep"
                : File.Exists(Path.Combine(dir, "folds.csv")) ? "cv"
                : File.Exists(Path.Combine(dir, "metrics.csv")) ? "run"
                : throw new DataException(dir, 0, 0, "holds no metrics.csv, folds.csv or leaderboard.csv; give a " +
                    "directory written by 'irisnet train' or 'irisnet cv', or a sweep directory."));
        }
        return kinds.ToArray();
    }

    private static ReportContent Content(string[] given, string[] kinds)
    {
        if (given.Length > 1)
        {
            int other = Array.FindIndex(kinds, k => k != "run");
            if (other >= 0)
            {
                throw new OptionException("RUN_DIR", $"'{given[other]}' is a {kinds[other]} directory, which has " +
                    "a report of its own; several directories are compared only when each is a train run. Give it " +
                    "alone.");
            }
            return ReportBuilder.Runs(given.Select(RunFolder.Read).ToArray());
        }
        return kinds[0] switch
        {
            "sweep" => ReportBuilder.Sweep(given[0]),
            "cv" => ReportBuilder.Cv(given[0]),
            _ => ReportBuilder.Run(RunFolder.Read(given[0])),
        };
    }

    /// <summary>Refuses, before reading anything, an output that cannot become an HTML file.</summary>
    private static void CheckTarget(string target)
    {
        bool html = target.EndsWith(".html", StringComparison.OrdinalIgnoreCase)
            || target.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);
        if (!html)
            throw new OptionException("--out", $"'{target}' does not end in .html; the report is an HTML page.");
        if (Directory.Exists(target))
            throw new OptionException("--out", $"'{target}' is a directory; give a file name ending in .html.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
        {
            throw new OptionException("--out", $"cannot write '{target}': the folder '{folder}' does not exist; " +
                "create it first or choose another --out.");
        }
    }
}
