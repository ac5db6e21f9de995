using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Plotting;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Explain;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet explain: one observation and one training step, every chain-rule factor beside its
/// finite-difference estimate, with the equation numbers of docs/derivation.md.
/// </summary>
public static class ExplainCommand
{
    public static Command Build()
    {
        var sample = new Option<int>("--sample")
        {
            Description = "1-based row of the data to explain",
            DefaultValueFactory = _ => 1,
            HelpName = "I"
        };
        Option<string?> model = SharedOptions.ModelToExplain();
        Option<bool> json = SharedOptions.Json();
        Option<string?> graph = SharedOptions.GraphFile();
        var shared = new ModelOptionSet();
        var command = new Command("explain",
            "Walk through one observation and one training step: forward values, every chain-rule factor beside its " +
            "finite-difference estimate, the diagonal-only softmax shortcut for contrast, and the update of every " +
            "parameter with the sample's loss before and after.")
        {
            sample, model,
        };
        // The network and step options are train's own (one definition, in ModelOptionSet).
        foreach (Option o in new Option[] { shared.Data, shared.Label, shared.Hidden, shared.Activation, shared.Bias,
            shared.LearningRate, shared.Momentum, shared.L2, shared.Seed, shared.Standardize })
            command.Options.Add(o);
        shared.Optimizer.AddTo(command, schedule: false);
        command.Options.Add(json);
        command.Options.Add(graph);
        command.SetAction(p =>
        {
            string? graphPath = p.GetValue(graph);
            bool svg = graphPath is not null && PictureFile.Check(graphPath, graph.Name, svg: true);
            string? modelPath = p.GetValue(model);
            TrainingOptions options = shared.Read(p).Options;
            NetworkShape shape;
            InitialWeights weights;
            Standardization st;
            Dataset rows;
            if (modelPath is not null)
            {
                foreach (Option o in new Option[] { shared.Hidden, shared.Activation, shared.Bias, shared.Seed,
                    shared.Standardize })
                {
                    if (p.GetResult(o) is { Implicit: false })
                        throw new OptionException(o.Name,
                            $"the network comes from {model.Name} {modelPath}; drop {o.Name}.");
                }
                Model m = ModelJson.Load(modelPath);
                rows = DataSource.LoadForModel(p.GetValue(shared.Data), m, p.GetValue(shared.Label));
                shape = m.Shape;
                weights = m.ToInitialWeights();
                st = m.Standardization;
                // The step uses the model's own η, μ and λ unless given here.
                TrainingOptions trained = m.Options ?? new TrainingOptions();
                options = options with
                {
                    LearningRate = p.GetResult(shared.LearningRate) is { Implicit: false } ? options.LearningRate
                        : trained.LearningRate,
                    Momentum = p.GetResult(shared.Momentum) is { Implicit: false } ? options.Momentum
                        : trained.Momentum,
                    L2 = p.GetResult(shared.L2) is { Implicit: false } ? options.L2 : trained.L2,
                };
                // So are the optimizer and its parameters.
                OptimizerOptionSet oo = shared.Optimizer;
                if (p.GetResult(oo.Optimizer) is not { Implicit: false })
                {
                    options = options with
                    {
                        Optimizer = trained.Optimizer,
                        Beta1 = trained.Beta1,
                        Beta2 = trained.Beta2,
                        Epsilon = trained.Epsilon,
                        WeightDecay = trained.WeightDecay,
                    };
                }
            }
            else
            {
                rows = shared.LoadData(p).Data;
                shape = new NetworkShape(rows.FeatureCount, options.Hidden, rows.ClassCount, options.Bias,
                    options.Activation);
                weights = Trainer.Initialize(shape, options.Seed);
                st = options.Standardize ? Standardization.Fit(rows) : Standardization.None(rows.FeatureCount);
            }
            int index = p.GetValue(sample);
            if (index < 1 || index > rows.Count)
                throw new OptionException(sample.Name,
                    $"{index} is outside 1..{rows.Count}, the rows of {rows.Source}.");
            double[] x = rows.Features[index - 1].Select((v, d) => st.Apply(v, d)).ToArray();
            Explanation e = Explainer.Explain(shape, weights, x, rows.Labels[index - 1], rows.FeatureNames,
                rows.ClassNames, options);
            if (graphPath is not null)
            {
                GraphSheet sheet = GraphSheets.FromExplanation(e, weights, index,
                    rows.Source is string file ? Path.GetFileName(file) : "the data", rows.FeatureNames,
                    rows.ClassNames);
                PictureFile.Write(graphPath, graph.Name, tmp => Plots.Graph(sheet, tmp, svg));
            }
            if (p.GetValue(json)) CliJson.Print(ExplainOutput.From(e, index, rows),
                CliJsonContext.Default.ExplainOutput);
            else
            {
                WriteTables(e, index, rows);
                if (graphPath is not null) AnsiConsole.WriteLine($"Computation graph: wrote {graphPath}");
            }
            return ExitCode.Success;
        });
        return command;
    }

