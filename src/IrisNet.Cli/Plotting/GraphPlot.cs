using System.Globalization;
using System.Text;
using ScottPlot;
using SkiaSharp;

namespace IrisNet.Cli.Plotting;

/// <summary>The computation graph of one sample (explain --graph, diff --graph).</summary>
public static partial class Plots
{
    /// <summary>The keyword of the PNG text chunk that lists every number drawn on the graph and its pixel
    /// rectangle.</summary>
    public const string GraphKeyword = "irisnet graph entries";

    /// <summary>Up to these D, H and C every scalar is its own node; a larger network is drawn as one node per
    /// vector.</summary>
    public const int GraphScalarD = 8, GraphScalarH = 16, GraphScalarC = 8;

    /// <summary>In a folded graph a vector node lists at most this many of its entries.</summary>
    public const int GraphFoldedRows = 12;

    /// <summary>
    /// A sans-serif font that has the graph's symbols (ℓ, ∂, ŷ, ′): DejaVu Sans where installed, else the
    /// first font ScottPlot finds that renders them.
    /// </summary>
    private static readonly Lazy<string> GraphFont = new(() =>
    {
        using SKTypeface? dejaVu = SKTypeface.FromFamilyName("DejaVu Sans");
        return dejaVu?.FamilyName == "DejaVu Sans" ? "DejaVu Sans" : Fonts.Detect("ℓ∂ŷ′ᵀ⊙δ");
    });

    private static readonly Color Positive = new(31, 119, 180), Negative = new(235, 120, 20);
    private static readonly Color Ink = new(20, 20, 20), Gradient = new(110, 40, 150), Faint = new(120, 120, 120);
    private static readonly Color WrongInk = new(170, 0, 0);

    /// <summary>The fill and border of a mark.</summary>
    private static (Color Fill, Color Border, float Width) Style(GraphMark mark) => mark switch
    {
        GraphMark.Agrees => (new Color(214, 240, 214), new Color(60, 150, 60), 1),
        GraphMark.Wrong => (new Color(255, 196, 196), new Color(210, 0, 0), 3),
        GraphMark.Later => (new Color(255, 228, 196), new Color(230, 130, 30), 1),
        GraphMark.Input => (new Color(255, 243, 150), new Color(200, 150, 0), 2),
        GraphMark.Missing => (new Color(238, 238, 238), new Color(170, 170, 170), 1),
        _ => (Colors.White, new Color(150, 150, 150), 1),
    };

    /// <summary>What each mark means, for the legend of diff --graph.</summary>
    private static readonly (GraphMark Mark, string Meaning)[] MarkLegend =
    [
        (GraphMark.Agrees, "agrees with the reference"),
        (GraphMark.Wrong, "FIRST DIFFERENCE: yours, the reference's below it"),
        (GraphMark.Input, "what it is computed from"),
        (GraphMark.Later, "differs too, after it"),
        (GraphMark.Missing, "not in your trace (the reference's value)"),
    ];

    /// <summary>
    /// Draws <paramref name="sheet"/> left to right in layers: x, the weights A (the local derivatives
    /// ∂z_i/∂x_d, each edge coloured by its sign and as wide as its size, the numbers in a matrix beside
    /// z whose row i holds the weights of the edges into z_i), z, f′(z_i) on each edge z_i → h_i, h, the
    /// weights B (row i holds the edges out of h_i), s, the softmax Jacobian on the edges s_j → ŷ_k, ŷ,
    /// −y_k/ŷ_k on the edges ŷ_k → ℓ, and ℓ. With D, H or C above <see cref="GraphScalarD"/>,
    /// <see cref="GraphScalarH"/>, <see cref="GraphScalarC"/>, each layer is one vector node listing some
    /// of its entries, and the picture says so. Writes SVG when <paramref name="path"/> ends in .svg, else
    /// PNG with two text chunks: the data area (the picture's pixels are its coordinates) and every
    /// entry's quantity, index and rectangle.
    /// </summary>
    public static void Graph(GraphSheet sheet, string path, bool svg)
    {
        var g = new GraphCanvas(sheet);
        if (svg)
        {
            string xml = g.Plot.GetSvgXml(g.Width, g.Height);
            // The same entry list as the PNG's chunk, as an SVG comment right after the opening tag.
            int at = xml.IndexOf('>', xml.IndexOf("<svg", StringComparison.Ordinal)) + 1;
            string comment =
                $"<!-- {GraphKeyword}\n{g.EntryList().Replace("--", "- -", StringComparison.Ordinal)}\n-->";
            File.WriteAllText(path, xml[..at] + comment + xml[at..], new UTF8Encoding(false));
            return;
        }
        byte[] png = Png(g.Plot, g.Width, g.Height);
        File.WriteAllBytes(path, PngText.Insert(png, [(AreaKeyword, Area(g.Plot, "graph", 0, [])), (GraphKeyword,
            g.EntryList())]));
    }

