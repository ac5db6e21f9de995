using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli;

/// <summary>The run's images, drawn with ScottPlot. Each takes the path to write (a temporary file the caller renames).</summary>
public static class Plots
{
    public const int Width = 900;
    public const int Height = 540;

    public static void Loss(IReadOnlyList<EpochMetrics> history, string path) =>
        LossPlot([("", history)]).SavePng(path, Width, Height);

    public static void Accuracy(IReadOnlyList<EpochMetrics> history, string path) =>
        AccuracyPlot([("", history)]).SavePng(path, Width, Height);

    /// <summary>Loss (left) and accuracy (right) of one or several runs, side by side in one image.</summary>
    public static void Compare(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs, string path)
    {
        Plot[] panels = [LossPlot(runs), AccuracyPlot(runs)];
        var info = new SKImageInfo(Width * 2, Height);
        using SKSurface surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Length; i++)
        {
            byte[] png = panels[i].GetImageBytes(Width, Height, ImageFormat.Png);
            using SKBitmap bitmap = SKBitmap.Decode(png);
            surface.Canvas.DrawBitmap(bitmap, i * Width, 0);
        }
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        data.SaveTo(file);
    }

    public static void Confusion(Evaluation e, string what, string path)
    {
        int C = e.ClassNames.Count;
        var plot = new Plot();
        var counts = new double[C, C];
        for (int k = 0; k < C; k++)
            for (int j = 0; j < C; j++) counts[k, j] = e.Confusion[k][j];
        var heatmap = plot.Add.Heatmap(counts);
        // Row k of the data is drawn k rows from the top, so actual class k sits at y = C − 1 − k.
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();
        heatmap.Extent = new CoordinateRect(-0.5, C - 0.5, -0.5, C - 0.5);
        plot.Add.ColorBar(heatmap).Label = "rows";
        double max = Math.Max(1, e.Confusion.SelectMany(r => r).Max());
        for (int k = 0; k < C; k++)
        {
            for (int j = 0; j < C; j++)
            {
                var text = plot.Add.Text(e.Confusion[k][j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, C - 1 - k);
                text.LabelFontSize = 22;
                text.LabelBold = true;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = e.Confusion[k][j] > max / 2 ? Colors.White : Colors.Black;
            }
        }
        double[] ticks = Enumerable.Range(0, C).Select(i => (double)i).ToArray();
        string[] names = e.ClassNames.ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => C - 1 - t).ToArray(), names);
        plot.Axes.SetLimits(-0.5, C - 0.5, -0.5, C - 0.5);
        plot.Title($"Confusion matrix ({what}), accuracy {e.Accuracy:P1}");
        plot.XLabel("predicted class");
        plot.YLabel("actual class");
        plot.SavePng(path, Width, Height);
    }

    private static Plot LossPlot(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs)
    {
        var plot = new Plot();
        AddCurves(plot, runs, m => m.TrainLoss, m => m.TestLoss);
        plot.Title(runs.Count == 1 ? "Cross-entropy loss per epoch" : "Cross-entropy loss per epoch, by run");
        plot.XLabel("epoch");
        plot.YLabel("mean cross-entropy loss L");
        plot.Axes.Left.Min = 0;
        return plot;
    }

    private static Plot AccuracyPlot(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs)
    {
        var plot = new Plot();
        AddCurves(plot, runs, m => m.TrainAccuracy, m => m.TestAccuracy);
        plot.Title(runs.Count == 1 ? "Accuracy per epoch" : "Accuracy per epoch, by run");
        plot.XLabel("epoch");
        plot.YLabel("accuracy");
        plot.Axes.SetLimitsY(0, 1.02);
        return plot;
    }

    private static void AddCurves(Plot plot, IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs,
        Func<EpochMetrics, double> train, Func<EpochMetrics, double?> test)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (int r = 0; r < runs.Count; r++)
        {
            var (name, history) = runs[r];
            if (history.Count == 0) continue;
            Color color = palette.GetColor(r);
            string prefix = name.Length > 0 ? name + ": " : "";
            double[] xs = history.Select(m => (double)m.Epoch).ToArray();
            var trainLine = plot.Add.ScatterLine(xs, history.Select(train).ToArray());
            trainLine.LegendText = prefix + "train";
            trainLine.Color = color;
            trainLine.LineWidth = 2;
            if (history.All(m => test(m).HasValue))
            {
                var testLine = plot.Add.ScatterLine(xs, history.Select(m => test(m)!.Value).ToArray());
                testLine.LegendText = prefix + "test";
                testLine.Color = color;
                testLine.LineWidth = 2;
                testLine.LinePattern = LinePattern.Dashed;
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
    }
}
