using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

public static class PredictCommand
{
    public static Command Build()
    {
        Option<string> model = SharedOptions.Model();
        var features = new Option<string?>("--features") { Description = "One row of raw feature values, comma-separated, in the model's feature order", HelpName = "5.1,3.5,1.4,0.2" };
        Option<string?> data = SharedOptions.FeatureRows();
        Option<bool> json = SharedOptions.Json();
        var command = new Command("predict", "The predicted class and every class probability for each row.")
        {
            model, features, data, json,
        };
        command.Validators.Add(r =>
        {
            bool f = r.GetResult(features) is not null, d = r.GetResult(data) is not null;
            if (f == d) r.AddError($"give exactly one of {features.Name} or {data.Name}.");
        });
        command.SetAction(p =>
        {
            string modelPath = p.GetValue(model)!;
            Model m = ModelJson.Load(modelPath);
            double[][] rows = p.GetValue(features) is string text
                ? [ParseFeatures(text, m, features.Name)]
                : CsvLoader.LoadFeatures(p.GetValue(data)!, m.FeatureNames);
            double[][] probabilities = m.PredictProbabilities(rows);
            // A row whose probabilities are not finite (its features overflow the network) has no prediction.
            int[] failed = Enumerable.Range(0, rows.Length).Where(n => !probabilities[n].All(double.IsFinite)).ToArray();
            if (p.GetValue(json)) WriteJson(m, rows, probabilities);
            else WriteTable(m, probabilities);
            if (failed.Length == 0) return ExitCode.Success;
            Console.Error.WriteLine($"irisnet: error: {(rows.Length == 1 ? "the row" : $"{failed.Length} row(s) ({Rows(failed)})")}: {NotFinite}");
            return ExitCode.Usage;
        });
        return command;
    }

    private static double[] ParseFeatures(string text, Model m, string flag)
    {
        string[] parts = text.Split(',');
        if (parts.Length != m.FeatureNames.Count)
        {
            throw new OptionException(flag,
                $"{parts.Length} value(s) given; the model expects {m.FeatureNames.Count}: "
                + $"{string.Join(", ", m.FeatureNames)}.");
        }
        var values = new double[parts.Length];
        for (int d = 0; d < parts.Length; d++)
        {
            if (!double.TryParse(parts[d].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[d]) || !double.IsFinite(values[d]))
            {
                throw new OptionException(flag,
                    $"value {d + 1} ('{parts[d].Trim()}', {m.FeatureNames[d]}) is not a finite number such as 5.1.");
            }
        }
        return values;
    }

    private const string NotFinite = "the class probabilities are not finite numbers (a feature is too large for the model's weights), so there is no prediction; check the feature values.";

    private static string Rows(int[] failed) =>
        string.Join(", ", failed.Take(10).Select(n => (n + 1).ToString(CultureInfo.InvariantCulture))) + (failed.Length > 10 ? ", …" : "");

    private static bool Finite(double[] p) => p.All(double.IsFinite);

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
        foreach (string c in m.ClassNames) table.AddColumn(new TableColumn($"p({Terminal.Markup(c)})").RightAligned());
        for (int n = 0; n < probabilities.Length; n++)
        {
            bool finite = Finite(probabilities[n]);
            var cells = new List<string> { (n + 1).ToString(CultureInfo.InvariantCulture), finite ? Terminal.Markup(m.ClassNames[ArgMax(probabilities[n])]) : "(error)" };
            cells.AddRange(probabilities[n].Select(v => finite ? Format.F(v, 6) : "-"));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(Model m, double[][] rows, double[][] probabilities)
    {
        var predictions = new PredictOutput.Row[rows.Length];
        for (int n = 0; n < rows.Length; n++)
        {
            double[] p = probabilities[n];
            predictions[n] = Finite(p)
                ? new PredictOutput.Row(n + 1, rows[n], m.ClassNames[ArgMax(p)], m.ClassNames.Select((c, k) => (c, k)).ToDictionary(t => t.c, t => p[t.k], StringComparer.Ordinal), null)
                : new PredictOutput.Row(n + 1, rows[n], null, null, NotFinite);
        }
        CliJson.Print(new PredictOutput(m.ClassNames, predictions), CliJsonContext.Default.PredictOutput);
    }
}
