using System.Globalization;
using IrisNet.Training;
using ScottPlot;

namespace IrisNet.Cli.Plotting;

/// <summary>The learning-rate range test: the loss against the rate on a log axis, with the suggestion
/// marked.</summary>
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
        smooth.LegendText =
            $"smoothed loss (β = {LearningRateFinder.Beta.ToString(CultureInfo.InvariantCulture)}, debiased)";
        smooth.Color = category.GetColor(0);
        smooth.LineWidth = 2;
        smooth.MarkerSize = points.Length == 1 ? 7 : 0;

        // The suggestion: a vertical line at minimum/10 with a dot on the curve there; the minimum itself and the
        // steepest descent, the alternative, as dots.
        var (rate, step) = result.MinimumOverTen;
        var suggestion = plot.Add.VerticalLine(Math.Log10(rate));
        suggestion.Color = category.GetColor(3);
        suggestion.LinePattern = LinePattern.Dashed;
        suggestion.LineWidth = 2;
        suggestion.LegendText = $"suggested {G(rate)}: minimum / 10 (minimum at step {step})";
        Dot(plot, At(points, rate), category.GetColor(3), 10);
        Dot(plot, points[step - 1], category.GetColor(3), 7);
        var steep = plot.Add.Marker(Math.Log10(result.Steepest.Rate), points[result.Steepest.Step - 1].SmoothedLoss);
        steep.Color = category.GetColor(2);
        steep.Size = 9;
        steep.Shape = MarkerShape.OpenCircle;
        steep.LegendText = $"steepest descent: {G(result.Steepest.Rate)} (step {result.Steepest.Step})";

        plot.Title(result.Diverged
            ? $"Learning-rate range test: {points.Length} of {result.Requested} steps, stopped when the loss diverged"
            : $"Learning-rate range test: {points.Length} steps");
        LogTicks(plot.Axes.Bottom);
        plot.XLabel("learning rate η (log scale)");
        ShortTicks(plot.Axes.Left);
        // The smoothed loss sets the top (fastai draws it alone): a diverging batch's loss would flatten the curve.
        double low = Math.Min(points.Min(p => p.SmoothedLoss), points.Min(p => p.Loss)),
            high = points.Max(p => p.SmoothedLoss);
        double pad = Math.Max(0.05 * (high - low), 1e-3 * Math.Abs(high));
        plot.Axes.SetLimitsY(Math.Max(0, low - pad), high + pad);
        plot.YLabel("loss of the batch before its step");
        plot.ShowLegend(Edge.Bottom);
        Save(plot, path, "lr-find", ("x-scale", "log10"));
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>The point whose rate is nearest <paramref name="rate"/> on the log axis.</summary>
    private static RangeTestPoint At(RangeTestPoint[] points, double rate) =>
        points.MinBy(p => Math.Abs(Math.Log(p.LearningRate / rate)));

    private static void Dot(Plot plot, RangeTestPoint p, Color color, float size)
    {
        var dot = plot.Add.Marker(Math.Log10(p.LearningRate), p.SmoothedLoss);
        dot.Color = color;
        dot.Size = size;
    }
}