    /// <summary>One drawing of a sheet: the layout, the plottables and the rectangle of every entry drawn.</summary>
    private sealed class GraphCanvas
    {
        private const int Margin = 14, CellWidth = 66, Gap = 6;
        private readonly GraphSheet _s;
        private readonly bool _diff, _folded;
        private readonly int _pitch, _box, _top, _rows;
        private readonly List<(GraphEntry Entry, double Left, double Top, double Right, double Bottom)> _drawn = [];

        public Plot Plot { get; } = new();

        public int Width { get; }

        public int Height { get; }

        public GraphCanvas(GraphSheet sheet)
        {
            _s = sheet;
            int D = sheet.Shape.D, H = sheet.Shape.H, C = sheet.Shape.C;
            _diff = sheet.Entries().Any(e => e.Mark != GraphMark.Plain);
            _folded = D > GraphScalarD || H > GraphScalarH || C > GraphScalarC;
            _box = _diff ? 52 : 40;
            _pitch = _box + (_folded ? 0 : 5);
            int bias = sheet.Shape.Bias ? 1 : 0;
            _rows = _folded ? GraphFoldedRows + 1 : Math.Max(Math.Max(H + bias, D), C);
            int headerLines = sheet.Header.Count + (_folded ? 1 : 0);
            _top = 40 + 15 * headerLines + 40;
            int footer = 30 + 16 * (sheet.Footer.Count + 3) + (sheet.Chips.Count > 0 ? 30 : 0) + (_diff ? 26 : 0);
            Height = _top + _rows * _pitch + footer;

            Plot.HideAxesAndGrid();
            Plot.Layout.Frameless();
            Plot.FigureBackground.Color = Colors.White;
            Plot.DataBackground.Color = Colors.White;

            double x = Margin;
            if (_folded) x = DrawFolded(x);
            else x = DrawScalar(x);
            Width = (int)Math.Ceiling(x + Margin);
            DrawHeader();
            DrawFooter();
            Plot.Axes.SetLimits(0, Width, 0, Height);
        }

        /// <summary>"quantity=… index=… mark=… left=… top=… right=… bottom=…", one line per entry drawn.</summary>
        public string EntryList() => string.Join('\n', _drawn.Select(d =>
            $"quantity={Uri.EscapeDataString(d.Entry.Quantity)} index={d.Entry.Index} " +
                $"mark={d.Entry.Mark.ToString().ToLowerInvariant()} "
            + $"left={P(d.Left)} top={P(d.Top)} right={P(d.Right)} bottom={P(d.Bottom)}"));

