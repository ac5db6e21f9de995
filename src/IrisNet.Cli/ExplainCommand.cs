using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace IrisNet.Cli;

/// <summary>
/// irisnet explain: one observation and one training step, every chain-rule factor beside its
/// finite-difference estimate, with the equation numbers of docs/derivation.md.
/// </summary>
public static class ExplainCommand
{
    public static Command Build()
    {
        var sample = new Option<int>("--sample") { Description = "1-based row of the data to explain", DefaultValueFactory = _ => 1, HelpName = "I" };
        var model = new Option<string?>("--model") { Description = "Explain a saved model.json [default: a fresh network initialized from --seed]", HelpName = "M" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the fresh network's initial weights", DefaultValueFactory = _ => 42, HelpName = "S" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of the fresh network (small, so every matrix fits on screen)", DefaultValueFactory = _ => 4, HelpName = "H" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation of the fresh network", DefaultValueFactory = _ => "identity" };
        ModelOptionSet.OneOf<Activation>(activation);
        var bias = new Option<bool>("--bias") { Description = "Biases in the fresh network [default: true]", DefaultValueFactory = _ => true, HelpName = "true|false" };
        var data = new Option<string?>("--data") { Description = "Labelled CSV [default: the bundled Iris data]", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output with the same content" };
        var command = new Command("explain", "Walk through one observation and one training step: forward values, every chain-rule factor beside its finite-difference estimate, and the diagonal-only softmax shortcut for contrast.")
        {
            sample, model, seed, hidden, activation, bias, data, json,
        };
        command.SetAction(p =>
        {
            string? modelPath = p.GetValue(model);
            NetworkShape shape;
            InitialWeights weights;
            Standardization st;
            Dataset rows;
            if (modelPath is not null)
            {
                Model m = ModelJson.Load(modelPath);
                rows = DataSource.LoadForModel(p.GetValue(data), m, null);
                shape = m.Shape;
                weights = m.ToInitialWeights();
                st = m.Standardization;
            }
            else
            {
                rows = DataSource.Load(p.GetValue(data), null).Data;
                int H = p.GetValue(hidden);
                if (H <= 0 || H > 1024) throw new OptionException("--hidden", $"{H} is outside 1..1024; explain prints every matrix, so keep it small.");
                Names.TryParse(p.GetValue(activation), out Activation f);
                shape = new NetworkShape(rows.FeatureCount, H, rows.ClassCount, p.GetValue(bias), f);
                weights = Trainer.Initialize(shape, p.GetValue(seed));
                st = Standardization.Fit(rows);
            }
            int index = p.GetValue(sample);
            if (index < 1 || index > rows.Count)
                throw new OptionException("--sample", $"{index} is outside 1..{rows.Count}, the rows of {rows.Source}.");
            double[] x = rows.Features[index - 1].Select((v, d) => st.Apply(v, d)).ToArray();
            Explanation e = Explainer.Explain(shape, weights, x, rows.Labels[index - 1], rows.FeatureNames, rows.ClassNames);
            if (p.GetValue(json)) WriteJson(e, index, rows);
            else WriteTables(e, index, rows);
            return ExitCode.Success;
        });
        return command;
    }

    private static void WriteTables(Explanation e, int index, Dataset rows)
    {
        NetworkShape s = e.Shape;
        AnsiConsole.WriteLine($"Sample {index} of {rows.Source}: class '{rows.ClassNames[e.Label]}'. Shapes: D = {s.D}, H = {s.H}, C = {s.C}; "
            + $"A {s.H}×{s.D}, B {s.C}×{s.H}{(s.Bias ? $", a {s.H}, b {s.C}" : ", no biases")}; activation {Names.Of(s.Activation)}.");
        AnsiConsole.WriteLine("Equation numbers refer to docs/derivation.md. Differences are analytic − finite difference (central, ε = 1e-5).");
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine("Forward pass");
        foreach (Quantity q in e.Forward) Write(q, null);
        AnsiConsole.WriteLine("Backward pass: each factor beside its finite-difference estimate");
        foreach (Quantity q in e.Backward) Write(q, "finite difference");
        AnsiConsole.WriteLine("For contrast, the diagonal-only shortcut ∂ŷ_r/∂s_r = ŷ_r(1 − ŷ_r) (docs/derivation.md §4)");
        foreach (Quantity q in e.Shortcut) Write(q, "correct");
    }

    private static void Write(Quantity q, string? other)
    {
        string shape = q.Rows == 1 && q.Cols == 1 ? "scalar" : q.Cols == 1 ? $"{q.Rows}" : $"{q.Rows}×{q.Cols}";
        AnsiConsole.WriteLine($"({q.Equation}) {q.Symbol}   [{shape}]");
        if (q.Cols == 1)
        {
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("");
            table.AddColumn(new TableColumn("value").RightAligned());
            if (q.Numeric is not null)
            {
                table.AddColumn(new TableColumn(other!).RightAligned());
                table.AddColumn(new TableColumn("difference").RightAligned());
            }
            for (int r = 0; r < q.Rows; r++)
            {
                var cells = new List<string> { Markup.Escape(q.RowLabels[r]), N(q.Value[r]) };
                if (q.Numeric is not null)
                {
                    cells.Add(N(q.Numeric[r]));
                    cells.Add(D(q.Value[r] - q.Numeric[r]));
                }
                table.AddRow(cells.ToArray());
            }
            AnsiConsole.Write(table);
        }
        else
        {
            AnsiConsole.Write(Matrix(q, q.Value));
            if (q.Numeric is not null)
            {
                AnsiConsole.WriteLine($"  {other}:");
                AnsiConsole.Write(Matrix(q, q.Numeric));
            }
        }
        if (q.Numeric is not null) AnsiConsole.WriteLine($"  max |difference| = {D(q.MaxAbsDifference)}");
        AnsiConsole.WriteLine();
    }

    private static Table Matrix(Quantity q, double[] values)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("");
        foreach (string c in q.ColLabels) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        for (int r = 0; r < q.Rows; r++)
        {
            var cells = new List<string> { Markup.Escape(q.RowLabels[r]) };
            for (int c = 0; c < q.Cols; c++) cells.Add(N(values[r * q.Cols + c]));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static string N(double v) => (v == 0 ? 0.0 : v).ToString("0.000000", CultureInfo.InvariantCulture); // no "-0"

    private static string D(double v) => (v == 0 ? 0.0 : v).ToString("0.0E+0", CultureInfo.InvariantCulture);

    private static void WriteJson(Explanation e, int index, Dataset rows) => CliJson.Print(new ExplainOutput(index, rows.Source, rows.ClassNames[e.Label],
        new ExplainOutput.ShapeBlock(e.Shape.D, e.Shape.H, e.Shape.C, e.Shape.Bias, e.Shape.Activation), e.Loss,
        e.Forward.Select(q => ExplainOutput.QuantityJson.From(q, null)).ToArray(),
        e.Backward.Select(q => ExplainOutput.QuantityJson.From(q, "finite_difference")).ToArray(),
        e.Shortcut.Select(q => ExplainOutput.QuantityJson.From(q, "correct")).ToArray()), CliJsonContext.Default.ExplainOutput);
}
