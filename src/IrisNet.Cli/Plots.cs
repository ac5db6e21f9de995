using System.Globalization;
using ScottPlot;

namespace IrisNet.Cli;

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
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        File.WriteAllBytes(path, PngText.Insert(png, [(AreaKeyword, Area(plot, panel, 0, extra))]));
    }

    /// <summary>
    /// "panel=NAME left=… top=… right=… bottom=… x-min=… x-max=… y-min=… y-max=… y-scale=linear|log10 …":
    /// pixel edges of the last render's data area (shifted right by <paramref name="offsetX"/>) and the
    /// axis limits; with y-scale=log10 the y limits are decimal logarithms of the plotted values.
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
        parts.AddRange(extra.Select(e => $"{e.Key}={e.Value}"));
        return string.Join(' ', parts);
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short tick label: at most five significant digits, exponent form for large or tiny values.</summary>
    private static string Tick(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        return a is >= 1e-4 and < 1e6 ? v.ToString("0.#####", CultureInfo.InvariantCulture) : v.ToString("0.###e0", CultureInfo.InvariantCulture);
    }

    /// <summary>The label of a decade tick k on a log10 axis: 10^k written plainly (0.01, 1, 100) or as 1e-5, 1e300.</summary>
    private static string Decade(double k)
    {
        if (Math.Abs(k - Math.Round(k)) > 1e-9) return "";
        int e = (int)Math.Round(k);
        return e is >= -3 and <= 4 ? Math.Pow(10, e).ToString("0.###", CultureInfo.InvariantCulture) : $"1e{e}";
    }

    /// <summary>Short labels on a linear axis.</summary>
    private static void ShortTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Tick };

    /// <summary>Makes <paramref name="axis"/> show decades: it carries log10 of the values, labelled as the values.</summary>
    private static void LogTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = Decade,
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };
}
