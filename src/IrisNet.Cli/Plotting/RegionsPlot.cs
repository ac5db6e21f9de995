using System.Runtime.InteropServices;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Reference;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>Decision regions: the predicted class over a plane through two features.</summary>
public static partial class Plots
{
    /// <summary>Grid cells across and down the plane; each is coloured by the prediction at its centre.</summary>
    public const int RegionColumns = 300, RegionRows = 180;

    /// <summary>At most about this many rows are drawn as points; larger data is thinned evenly.</summary>
    public const int MaxPoints = 3000;

    /// <summary>The legend names at most this many classes.</summary>
    public const int LegendClasses = 20;

    private const int PredictChunk = 1024;

    /// <summary>
    /// Draws the slice x_d = m_d (d ≠ p, q) of input space, with m the mean of the raw training rows:
    /// each grid cell of the (x_p, x_q) plane is coloured by argmax_k ŷ_k of the model at its centre
    /// (raw units; the model standardizes). Training rows are dots, test rows triangles, each in its
    /// actual class's colour; a black ring marks a row the model gets wrong. For identity and ReLU
    /// networks every hidden unit's line z_i = A_i·x′ + a_i = 0 (eq. of the first layer, x′ the
    /// standardized input) is drawn in raw units: with x′_d = (x_d − μ_d)/σ_d it is
    /// (A_ip/σ_p) x_p + (A_iq/σ_q) x_q + [a_i + Σ_{d≠p,q} A_id (m_d − μ_d)/σ_d − A_ip μ_p/σ_p − A_iq μ_q/σ_q] = 0.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="train">The training rows (their feature means fix the other features).</param>
    /// <param name="test">The test rows, or null.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="xName">The feature across, or null for the default.</param>
    /// <param name="yName">The feature up, or null for the default.</param>
    /// <returns>The two features drawn.</returns>
    /// <exception cref="OptionException">An unknown feature name, or the same feature twice.</exception>
    public static (string X, string Y) Regions(Model model, Dataset train, Dataset? test, string path,
        string? xName = null, string? yName = null)
    {
        var picture = RegionsPicture(model, train, test, xName, yName, RegionColumns, RegionRows);
        using (picture.Grid) Save(picture.Plot, path, "regions", picture.Extra);
        return picture.Features;
    }

