using System.Globalization;
using IrisNet.Cli.Runs;
using IrisNet.Scoring;
using ScottPlot;

namespace IrisNet.Cli.Plotting;

/// <summary>
/// cv.png: the mean train and held-out loss per epoch over the folds, each with its min–max band. A run
/// of more than <see cref="CurveBand.Capacity"/> epochs is drawn from its buckets (<see cref="CurveBand"/>):
/// the band covers every fold's values in each bucket, the line the bucket's mean.
/// </summary>
public static class CvPlot
{
    public static void Loss(CrossValidationResult r, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int n = r.Folds.Count;
        Color train = palette.GetColor(0), heldOut = palette.GetColor(1);
        // Bands first (held-out, the wider, under the train band), then the mean lines on top of both.
        Band(plot, r.HeldOutLoss!, heldOut, "held-out, min–max across folds");
        Band(plot, r.TrainLoss!, train, "train, min–max across folds");
        Line(plot, r.TrainLoss!, train, "train, mean", LinePattern.Solid);
        Line(plot, r.HeldOutLoss!, heldOut, "held-out, mean", LinePattern.Dashed);
        string folds = n.ToString(CultureInfo.InvariantCulture);
        plot.Title($"Cross-validation loss: mean over {folds} folds " +
            $"({r.FoldCount.ToString(CultureInfo.InvariantCulture)} × " +
            $"{r.Repeats.ToString(CultureInfo.InvariantCulture)}), band = min–max across folds");
        plot.XLabel("epoch");
        plot.YLabel("mean cross-entropy loss L");
        double top = Math.Max(r.TrainLoss!.Max.Max(), r.HeldOutLoss!.Max.Max());
        plot.Axes.SetLimits(0, r.TrainLoss.Epoch[^1] + r.TrainLoss.Width, 0, top * 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteBytes(path, Plots.Png(plot, Plots.Width, Plots.Height));
    }

    private static void Band(Plot plot, CurveBand band, Color color, string legend)
    {
        var fill = plot.Add.FillY(band.Epoch, band.Min, band.Max);
        fill.FillColor = color.WithAlpha(0.3);
        fill.LineWidth = 0;
        fill.LegendText = legend;
    }

    private static void Line(Plot plot, CurveBand band, Color color, string legend, LinePattern pattern)
    {
        var line = plot.Add.ScatterLine(band.Epoch, band.Mean);
        line.Color = color;
        line.LineWidth = 2;
        line.LinePattern = pattern;
        line.LegendText = legend;
    }
}