    private static void WriteTables(Explanation e, int index, Dataset rows)
    {
        NetworkShape s = e.Shape;
        AnsiConsole.WriteLine($"Sample {index} of {Terminal.Escape(rows.Source)}: class " +
            $"'{Terminal.Escape(rows.ClassNames[e.Label])}'. Shapes: D = {s.D}, H = {s.H}, C = {s.C}; "
            + $"A {s.H}×{s.D}, B {s.C}×{s.H}{(s.Bias ? $", a {s.H}, b {s.C}" : ", no biases")}; activation " +
                $"{Names.Of(s.Activation)}.");
        AnsiConsole.WriteLine("Equation numbers refer to docs/derivation.md. Differences are analytic − finite " +
            "difference (central; ε = 1e-5, relative to ŷ for ∂ℓ/∂ŷ).");
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine("Forward pass");
        foreach (Quantity q in e.Forward) Write(q, null);
        AnsiConsole.WriteLine("Backward pass: each factor beside its finite-difference estimate");
        foreach (Quantity q in e.Backward) Write(q, "finite difference");
        AnsiConsole.WriteLine("For contrast, the diagonal-only shortcut ∂ŷ_r/∂s_r = ŷ_r(1 − ŷ_r) (docs/derivation.md " +
            "§4)");
        foreach (Quantity q in e.Shortcut) Write(q, "correct");
        TrainingStep step = e.Step;
        AnsiConsole.WriteLine($"One training step on this sample alone (N = 1), {step.Rule}: "
            + $"η = {step.LearningRate.ToString("R", CultureInfo.InvariantCulture)}, "
            + $"λ = {step.L2.ToString("R", CultureInfo.InvariantCulture)} (L2) on A and B only");
        foreach (Quantity q in step.Quantities) Write(q, null);
        AnsiConsole.WriteLine($"Loss of this sample: ℓ = {N(step.LossBefore)} before the step, {N(step.LossAfter)} " +
            $"after ({D(step.LossAfter - step.LossBefore)}).");
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
                var cells = new List<string> { Terminal.Markup(q.RowLabels[r]), N(q.Value[r]) };
                if (q.Numeric is not null)
                {
                    cells.Add(N(q.Numeric[r]));
                    cells.Add(q.Notes?[r] is null ? D(q.Value[r] - q.Numeric[r]) : "see note");
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
        if (q.Numeric is not null)
        {
            for (int i = 0; i < q.Value.Length; i++)
            {
                if (q.Notes?[i] is string note)
                {
                    string at = q.Cols == 1 ? q.RowLabels[i / q.Cols]
                        : $"{q.RowLabels[i / q.Cols]}, {q.ColLabels[i % q.Cols]}";
                    AnsiConsole.WriteLine($"  note ({Markup.Escape(at)}): {note}");
                }
            }
            string noted = q.NotedEntries > 0 ? $" over the {q.Value.Length - q.NotedEntries} entries without a note"
                : "";
            AnsiConsole.WriteLine($"  max |difference| = {D(q.MaxAbsDifference)}{noted}");
        }
        AnsiConsole.WriteLine();
    }

    private static Table Matrix(Quantity q, double[] values)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("");
        foreach (string c in q.ColLabels) table.AddColumn(new TableColumn(Terminal.Markup(c)).RightAligned());
        for (int r = 0; r < q.Rows; r++)
        {
            var cells = new List<string> { Terminal.Markup(q.RowLabels[r]) };
            for (int c = 0; c < q.Cols; c++) cells.Add(N(values[r * q.Cols + c]));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static string N(double v) => double.IsFinite(v)
        ? Format.F(v == 0 ? 0.0 : v, 6) // no "-0"
        : double.IsNegativeInfinity(v) ? "−∞" : "∞";

    private static string D(double v) => (v == 0 ? 0.0 : v).ToString("0.0E+0", CultureInfo.InvariantCulture);
}
