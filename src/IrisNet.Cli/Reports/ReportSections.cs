using System.Text.Json;
using IrisNet.Cli.Output;

namespace IrisNet.Cli.Reports;

/// <summary>The tables a run's or a cross-validation's summary.json yields, as page sections.</summary>
internal static class ReportSections
{
    public static string Loss(double v) => Format.F(v, 6);

    public static string Accuracy(double v) => Format.F(v, 4);

    /// <summary>The final scores on each set of rows summary.json records (train, test, validation).</summary>
    public static void FinalScores(Html h, SummaryJson s)
    {
        var rows = new List<IReadOnlyList<Cell>>();
        foreach (string set in new[] { "train", "test", "validation" })
        {
            if (s.Get("final", set) is not JsonElement e) continue;
            rows.Add([set, Count(e, "rows"), Number(e, "loss", Loss), Number(e, "accuracy", Accuracy)]);
        }
        if (rows.Count == 0)
        {
            h.Element("p", s.String("status") == "running"
                ? "The run is still training: summary.json has no final scores yet."
                : "summary.json records no final scores (the run produced no model).", "note");
            return;
        }
        h.Table("Final weights", ["", "rows", "loss", "accuracy"], rows);
    }

    /// <summary>The confusion matrix and per-class scores of the test rows, else of the training rows.</summary>
    public static void Confusion(Html h, SummaryJson s)
    {
        bool test = s.Get("final", "test") is not null;
        if (s.Get("final", test ? "test" : "train") is not JsonElement set) return;
        ConfusionOf(h, set, s.Strings("classes"), test ? "test rows" : "training rows");
    }

    /// <summary>An evaluation's matrix (above 30 classes its largest errors) and per-class scores.</summary>
    public static void ConfusionOf(Html h, JsonElement set, IReadOnlyList<string> classes, string what)
    {
        if (SummaryJson.Find(set, "confusion") is { ValueKind: JsonValueKind.Array } matrix)
        {
            var rows = new List<IReadOnlyList<Cell>>();
            int i = 0;
            foreach (JsonElement row in matrix.EnumerateArray())
            {
                var cells = new List<Cell> { new(Name(classes, i)) };
                int j = 0;
                foreach (JsonElement v in row.EnumerateArray())
                {
                    cells.Add(new Cell(SummaryJson.Display(v) ?? "", null, i == j ? "num diag" : "num"));
                    j++;
                }
                rows.Add(cells);
                i++;
            }
            var head = new List<Cell> { "actual \\ predicted" };
            head.AddRange(classes.Select(c => new Cell(c)));
            h.Table($"Confusion matrix, {what} (rows: actual class; columns: predicted)", head, rows);
        }
        else if (SummaryJson.Find(set, "confusion_cells") is { ValueKind: JsonValueKind.Array } cells)
        {
            var errors = cells.EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetInt32()).ToArray())
                .Where(c => c.Length == 3 && c[0] != c[1]).OrderByDescending(c => c[2]).Take(50)
                .Select(c => (IReadOnlyList<Cell>)[Name(classes, c[0]), Name(classes, c[1]),
                    Cell.Number(SummaryJson.I(c[2]), c[2])]).ToArray();
            h.Table($"Most frequent confusions, {what} ({classes.Count} classes: the whole matrix is in summary.json)",
                ["actual", "predicted", "rows"], errors);
        }
        if (SummaryJson.Find(set, "per_class") is { ValueKind: JsonValueKind.Object } perClass)
        {
            var rows = perClass.EnumerateObject().Select(p => (IReadOnlyList<Cell>)[p.Name,
                Number(p.Value, "precision", Accuracy), Number(p.Value, "recall", Accuracy),
                Number(p.Value, "f1", Accuracy)]).ToArray();
            h.Table($"Per-class scores, {what}", ["class", "precision", "recall", "F1"], rows);
        }
    }

    /// <summary>Name = value for every scalar of summary.json's "options".</summary>
    public static void Options(Html h, SummaryJson s)
    {
        var rows = s.Scalars("options").Select(o => (IReadOnlyList<Cell>)[o.Name, o.Value]).ToArray();
        if (rows.Length > 0) h.Table("Options", ["option", "value"], rows);
    }

    /// <summary>The data file, its hash, the split and the feature and class names.</summary>
    public static void Data(Html h, SummaryJson s)
    {
        var rows = s.Scalars("data").Select(o => (IReadOnlyList<Cell>)[o.Name, o.Value]).ToList();
        IReadOnlyList<string> features = s.Strings("features"), classes = s.Strings("classes");
        if (features.Count > 0) rows.Add(["features", string.Join(", ", features)]);
        if (classes.Count > 0) rows.Add(["classes", string.Join(", ", classes)]);
        if (rows.Count > 0) h.Table("Data", ["", "value"], rows);
    }

    public static void Pictures(Html h, IReadOnlyList<Picture> pictures)
    {
        if (pictures.Count == 0) return;
        h.Raw("<div class=\"pictures\">");
        foreach (Picture p in pictures)
        {
            h.Raw("<figure><img alt=\"").Text(p.Caption).Raw("\" src=\"data:image/png;base64,")
                .Raw(Convert.ToBase64String(p.Png))
                .Raw("\"><figcaption>").Text(p.Caption).Raw("</figcaption></figure>");
        }
        h.Raw("</div>\n");
    }

    /// <summary>The status summary.json gives, with its stop reason and error; marked unless "completed".</summary>
    public static void Status(Html h, SummaryJson? s)
    {
        string status = s?.String("status") ?? "no summary.json";
        h.Element("span", status, status == "completed" ? "status" : "status bad");
        if (s?.String("stop_reason") is string reason && reason != status) h.Text($" ({reason.Replace('_', ' ')})");
        if (s?.String("error") is string error) h.Text(" " + error);
    }

    private static string Name(IReadOnlyList<string> classes, int i) =>
        i < classes.Count ? classes[i] : SummaryJson.I(i);

    private static Cell Count(JsonElement e, string name) =>
        SummaryJson.Find(e, name) is { ValueKind: JsonValueKind.Number } v
            ? Cell.Number(v.GetRawText(), v.GetDouble()) : "";

    public static Cell Number(JsonElement e, string name, Func<double, string> format) =>
        SummaryJson.Find(e, name) is { ValueKind: JsonValueKind.Number } v
            ? Cell.Number(format(v.GetDouble()), v.GetDouble()) : "";
}
