using System.Globalization;

namespace IrisNet.Tests;

/// <summary>A chart's data area: pixel edges and the axis limits they show; maps data coordinates to pixels.</summary>
internal sealed record DataArea(string Panel, double Left, double Top, double Right, double Bottom,
    double XMin, double XMax, double YMin, double YMax, bool LogX, bool LogY, IReadOnlyDictionary<string, string> All)
{
    public static DataArea Parse(string text)
    {
        var f = text.Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        double D(string key) => double.Parse(f[key], CultureInfo.InvariantCulture);
        return new DataArea(f["panel"], D("left"), D("top"), D("right"), D("bottom"),
            D("x-min"), D("x-max"), D("y-min"), D("y-max"), f["x-scale"] == "log10", f["y-scale"] == "log10", f);
    }

    /// <summary>
    /// The pixel (column, row) where data point (x, y) is drawn; x and y in data units (log10 is applied
    /// on a log axis).
    /// </summary>
    public (int X, int Y) Pixel(double x, double y)
    {
        double u = LogX ? Math.Log10(x) : x, v = LogY ? Math.Log10(y) : y;
        double px = Left + (u - XMin) / (XMax - XMin) * (Right - Left);
        double py = Bottom - (v - YMin) / (YMax - YMin) * (Bottom - Top);
        return ((int)Math.Floor(px), (int)Math.Floor(py));
    }

    /// <summary>The data point at the centre of pixel (column, row), on linear axes.</summary>
    public (double X, double Y) Data(int px, int py) =>
        (XMin + (px + 0.5 - Left) / (Right - Left) * (XMax - XMin),
         YMax - (py + 0.5 - Top) / (Bottom - Top) * (YMax - YMin));
}
