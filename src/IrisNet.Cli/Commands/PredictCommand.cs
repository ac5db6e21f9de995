using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet predict: the class and the class probabilities of each row, read, predicted and written
/// <see cref="BlockRows"/> rows at a time, so a file of any length needs the memory of one block.
/// </summary>
public static class PredictCommand
{
    /// <summary>Rows predicted at a time: the memory of predict --data is this many rows, whatever the file's
    /// length.</summary>
    public const int BlockRows = 4096;

    private const int ListedRows = 10;

    private const string NotFinite =
        "the class probabilities are not finite numbers (a feature is too large for the model's weights), so there " +
        "is no prediction; check the feature values.";

    public static Command Build()
    {
        Option<string> model = SharedOptions.Model();
        var features = new Option<string?>("--features")
        {
            Description =
            "One row of raw feature values, comma-separated, in the model's feature order",
            HelpName = "5.1,3.5,1.4,0.2"
        };
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
            IEnumerable<double[][]> blocks = p.GetValue(features) is string text
                ? [[ParseFeatures(text, m, features.Name)]]
                : CsvLoader.ReadFeatureBlocks(p.GetValue(data)!, m.FeatureNames, BlockRows);
            return Predict(m, blocks, p.GetValue(json));
        });
        return command;
    }

    /// <summary>
    /// Predicts the rows block by block and writes each block's lines before the next is read, through
    /// one buffered standard output. A bad row in the file ends the output where it is found, still a
    /// whole table or a valid JSON document (its <c>error</c> says why it ends early), and is then
    /// reported like any other error.
    /// </summary>
    private static int Predict(Model m, IEnumerable<double[][]> blocks, bool json)
    {
        using Stream stdout = StandardOutput.Open();
        using var text = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        using Utf8JsonWriter? writer = json ? new Utf8JsonWriter(stdout,
            new JsonWriterOptions { Indented = true }) : null;
        var failed = new List<int>();
        int failures = 0, count = 0;
        StreamedTable? table = null;
        IrisNetException? error = null;
        try
        {
            foreach (double[][] rows in blocks)
            {
                if (writer is not null && count == 0) StartJson(writer, m);
                if (writer is null) table ??= Table(text, m, rows.Length < BlockRows ? rows.Length : int.MaxValue);
                double[][] probabilities = m.PredictProbabilities(rows);
                for (int i = 0; i < rows.Length; i++)
                {
                    int n = ++count;
                    double[] p = probabilities[i];
                    bool finite = p.All(double.IsFinite);
                    if (!finite && failures++ < ListedRows) failed.Add(n);
                    if (writer is not null) JsonSerializer.Serialize(writer, Row(m, n, rows[i], p, finite),
                        CliJsonContext.Default.Row);
                    else table!.Row([n.ToString(CultureInfo.InvariantCulture),
                        finite ? Terminal.Escape(m.ClassNames[ArgMax(p)]) : "(error)",
                        .. p.Select(v => finite ? Format.F(v, 6) : "-")]);
                }
                writer?.Flush();
            }
        }
        catch (IrisNetException e) when (e is not StandardOutputException)
        {
            error = e; // the rows before it are written; the output is closed properly below
        }
        if (writer is not null)
        {
            if (count == 0) StartJson(writer, m);
            writer.WriteEndArray();
            if (error is not null) writer.WriteString("error", error.Message);
            writer.WriteEndObject();
            writer.Flush();
            stdout.WriteByte((byte)'\n');
        }
        else table?.End();
        text.Flush();
        if (error is not null) throw error;
        if (failures == 0) return ExitCode.Success;
        string which = count == 1 ? "the row"
            : $"{failures} row(s) " +
                $"({string.Join(", ", failed.Select(n => n.ToString(CultureInfo.InvariantCulture)))}{(failures > ListedRows ? ", …" : "")})";
        Console.Error.WriteLine($"irisnet: error: {which}: {NotFinite}");
        return ExitCode.Usage;
    }

    private static void StartJson(Utf8JsonWriter writer, Model m)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("classes");
        foreach (string c in m.ClassNames) writer.WriteStringValue(c);
        writer.WriteEndArray();
        writer.WriteStartArray("predictions");
    }

    private static PredictOutput.Row Row(Model m, int n, double[] features, double[] p, bool finite) => finite
        ? new PredictOutput.Row(n, features, m.ClassNames[ArgMax(p)], m.ClassNames.Select((c, k) => (c,
            k)).ToDictionary(t => t.c, t => p[t.k], StringComparer.Ordinal), null)
        : new PredictOutput.Row(n, features, null, null, NotFinite);

    /// <summary>
    /// The table's columns: row (as wide as the row count when the rows fit in one block, else as wide
    /// as any row number), class, and one right-aligned probability per class.
    /// </summary>
    private static StreamedTable Table(TextWriter output, Model m, int rows)
    {
        var columns = new List<(string, int, bool)>
        {
            ("row", rows.ToString(CultureInfo.InvariantCulture).Length, false),
            ("class", Math.Max("(error)".Length, m.ClassNames.Max(c => Terminal.Escape(c).GetCellWidth())), false),
        };
        columns.AddRange(m.ClassNames.Select(c => ($"p({Terminal.Escape(c)})", "0.000000".Length, true)));
        return new StreamedTable(output, columns);
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
            string part = parts[d].Trim();
            if (part.Contains('\0', StringComparison.Ordinal) || !double.TryParse(part, NumberStyles.Float,
                CultureInfo.InvariantCulture, out values[d])
                || !double.IsFinite(values[d]))
            {
                throw new OptionException(flag,
                    $"value {d + 1} ('{(part.Length > 40 ? part[..40] + "…" : part)}', {m.FeatureNames[d]}) is not a " +
                        $"finite number such as 5.1.");
            }
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
}
