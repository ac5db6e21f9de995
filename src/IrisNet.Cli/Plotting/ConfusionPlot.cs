using System.Globalization;
using IrisNet.Cli.Output;
using IrisNet.Scoring;
using ScottPlot;

namespace IrisNet.Cli.Plotting;

/// <summary>The confusion matrix as a grid of equal cells.</summary>
public static partial class Plots
{
    /// <summary>
    /// Cell (actual k, predicted j) is the unit square centred on (j, n − 1 − k): actual classes read
    /// top to bottom, predicted classes left to right, the diagonal runs from the upper left. Its colour
    /// is its count on the colour bar, its number is written in it. Up to
    /// <see cref="ConfusionDigest.DenseLimit"/> classes the n = C rows are the classes; above, the
    /// picture is the <see cref="ConfusionDigest"/>: the classes with the most errors and one pooled
    /// "other" row and column, so drawing costs the same for 40 classes or 3,000.
    /// </summary>
    public static void Confusion(Evaluation e, string what, string path)
    {
        var digest = ConfusionDigest.Of(e, ConfusionDigest.DenseLimit - 1);
        int C = digest.Names.Length;
        var plot = new Plot();
        var counts = new double[C, C];
        long max = 1;
        for (int k = 0; k < C; k++)
        {
            for (int j = 0; j < C; j++)
            {
                counts[k, j] = digest.Counts[k][j];
                max = Math.Max(max, digest.Counts[k][j]);
            }
        }
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        // The outer edges of the cells, not their centres: row 0 of the data is the top row.
        heatmap.Rectangle = new CoordinateRect(-0.5, C - 0.5, -0.5, C - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "count";
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Round(v).ToString(CultureInfo.InvariantCulture),
        };
        float size = Math.Clamp(66f / C, 9f, 22f);
        for (int k = 0; k < C; k++)
        {
            for (int j = 0; j < C; j++)
            {
                var text = plot.Add.Text(digest.Counts[k][j].ToString(CultureInfo.InvariantCulture), j, C - 1 - k);
                text.LabelFontSize = size;
                text.LabelBold = true;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = digest.Counts[k][j] > max / 2.0 ? Colors.White : Colors.Black;
            }
        }
        double[] ticks = Enumerable.Range(0, C).Select(i => (double)i).ToArray();
        string[] names = digest.Names;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, names);
        // Names that would run into each other side by side (about 7 px per character against the
        // width of a column) are written downwards, with room below the axis for the longest.
        int longest = names.Max(n => n.Length);
        if (longest * 7.0 * C > 650)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = Math.Min(200, longest * 7 + 40);
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => C - 1
            - t).ToArray(), names);
        plot.Axes.SetLimits(-0.5, C - 0.5, -0.5, C - 0.5);
        string shown = digest.Pooled > 0 ? $"; the {C - 1} classes with the most errors of {e.ClassNames.Count}" : "";
        plot.Title($"Confusion matrix ({what}), accuracy " +
            $"{e.Accuracy.ToString("P1", CultureInfo.InvariantCulture)}{shown}");
        plot.XLabel("predicted class");
        plot.YLabel("actual class");
        Save(plot, path, "confusion", ("classes", e.ClassNames.Count.ToString(CultureInfo.InvariantCulture)),
            ("shown", C.ToString(CultureInfo.InvariantCulture)));
    }
}
