using System.Globalization;
using System.Runtime.InteropServices;
using IrisNet.Data;
using IrisNet.Models;
using IrisNet.Reference;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>The hidden units: each unit's activation over the plane of the decision regions.</summary>
public static partial class Plots
{
    /// <summary>At most this many units get a panel; a larger network shows those with the largest outgoing
    /// weights.</summary>
    public const int MaxUnitPanels = 32;

    /// <summary>Grid cells across and down one unit's panel.</summary>
    public const int UnitColumns = 120, UnitRows = 72;

    private const int UnitPanelWidth = 200, UnitPanelHeight = 120;

    /// <summary>
    /// One panel per hidden unit i over the plane of regions.png (the same two features, the others at
    /// their training mean, the same ranges): each cell coloured by h_i = f(z_i) at its centre, blue where
    /// h_i &gt; 0, orange where h_i &lt; 0, white at 0, the shade ∝ |h_i| on one scale for all panels (so
    /// the panels compare); under it the unit's outgoing weights B_ji, one bar per class j, blue positive,
    /// orange negative, as long as |B_ji| (one scale for all). Above <see cref="MaxUnitPanels"/> units, the
    /// <see cref="MaxUnitPanels"/> with the largest ‖B_·i‖, and the picture says so. Each panel's data area
    /// is recorded (panel=unit-i, with the plane's features and the colour scale).
    /// </summary>
    public static void Units(Model model, Dataset train, Dataset? test, string path, string? xName = null,
        string? yName = null)
    {
        var (p, q) = ChooseFeatures(model, xName, yName);
        int D = model.Shape.D, H = model.Shape.H, C = model.Shape.C;
        double[] mean = new double[D];
        for (int d = 0; d < D; d++) mean[d] = train.Count > 0 ? train.Features.Average(r => r[d])
            : model.Standardization.Mean[d];
        Dataset[] sets = test is null ? [train] : [train, test];
        var (xMin, xMax) = Span(sets.SelectMany(s => s.Features).Select(r => r[p]));
        var (yMin, yMax) = q >= 0 ? Span(sets.SelectMany(s => s.Features).Select(r => r[q])) : (0.0, 1.0);

        double OutNorm(int i)
        {
            double s = 0;
            for (int j = 0; j < C; j++) s += model.B[j * H + i] * model.B[j * H + i];
            return s;
        }
        int[] units = H <= MaxUnitPanels ? Enumerable.Range(0, H).ToArray()
            : Enumerable.Range(0, H).OrderByDescending(OutNorm).ThenBy(i => i).Take(MaxUnitPanels).ToArray();

        // h_i over each panel's grid: z_i = cp x_p + cq x_q + c0 in raw units, as the hidden-unit lines of regions.png.
        double dx = (xMax - xMin) / UnitColumns, dy = (yMax - yMin) / UnitRows;
        var h = new double[units.Length][];
        double scale = 0;
        for (int u = 0; u < units.Length; u++)
        {
            var (cp, cq, c0) = UnitPlane(model, units[u], p, q, mean);
            h[u] = new double[UnitRows * UnitColumns];
            for (int r = 0; r < UnitRows; r++)
            {
                double y = yMax - (r + 0.5) * dy;
                for (int c = 0; c < UnitColumns; c++)
                {
                    double v = Equations.Activate(model.Shape.Activation, cp * (xMin + (c + 0.5) * dx) + cq * y + c0);
                    h[u][r * UnitColumns + c] = v;
                    scale = Math.Max(scale, Math.Abs(v));
                }
            }
        }
        if (!(scale > 0)) scale = 1;
        double maxB = Math.Max(1e-12, model.B.Select(Math.Abs).DefaultIfEmpty(0).Max());

        int columns = Math.Min(units.Length, units.Length <= 16 ? 4 : 8);
        int rows = (units.Length + columns - 1) / columns;
        const int margin = 16, top = 72, gapX = 18;
        int barBlock = 14 * C + 6;
        int cellH = 18 + UnitPanelHeight + 6 + barBlock;
        int width = margin * 2 + columns * UnitPanelWidth + (columns - 1) * gapX;
        int height = top + rows * cellH + 36;

        var plot = new Plot();
        plot.HideAxesAndGrid();
        plot.Layout.Frameless();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        var areas = new List<(string, string)>();
        var images = new List<IDisposable>();
        void Text(string text, double x, double y, float size, Color color, Alignment alignment, bool bold = false)
        {
            var t = plot.Add.Text(text, x, height - y);
            t.LabelFontSize = size;
            t.LabelFontColor = color;
            t.LabelAlignment = alignment;
            t.LabelBold = bold;
        }
        string network = $"{Names.Of(model.Shape.Activation)}, H = {H}, {(model.Shape.Bias ? "biases" : "no biases")}";
        Text($"Hidden units ({network}): h_i = f(z_i) over the plane of regions.png", margin, 10, 15, Colors.Black,
            Alignment.UpperLeft, bold: true);
        string which = H > MaxUnitPanels ?
            $"The {MaxUnitPanels} of {H} units with the largest outgoing weights ‖B_·i‖, largest first. " : "";
        Text(which +
            $"Blue h_i > 0, orange h_i < 0, white 0; the shade ∝ |h_i|, full at |h_i| = {Tick(scale)} in every panel. "
            + $"x: {model.FeatureNames[p]}, y: {(q >= 0 ? model.FeatureNames[q] : "-")}, other features at their " +
                $"training mean.",
            margin, 32, 10.5f, Colors.Black, Alignment.UpperLeft);
        Text($"Bars: the unit's outgoing weights B_ji to each class j (blue +, orange −), the longest |B_ji| = " +
            $"{Tick(maxB)}: "
            + "what the unit votes for where it is active.", margin, 46, 10.5f, Colors.Black, Alignment.UpperLeft);
        for (int u = 0; u < units.Length; u++)
        {
            int i = units[u];
            double left = margin + (u % columns) * (UnitPanelWidth + gapX), panelTop = top + (u / columns) * cellH + 18;
            Text($"h{i + 1}", left, panelTop - 16, 11, Colors.Black, Alignment.UpperLeft, bold: true);
            var image = new CellImage(Shade(h[u], scale), UnitColumns, UnitRows,
                new CoordinateRect(left, left + UnitPanelWidth, height - panelTop - UnitPanelHeight,
                    height - panelTop));
            images.Add(image);
            plot.Add.Plottable(image);
            var frame = plot.Add.Rectangle(left, left + UnitPanelWidth, height - panelTop - UnitPanelHeight,
                height - panelTop);
            frame.FillColor = Colors.Transparent;
            frame.LineColor = Colors.Gray;
            areas.Add((AreaKeyword, string.Join(' ',
                $"panel=unit-{i + 1}", $"left={N(left)}", $"top={N(panelTop)}", $"right={N(left + UnitPanelWidth)}",
                    $"bottom={N(panelTop + UnitPanelHeight)}",
                $"x-min={N(xMin)}", $"x-max={N(xMax)}", $"y-min={N(yMin)}", $"y-max={N(yMax)}", "y-scale=linear",
                    "x-scale=linear",
                $"x-feature={Uri.EscapeDataString(model.FeatureNames[p])}",
                    $"y-feature={(q >= 0 ? Uri.EscapeDataString(model.FeatureNames[q]) : "-")}",
                $"unit={i + 1}", $"h-scale={N(scale)}")));
            // The outgoing weights: a bar per class from the middle, right for positive, left for negative.
            double barsTop = panelTop + UnitPanelHeight + 6, mid = left + 122, half = UnitPanelWidth - 122 - 4;
            for (int j = 0; j < C; j++)
            {
                double w = model.B[j * H + i], y = barsTop + 14 * j;
                // The class by name only: a swatch in regions.png's class colour would read as the bar's sign colour.
                Text(Short(model.ClassNames[j], 12), left, y + 6, 9.5f, Colors.Black, Alignment.MiddleLeft);
                double length = half * Math.Abs(w) / maxB;
                var bar = plot.Add.Rectangle(w >= 0 ? mid : mid - length, w >= 0 ? mid + length : mid, height - y - 10,
                    height - y - 2);
                bar.FillColor = w >= 0 ? Positive : Negative;
                bar.LineWidth = 0;
                Text(w.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture), w >= 0 ? mid - 3 : mid + 3, y + 6, 9,
                    Colors.Gray,
                    w >= 0 ? Alignment.MiddleRight : Alignment.MiddleLeft);
            }
            var axis = plot.Add.Line(mid, height - barsTop + 1, mid, height - barsTop - 14 * C + 1);
            axis.LineColor = Colors.Gray;
            axis.LineWidth = 1;
        }
        plot.Axes.SetLimits(0, width, 0, height);
        try
        {
            byte[] png = Png(plot, width, height);
            File.WriteAllBytes(path, PngText.Insert(png, areas));
        }
        finally
        {
            foreach (IDisposable d in images) d.Dispose();
        }
    }

    private static string Short(string name, int length) => name.Length <= length ? name : name[..(length - 1)] + "…";

    /// <summary>
    /// z_i as a function of the raw (x_p, x_q) on the plane where the other features are at <paramref name="mean"/>:
    /// cp x_p + cq x_q + c0, from z_i = A_i·x′ + a_i with x′_d = (x_d − μ_d)/σ_d (eq. 1).
    /// </summary>
    private static (double Cp, double Cq, double C0) UnitPlane(Model model, int i, int p, int q, double[] mean)
    {
        int D = model.Shape.D;
        Standardization s = model.Standardization;
        double cp = model.A[i * D + p] / s.Scale[p];
        double cq = q >= 0 ? model.A[i * D + q] / s.Scale[q] : 0;
        double c0 = (model.Shape.Bias ? model.HiddenBias[i] : 0) - cp * s.Mean[p] - (q >= 0 ? cq * s.Mean[q] : 0);
        for (int d = 0; d < D; d++)
            if (d != p && d != q) c0 += model.A[i * D + d] * s.Apply(mean[d], d);
        return (cp, cq, c0);
    }

    /// <summary>Opaque BGRA pixels: white at 0, towards blue for positive and orange for negative values, ∝
    /// |v|/scale.</summary>
    private static uint[] Shade(double[] values, double scale)
    {
        var pixels = new uint[values.Length];
        for (int n = 0; n < values.Length; n++)
        {
            double t = Math.Min(1, Math.Abs(values[n]) / scale);
            Color c = values[n] >= 0 ? Positive : Negative;
            byte Mix(byte channel) => (byte)Math.Round(255 - (255 - channel) * t);
            pixels[n] = 0xFF000000u | (uint)Mix(c.R) << 16 | (uint)Mix(c.G) << 8 | Mix(c.B);
        }
        return pixels;
    }

    /// <summary>A grid of opaque pixels stretched over a rectangle without smoothing.</summary>
    private sealed class CellImage : IPlottable, IDisposable
    {
        private readonly SKImage _image;
        private readonly CoordinateRect _rect;

        public CellImage(uint[] bgra, int columns, int rows, CoordinateRect rect)
        {
            var info = new SKImageInfo(columns, rows, SKColorType.Bgra8888, SKAlphaType.Premul);
            _image = SKImage.FromPixelCopy(info, MemoryMarshal.AsBytes(bgra.AsSpan()))
                ?? throw new InvalidOperationException("SkiaSharp could not make the hidden-unit image.");
            _rect = rect;
        }

        public bool IsVisible { get; set; } = true;

        public IAxes Axes { get; set; } = new Axes();

        public IEnumerable<LegendItem> LegendItems => [];

        public AxisLimits GetAxisLimits() => new(_rect);

        public void Render(RenderPack rp) =>
            rp.Canvas.DrawImage(_image, Axes.GetPixelRect(_rect).ToSKRect(), new SKSamplingOptions(SKFilterMode.Nearest,
                SKMipmapMode.None));

        public void Dispose() => _image.Dispose();
    }
}
