using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Scoring;
using ScottPlot;

namespace IrisNet.Cli.Plotting;

/// <summary>
/// sweep.png, when exactly two options vary: a heatmap of the mean held-out accuracy, one cell per pair of
/// values (the first varied option across, the second down), each cell labelled with its mean ± SD and the
/// best cell outlined.
/// </summary>
public static class SweepPlot
{
    public static void Heatmap(IReadOnlyList<SweepDimension> dimensions,
        IReadOnlyList<SweepConfiguration> configurations,
        IReadOnlyList<SweepEntry> entries, string path)
    {
        int[] varied = Enumerable.Range(0, dimensions.Count).Where(i => dimensions[i].Varies).ToArray();
        SweepDimension across = dimensions[varied[0]], down = dimensions[varied[1]];
        int X = across.Values.Count, Y = down.Values.Count;
        var mean = new double[Y, X];
        var sd = new double[Y, X];
        for (int y = 0; y < Y; y++)
            for (int x = 0; x < X; x++) mean[y, x] = sd[y, x] = double.NaN;
        foreach (SweepEntry e in entries)
        {
            SweepConfiguration c = configurations[e.Index];
            int x = IndexOf(across.Values, c.Values[varied[0]]), y = IndexOf(down.Values, c.Values[varied[1]]);
            (mean[y, x], sd[y, x]) = (e.AccuracyMean, e.AccuracySd);
        }
        double low = Finite(mean).DefaultIfEmpty(0).Min(), high = Finite(mean).DefaultIfEmpty(1).Max();
        if (high - low < 1e-9) low = high - 0.01;
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(mean);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(low, high);
        heatmap.NaNCellColor = Colors.LightGray;
        // Row 0 of the data is the top row: cell (y, x) is centred at (x, Y − 1 − y).
        heatmap.Rectangle = new CoordinateRect(-0.5, X - 0.5, -0.5, Y - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "mean held-out accuracy";
        double best = Finite(mean).DefaultIfEmpty(double.NaN).Max();
        float size = Math.Clamp(90f / Math.Max(X, Y), 8f, 16f);
        for (int y = 0; y < Y; y++)
        {
            for (int x = 0; x < X; x++)
            {
                string label = double.IsNaN(mean[y, x]) ? "diverged"
                    : $"{F(mean[y, x])}\n± {F(sd[y, x])}";
                var text = plot.Add.Text(label, x, Y - 1 - y);
                text.LabelFontSize = size;
                text.LabelBold = mean[y, x] == best;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = double.IsNaN(mean[y, x]) || mean[y,
                    x] > (low + high) / 2 ? Colors.Black : Colors.White;
                if (mean[y, x] == best)
                {
                    var box = plot.Add.Rectangle(x - 0.48, x + 0.48, Y - 1 - y - 0.48, Y - 1 - y + 0.48);
                    box.FillStyle.Color = Colors.Transparent;
                    box.LineStyle.Color = Colors.Red;
                    box.LineStyle.Width = 3;
                }
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, X).Select(i => (double)i).ToArray(), across.Values.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, Y).Select(i => (double)(Y - 1 - i)).ToArray(), down.Values.ToArray());
        plot.Axes.SetLimits(-0.5, X - 0.5, -0.5, Y - 0.5);
        plot.Title($"Sweep: mean held-out accuracy ± SD over the folds (best outlined)");
        plot.XLabel(across.Option.Name);
        plot.YLabel(down.Option.Name);
        plot.SavePng(path, Plots.Width, Plots.Height);
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private static int IndexOf(IReadOnlyList<string> values, string v)
    {
        for (int i = 0; i < values.Count; i++)
            if (values[i] == v) return i;
        return -1;
    }

    private static IEnumerable<double> Finite(double[,] a) => a.Cast<double>().Where(double.IsFinite);
}
