using IrisNet.Cli.Runs;
using IrisNet.Training;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>Loss and accuracy curves. A history may skip epochs (a downsampled series): points are drawn at their
/// epochs.</summary>
public static partial class Plots
{
    /// <summary>The loss axis turns logarithmic when its largest positive value exceeds the smallest by more than this
    /// factor (two decades).</summary>
    public const double LogSpan = 100;

    /// <summary>The epoch axis turns logarithmic when the last epoch exceeds the first by more than this factor (four
    /// decades): a long run's early descent would otherwise be a vertical line at the left edge.</summary>
    public const double LogEpochSpan = 10_000;

    public static void Loss(IReadOnlyList<EpochMetrics> history, string path)
    {
        var (plot, extra) = LossPlot([("", history)]);
        Save(plot, path, "loss", extra);
    }

    public static void Accuracy(IReadOnlyList<EpochMetrics> history, string path)
    {
        var (plot, extra) = AccuracyPlot([("", history)]);
        Save(plot, path, "accuracy", extra);
    }

    /// <summary>Loss (left) and accuracy (right) of one or several runs, side by side in one image.</summary>
    public static void Compare(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs, string path)
    {
        var (loss, lossExtra) = LossPlot(runs);
        var (accuracy, accuracyExtra) = AccuracyPlot(runs);
        (Plot Plot, string Panel, (string, string)[] Extra)[] panels = [(loss, "loss", lossExtra), (accuracy,
            "accuracy", accuracyExtra)];
        var info = new SKImageInfo(Width * 2, Height);
        using SKSurface surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        var areas = new List<(string, string)>();
        for (int i = 0; i < panels.Length; i++)
        {
            byte[] png = Png(panels[i].Plot, Width, Height);
            areas.Add((AreaKeyword, Area(panels[i].Plot, panels[i].Panel, i * Width, panels[i].Extra)));
            using SKBitmap bitmap = SKBitmap.Decode(png);
            surface.Canvas.DrawBitmap(bitmap, i * Width, 0);
        }
        using SKImage image = surface.Snapshot();
        using SKPixmap pixmap = image.PeekPixels()!;
        using SKData data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 1))!;
        AtomicFile.WriteBytes(path, PngText.Insert(data.ToArray(), areas));
    }

    private static (Plot, (string, string)[]) LossPlot(IReadOnlyList<(string Name,
        IReadOnlyList<EpochMetrics> History)> runs)
    {
        var plot = new Plot();
        // Losses are never negative; a log axis shows a diverging or a long run's decades, which a
        // linear one flattens into a spike (or, past 1e15, labels with hundreds of digits).
        double[] positive = runs.SelectMany(r => r.History)
            .SelectMany(m => new[] { m.TrainLoss, m.TestLoss ?? double.NaN })
            .Where(v => v > 0 && double.IsFinite(v)).ToArray();
        bool log = positive.Length > 0 && positive.Max() > LogSpan * positive.Min();
        double floor = positive.Length > 0 ? positive.Min() : 0;
        Func<double, double> y = log ? v => Math.Log10(Math.Max(v, floor)) : v => v;
        bool logX = AddCurves(plot, runs, m => y(m.TrainLoss), m => m.TestLoss is double t ? y(t) : null);
        string? rateScale = AddRates(plot, runs, logX);
        plot.Title(runs.Count == 1 ? "Cross-entropy loss per epoch" : "Cross-entropy loss per epoch, by run");
        if (log)
        {
            LogTicks(plot.Axes.Left);
            plot.YLabel("mean cross-entropy loss L (log scale)");
        }
        else
        {
            ShortTicks(plot.Axes.Left);
            plot.YLabel("mean cross-entropy loss L");
            plot.Axes.Left.Min = 0;
        }
        (string, string)[] extra = [("y-scale", log ? "log10" : "linear"), ("x-scale", logX ? "log10" : "linear")];
        return (plot, rateScale is null ? extra : [.. extra, ("lr-scale", rateScale)]);
    }

    /// <summary>The learning rate turns logarithmic on its axis when its largest value exceeds the smallest by more
    /// than this factor.</summary>
    public const double LogRateSpan = 10;

    /// <summary>
    /// The learning rate of each run whose rate changes (a schedule, a warm-up, a plateau's reductions),
    /// dotted in the run's train colour on a second axis at the right; a constant rate draws nothing. Returns
    /// that axis's scale (linear or log10), or null when nothing was drawn.
    /// </summary>
    private static string? AddRates(Plot plot, IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs,
        bool logX)
    {
        var varying = runs.Select((r, i) => (r.Name, History: r.History.Where(m => m.LearningRate is > 0).OrderBy(m
            => m.Epoch).ToArray(), Index: i))
            .Where(r => r.History.Length > 1 && r.History.Any(m => m.LearningRate
                != r.History[0].LearningRate)).ToArray();
        if (varying.Length == 0) return null;
        double[] all = varying.SelectMany(r => r.History.Select(m => m.LearningRate!.Value)).ToArray();
        bool log = all.Max() > LogRateSpan * all.Min();
        var single = new ScottPlot.Palettes.Category10();
        var paired = new ScottPlot.Palettes.Category20();
        foreach (var (name, history, index) in varying)
        {
            double[] xs = history.Select(m => logX ? Math.Log10(Math.Max(1, m.Epoch)) : m.Epoch).ToArray();
            double[] ys = history.Select(m => log ? Math.Log10(m.LearningRate!.Value)
                : m.LearningRate!.Value).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.Axes.YAxis = plot.Axes.Right;
            line.LegendText = (name.Length > 0 ? name + ": " : "") + "learning rate (right axis)";
            line.Color = runs.Count == 1 ? single.GetColor(2) : paired.GetColor(2 * index);
            line.LineWidth = 1.5f;
            line.LinePattern = LinePattern.Dotted;
            line.MarkerSize = 0;
        }
        plot.Axes.Right.Label.Text = log ? "learning rate η (log scale)" : "learning rate η";
        if (log) LogTicks(plot.Axes.Right);
        else
        {
            ShortTicks(plot.Axes.Right);
            plot.Axes.Right.Min = 0;
        }
        return log ? "log10" : "linear";
    }

    private static (Plot, (string, string)[]) AccuracyPlot(IReadOnlyList<(string Name,
        IReadOnlyList<EpochMetrics> History)> runs)
    {
        var plot = new Plot();
        bool logX = AddCurves(plot, runs, m => m.TrainAccuracy, m => m.TestAccuracy);
        plot.Title(runs.Count == 1 ? "Accuracy per epoch" : "Accuracy per epoch, by run");
        plot.YLabel("accuracy");
        ShortTicks(plot.Axes.Left);
        plot.Axes.SetLimitsY(-0.02, 1.02);
        return (plot, [("x-scale", logX ? "log10" : "linear")]);
    }

    /// <summary>
    /// Train solid, test dashed and in another colour: blue and orange for one run; for several, each
    /// run a hue, its train curve dark and its test curve light. The legend sits below the chart, outside
    /// the data area, so it never hides a curve. Returns whether the epoch axis is logarithmic.
    /// </summary>
    private static bool AddCurves(Plot plot, IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs,
        Func<EpochMetrics, double> train, Func<EpochMetrics, double?> test)
    {
        int[] epochs = runs.SelectMany(r => r.History).Select(m => m.Epoch).ToArray();
        bool logX = epochs.Length > 0 && epochs.Max() > LogEpochSpan * Math.Max(1, epochs.Min());
        var single = new ScottPlot.Palettes.Category10();
        var paired = new ScottPlot.Palettes.Category20();
        for (int r = 0; r < runs.Count; r++)
        {
            var (name, unsorted) = runs[r];
            if (unsorted.Count == 0) continue;
            EpochMetrics[] history = unsorted.OrderBy(m => m.Epoch).ToArray();
            Color trainColor = runs.Count == 1 ? single.GetColor(0) : paired.GetColor(2 * r);
            Color testColor = runs.Count == 1 ? single.GetColor(1) : paired.GetColor(2 * r + 1);
            string prefix = name.Length > 0 ? name + ": " : "";
            double[] xs = history.Select(m => logX ? Math.Log10(Math.Max(1, m.Epoch)) : m.Epoch).ToArray();
            Curve(plot, xs, history.Select(train).ToArray(), prefix + "train", trainColor, LinePattern.Solid);
            if (history.All(m => test(m).HasValue))
                Curve(plot, xs, history.Select(m => test(m)!.Value).ToArray(), prefix + "test", testColor,
                    LinePattern.Dashed);
        }
        if (logX)
        {
            LogTicks(plot.Axes.Bottom);
            plot.XLabel("epoch (log scale)");
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Count };
            plot.XLabel("epoch");
        }
        plot.ShowLegend(Edge.Bottom);
        return logX;
    }

    private static void Curve(Plot plot, double[] xs, double[] ys, string label, Color color, LinePattern pattern)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
        line.LinePattern = pattern;
        line.MarkerSize = xs.Length == 1 ? 7 : 0; // a single epoch is a dot, not an invisible line
    }
}
