using System.Globalization;
using IrisNet.Cli.Runs;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>
/// The run's images, drawn with ScottPlot: loss and accuracy curves (LossPlots.cs), the confusion
/// matrix (ConfusionPlot.cs) and the decision regions (RegionsPlot.cs). Each takes the path to write
/// (a temporary file the caller renames).
/// </summary>
/// <remarks>
/// Every image carries, for each of its charts, one PNG <c>tEXt</c> chunk with the keyword
/// <see cref="AreaKeyword"/>: the data area's pixel rectangle and its axis ranges, so a pixel can be
/// mapped back to data coordinates by any PNG reader (the tests check the pictures this way).
/// </remarks>
public static partial class Plots
{
    public const int Width = 900;
    public const int Height = 540;

    /// <summary>The keyword of the PNG text chunks that describe each chart's data area.</summary>
    public const string AreaKeyword = "irisnet data area";

    /// <summary>Renders <paramref name="plot"/> and writes it with its data-area description.</summary>
    private static void Save(Plot plot, string path, string panel, params (string Key, string Value)[] extra)
    {
        byte[] png = Png(plot, Width, Height);
        AtomicFile.WriteBytes(path, PngText.Insert(png, [(AreaKeyword, Area(plot, panel, 0, extra))]));
    }

    /// <summary>
    /// Draws a small throw-away chart on a pool thread. A process's first picture also pays for
    /// loading Skia's and HarfBuzz's native libraries, the font and ScottPlot's set-up (bench/notes.md
    /// has the figure); train starts this before reading its data, so that cost overlaps the data and the
    /// training instead of adding to them. Wait for the task before drawing anything else: the two
    /// never draw at the same time. A failure here is ignored (the real pictures report their own).
    /// </summary>
    public static Task WarmUp() => Task.Run(() =>
    {
        try
        {
            var plot = new Plot();
            plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 });
            plot.Title("warm-up");
            plot.XLabel("epoch");
            plot.YLabel("loss");
            Png(plot, 240, 160);
        }
        catch (Exception)
        {
            // nothing to do: the pictures are drawn, and their errors reported, by the caller
        }
    });

    /// <summary>
    /// Renders <paramref name="plot"/> and encodes it as PNG with the "up" filter and zlib level 1: the
    /// same pixels as ScottPlot's own encoding (every filter tried per row, level 6), several times faster
    /// to encode for files about 15 % larger (bench/notes.md has the figures).
    /// </summary>
    internal static byte[] Png(Plot plot, int width, int height)
    {
        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height));
        plot.Render(surface);
        using SKImage image = surface.Snapshot();
        using SKPixmap pixmap = image.PeekPixels()!;
        using SKData data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 1))!;
        return data.ToArray();
    }

    /// <summary>
    /// "panel=NAME left=… top=… right=… bottom=… x-min=… x-max=… y-min=… y-max=… y-scale=linear|log10
    /// x-scale=linear|log10 …": pixel edges of the last render's data area (shifted right by
    /// <paramref name="offsetX"/>) and the axis limits; on a log10 axis the limits are decimal
    /// logarithms of the plotted values.
    /// </summary>
    private static string Area(Plot plot, string panel, int offsetX, (string Key, string Value)[] extra)
    {
        PixelRect r = plot.RenderManager.LastRender.DataRect;
        AxisLimits l = plot.Axes.GetLimits();
        var parts = new List<string>
        {
            $"panel={panel}",
            $"left={N(r.Left + offsetX)}", $"top={N(r.Top)}", $"right={N(r.Right + offsetX)}", $"bottom={N(r.Bottom)}",
            $"x-min={N(l.Left)}", $"x-max={N(l.Right)}", $"y-min={N(l.Bottom)}", $"y-max={N(l.Top)}",
        };
        if (!extra.Any(e => e.Key == "y-scale")) parts.Add("y-scale=linear");
        if (!extra.Any(e => e.Key == "x-scale")) parts.Add("x-scale=linear");
        parts.AddRange(extra.Select(e => $"{e.Key}={e.Value}"));
        return string.Join(' ', parts);
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short tick label: at most five significant digits, exponent form for large or tiny values.</summary>
    private static string Tick(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        return a is >= 1e-4 and < 1e6 ? v.ToString("0.#####", CultureInfo.InvariantCulture) : v.ToString("0.###e0",
            CultureInfo.InvariantCulture);
    }

    /// <summary>A count such as an epoch: 950, 12500, 200k, 1.5M, 2e9.</summary>
    private static string Count(double v)
    {
        double a = Math.Abs(v);
        if (a < 100_000) return v.ToString("0.##", CultureInfo.InvariantCulture);
        if (a < 1e6) return (v / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k";
        if (a < 1e9) return (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        return v.ToString("0.##e0", CultureInfo.InvariantCulture);
    }

    /// <summary>The label of a decade tick k on a log10 axis: 10^k written plainly (0.01, 1, 100), as a count (100k,
    /// 1M) or as 1e-5, 1e300.</summary>
    private static string Decade(double k)
    {
        if (Math.Abs(k - Math.Round(k)) > 1e-9) return "";
        int e = (int)Math.Round(k);
        // 10^0 to 10^8 as the linear epoch axis writes counts (10000, 100k, 1M), so a log axis of epochs reads
        // the same way as a linear one (a log loss axis above 10^4 reads 100k too); small decades plainly down
        // to 0.001, the rest as 1e-5, 1e300.
        return e switch
        {
            >= 0 and <= 8 => Count(Math.Pow(10, e)),
            >= -3 and < 0 => Math.Pow(10, e).ToString("0.###", CultureInfo.InvariantCulture),
            _ => $"1e{e}",
        };
    }

    /// <summary>Short labels on a linear axis.</summary>
    private static void ShortTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Tick };

    /// <summary>Makes <paramref name="axis"/> show decades: it carries log10 of the values, labelled as the
    /// values.</summary>
    private static void LogTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = Decade,
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };
}
