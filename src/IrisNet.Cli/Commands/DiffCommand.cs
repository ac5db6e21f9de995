using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Plotting;
using IrisNet.Errors;
using IrisNet.Interop.NumPy;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Tracing;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet diff: compares a user's trace with the reference recomputed in float64 from the user's own
/// starting weights and data, quantity by quantity (forward, then backward, then the update), names the
/// first that disagrees and the catalogued mistakes that reproduce it. Exit 0 all agree, 1 a difference,
/// 2 a malformed file.
/// </summary>
public static class DiffCommand
{
    public static Command Build()
    {
        var theirs = UsageErrors.NonEmptyPaths(new Argument<string>("THEIRS")
        {
            Description = "Your trace, JSON or NumPy .npz, in the format of docs/trace-format.md "
                + "(every quantity optional but the data and starting weights)",
        }, "irisnet diff trace.json");
        Option<double> tolerance = SharedOptions.TraceTolerance();
        Option<string?> graph = SharedOptions.GraphFile();
        var command = new Command("diff",
            "Compare your own implementation's trace with the reference, recomputed from your starting weights and " +
            "data: a table per quantity, the first that disagrees, and the known mistakes that reproduce it.")
        {
            theirs, tolerance, graph,
        };
        command.SetAction(p =>
        {
            double tol = p.GetValue(tolerance);
            if (!(tol >= 0 && tol < 1))
                throw new OptionException(tolerance.Name,
                    $"{tol} is outside [0, 1); use for example {tolerance.Name} 1e-6.");
            string? graphPath = p.GetValue(graph);
            bool svg = graphPath is not null && PictureFile.Check(graphPath, graph.Name, svg: true);
            string path = p.GetValue(theirs)!;
            TraceFile trace = NpzArchive.IsNpz(path) ? NpzTrace.Load(path) : TraceJson.Load(path);
            DiffReport report = TraceDiff.Compare(trace, tol);
            Print(path, trace, report);
            if (graphPath is not null)
            {
                GraphSheet sheet = GraphSheets.FromDiff(path, trace, report);
                PictureFile.Write(graphPath, graph.Name, tmp => Plots.Graph(sheet, tmp, svg));
                Console.WriteLine($"computation graph of the first difference: wrote {graphPath}");
            }
            return report.Matches ? ExitCode.Success : ExitCode.Failure;
        });
        return command;
    }

    private static void Print(string path, TraceFile trace, DiffReport report)
    {
        NetworkShape s = trace.Shape;
        TraceSettings o = trace.Settings;
        Console.WriteLine($"{path} against the reference, recomputed in float64 from the file's own starting " +
            $"weights, data and batches");
        Console.WriteLine($"network: D = {s.D}, H = {s.H}, C = {s.C}, {Names.Of(s.Activation)}, " +
            $"{(s.Bias ? "biases" : "no biases")}; " +
            $"η = {Format.R(o.LearningRate)}, μ = {Format.R(o.Momentum)}, λ = {Format.R(o.L2)}; {trace.Steps.Count} " +
                $"step(s), N = {trace.Data.Count} row(s)");
        var table = new Table();
        table.AddColumns("step", "quantity", "eq.", "shape", "max abs diff", "max rel diff", "verdict");
        foreach (DiffRow r in report.Rows)
        {
            bool shapeDiffers = !r.Shape.SequenceEqual(r.ReferenceShape);
            string verdict = r.Agrees ? "agrees" : shapeDiffers ?
                $"DIFFERS: shape, reference {TraceTensor.FormatShape(r.ReferenceShape)}" : "DIFFERS";
            string[] cells = [r.Step.ToString(CultureInfo.InvariantCulture), r.Name, $"({r.Equation})",
                TraceTensor.FormatShape(r.Shape),
                shapeDiffers ? "-" : E(r.MaxAbsolute), shapeDiffers ? "-" : E(r.MaxRelative), verdict];
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"tolerance: relative difference max_i|theirs_i − ref_i| / max_i|ref_i| ≤ " +
            $"{E(report.Tolerance)}");
        if (report.First is not DiffRow first)
        {
            Console.WriteLine($"match: all {report.Rows.Count} quantities agree with the reference.");
            return;
        }
        string why = !first.Shape.SequenceEqual(first.ReferenceShape)
            ? $"shape {TraceTensor.FormatShape(first.Shape)}, the reference's is " +
                $"{TraceTensor.FormatShape(first.ReferenceShape)}"
            : $"relative difference {E(first.MaxRelative)} > {E(report.Tolerance)}";
        int differing = report.Rows.Count(r => !r.Agrees);
        Console.WriteLine($"first difference: step {first.Step}, {first.Name} (equation {first.Equation} of " +
            $"docs/derivation.md): {why}. " +
            $"{differing} of {report.Rows.Count} quantities differ; everything before it agrees.");
        if (report.Diagnoses.Count == 0)
        {
            Console.WriteLine($"diagnosis: no catalogued mistake reproduces {first.Name}; recompute it from the " +
                $"quantities before it with equation ({first.Equation}).");
            return;
        }
        Console.WriteLine($"diagnosis: {report.Diagnoses.Count} catalogued mistake(s) reproduce {first.Name}:");
        foreach (Diagnosis d in report.Diagnoses)
        {
            string coverage = d.ExplainsEverything ? $"reproduces all {d.Given} quantities given"
                : $"reproduces {d.Reproduced} of the {d.Given} quantities given";
            Console.WriteLine($"  {MistakeCatalogue.Key(d.Mistake)}: {MistakeCatalogue.Describe(d.Mistake)} " +
                $"({coverage})");
        }
    }

    private static string E(double v) => double.IsPositiveInfinity(v) ? "∞" : v.ToString("0.0E+00",
        CultureInfo.InvariantCulture);
}
