using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Explain;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

public static class GradcheckCommand
{
    public static Command Build()
    {
        var set = new ModelOptionSet();
        Option<double> tolerance = SharedOptions.GradientTolerance();
        Option<double> epsilon = SharedOptions.FiniteDifferenceStep();
        var command = new Command("gradcheck",
            "Compare the backward pass with central finite differences (float64) over every parameter; exit 1 above " +
            "tolerance.");
        set.AddTo(command, training: false);
        command.Options.Add(tolerance);
        command.Options.Add(epsilon);
        command.SetAction(p =>
        {
            var (options, init) = set.Read(p);
            DataSource source = set.LoadData(p);
            init = init?.MatchNames(source.Data.FeatureNames, source.Data.ClassNames, p.GetValue(set.Init));
            double eps = p.GetValue(epsilon), tol = p.GetValue(tolerance);
            if (!(eps > 0 && eps < 1))
                throw new OptionException(epsilon.Name, $"{eps} is outside (0, 1); use for example 1e-6.");
            if (!(tol > 0)) throw new OptionException(tolerance.Name, $"{tol} is not positive; use for example 1e-6.");
            Dataset data = source.Data;
            // With --init, Read took H and the biases from the weights.
            double work = GradientCheck.MultiplyAdds(data.Count, data.FeatureCount, options.Hidden, data.ClassCount,
                options.Bias);
            if (work > GradientCheck.MaxMultiplyAdds)
            {
                throw new OptionException(set.Hidden.Name, string.Create(CultureInfo.InvariantCulture,
                    $"a gradient check of H = {options.Hidden:N0} on {data.Count:N0} rows needs {work:0.#e+0} " +
                        $"multiply-adds "
                    + $"(two forward passes per parameter); it is refused above {GradientCheck.MaxMultiplyAdds:0e+0}. "
                    + $"Use a smaller {set.Hidden.Name}, for example {set.Hidden.Name} 16."));
            }
            IReadOnlyList<TensorCheck> report = GradientCheck.Run(source.Data, options, init, eps);
            var table = new
                Table().Title($"Gradient check on {Terminal.Markup(source.Name)} ({source.Data.Count} rows, ε = " +
                $"{Format.R(eps)})");
            table.AddColumns("tensor", "max relative error", "at index", "analytic", "numeric", "verdict");
            foreach (TensorCheck t in report)
            {
                table.AddRow(t.Name, t.MaxRelativeError.ToString("E3", CultureInfo.InvariantCulture),
                    t.Index.ToString(CultureInfo.InvariantCulture),
                    t.Analytic.ToString("E6", CultureInfo.InvariantCulture), t.Numeric.ToString("E6",
                        CultureInfo.InvariantCulture),
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