        private static string P(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        private double RowY(int r) => _top + r * _pitch + _pitch / 2.0;

        /// <summary>The centre of node k of a layer of n nodes spread over the rows.</summary>
        private double SpreadY(int k, int n) => _top + (k + 0.5) * _rows * _pitch / n;

        // ---- the scalar graph ----

        private double DrawScalar(double x0)
        {
            NetworkShapeView v = new(_s);
            int D = v.D, H = v.H, C = v.C;
            const int wide = 128, narrow = 104;
            double xL = x0, xR = xL + wide;
            double aL = xR + 120, aR = aL + CellWidth * (D + (v.Bias ? 1 : 0));
            double zL = aR + Gap, zR = zL + narrow;
            double hL = zR + 92, hR = hL + narrow;
            double bL = hR + Gap, bR = bL + CellWidth * C;
            double sL = bR + 120, sR = sL + wide;
            double yL = sR + 200, yR = yL + wide;
            double lL = yR + 120, lR = lL + 130;

            double[] xY = Enumerable.Range(0, D).Select(d => SpreadY(d, D)).ToArray();
            double[] sY = Enumerable.Range(0, C).Select(j => SpreadY(j, C)).ToArray();
            double lY = SpreadY(0, 1);

            double maxA = Math.Max(1e-12, _s.A.Select(e => Math.Abs(e.Value)).DefaultIfEmpty(0).Max());
            double maxB = Math.Max(1e-12, _s.B.Select(e => Math.Abs(e.Value)).DefaultIfEmpty(0).Max());
            // Edges first, under the boxes.
            for (int i = 0; i < H; i++)
                for (int d = 0; d < D; d++) WeightEdge(xR, xY[d], aL, RowY(i), _s.A[i * D + d].Value, maxA);
            for (int i = 0; i < H; i++)
                for (int j = 0; j < C; j++) WeightEdge(bR, RowY(i), sL, sY[j], _s.B[j * H + i].Value, maxB);
            if (v.Bias)
            {
                for (int j = 0; j < C; j++)
                {
                    var line = Segment(bR, RowY(H), sL, sY[j]);
                    line.LineColor = Faint.WithAlpha(0.6);
                    line.LineWidth = 1;
                    line.LinePattern = LinePattern.Dashed;
                }
            }
            for (int i = 0; i < H; i++)
            {
                var line = Segment(zR, RowY(i), hL, RowY(i));
                line.LineColor = Faint;
                line.LineWidth = 1.5f;
                EdgeLabel($"f′ {GraphPlotText.N(_s.FPrime[i])}", (zR + hL) / 2, RowY(i) - 2, Ink,
                    Alignment.LowerCenter);
                if (_s.FPrimeTheirs.ElementAtOrDefault(i) is double theirs)
                    EdgeLabel($"yours {GraphSheets.Number(theirs, _s.FPrime[i])}", (zR + hL) / 2, RowY(i) + 2, WrongInk,
                        Alignment.UpperCenter,
                        bold: true);
            }
            for (int j = 0; j < C; j++)
            {
                for (int k = 0; k < C; k++)
                {
                    var line = Segment(sR, sY[j], yL, sY[k]);
                    line.LineColor = (k == j ? Ink : Faint).WithAlpha(0.7);
                    line.LineWidth = k == j ? 1.5f : 1;
                    // The label near the source, where the three edges of s_j are apart.
                    double t = 0.2, lx = sR + t * (yL - sR), ly = sY[j] + t * (sY[k] - sY[j]);
                    EdgeLabel($"∂ŷ{k + 1}/∂s{j + 1} {GraphPlotText.N(_s.Jacobian[k * C + j])}", lx + 4, ly - 1, Ink,
                        Alignment.LowerLeft);
                }
            }
            for (int k = 0; k < C; k++)
            {
                var line = Segment(yR, sY[k], lL, lY);
                bool zero = _s.Y[k].Value == 0;
                line.LineColor = (zero ? Faint : Ink).WithAlpha(zero ? 0.5 : 0.8);
                line.LineWidth = zero ? 1 : 1.5f;
                if (zero) line.LinePattern = LinePattern.Dashed;
                double t = 0.55, lx = yR + t * (lL - yR), ly = sY[k] + t * (lY - sY[k]);
                // Above the edge on the side it leaves free: right of a falling edge, left of a rising one.
                var (dx, side) = sY[k] < lY ? (6, Alignment.LowerLeft) : sY[k] > lY ? (-6, Alignment.LowerRight) : (0,
                    Alignment.LowerCenter);
                EdgeLabel($"−y{k + 1}/ŷ{k + 1} {GraphPlotText.N(_s.LossFactor[k])}", lx + dx, ly - 2, Ink, side);
            }

            // Column headers: value (equation) above the gradient's equation.
            string L = _s.Loss;
            Column(xL, xR, "x (standardized)", "input: no gradient");
            Column(aL, aR, "A_id = ∂z_i/∂x_d (1)", $"below: ∂{L}/∂A_id (11)" + (v.Bias ? "; a: ∂z/∂a = 1 (12)" : ""));
            Column(zL, zR, "z = A x + a (1)", $"∂{L}/∂z (10)");
            Column(zR, hL, "f′(z_i) (13)", "");
            Column(hL, hR, "h = f(z) (2)", $"∂{L}/∂h (9)");
            Column(bL, bR, "B_ji = ∂s_j/∂h_i (3)", $"below: ∂{L}/∂B_ji (8)");
            Column(sL, sR, "s = B h + b (3)", $"∂{L}/∂s (7)");
            Column(sR, yL, "∂ŷ_k/∂s_j = ŷ_k(δ_kj − ŷ_j) (6)", "");
            Column(yL, yR, "ŷ = softmax(s) (4)", L == "ℓ" ? "∂ℓ/∂ŷ = −y/ŷ (5)" : "(∂L/∂ŷ is not traced)");
            Column(yR, lL, "−y_k/ŷ_k (5)", "");
            Column(lL, lR, L == "ℓ" ? "ℓ = −Σ y ln ŷ (5)" : "L: the batch mean (5)", "");

            // Weight matrices, one row per hidden unit.
            for (int d = 0; d < D; d++) Label($"x{d + 1}", aL + (d + 0.5) * CellWidth, _top - 2, 9.5f, Faint,
                Alignment.LowerCenter);
            if (v.Bias) Label("a", aL + (D + 0.5) * CellWidth, _top - 2, 9.5f, Faint, Alignment.LowerCenter);
            for (int j = 0; j < C; j++) Label($"s{j + 1}", bL + (j + 0.5) * CellWidth, _top - 2, 9.5f, Faint,
                Alignment.LowerCenter);
            for (int i = 0; i < H; i++)
            {
                for (int d = 0; d < D; d++) Cell(aL + d * CellWidth, RowY(i), _s.A[i * D + d],
                    _s.DA.ElementAtOrDefault(i * D + d), signed: true);
                if (v.Bias) Cell(aL + D * CellWidth, RowY(i), _s.HiddenBias[i], _s.DHiddenBias.ElementAtOrDefault(i),
                    signed: false);
                for (int j = 0; j < C; j++) Cell(bL + j * CellWidth, RowY(i), _s.B[j * H + i],
                    _s.DB.ElementAtOrDefault(j * H + i), signed: true);
            }
            if (v.Bias)
            {
                Label("b (× 1):", bL - 4, RowY(H), 9.5f, Faint, Alignment.MiddleRight);
                for (int j = 0; j < C; j++) Cell(bL + j * CellWidth, RowY(H), _s.OutputBias[j],
                    _s.DOutputBias.ElementAtOrDefault(j), signed: false);
            }

            // The nodes.
            for (int d = 0; d < D; d++) Node(xL, xR, xY[d], $"x{d + 1} {Short(_s.Features[d])}", _s.X[d], null);
            for (int i = 0; i < H; i++)
            {
                Node(zL, zR, RowY(i), $"z{i + 1}", _s.Z[i], _s.DZ.ElementAtOrDefault(i));
                Node(hL, hR, RowY(i), $"h{i + 1}", _s.H[i], _s.DH.ElementAtOrDefault(i));
            }
            for (int j = 0; j < C; j++)
            {
                Node(sL, sR, sY[j], $"s{j + 1} {Short(_s.Classes[j])}", _s.S[j], _s.DS.ElementAtOrDefault(j));
                Node(yL, yR, sY[j], $"ŷ{j + 1} {Short(_s.Classes[j])}", _s.Yhat[j], _s.DYhat.ElementAtOrDefault(j));
                var (fill, border, _) = Style(_s.Y[j].Mark);
                var yBox = Rect(yR - 42, yR, sY[j] - _box / 2.0 - 15, sY[j] - _box / 2.0);
                yBox.FillColor = fill;
                yBox.LineColor = border;
                Label($"y{j + 1} = {_s.Y[j].Value.ToString("0.###", CultureInfo.InvariantCulture)}", yR - 21,
                    sY[j] - _box / 2.0 - 1.5, 9.5f, Ink, Alignment.LowerCenter);
                _drawn.Add((_s.Y[j], yR - 42, sY[j] - _box / 2.0 - 15, yR, sY[j] - _box / 2.0));
            }
            Node(lL, lR, lY, L == "ℓ" ? "ℓ" : "L (batch mean)", _s.LossValue, null);
            return lR;
        }

        private void WeightEdge(double x1, double y1, double x2, double y2, double w, double max)
        {
            var line = Segment(x1, y1, x2, y2);
            line.LineColor = (w >= 0 ? Positive : Negative).WithAlpha(0.65);
            line.LineWidth = (float)(0.4 + 3.2 * Math.Abs(w) / max);
        }

        private static string Short(string name) => name.Length <= 13 ? name : name[..12] + "…";

        private void Column(double left, double right, string first, string second) => Column(left, right, first,
            second, _top);

        /// <summary>A column's title and, under it, its gradient's, just above <paramref name="top"/>.</summary>
        private void Column(double left, double right, string first, string second, double top)
        {
            Label(first, (left + right) / 2, top - 30, 10.5f, Ink, Alignment.LowerCenter, bold: true);
            if (second.Length > 0) Label(second, (left + right) / 2, top - 16, 9.5f, Gradient, Alignment.LowerCenter);
        }

        /// <summary>A node: title, value, gradient (∂ℓ/∂·), and under a wrong entry the reference's value.</summary>
        private void Node(double left, double right, double cy, string title, GraphEntry value, GraphEntry? gradient)
        {
            double top = cy - _box / 2.0, bottom = cy + _box / 2.0;
            var frame = Rect(left, right, top, bottom);
            frame.FillColor = Colors.White;
            frame.LineColor = new Color(120, 120, 120);
            Label(title, left + 4, top + 1.5, 9.5f, Faint, Alignment.UpperLeft, bold: true);
            double line = top + 13;
            Line(left, right, line, value, Ink, "");
            if (gradient is not null) Line(left, right, line + 13, gradient, Gradient, $"∂{_s.Loss} ");
            GraphEntry? wrong = value.Mark == GraphMark.Wrong ? value : gradient?.Mark == GraphMark.Wrong ? gradient
                : null;
            if (wrong is not null) Reference(left, right, line + 26, wrong);
            var (_, border, width) = Style(wrong?.Mark ?? (value.Mark == GraphMark.Input || gradient?.Mark
                == GraphMark.Input ? GraphMark.Input : GraphMark.Plain));
            var outline = Rect(left, right, top, bottom);
            outline.FillColor = Colors.Transparent;
            outline.LineColor = width > 1 ? border : new Color(120, 120, 120);
            outline.LineWidth = width;
        }

        /// <summary>One number in its own strip of a box, filled by its mark.</summary>
        private void Line(double left, double right, double top, GraphEntry e, Color color, string prefix)
        {
            var (fill, _, _) = Style(e.Mark);
            if (e.Mark != GraphMark.Plain)
            {
                var strip = Rect(left + 1, right - 1, top, top + 13);
                strip.FillColor = fill;
                strip.LineWidth = 0;
            }
            string text = e.Note is not null ? "yours: shape" : e.Reference is double r && e.Mark == GraphMark.Wrong
                ? GraphSheets.Number(e.Value, r) : GraphPlotText.N(e.Value);
            Label(prefix + text, right - 4, top + 6.5, 10.5f, e.Mark == GraphMark.Missing ? Faint : color,
                Alignment.MiddleRight, bold: e.Mark == GraphMark.Wrong);
            _drawn.Add((e, left, top, right, top + 13));
        }

        private void Reference(double left, double right, double top, GraphEntry e)
        {
            string text = e.Note is not null ? "ref: " + GraphPlotText.N(e.Reference ?? double.NaN) : "ref "
                + GraphSheets.Number(e.Reference!.Value, e.Value);
            Label(text, right - 4, top + 6.5, 10.5f, WrongInk, Alignment.MiddleRight, bold: true);
        }

        /// <summary>A weight: its value (coloured by sign), its gradient below, and the reference's when
        /// wrong.</summary>
        private void Cell(double left, double cy, GraphEntry weight, GraphEntry? gradient, bool signed)
        {
            double right = left + CellWidth - 2, top = cy - _box / 2.0 + 2, bottom = cy + _box / 2.0 - 2;
            GraphMark mark = gradient?.Mark == GraphMark.Wrong ? GraphMark.Wrong : weight.Mark == GraphMark.Input
                || gradient?.Mark == GraphMark.Input ? GraphMark.Input : GraphMark.Plain;
            var (_, border, width) = Style(mark);
            var frame = Rect(left, right, top, bottom);
            frame.FillColor = new Color(250, 250, 250);
            frame.LineColor = width > 1 ? border : new Color(215, 215, 215);
            frame.LineWidth = width;
            double line = top + 2;
            Color ink = !signed ? Ink : weight.Value >= 0 ? Positive : Negative;
            WeightLine(left, right, line, weight, ink);
            if (gradient is not null) WeightLine(left, right, line + 12.5, gradient, Gradient);
            if (gradient?.Mark == GraphMark.Wrong)
                Label(gradient.Note is not null ? "shape!" : GraphSheets.Number(gradient.Reference!.Value,
                    gradient.Value), right - 3, line + 31, 9.5f, WrongInk, Alignment.MiddleRight, bold: true);
        }

        private void WeightLine(double left, double right, double top, GraphEntry e, Color color)
        {
            var (fill, _, _) = Style(e.Mark);
            if (e.Mark != GraphMark.Plain)
            {
                var strip = Rect(left + 1, right - 1, top, top + 12);
                strip.FillColor = fill;
                strip.LineWidth = 0;
            }
            string text = e.Reference is double r && e.Mark == GraphMark.Wrong ? GraphSheets.Number(e.Value,
                r) : GraphPlotText.N(e.Value);
            Label(text, right - 3, top + 6, 9.5f, e.Mark == GraphMark.Missing ? Faint : color, Alignment.MiddleRight,
                bold: e.Mark == GraphMark.Wrong);
            _drawn.Add((e, left, top, right, top + 12));
        }

        // ---- the folded graph: one node per vector ----

        private double DrawFolded(double x0)
        {
            NetworkShapeView v = new(_s);
            string L = _s.Loss;
            const int width = 170, edge = 200;
            double x = x0;
            var layers = new (string Title, string Value, string Gradient, GraphEntry[] Values, GraphEntry?[] Gradients,
                string[] Names)[]
            {
                ("x", "x (standardized)", "input", _s.X, new GraphEntry?[v.D], _s.Features.ToArray()),
                ("z", "z = A x + a (1)", $"∂{L}/∂z (10)", _s.Z, _s.DZ, Enumerable.Range(1,
                    v.H).Select(i => $"z{i}").ToArray()),
                ("h", "h = f(z) (2)", $"∂{L}/∂h (9)", _s.H, _s.DH, Enumerable.Range(1,
                    v.H).Select(i => $"h{i}").ToArray()),
                ("s", "s = B h + b (3)", $"∂{L}/∂s (7)", _s.S, _s.DS, _s.Classes.ToArray()),
                ("ŷ", "ŷ = softmax(s) (4)", L == "ℓ" ? "∂ℓ/∂ŷ = −y/ŷ (5)" : "", _s.Yhat, _s.DYhat,
                    _s.Classes.ToArray()),
            };
            string[] jacobians =
            [
                $"∂z/∂x = A, {v.H}×{v.D} (1)",
                "∂h/∂z = Diag f′(z) (13)",
                $"∂s/∂h = B, {v.C}×{v.H} (3)",
                "∂ŷ/∂s = Diag(ŷ) − ŷŷᵀ (6)",
                "∂ℓ/∂ŷ = −y/ŷ (5)",
            ];
            double height = _rows * _pitch;
            for (int l = 0; l < layers.Length; l++)
            {
                var layer = layers[l];
                double top = VectorNode(x, x + width, layer.Values, layer.Gradients, layer.Names);
                Column(x, x + width, layer.Value, layer.Gradient, top);
                double from = x + width, to = x + width + edge;
                var arrow = Plot.Add.Arrow(new Coordinates(from + 4, Height - _top - height / 2),
                    new Coordinates(to - 4, Height - _top - height / 2));
                arrow.ArrowFillColor = Faint;
                arrow.ArrowLineWidth = 0;
                arrow.ArrowWidth = 3;
                Label(jacobians[l], (from + to) / 2, _top + height / 2 - 8, 9.5f, Ink, Alignment.LowerCenter,
                    bold: true);
                string parameter = l switch
                {
                    0 => Summary("A", _s.A, _s.DA, 11) + (v.Bias ? "\n" + Summary("a", _s.HiddenBias, _s.DHiddenBias,
                        12) : ""),
                    2 => Summary("B", _s.B, _s.DB, 8) + (v.Bias ? "\n" + Summary("b", _s.OutputBias, _s.DOutputBias,
                        12) : ""),
                    _ => "",
                };
                if (parameter.Length > 0) Label(parameter, (from + to) / 2, _top + height / 2 + 10, 9f, Gradient,
                    Alignment.UpperCenter);
                x = to;
            }
            Column(x, x + 110, L == "ℓ" ? "ℓ = −Σ y ln ŷ (5)" : "L: batch mean (5)", "",
                _top + (height - _box) / 2 + 12);
            Node(x, x + 110, _top + height / 2, L, _s.LossValue, null);
            // The parameters' entries are not drawn one by one here; their marks still count for the legend.
            return x + 110;
        }

        private static string Summary(string name, GraphEntry[] values, GraphEntry?[] gradients, int equation)
        {
            if (values.Length == 0) return "";
            string largest = GraphPlotText.N(values.Max(e => Math.Abs(e.Value)));
            var g = gradients.OfType<GraphEntry>().ToArray();
            string gradient = g.Length == 0 ? "" :
                $"\nmax |∂/∂{name}| {GraphPlotText.N(g.Max(e => Math.Abs(e.Value)))} ({equation})";
            string wrong = g.Any(e => e.Mark == GraphMark.Wrong) ? $"\n∂/∂{name} DIFFERS (first)" : g.Any(e => e.Mark
                == GraphMark.Later) ? $"\n∂/∂{name} differs" : "";
            return $"{name}: max |{name}| {largest}{gradient}{wrong}";
        }

        /// <summary>
        /// A vector as one tall box, centred on the row of arrows: up to <see cref="GraphFoldedRows"/> entries,
        /// the first ones, but those the first difference is computed from and its wrong entries before the
        /// others, then how many more. Returns the box's top.
        /// </summary>
        private double VectorNode(double left, double right, GraphEntry[] values, GraphEntry?[] gradients,
            string[] names)
        {
            int n = values.Length;
            var shown = new SortedSet<int>(Enumerable.Range(0, Math.Min(n, GraphFoldedRows)));
            // The entries the first difference is computed from (those of its worst entry) come first, then its other
            // wrong entries.
            bool Has(int i, GraphMark mark) => values[i].Mark == mark || gradients.ElementAtOrDefault(i)?.Mark == mark;
            int[] wrong = Enumerable.Range(0, n).Where(i => Has(i, GraphMark.Input))
                .Concat(Enumerable.Range(0, n).Where(i => Has(i, GraphMark.Wrong))).Distinct().Take(GraphFoldedRows
                    / 2).ToArray();
            foreach (int i in wrong)
            {
                if (shown.Contains(i)) continue;
                shown.Remove(shown.Where(s => !wrong.Contains(s)).Max());
                shown.Add(i);
            }
            int lines = shown.Count + (n > shown.Count ? 1 : 0);
            int offset = (_rows - lines) / 2;
            double top = _top + offset * _pitch;
            var frame = Rect(left - 3, right + 3, top - 3, top + Math.Max(shown.Count, lines - 0.5) * _pitch + 3);
            frame.FillColor = new Color(248, 248, 248);
            frame.LineColor = new Color(120, 120, 120);
            int r = 0;
            foreach (int i in shown)
            {
                Node(left, right, RowY(offset + r), Short(names[i]), values[i], gradients.ElementAtOrDefault(i));
                r++;
            }
            if (n > shown.Count)
            {
                Label($"… and {n - shown.Count} more (vector of {n})", (left + right) / 2,
                    RowY(offset + r) - _box / 2.0 + 4, 9.5f, Faint,
                    Alignment.UpperCenter);
            }
            return top;
        }

        // ---- header and footer ----

        private void DrawHeader()
        {
            Label(_s.Title, Margin, 10, 15, Ink, Alignment.UpperLeft, bold: true);
            double y = 34;
            var lines = _s.Header.ToList();
            if (_folded)
            {
                lines.Add($"FOLDED: D = {_s.Shape.D}, H = {_s.Shape.H}, C = {_s.Shape.C} is larger than one node per " +
                    $"scalar allows (D ≤ {GraphScalarD}, "
                    + $"H ≤ {GraphScalarH}, C ≤ {GraphScalarC}): each layer is one vector node listing at most " +
                        $"{GraphFoldedRows} entries; edges carry the Jacobian matrices.");
            }
            foreach (string line in lines)
            {
                Label(line, Margin, y, 10.5f, Ink, Alignment.UpperLeft);
                y += 15;
            }
        }

        private void DrawFooter()
        {
            double y = _top + _rows * _pitch + 12;
            string L = _s.Loss;
            string backward =
                $"Backward (each gradient is the sum over the edges leaving a box of the edge's factor times the " +
                $"gradient at its other end): ∂{L}/∂s = ŷ − y (7"
                + (L == "L" ? ", divided by N" : "") +
                    $"), ∂{L}/∂h = Bᵀ ∂{L}/∂s (9), ∂{L}/∂z = ∂{L}/∂h ⊙ f′(z) (10), ∂{L}/∂B = ∂{L}/∂s hᵀ (8), "
                + $"∂{L}/∂A = ∂{L}/∂z xᵀ (11)" + (_s.Shape.Bias ? $", ∂{L}/∂b = ∂{L}/∂s, ∂{L}/∂a = ∂{L}/∂z (12)."
                    : ".");
            Label(backward, Margin, y, 10, Ink, Alignment.UpperLeft);
            y += 16;
            if (!_folded)
            {
                Label("Edges x→z and h→s: blue a positive weight, orange a negative one, width its size; their " +
                    "values are the matrices beside z and h "
                    + "(row i: the edges into z_i, the edges out of h_i). Dashed: a factor that is 0 (y_k = 0) or a " +
                        "bias's 1.", Margin, y, 10, Ink, Alignment.UpperLeft);
                y += 16;
            }
            if (_diff)
            {
                double x = Margin;
                foreach (var (mark, meaning) in MarkLegend)
                {
                    var (fill, border, width) = Style(mark);
                    var box = Rect(x, x + 22, y + 1, y + 13);
                    box.FillColor = fill;
                    box.LineColor = border;
                    box.LineWidth = width;
                    Label(meaning, x + 28, y + 7, 10.5f, Ink, Alignment.MiddleLeft, bold: mark == GraphMark.Wrong);
                    x += 40 + 7.2 * meaning.Length;
                }
                y += 24;
            }
            if (_s.Chips.Count > 0)
            {
                Label("Update (15–16):", Margin, y + 7, 10.5f, Ink, Alignment.MiddleLeft, bold: true);
                double x = Margin + 110;
                foreach (var (text, mark) in _s.Chips)
                {
                    var (fill, border, width) = Style(mark);
                    double w = 14 + 7.5 * text.Length;
                    var chip = Rect(x, x + w, y, y + 15);
                    chip.FillColor = fill;
                    chip.LineColor = border;
                    chip.LineWidth = width;
                    Label(text, x + w / 2, y + 7.5, 10, Ink, Alignment.MiddleCenter, bold: mark == GraphMark.Wrong);
                    x += w + 6;
                }
                y += 26;
            }
            foreach (string line in _s.Footer)
            {
                Label(line, Margin, y, 11, line.StartsWith("FIRST", StringComparison.Ordinal) ? WrongInk : Ink,
                    Alignment.UpperLeft, bold: line.StartsWith("FIRST", StringComparison.Ordinal));
                y += 16;
            }
        }

        /// <summary>A rectangle given in pixels (y down).</summary>
        private ScottPlot.Plottables.Rectangle Rect(double left, double right, double top, double bottom) =>
            Plot.Add.Rectangle(left, right, Height - bottom, Height - top);

        /// <summary>A line given in pixels (y down).</summary>
        private ScottPlot.Plottables.LinePlot Segment(double x1, double y1, double x2, double y2) =>
            Plot.Add.Line(x1, Height - y1, x2, Height - y2);

        private void Label(string text, double x, double y, float size, Color color, Alignment alignment,
            bool bold = false)
            => AddLabel(text, x, y, size, color, alignment, bold);

        /// <summary>An edge's label: on a white ground, so the edges it crosses do not strike through it.</summary>
        private void EdgeLabel(string text, double x, double y, Color color, Alignment alignment, bool bold = false)
            => AddLabel(text, x, y, 9.5f, color, alignment, bold).LabelBackgroundColor = Colors.White.WithAlpha(0.85);

        private ScottPlot.Plottables.Text AddLabel(string text, double x, double y, float size, Color color,
            Alignment alignment,
            bool bold)
        {
            var t = Plot.Add.Text(text, x, Height - y);
            t.LabelFontSize = size;
            t.LabelFontColor = color;
            t.LabelAlignment = alignment;
            t.LabelBold = bold;
            t.LabelFontName = GraphFont.Value;
            return t;
        }
    }

    /// <summary>D, H, C and the bias flag of a sheet, under short names.</summary>
    private readonly record struct NetworkShapeView(int D, int H, int C, bool Bias)
    {
        public NetworkShapeView(GraphSheet s) : this(s.Shape.D, s.Shape.H, s.Shape.C, s.Shape.Bias)
        {
        }
    }
}