    /// <summary>The plot of <see cref="Regions"/> with a grid of <paramref name="columns"/> × <paramref name="rows"/>
    /// cells (dispose the grid after rendering).</summary>
    private static (Plot Plot, IDisposable Grid, (string, string)[] Extra, (string X,
        string Y) Features) RegionsPicture(
        Model model, Dataset train, Dataset? test, string? xName, string? yName, int columns, int rows)
    {
        var (p, q) = ChooseFeatures(model, xName, yName);
        int D = model.Shape.D, C = model.Shape.C;
        double[] mean = new double[D];
        for (int d = 0; d < D; d++) mean[d] = train.Count > 0 ? train.Features.Average(r => r[d])
            : model.Standardization.Mean[d];

        Dataset[] sets = test is null ? [train] : [train, test];
        var (xMin, xMax) = Span(sets.SelectMany(s => s.Features).Select(r => r[p]));
        var (yMin, yMax) = q >= 0 ? Span(sets.SelectMany(s => s.Features).Select(r => r[q])) : (0.0, 1.0);

        // The grid: row 0 is drawn at the top, so row r holds the cells centred at y = yMax − (r + ½)Δy.
        double dx = (xMax - xMin) / columns, dy = (yMax - yMin) / rows;
        double[] xs = Enumerable.Range(0, columns).Select(c => xMin + (c + 0.5) * dx).ToArray();
        double[] ys = Enumerable.Range(0, rows).Select(r => yMax - (r + 0.5) * dy).ToArray();
        // No row of D features per cell: the part of z that the plane does not change is computed once.
        int[,] predicted = model.PlaneClasses(mean, p, q, xs, ys);

        var plot = new Plot();
        Color[] colors = ClassColors(C);
        var grid = new ClassGrid(predicted, colors.Select(Tint).ToArray(), new CoordinateRect(xMin, xMax, yMin, yMax));
        plot.Add.Plottable(grid);

        // One legend entry per class up to LegendClasses; a legend of thousands would take longer to
        // draw than the regions and show nothing.
        var legend = new List<LegendItem>();
        for (int k = 0; k < Math.Min(C, LegendClasses); k++)
            legend.Add(new LegendItem
            {
                LabelText = model.ClassNames[k],
                FillColor = Tint(colors[k]),
                OutlineColor = colors[k],
                OutlineWidth = 1
            });
        if (C > LegendClasses)
            legend.Add(new LegendItem
            {
                LabelText = $"… and {C - LegendClasses} more classes (colours repeat)",
                FillColor = Colors.White,
                OutlineColor = Colors.Gray,
                OutlineWidth = 1
            });

        bool lines = model.Shape.Activation is Activation.Identity or Activation.Relu;
        if (lines) HiddenUnitLines(plot, model, p, q, mean, xMin, xMax, yMin, yMax, legend);

        int stride = Math.Max(1, (train.Count + (test?.Count ?? 0) + MaxPoints - 1) / MaxPoints);
        Points(plot, model, train, stride, p, q, MarkerShape.FilledCircle, 7, colors);
        if (test is not null) Points(plot, model, test, stride, p, q, MarkerShape.FilledTriangleUp, 10, colors);
        string every = stride > 1 ? $" (every {stride}th)" : "";
        legend.Add(new LegendItem
        {
            LabelText = "training row" + every,
            MarkerShape = MarkerShape.FilledCircle,
            MarkerSize = 7,
            MarkerFillColor = Colors.Gray,
            MarkerLineColor = Colors.Black
        });
        if (test is not null)
            legend.Add(new LegendItem
            {
                LabelText = "test row" + every,
                MarkerShape = MarkerShape.FilledTriangleUp,
                MarkerSize = 10,
                MarkerFillColor = Colors.Gray,
                MarkerLineColor = Colors.Black
            });
        legend.Add(new LegendItem
        {
            LabelText = "misclassified",
            MarkerShape = MarkerShape.OpenCircle,
            MarkerSize = 14,
            MarkerLineColor = Colors.Black,
            MarkerLineWidth = 2
        });

        if (D > 2 || model.Standardization.Enabled)
        {
            var centre = plot.Add.Marker(mean[p], q >= 0 ? mean[q] : 0.5, MarkerShape.Cross, 16);
            centre.Color = Colors.Black;
            centre.LineWidth = 2;
            legend.Add(new LegendItem
            {
                LabelText = D > 2 ? "training mean (other features held there)"
                : "training mean",
                MarkerShape = MarkerShape.Cross,
                MarkerSize = 14,
                MarkerLineColor = Colors.Black,
                MarkerLineWidth = 2
            });
        }

        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        ShortTicks(plot.Axes.Bottom);
        ShortTicks(plot.Axes.Left);
        plot.XLabel(model.FeatureNames[p]);
        plot.YLabel(q >= 0 ? model.FeatureNames[q] : "(one feature only)");
        string network =
            $"{Names.Of(model.Shape.Activation)}, H = {model.Shape.H}, {(model.Shape.Bias ? "biases" : "no biases")}";
        plot.Title($"Decision regions ({network})");
        plot.Legend.ManualItems.AddRange(legend);
        plot.ShowLegend(Edge.Right);
        (string, string)[] extra =
        [
            ("x-feature", Uri.EscapeDataString(model.FeatureNames[p])),
            ("y-feature", q >= 0 ? Uri.EscapeDataString(model.FeatureNames[q]) : "-"),
        ];
        return (plot, grid, extra, (model.FeatureNames[p], q >= 0 ? model.FeatureNames[q] : ""));
    }

