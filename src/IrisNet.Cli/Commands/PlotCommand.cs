using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Plotting;
using IrisNet.Cli.Runs;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Scoring;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

public static class PlotCommand
{
    public static Command Build()
    {
        var runs = UsageErrors.NonEmptyPaths(new Argument<string[]>("RUN_DIR")
        {
            Description =
            "One or more run directories (each with a metrics.csv)",
            Arity = ArgumentArity.OneOrMore
        },
            "irisnet plot runs/a");
        Option<string?> output = SharedOptions.PlotFile();
        var regions = new Option<bool>("--regions")
        {
            Description =
            "Redraw the run's decision regions (from its model.json and the data it was trained on)"
        };
        var confusion = new Option<bool>("--confusion")
        {
            Description =
            "Redraw the run's confusion matrix (from its summary.json)"
        };
        var units = new Option<bool>("--units")
        {
            Description =
            "Redraw the run's hidden units, units.png (from its model.json and the data it was trained on)"
        };
        var x = new Option<string?>("--x")
        {
            Description =
            "With --regions: the feature across [default: petal_length for Iris, else the feature with the largest " +
            "first-layer weights]",
            HelpName = "FEATURE"
        };
        var y = new Option<string?>("--y")
        {
            Description =
            "With --regions: the feature up [default: petal_width for Iris, else the next largest]",
            HelpName = "FEATURE"
        };
        Option<string?> data = SharedOptions.RunData();
        var command = new Command("plot",
            "Loss and accuracy curves of one run, or of several runs on one chart, from their metrics.csv; or a " +
            "run's decision regions or confusion matrix.")
        {
            runs, output, regions, confusion, units, x, y, data,
        };
        command.SetAction(p =>
        {
            string[] dirs = p.GetValue(runs)!;
            bool drawRegions = p.GetValue(regions), drawConfusion = p.GetValue(confusion),
                drawUnits = p.GetValue(units);
            if ((drawRegions ? 1 : 0) + (drawConfusion ? 1 : 0) + (drawUnits ? 1 : 0) > 1)
            {
                throw new OptionException((drawUnits ? units : confusion).Name,
                    $"draw one picture at a time: give one of {regions.Name}, {confusion.Name} and {units.Name}.");
            }
            bool plane = drawRegions || drawUnits;
            if (!plane)
            {
                foreach (Option<string?> option in new[] { x, y, data })
                {
                    if (p.GetValue(option) is not null)
                        throw new OptionException(option.Name,
                            $"applies only to the decision regions and the hidden units; add {regions.Name} or " +
                                $"{units.Name}.");
                }
            }
            if ((plane || drawConfusion) && dirs.Length != 1)
            {
                throw new OptionException((drawRegions ? regions : drawUnits ? units : confusion).Name,
                    $"draws one run; {dirs.Length} run directories were given.");
            }
            string? requested = p.GetValue(output);

            string target;
            Action<string> draw;
            if (plane || drawConfusion)
            {
                string dir = dirs[0];
                if (!Directory.Exists(dir)) throw new DataException(dir, 0, 0,
                    "is not a directory; give a run directory written by 'irisnet train'.");
                target = requested ?? Path.Combine(dir, drawRegions ? "regions.png" : drawUnits ? "units.png"
                    : "confusion.png");
                draw = plane ? Plane(dir, p.GetValue(x), p.GetValue(y), p.GetValue(data), drawUnits) : Confusion(dir);
            }
            else
            {
                var curves = new List<(string, IReadOnlyList<EpochMetrics>)>();
                foreach (string dir in dirs)
                {
                    if (Directory.Exists(dir) && IsCv(dir))
                    {
                        throw new DataException(dir, 0, 0,
                            "is an irisnet cv directory: its loss curves are cv.png, in it; "
                            + $"plot draws train runs' metrics.csv. Redraw its confusion matrix with --confusion, or " +
                                $"see irisnet report {dir}.");
                    }
                    string metrics = Directory.Exists(dir) ? Path.Combine(dir, "metrics.csv") : dir;
                    if (!File.Exists(metrics)) throw new DataException(metrics, 0, 0,
                        "not found; give a run directory written by 'irisnet train'.");
                    curves.Add((Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory.Exists(dir) ? dir
                        : Path.GetDirectoryName(Path.GetFullPath(dir))!)), RunDirectory.ReadMetrics(metrics)));
                }
                target = requested ?? (dirs.Length == 1 && Directory.Exists(dirs[0]) ? Path.Combine(dirs[0],
                    "curves.png") : "comparison.png");
                draw = tmp => Plots.Compare(curves, tmp);
            }
            CheckTarget(target, output.Name);
            OutputFile.Write(target, output.Name, draw);
            AnsiConsole.WriteLine($"wrote {Terminal.Escape(target)}");
            return ExitCode.Success;
        });
        return command;
    }

    /// <summary>Refuses, before drawing, an output that cannot become a PNG file.</summary>
    private static void CheckTarget(string target, string flag)
    {
        if (!target.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new OptionException(flag, $"'{target}' does not end in .png; the plot is a PNG image.");
        // Redrawing replaces the picture: plot writes what the run directory's files say.
        OutputFile.Check(target, flag, overwrite: true);
    }

    /// <summary>Reloads what train drew regions.png and units.png from: the model, the data (checked by its SHA-256)
    /// and the same stratified split.</summary>
    private static Action<string> Plane(string dir, string? x, string? y, string? dataFile, bool units)
    {
        string modelPath = Path.Combine(dir, "model.json");
        if (IsCv(dir))
        {
            throw new DataException(dir, 0, 0,
                "is an irisnet cv directory: cv saves no model, so there are no decision "
                + "regions to draw; train one with irisnet train.");
        }
        if (!File.Exists(modelPath)) throw new DataException(modelPath, 0, 0,
            "not found; the decision regions need the run's model (a run that failed saves none).");
        Model model = ModelJson.Load(modelPath);
        string summaryPath = Path.Combine(dir, "summary.json");
        SummaryFile summary = ReadSummary(summaryPath);
        double testFraction = model.Options?.TestFraction ?? summary.Options.TestFraction;
        ulong seed = model.Options?.Seed ?? summary.Options.Seed;
        string file = summary.Data.File;
        string? path = dataFile ?? (file == DataSource.BundledName ? null : file);
        if (path is not null && !File.Exists(path))
            throw new DataException(path, 0, 0,
                $"the run's data file is not found (recorded in {summaryPath}); give it with --data FILE.");
        DataSource source = DataSource.Load(path, summary.Data.Label);
        if (dataFile is null && source.Sha256 != summary.Data.Sha256)
            throw new DataException(source.Name, 0, 0,
                $"has changed since the run (its SHA-256 differs from {summaryPath}); the training and test rows " +
                $"cannot be rebuilt. Give the original with --data FILE.");
        if (!source.Data.FeatureNames.SequenceEqual(model.FeatureNames)
            || !source.Data.ClassNames.SequenceEqual(model.ClassNames))
            throw new DataException(source.Name, 0, 0,
                $"its features or classes are not the model's ({string.Join(", ", model.FeatureNames)}; " +
                $"{string.Join(", ", model.ClassNames)}).");
        var (train, test) = source.Data.SplitStratified(testFraction, seed);
        Plots.ChooseFeatures(model, x, y); // report a wrong --x or --y before anything is written
        if (units) return tmp => Plots.Units(model, train, test, tmp, x, y);
        return tmp => Plots.Regions(model, train, test, tmp, x, y);
    }

    /// <summary>
    /// The confusion matrix summary.json records: of the test rows, or of the training rows when there
    /// were none; for a cv directory, of every held-out prediction pooled over the folds.
    /// </summary>
    private static Action<string> Confusion(string dir)
    {
        string summaryPath = Path.Combine(dir, "summary.json");
        DataException Error(string field, string what) => new(summaryPath, 0, 0, $"{field}: {what}");
        byte[] utf8 = ReadBytes(summaryPath);
        string[] classes;
        int[][]? dense, cells;
        string field, what;
        if (FileKinds.Of(utf8) == FileKind.CvSummary)
        {
            CvSummaryFile cv = Read(utf8, summaryPath, CliJsonContext.Default.CvSummaryFile);
            CvSummaryFile.PooledBlock pooled = cv.Heldout?.Pooled
                ?? throw Error("heldout",
                    $"is absent: the cv run ({cv.Status}) completed no fold, so there are no held-out predictions.");
            (classes, dense, cells, field) = ([.. cv.Classes], pooled.Confusion, pooled.ConfusionCells,
                "heldout.pooled");
            what = $"held-out rows of {cv.CrossValidation.CompletedFolds} folds, pooled";
        }
        else
        {
            SummaryFile summary = Read(utf8, summaryPath, CliJsonContext.Default.SummaryFile);
            SummaryFile.FinalBlock final = summary.Final
                ?? throw Error("final",
                    "is absent, so there is no final confusion matrix; the run did not finish (or saved no model).");
            EvaluationJson set = final.Test ?? final.Train;
            (classes, dense, cells) = ([.. summary.Classes], set.Confusion, set.ConfusionCells);
            (field, what) = final.Test is not null ? ("final.test", "test rows") : ("final.train", "training rows");
        }
        int C = classes.Length;
        int[][] matrix;
        if (cells is not null)
        {
            // Above ConfusionDigest.DenseLimit classes summary.json keeps only the nonzero cells.
            matrix = Enumerable.Range(0, C).Select(_ => new int[C]).ToArray();
            for (int i = 0; i < cells.Length; i++)
            {
                int[] c = cells[i];
                if (c.Length != 3 || (uint)c[0] >= (uint)C || (uint)c[1] >= (uint)C || c[2] < 0)
                {
                    throw Error($"{field}.confusion_cells[{i}]",
                        $"is not an [actual, predicted, count] triple with class indices below {C} and a count ≥ 0.");
                }
                matrix[c[0]][c[1]] = c[2];
            }
        }
        else
        {
            matrix = dense ?? throw Error(field, "has neither \"confusion\" nor \"confusion_cells\".");
            if (matrix.Length != C)
                throw Error($"{field}.confusion", $"has {matrix.Length} rows; it needs one per class, {C}.");
            for (int k = 0; k < C; k++)
            {
                if (matrix[k].Length != C || matrix[k].Any(v => v < 0))
                    throw Error($"{field}.confusion[{k}]", $"is not {C} counts ≥ 0, one per class.");
            }
        }
        var evaluation = new Evaluation(classes, matrix, double.NaN);
        return tmp => Plots.Confusion(evaluation, what, tmp);
    }

    /// <summary>Whether <paramref name="dir"/> is a cv directory: its folds.csv where a train run has its
    /// metrics.csv.</summary>
    private static bool IsCv(string dir) =>
        File.Exists(Path.Combine(dir, "folds.csv")) && !File.Exists(Path.Combine(dir, "metrics.csv"));

    /// <summary>summary.json as the type that wrote it; a problem names the file, line, column and field.</summary>
    private static SummaryFile ReadSummary(string path) => Read(ReadBytes(path), path,
        CliJsonContext.Default.SummaryFile);

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0,
                $"cannot be read: {e.Message} Give a run directory written by 'irisnet train'.", e);
        }
    }

    private static T Read<T>(byte[] utf8, string path, JsonTypeInfo<T> type) where T : class =>
        StrictJson.Read(utf8, type, p =>
            new DataException(path, p.Line, (int)p.Column,
                p.Syntax ? $"not valid JSON: {p.What}." : $"{p.Field}: {p.What}."));
}
