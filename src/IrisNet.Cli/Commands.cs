using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IrisNet.Data;
using Spectre.Console;

namespace IrisNet.Cli;

public static class EvaluateCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "A saved model.json", Required = true, HelpName = "MODEL" };
        var data = new Option<string?>("--data") { Description = "Labelled CSV with the model's feature columns [default: the bundled Iris data]", HelpName = "FILE" };
        var label = new Option<string?>("--label") { Description = "Label column [default: the model's]", HelpName = "COLUMN" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var command = new Command("evaluate", "Loss, accuracy, confusion matrix and per-class precision, recall and F1 of a saved model on labelled data.")
        {
            model, data, label, json,
        };
        command.SetAction(p =>
        {
            Model m = ModelJson.Load(p.GetValue(model)!);
            Dataset d = DataSource.LoadForModel(p.GetValue(data), m, p.GetValue(label));
            Evaluation e = m.Evaluate(d);
            if (p.GetValue(json))
            {
                using var stream = Console.OpenStandardOutput();
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("model", p.GetValue(model));
                w.WriteString("data", d.Source);
                w.WriteNumber("rows", e.Count);
                w.WriteNumber("loss", e.Loss);
                w.WriteNumber("accuracy", e.Accuracy);
                JsonOut.Strings(w, "classes", e.ClassNames);
                JsonOut.Counts(w, "confusion", e.Confusion);
                w.WriteEndObject();
                w.Flush();
                stream.WriteByte((byte)'\n');
                return ExitCode.Success;
            }
            AnsiConsole.WriteLine($"{d.Source}: {e.Count} rows, loss {Format.F(e.Loss, 6)}, accuracy {Format.F(e.Accuracy)}");
            AnsiConsole.Write(Report.Confusion(e, "evaluated rows"));
            return ExitCode.Success;
        });
        return command;
    }
}

public static class PredictCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "A saved model.json", Required = true, HelpName = "MODEL" };
        var features = new Option<string?>("--features") { Description = "One row of raw feature values, comma-separated, in the model's feature order", HelpName = "5.1,3.5,1.4,0.2" };
        var data = new Option<string?>("--data") { Description = "CSV whose header names the model's feature columns (a label column is not needed)", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var command = new Command("predict", "The predicted class and every class probability for each row.")
        {
            model, features, data, json,
        };
        command.Validators.Add(r =>
        {
            bool f = r.GetResult(features) is not null, d = r.GetResult(data) is not null;
            if (f == d) r.AddError("give exactly one of --features or --data.");
        });
        command.SetAction(p =>
        {
            string modelPath = p.GetValue(model)!;
            Model m = ModelJson.Load(modelPath);
            double[][] rows = p.GetValue(features) is string text
                ? [ParseFeatures(text, m)]
                : CsvLoader.LoadFeatures(p.GetValue(data)!, m.FeatureNames);
            double[][] probabilities = m.PredictProbabilities(rows);
            if (p.GetValue(json)) WriteJson(m, rows, probabilities);
            else WriteTable(m, probabilities);
            return ExitCode.Success;
        });
        return command;
    }

    private static double[] ParseFeatures(string text, Model m)
    {
        string[] parts = text.Split(',');
        if (parts.Length != m.FeatureNames.Count)
            throw new OptionException("--features", $"{parts.Length} value(s) given; the model expects {m.FeatureNames.Count}: {string.Join(", ", m.FeatureNames)}.");
        var values = new double[parts.Length];
        for (int d = 0; d < parts.Length; d++)
        {
            if (!double.TryParse(parts[d].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[d]) || !double.IsFinite(values[d]))
                throw new OptionException("--features", $"value {d + 1} ('{parts[d].Trim()}', {m.FeatureNames[d]}) is not a finite number such as 5.1.");
        }
        return values;
    }

    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int k = 1; k < p.Length; k++)
        {
            if (p[k] > p[best]) best = k;
        }
        return best;
    }

    private static void WriteTable(Model m, double[][] probabilities)
    {
        var table = new Table();
        table.AddColumn("row");
        table.AddColumn("class");
        foreach (string c in m.ClassNames) table.AddColumn(new TableColumn($"p({Markup.Escape(c)})").RightAligned());
        for (int n = 0; n < probabilities.Length; n++)
        {
            var cells = new List<string> { (n + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(m.ClassNames[ArgMax(probabilities[n])]) };
            cells.AddRange(probabilities[n].Select(v => Format.F(v, 6)));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(Model m, double[][] rows, double[][] probabilities)
    {
        using var stream = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            JsonOut.Strings(w, "classes", m.ClassNames);
            w.WriteStartArray("predictions");
            for (int n = 0; n < rows.Length; n++)
            {
                w.WriteStartObject();
                w.WriteNumber("row", n + 1);
                w.WriteStartArray("features");
                foreach (double v in rows[n]) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteString("class", m.ClassNames[ArgMax(probabilities[n])]);
                w.WriteStartObject("probabilities");
                for (int k = 0; k < m.ClassNames.Count; k++) w.WriteNumber(m.ClassNames[k], probabilities[n][k]);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}

public static class GradcheckCommand
{
    public static Command Build()
    {
        var set = new ModelOptionSet();
        var tolerance = new Option<double>("--tolerance") { Description = "Largest accepted relative error", DefaultValueFactory = _ => 1e-6 };
        var epsilon = new Option<double>("--epsilon") { Description = "Finite-difference step ε", DefaultValueFactory = _ => GradientCheck.DefaultEpsilon };
        var command = new Command("gradcheck", "Compare the backward pass with central finite differences (float64) over every parameter; exit 1 above tolerance.");
        set.AddTo(command, training: false);
        command.Options.Add(tolerance);
        command.Options.Add(epsilon);
        command.SetAction(p =>
        {
            var (options, init) = set.Read(p);
            DataSource source = set.LoadData(p);
            double eps = p.GetValue(epsilon), tol = p.GetValue(tolerance);
            if (!(eps > 0 && eps < 1)) throw new OptionException("--epsilon", $"{eps} is outside (0, 1); use for example 1e-6.");
            if (!(tol > 0)) throw new OptionException("--tolerance", $"{tol} is not positive; use for example 1e-6.");
            IReadOnlyList<TensorCheck> report = GradientCheck.Run(source.Data, options, init, eps);
            var table = new Table().Title($"Gradient check on {Markup.Escape(source.Name)} ({source.Data.Count} rows, ε = {Format.R(eps)})");
            table.AddColumns("tensor", "max relative error", "at index", "analytic", "numeric", "verdict");
            foreach (TensorCheck t in report)
            {
                table.AddRow(t.Name, t.MaxRelativeError.ToString("E3", CultureInfo.InvariantCulture), t.Index.ToString(CultureInfo.InvariantCulture),
                    t.Analytic.ToString("E6", CultureInfo.InvariantCulture), t.Numeric.ToString("E6", CultureInfo.InvariantCulture),
                    t.MaxRelativeError <= tol ? "ok" : "FAIL");
            }
            AnsiConsole.Write(table);
            double worst = report.Max(t => t.MaxRelativeError);
            AnsiConsole.WriteLine(worst <= tol
                ? $"passed: largest relative error {worst:E3} <= tolerance {tol:E1}"
                : $"failed: largest relative error {worst:E3} > tolerance {tol:E1}");
            return worst <= tol ? ExitCode.Success : ExitCode.Failure;
        });
        return command;
    }
}

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
