using System.Globalization;
using IrisNet.Training;
using ScottPlot;

namespace IrisNet.Cli.Plotting;

/// <summary>The learning-rate range test: the loss against the rate on a log axis, with the suggestion marked.</summary>
public static partial class Plots
{
    public static void RangeTest(RangeTestResult result, string path)
    {
        var plot = new Plot();
        var category = new ScottPlot.Palettes.Category10();
        RangeTestPoint[] points = [.. result.Points];
        double[] xs = points.Select(p => Math.Log10(p.LearningRate)).ToArray();
        var raw = plot.Add.Scatter(xs, points.Select(p => p.Loss).ToArray());
        raw.LegendText = "batch loss";
        raw.Color = category.GetColor(0).WithAlpha(0.35);
        raw.LineWidth = 1;
        raw.MarkerSize = 0;
        var smooth = plot.Add.Scatter(xs, points.Select(p => p.SmoothedLoss).ToArray());
        smooth.LegendText = $"smoothed loss (β = {LearningRateFinder.Beta.ToString(CultureInfo.InvariantCulture)}, debiased)";
        smooth.Color = category.GetColor(0);
        smooth.LineWidth = 2;
        smooth.MarkerSize = points.Length == 1 ? 7 : 0;

        Mark(plot, points, result.Steepest, $"suggested {G(result.Suggested)}: steepest descent (step {result.Steepest.Step})", category.GetColor(3), LinePattern.Dashed);
        var (rate, step) = result.MinimumOverTen;
        var minimum = plot.Add.VerticalLine(Math.Log10(rate));
        minimum.Color = category.GetColor(2);
        minimum.LinePattern = LinePattern.Dotted;
        minimum.LineWidth = 1.5f;
        minimum.LegendText = $"minimum / 10: {G(rate)} (minimum at step {step})";

        plot.Title(result.Diverged
            ? $"Learning-rate range test: {points.Length} of {result.Requested} steps, stopped when the loss diverged"
            : $"Learning-rate range test: {points.Length} steps");
        LogTicks(plot.Axes.Bottom);
        plot.XLabel("learning rate η (log scale)");
        ShortTicks(plot.Axes.Left);
        // The smoothed loss sets the top (fastai draws it alone): a diverging batch's loss would flatten the curve.
        double low = Math.Min(points.Min(p => p.SmoothedLoss), points.Min(p => p.Loss)), high = points.Max(p => p.SmoothedLoss);
        double pad = Math.Max(0.05 * (high - low), 1e-3 * Math.Abs(high));
        plot.Axes.SetLimitsY(Math.Max(0, low - pad), high + pad);
        plot.YLabel("loss of the batch before its step");
        plot.ShowLegend(Edge.Bottom);
        Save(plot, path, "lr-find", ("x-scale", "log10"));
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>A vertical line at the rate and a dot on the smoothed loss at its step.</summary>
    private static void Mark(Plot plot, RangeTestPoint[] points, (double Rate, int Step) at, string label, Color color, LinePattern pattern)
    {
        var line = plot.Add.VerticalLine(Math.Log10(at.Rate));
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 1.5f;
        line.LegendText = label;
        RangeTestPoint p = points[at.Step - 1];
        var dot = plot.Add.Marker(Math.Log10(p.LearningRate), p.SmoothedLoss);
        dot.Color = color;
        dot.Size = 10;
    }
}