    /// <summary>
    /// --x/--y by name; otherwise petal length × petal width when the data has them (the Iris
    /// tutorials' view), else the two features d with the largest ‖A[:,d]‖, the norm of the first
    /// layer's weights on standardized feature d. One feature gives (0, −1).
    /// </summary>
    public static (int P, int Q) ChooseFeatures(Model model, string? xName, string? yName)
    {
        IReadOnlyList<string> names = model.FeatureNames;
        int D = names.Count, H = model.Shape.H;
        int Find(string? name, string option)
        {
            if (name is null) return -1;
            int i = names.ToList().IndexOf(name);
            if (i < 0) i = names.ToList().FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (i < 0) throw new OptionException(option,
                $"the model has no feature '{name}'; its features are {string.Join(", ", names)}.");
            return i;
        }
        int x = Find(xName, "--x"), y = Find(yName, "--y");
        if (x >= 0 && x == y) throw new OptionException("--y",
            $"'{yName}' is also --x; choose two different features ({string.Join(", ", names)}).");
        if (D == 1) return (0, -1);
        var preferred = new List<int>();
        int petalLength = names.ToList().IndexOf("petal_length"), petalWidth = names.ToList().IndexOf("petal_width");
        if (petalLength >= 0 && petalWidth >= 0) preferred.AddRange([petalLength, petalWidth]);
        double Norm(int d)
        {
            double s = 0;
            for (int i = 0; i < H; i++) s += model.A[i * D + d] * model.A[i * D + d];
            return s;
        }
        preferred.AddRange(Enumerable.Range(0, D).OrderByDescending(Norm).ThenBy(d => d));
        if (x < 0) x = preferred.First(d => d != y);
        if (y < 0) y = preferred.First(d => d != x);
        return (x, y);
    }

    private static void HiddenUnitLines(Plot plot, Model model, int p, int q, double[] mean,
        double xMin, double xMax, double yMin, double yMax, List<LegendItem> legend)
    {
        Color color = Colors.Black.WithAlpha(0.55);
        for (int i = 0; i < model.Shape.H; i++)
        {
            // z_i as a function of the raw (x_p, x_q): cp x_p + cq x_q + c0.
            var (cp, cq, c0) = UnitPlane(model, i, p, q, mean);
            Coordinates start, end;
            // Parametrize by the axis along which the line runs flatter in the picture, so both ends are finite.
            if (q >= 0 && cq != 0 && Math.Abs(cq) * (yMax - yMin) >= Math.Abs(cp) * (xMax - xMin))
            {
                start = new(xMin, -(cp * xMin + c0) / cq);
                end = new(xMax, -(cp * xMax + c0) / cq);
            }
            else if (cp != 0)
            {
                start = new(-(cq * yMin + c0) / cp, yMin);
                end = new(-(cq * yMax + c0) / cp, yMax);
            }
            else continue;
            if (!double.IsFinite(start.X + start.Y + end.X + end.Y)) continue;
            var line = plot.Add.Line(start, end);
            line.Color = color;
            line.LineWidth = 1;
        }
        string equation = model.Shape.Bias ? "A_i·x + a_i = 0" : "A_i·x = 0";
        string meaning = model.Shape.Activation == Activation.Relu ? "where ReLU unit i turns on"
            : "one line per hidden unit";
        legend.Add(new LegendItem { LabelText = $"{equation}: {meaning}", LineColor = color, LineWidth = 1 });
    }

