using System.CommandLine;
using System.Text.Json;
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
        var runs = UsageErrors.NonEmptyPaths(new Argument<string[]>("RUN_DIR") { Description = "One or more run directories (each with a metrics.csv)", Arity = ArgumentArity.OneOrMore },
            "irisnet plot runs/a");
        Option<string?> output = SharedOptions.PlotFile();
        var regions = new Option<bool>("--regions") { Description = "Redraw the run's decision regions (from its model.json and the data it was trained on)" };
        var confusion = new Option<bool>("--confusion") { Description = "Redraw the run's confusion matrix (from its summary.json)" };
        var x = new Option<string?>("--x") { Description = "With --regions: the feature across [default: petal_length for Iris, else the feature with the largest first-layer weights]", HelpName = "FEATURE" };
        var y = new Option<string?>("--y") { Description = "With --regions: the feature up [default: petal_width for Iris, else the next largest]", HelpName = "FEATURE" };
        Option<string?> data = SharedOptions.RunData();
        var command = new Command("plot", "Loss and accuracy curves of one run, or of several runs on one chart, from their metrics.csv; or a run's decision regions or confusion matrix.")
        {
            runs, output, regions, confusion, x, y, data,
        };
        command.SetAction(p =>
        {
            string[] dirs = p.GetValue(runs)!;
            bool drawRegions = p.GetValue(regions), drawConfusion = p.GetValue(confusion);
            if (drawRegions && drawConfusion)
            {
                throw new OptionException(confusion.Name,
                    $"draw one picture at a time: give {regions.Name} or {confusion.Name}, not both.");
            }
            if (!drawRegions)
            {
                foreach (Option<string?> option in new[] { x, y, data })
                {
                    if (p.GetValue(option) is not null)
                        throw new OptionException(option.Name,
                            $"applies only to the decision regions; add {regions.Name}.");
                }
            }
            if ((drawRegions || drawConfusion) && dirs.Length != 1)
            {
                throw new OptionException((drawRegions ? regions : confusion).Name,
                    $"draws one run; {dirs.Length} run directories were given.");
            }
            string? requested = p.GetValue(output);

            string target;
            Action<string> draw;
            if (drawRegions || drawConfusion)
            {
                string dir = dirs[0];
                if (!Directory.Exists(dir)) throw new DataException(dir, 0, 0, "is not a directory; give a run directory written by 'irisnet train'.");
                target = requested ?? Path.Combine(dir, drawRegions ? "regions.png" : "confusion.png");
                draw = drawRegions ? Regions(dir, p.GetValue(x), p.GetValue(y), p.GetValue(data)) : Confusion(dir);
            }
            else
            {
                var curves = new List<(string, IReadOnlyList<EpochMetrics>)>();
                foreach (string dir in dirs)
                {
                    string metrics = Directory.Exists(dir) ? Path.Combine(dir, "metrics.csv") : dir;
                    if (!File.Exists(metrics)) throw new DataException(metrics, 0, 0, "not found; give a run directory written by 'irisnet train'.");
                    curves.Add((Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory.Exists(dir) ? dir : Path.GetDirectoryName(Path.GetFullPath(dir))!)), RunDirectory.ReadMetrics(metrics)));
                }
                target = requested ?? (dirs.Length == 1 && Directory.Exists(dirs[0]) ? Path.Combine(dirs[0], "curves.png") : "comparison.png");
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

    /// <summary>Reloads what train drew regions.png from: the model, the data (checked by its SHA-256) and the same stratified split.</summary>
    private static Action<string> Regions(string dir, string? x, string? y, string? dataFile)
    {
        string modelPath = Path.Combine(dir, "model.json");
        if (!File.Exists(modelPath)) throw new DataException(modelPath, 0, 0, "not found; the decision regions need the run's model (a run that failed saves none).");
        Model model = ModelJson.Load(modelPath);
        using JsonDocument summary = ReadSummary(dir);
        string summaryPath = Path.Combine(dir, "summary.json");
        JsonElement root = summary.RootElement;
        string? file = Find(root, "data", "file")?.GetString();
        string? sha = Find(root, "data", "sha256")?.GetString();
        string? label = Find(root, "data", "label")?.GetString();
        double testFraction = model.Options?.TestFraction ?? Find(root, "options", "test_fraction")?.GetDouble()
            ?? throw new DataException(summaryPath, 0, 0, "records no test_fraction; the run's split cannot be rebuilt.");
        ulong seed = model.Options?.Seed ?? Find(root, "options", "seed")?.GetUInt64()
            ?? throw new DataException(summaryPath, 0, 0, "records no seed; the run's split cannot be rebuilt.");
        string? path = dataFile ?? (file is null || file == DataSource.BundledName ? null : file);
        if (path is not null && !File.Exists(path))
            throw new DataException(path, 0, 0, $"the run's data file is not found (recorded in {summaryPath}); give it with --data FILE.");
        DataSource source = DataSource.Load(path, label ?? model.LabelName);
        if (sha is not null && dataFile is null && source.Sha256 != sha)
            throw new DataException(source.Name, 0, 0, $"has changed since the run (its SHA-256 differs from {summaryPath}); the training and test rows cannot be rebuilt. Give the original with --data FILE.");
        if (!source.Data.FeatureNames.SequenceEqual(model.FeatureNames) || !source.Data.ClassNames.SequenceEqual(model.ClassNames))
            throw new DataException(source.Name, 0, 0, $"its features or classes are not the model's ({string.Join(", ", model.FeatureNames)}; {string.Join(", ", model.ClassNames)}).");
        var (train, test) = source.Data.SplitStratified(testFraction, seed);
        Plots.ChooseFeatures(model, x, y); // report a wrong --x or --y before anything is written
        return tmp => Plots.Regions(model, train, test, tmp, x, y);
    }

    /// <summary>The confusion matrix summary.json records: of the test rows, or of the training rows when there were none.</summary>
    private static Action<string> Confusion(string dir)
    {
        string summaryPath = Path.Combine(dir, "summary.json");
        using JsonDocument summary = ReadSummary(dir);
        JsonElement root = summary.RootElement;
        try
        {
            string[] classes = root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
            JsonElement final = root.GetProperty("final");
            bool hasTest = final.TryGetProperty("test", out JsonElement set);
            if (!hasTest) set = final.GetProperty("train");
            int C = classes.Length;
            int[][] matrix;
            if (set.TryGetProperty("confusion_cells", out JsonElement cells))
            {
                // Above ConfusionDigest.DenseLimit classes summary.json keeps only the nonzero cells.
                matrix = Enumerable.Range(0, C).Select(_ => new int[C]).ToArray();
                foreach (JsonElement cell in cells.EnumerateArray())
                {
                    int[] c = cell.EnumerateArray().Select(v => v.GetInt32()).ToArray();
                    if (c.Length != 3 || (uint)c[0] >= (uint)C || (uint)c[1] >= (uint)C || c[2] < 0)
                        throw new DataException(summaryPath, 0, 0, $"its confusion_cells are not [actual, predicted, count] triples with class indices below {C} and non-negative counts.");
                    matrix[c[0]][c[1]] = c[2];
                }
            }
            else
            {
                matrix = set.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
                if (matrix.Length != C || matrix.Any(r => r.Length != C) || matrix.Any(r => r.Any(v => v < 0)))
                    throw new DataException(summaryPath, 0, 0, $"its confusion matrix is not {C}×{C} non-negative counts.");
            }
            var evaluation = new Evaluation(classes, matrix, double.NaN);
            string what = hasTest ? "test rows" : "training rows";
            return tmp => Plots.Confusion(evaluation, what, tmp);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataException(summaryPath, 0, 0, "holds no final confusion matrix (classes, final.test or final.train); it is from a run that did not finish.", e);
        }
    }

    private static JsonDocument ReadSummary(string dir)
    {
        string path = Path.Combine(dir, "summary.json");
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message} Give a run directory written by 'irisnet train'.", e);
        }
        catch (JsonException e)
        {
            throw new DataException(path, (int)(e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement? Find(JsonElement root, string obj, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(obj, out JsonElement o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty(name, out JsonElement v) && v.ValueKind is not JsonValueKind.Null ? v : null;
}