    /// <summary>Draws the rows of <paramref name="data"/>, every <paramref name="stride"/>-th one (a large file would
    /// bury the regions).</summary>
    private static void Points(Plot plot, Model model, Dataset data, int stride, int p, int q, MarkerShape shape,
        float size, Color[] colors)
    {
        if (data.Count == 0) return;
        int[] drawn = Enumerable.Range(0, (data.Count + stride - 1) / stride).Select(i => i * stride).ToArray();
        var probabilities = new Dictionary<int, double[]>();
        foreach (int[] chunk in drawn.Chunk(PredictChunk))
        {
            double[][] p1 = model.PredictProbabilities(chunk.Select(n => data.Features[n]).ToArray());
            for (int i = 0; i < chunk.Length; i++) probabilities[chunk[i]] = p1[i];
        }
        var wrongX = new List<double>();
        var wrongY = new List<double>();
        // Grouped by class in one pass: the rows drawn, not rows × classes.
        foreach (var group in drawn.GroupBy(n => data.Labels[n]).OrderBy(g => g.Key))
        {
            int k = group.Key;
            int[] rows = group.ToArray();
            double[] xs = rows.Select(n => data.Features[n][p]).ToArray();
            double[] ys = rows.Select(n => q >= 0 ? data.Features[n][q] : 0.5).ToArray();
            var points = plot.Add.Markers(xs, ys, shape, size, colors[k]);
            points.MarkerStyle.LineColor = Colors.Black;
            points.MarkerStyle.LineWidth = 1;
            foreach (int n in rows)
            {
                if (ArgMax(probabilities[n]) == k) continue;
                wrongX.Add(data.Features[n][p]);
                wrongY.Add(q >= 0 ? data.Features[n][q] : 0.5);
            }
        }
        if (wrongX.Count == 0) return;
        var wrong = plot.Add.Markers(wrongX.ToArray(), wrongY.ToArray(), MarkerShape.OpenCircle, 16, Colors.Black);
        wrong.MarkerStyle.LineWidth = 2;
    }

    private static int ArgMax(double[] values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
            if (values[k] > values[best]) best = k;
        return best;
    }

    private static (double Min, double Max) Span(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        if (v.Length == 0) return (0, 1);
        double min = v.Min(), max = v.Max(), pad = max > min ? (max - min) * 0.06 : 0.5;
        return (min - pad, max + pad);
    }

    /// <summary>One colour per class: the Category10 palette, Category20 past ten classes (repeated past
    /// twenty).</summary>
    private static Color[] ClassColors(int C)
    {
        IPalette palette = C <= 10 ? new ScottPlot.Palettes.Category10() : new ScottPlot.Palettes.Category20();
        return Enumerable.Range(0, C).Select(palette.GetColor).ToArray();
    }

    /// <summary>A light tint of a class colour for its region: 30 % colour, 70 % white.</summary>
    private static Color Tint(Color c) =>
        new((byte)(255 - (255 - c.R) * 0.3), (byte)(255 - (255 - c.G) * 0.3), (byte)(255 - (255 - c.B) * 0.3));

    /// <summary>
    /// The grid of predicted classes as an image, one pixel per cell in its class's region colour,
    /// stretched over its data rectangle without smoothing (each cell a sharp rectangle). Built in
    /// one pass over the cells; a ScottPlot heatmap maps every cell through a colormap again each time
    /// a property is set and at each render, which took longer than the model's 54,000 predictions.
    /// </summary>
    private sealed class ClassGrid : IPlottable, IDisposable
    {
        private readonly SKImage _image;
        private readonly CoordinateRect _rect;

        public ClassGrid(int[,] classes, Color[] regionColors, CoordinateRect rect)
        {
            int rows = classes.GetLength(0), columns = classes.GetLength(1);
            var pixels = new uint[rows * columns];
            // Opaque BGRA in memory (0xAARRGGBB as a little-endian word): premultiplied is the same.
            uint[] argb = regionColors.Select(c => 0xFF000000u | (uint)c.R << 16 | (uint)c.G << 8 | c.B).ToArray();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) pixels[r * columns + c] = argb[classes[r, c]];
            var info = new SKImageInfo(columns, rows, SKColorType.Bgra8888, SKAlphaType.Premul);
            _image = SKImage.FromPixelCopy(info, MemoryMarshal.AsBytes(pixels.AsSpan()))
                ?? throw new InvalidOperationException("SkiaSharp could not make the decision-regions image.");
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
