using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using IrisNet.Cli.Plotting;

namespace IrisNet.Tests;

/// <summary>
/// The pictures of learning: the computation graph (explain --graph, diff --graph), the animated
/// decision regions (train --animate) and the hidden units (units.png), each checked for the property
/// that makes it right, through the data areas and entry lists the program records in its files.
/// </summary>
public sealed partial class LearningPictureTests() : TempDirectoryTest("learning-pictures")
{
    private static readonly string Fixture = Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "trace");

    private sealed record Entry(string Quantity, int Index, string Mark, double Left, double Top, double Right,
        double Bottom);

    private static List<Entry> Entries(string list) => list.Split('\n',
        StringSplitOptions.RemoveEmptyEntries).Select(line =>
    {
        var f = line.Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        double D(string k) => double.Parse(f[k], CultureInfo.InvariantCulture);
        return new Entry(Uri.UnescapeDataString(f["quantity"]), int.Parse(f["index"], CultureInfo.InvariantCulture),
            f["mark"],
            D("left"), D("top"), D("right"), D("bottom"));
    }).ToList();

    /// <summary>The text elements of an SVG: content and where it is drawn (the translate, the glyph offsets, the
    /// baseline).</summary>
    private static (string Text, double X, double Y)[] SvgTexts(string svg) =>
        XDocument.Parse(Regex.Replace(svg, "<!--.*?-->", "", RegexOptions.Singleline)).Descendants()
            .Where(e => e.Name.LocalName == "text").Select(e =>
            {
                var t = Regex.Match(e.Attribute("transform")!.Value, @"translate\(([-\d.]+) ([-\d.]+)\)");
                double[] xs = e.Attribute("x")!.Value.Split(',', StringSplitOptions.RemoveEmptyEntries |
                    StringSplitOptions.TrimEntries)
                    .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                double y0 = double.Parse(e.Attribute("y")!.Value.Split(',')[0], CultureInfo.InvariantCulture);
                double size = double.Parse(e.Attribute("font-size")!.Value, CultureInfo.InvariantCulture);
                double tx = double.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture);
                double ty = double.Parse(t.Groups[2].Value, CultureInfo.InvariantCulture);
                return (Text: e.Value.Trim(), X: tx + (xs[0] + xs[^1]) / 2, Y: ty + y0 - size * 0.35);
            }).ToArray();

    private static string Six(double v) => (v == 0 ? 0.0 : v).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every value and gradient drawn on the graph (read back from the SVG's text, at the place of its
    /// entry) is the number explain --json writes for that quantity and index, printed as explain's tables
    /// print it; and the entries cover every quantity of the forward and backward pass one scalar each.
    /// </summary>
    [Theory]
    [InlineData("tanh", "true", null)]
    [InlineData("relu", "false", "wine")]
    public void The_graph_shows_the_numbers_explain_prints(string activation, string bias, string? data)
    {
        string[] common = ["explain", "--sample", "7", "--hidden", "6", "--activation", activation, "--bias", bias,
            .. data is null ? Array.Empty<string>() : ["--data", Path.Combine(Repo.Root, "tests", "IrisNet.Tests",
                "Fixtures", "wine_like.csv")]];
        using var json = JsonDocument.Parse(Ok([.. common, "--json", "--graph", P("graph.svg")]).Stdout);
        Ok([.. common, "--graph", P("graph.png")]);
        string svg = File.ReadAllText(P("graph.svg"));
        string list = Regex.Match(svg, "<!-- irisnet graph entries\n(.*?)\n-->",
            RegexOptions.Singleline).Groups[1].Value;
        PngImage png = PngImage.Load(P("graph.png"));
        Assert.Equal(list, png.Text.Single(t => t.Keyword == "irisnet graph entries").Text);
        List<Entry> entries = Entries(list);

        var texts = SvgTexts(svg);

        var blocks =
            json.RootElement.GetProperty("forward").EnumerateArray().Concat(json.RootElement.GetProperty("backward").EnumerateArray())
            .ToDictionary(b => b.GetProperty("symbol").GetString()!);
        int checkedCount = 0;
        foreach (Entry e in entries.Where(e => blocks.ContainsKey(e.Quantity)))
        {
            JsonElement block = blocks[e.Quantity];
            int cols = block.GetProperty("cols").GetInt32();
            double value = block.GetProperty("value")[e.Index / cols][e.Index % cols].GetDouble();
            string[] inside = texts.Where(t => t.X >= e.Left - 2 && t.X <= e.Right + 2 && t.Y >= e.Top - 2 && t.Y
                <= e.Bottom + 2).Select(t => t.Text).ToArray();
            Assert.True(inside.Any(t => t.EndsWith(" " + Six(value), StringComparison.Ordinal) || t == Six(value)),
                $"{e.Quantity}[{e.Index}] is {Six(value)} in explain --json, the picture shows " +
                    $"[{string.Join(" | ", inside)}] there");
            checkedCount++;
        }
        JsonElement shape = json.RootElement.GetProperty("shape");
        int D = shape.GetProperty("D").GetInt32(), H = shape.GetProperty("H").GetInt32(),
            C = shape.GetProperty("C").GetInt32();
        bool biases = bias == "true";
        bool folded = D > 8;
        if (!folded)
        {
            // x, z, h, s, ŷ, ℓ; ∂ℓ/∂z, ∂ℓ/∂h, ∂ℓ/∂s, ∂ℓ/∂ŷ; ∂ℓ/∂A, ∂ℓ/∂B; ∂ℓ/∂a, ∂ℓ/∂b.
            Assert.Equal(D + 2 * H + 2 * C + 1 + 2 * H + 2 * C + H * D + C * H + (biases ? H + C : 0), checkedCount);
        }
        else Assert.True(checkedCount >= 2 * D, $"only {checkedCount} entries of the folded graph were checked");
        DataArea area = png.Area("graph");
        Assert.InRange(area.Right - area.Left, png.Width - 3, png.Width + 3); // entries are placed in pixels
    }

    /// <summary>
    /// diff --graph marks exactly the first quantity diff reports (red, its entries that differ), the
    /// quantities it is computed from (yellow) and nothing else as wrong, on the catalogued diagonal-softmax
    /// fixture and on a hand-made mistake outside the catalogue (dA divided by N once more).
    /// </summary>
    [Theory]
    [InlineData("diagonal", "dS", new[] { "Yhat", "Y" })]
    [InlineData("dA-over-N", "dA", new[] { "dZ", "X" })]
    public void The_diff_graph_marks_the_first_difference_and_its_inputs(string mistake, string expected,
        string[] inputs)
    {
        string theirs = Path.Combine(Fixture, "numpy-iris-diagonal.json");
        if (mistake == "dA-over-N")
        {
            var trace = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "numpy-iris.json")))!;
            int N = trace["data"]!["X"]!.AsArray().Count;
            foreach (JsonNode? step in trace["steps"]!.AsArray())
            {
                JsonArray rows = step!["dA"]!["value"]!.AsArray();
                foreach (JsonNode? row in rows)
                    for (int i = 0; i < row!.AsArray().Count; i++) row[i] = row[i]!.GetValue<double>() / N;
            }
            theirs = P("mine.json");
            File.WriteAllText(theirs, trace.ToJsonString());
        }
        Cli.Result r = Cli.Run(_dir, "diff", theirs, "--graph", P("diff.png"));
        Assert.Equal(1, r.ExitCode);
        DiffReport report = TraceDiff.Compare(TraceJson.Load(theirs));
        Assert.Equal(expected, report.First!.Name);

        PngImage image = PngImage.Load(P("diff.png"));
        List<Entry> entries = Entries(image.Text.Single(t => t.Keyword == "irisnet graph entries").Text);
        Entry[] wrong = entries.Where(e => e.Mark == "wrong").ToArray();
        Assert.NotEmpty(wrong);
        Assert.All(wrong, e => Assert.Equal(report.First.Name, e.Quantity));
        string[] marked = entries.Where(e => e.Mark == "input").Select(e => e.Quantity).Distinct().Order().ToArray();
        Assert.Equal(inputs.Order(), marked);
        // What is drawn is what the list says: a wrong entry's strip is red, an input's yellow, an agreeing one's
        // green.
        (byte, byte, byte) Fill(Entry e) => image.Mode((int)((e.Left + e.Right) / 2), (int)((e.Top + e.Bottom) / 2), 5);
        Assert.All(wrong, e => Assert.Equal(((byte)255, (byte)196, (byte)196), Fill(e)));
        Assert.All(entries.Where(e => e.Mark == "input" && e.Quantity is not ("A" or "B" or "a" or "b")),
            e => Assert.Equal(((byte)255, (byte)243, (byte)150), Fill(e)));
        Assert.All(entries.Where(e => e.Mark == "agrees").Take(20), e => Assert.Equal(((byte)214, (byte)240, (byte)214),
            Fill(e)));
        // Nothing computed before the first difference is marked as differing.
        var order = TraceComputation.Order.Select(q => q.Name).ToList();
        Assert.All(entries.Where(e => e.Mark == "later"), e => Assert.True(order.IndexOf(e.Quantity) >
            order.IndexOf(expected), $"{e.Quantity} is marked as differing after {expected}"));
    }

    /// <summary>
    /// A mistake outside the catalogue, tanh′ written as 1 − h instead of 1 − h²: on the diff graph each
    /// z_i → h_i edge whose ∂L/∂z_i is wrong carries, beside f′(z_i), the factor the learner's own numbers
    /// used, their dZ over their dH (read from the file here), and nowhere else; the footer names the
    /// constant ratio of a quantity that is the reference's times 1/N.
    /// </summary>
    [Fact]
    public void The_diff_graph_shows_the_learners_own_f_prime_and_a_constant_ratio()
    {
        var trace = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "numpy-iris.json")))!;
        JsonNode step = trace["steps"]![0]!;
        JsonArray dH = step["dH"]!["value"]!.AsArray(), H = step["H"]!["value"]!.AsArray(),
            dZ = step["dZ"]!["value"]!.AsArray();
        for (int n = 0; n < dZ.Count; n++)
            for (int i = 0; i < dZ[n]!.AsArray().Count; i++) dZ[n]![i] = dH[n]![i]!.GetValue<double>() * (1
                - H[n]![i]!.GetValue<double>());
        File.WriteAllText(P("fprime.json"), trace.ToJsonString());
        Assert.Equal(1, Cli.Run(_dir, "diff", P("fprime.json"), "--graph", P("fprime.svg")).ExitCode);
        string svg = File.ReadAllText(P("fprime.svg"));
        List<Entry> entries = Entries(Regex.Match(svg, "<!-- irisnet graph entries\n(.*?)\n-->",
            RegexOptions.Singleline).Groups[1].Value);
        var texts = SvgTexts(svg);
        Entry[] wrong = entries.Where(e => e.Quantity == "dZ" && e.Mark == "wrong").ToArray();
        Assert.NotEmpty(wrong);
        int hidden = dZ[0]!.AsArray().Count;
        var yours = texts.Where(t => t.Text.StartsWith("yours ", StringComparison.Ordinal)).ToList();
        Assert.Equal(wrong.Length, yours.Count);
        foreach (Entry e in wrong)
        {
            int n = e.Index / hidden, i = e.Index % hidden;
            double implied = dZ[n]![i]!.GetValue<double>() / dH[n]![i]!.GetValue<double>();
            Entry h = entries.Single(x => x.Quantity == "H" && x.Index == e.Index);
            // Between z_i's box and h_i's, at their height.
            Assert.Contains(yours, t => t.Text == "yours " + Six(implied) && t.X > e.Right && t.X < h.Left
                && t.Y > e.Top - 30 && t.Y < e.Bottom + 30);
        }

        var over = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "numpy-iris.json")))!;
        int N = over["data"]!["X"]!.AsArray().Count;
        foreach (JsonNode? row in over["steps"]![0]!["dA"]!["value"]!.AsArray())
            for (int i = 0; i < row!.AsArray().Count; i++) row[i] = row[i]!.GetValue<double>() / N;
        File.WriteAllText(P("over.json"), over.ToJsonString());
        Assert.Equal(1, Cli.Run(_dir, "diff", P("over.json"), "--graph", P("over.svg")).ExitCode);
        var lines = SvgTexts(File.ReadAllText(P("over.svg"))).Select(t => t.Text).ToArray();
        string expected =
            $"Every entry of your dA is the reference's times " +
            $"{(1.0 / N).ToString("0.000000", CultureInfo.InvariantCulture)} = 1/N (N = {N})";
        Assert.Contains(lines, t => t.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, t => t.StartsWith("yours ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Over its byte budget, regions.apng drops every other frame (the first and last kept) until it fits,
    /// and each frame left still shows the model of the epoch it is listed at.
    /// </summary>
    [Fact]
    public void An_animation_over_its_budget_keeps_fewer_frames_each_still_at_its_epoch()
    {
        var (train, test) = Repo.Iris().SplitStratified(0.2, 42);
        TrainingOptions options = new() { Epochs = 1, Seed = 42 };
        int[] epochs = [0, 20, 40, 60, 80, 100, 120];
        var frames = epochs.Select(e =>
        {
            Model trained = Trainer.Train(train, test, options with { Epochs = Math.Max(1, e) }).Model;
            Model model = e == 0 ? FromWeights(trained, Trainer.Initialize(trained.Shape, options.Seed)) : trained;
            return new Plots.Frame(e, model, null, null);
        }).ToArray();
        Plots.Animation(frames, 120, train, test, P("whole.apng"));
        long whole = new FileInfo(P("whole.apng")).Length;
        Plots.Animation(frames, 120, train, test, P("small.apng"), maxBytes: (int)(whole * 0.6));
        Assert.True(new FileInfo(P("small.apng")).Length <= whole * 0.6, "the animation is over its budget");
        PngImage still = PngImage.Load(P("small.apng"));
        int[] kept = still.Text.Single(t => t.Keyword == "irisnet frames").Text.Split(' ').Select(int.Parse).ToArray();
        Assert.InRange(kept.Length, 2, epochs.Length - 1);
        Assert.Equal(0, kept[0]);
        Assert.Equal(120, kept[^1]);
        Assert.Subset(epochs.ToHashSet(), kept.ToHashSet());
        IReadOnlyList<PngImage> images = PngImage.Frames(P("small.apng"));
        Assert.Equal(kept.Length, images.Count);
        DataArea area = still.Area("regions");
        for (int f = 0; f < kept.Length; f++)
            AssertRegionsFollow(images[f], area, frames[Array.IndexOf(epochs, kept[f])].Model, train, test!,
                $"frame {f} (epoch {kept[f]})");
    }

    /// <summary>
    /// Every frame of regions.apng shows the regions of the model at its epoch (rebuilt here by training
    /// to that epoch, or the starting weights for epoch 0), the frames are at most 48 and one every k
    /// epochs, and the last frame's regions picture is regions.png pixel for pixel (as is the default image).
    /// </summary>
    [Fact]
    public void Each_frame_shows_the_regions_of_the_model_at_its_epoch()
    {
        Ok("train", "--epochs", "150", "--animate", "--out", P("run"), "--quiet");
        string apng = P("run", "regions.apng");
        PngImage still = PngImage.Load(apng);
        IReadOnlyList<PngImage> frames = PngImage.Frames(apng);
        int[] epochs = still.Text.Single(t => t.Keyword ==
            "irisnet frames").Text.Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(epochs.Length, frames.Count);
        Assert.InRange(frames.Count, 3, 48);
        int k = epochs[1];
        Assert.Equal(Enumerable.Range(0, frames.Count - 1).Select(i => i * k), epochs[..^1]);
        Assert.Equal(150, epochs[^1]);

        PngImage regions = PngImage.Load(P("run", "regions.png"));
        for (int y = 0; y < regions.Height; y++)
            for (int x = 0; x < regions.Width; x++)
            {
                if (frames[^1][x, y] != regions[x, y] || still[x, y] != regions[x, y])
                    Assert.Fail($"pixel ({x}, {y}) of the last frame differs from regions.png");
            }

        Model final = ModelJson.Load(P("run", "model.json"));
        var (train, test) = Repo.Iris().SplitStratified(0.2, 42);
        DataArea area = still.Area("regions");
        foreach (int f in new[] { 0, 1, frames.Count / 2, frames.Count - 2 })
        {
            Model model = epochs[f] == 0
                ? FromWeights(final, Trainer.Initialize(final.Shape, final.Options!.Seed))
                : Trainer.Train(train, test, final.Options! with { Epochs = epochs[f] }).Model;
            AssertRegionsFollow(frames[f], area, model, train, test!, $"frame {f} (epoch {epochs[f]})");
        }
    }

    private static Model FromWeights(Model like, InitialWeights w) => new(like.Shape, like.Precision, like.FeatureNames,
        like.ClassNames, like.LabelName,
        like.Standardization, w.A.SelectMany(r => r).ToArray(), w.HiddenBias ?? [], w.B.SelectMany(r => r).ToArray(),
            w.OutputBias ?? [], like.Options);

    /// <summary>Samples of the data area away from boundaries and markers: one colour per predicted class, different
    /// classes different colours.</summary>
    private static void AssertRegionsFollow(PngImage image, DataArea area, Model model, Dataset train, Dataset test,
        string what)
    {
        int p = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(area.All["x-feature"]));
        int q = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(area.All["y-feature"]));
        double[] mean = Enumerable.Range(0, model.Shape.D).Select(d => train.Features.Average(r => r[d])).ToArray();
        var points = train.Features.Concat(test.Features).Select(r => area.Pixel(r[p], r[q])).ToArray();
        int Predict(int px, int py)
        {
            var (a, b) = area.Data(px, py);
            double[] row = (double[])mean.Clone();
            row[p] = a;
            row[q] = b;
            double[] prob = model.PredictProbabilities([row])[0];
            return Array.IndexOf(prob, prob.Max());
        }
        var byClass = new Dictionary<int, List<(byte R, byte G, byte B)>>();
        for (int i = 0; i < 24; i++)
        {
            for (int j = 0; j < 16; j++)
            {
                int px = (int)(area.Left + 12 + (area.Right - area.Left - 24) * i / 23.0);
                int py = (int)(area.Top + 12 + (area.Bottom - area.Top - 24) * j / 15.0);
                if (points.Any(t => Math.Abs(t.X - px) < 16 && Math.Abs(t.Y - py) < 16)) continue;
                int k = Predict(px, py);
                if (Predict(px - 8, py - 8) != k || Predict(px + 8, py - 8) != k || Predict(px - 8,
                    py + 8) != k || Predict(px + 8, py + 8) != k) continue;
                if (!byClass.TryGetValue(k, out var list)) byClass[k] = list = [];
                list.Add(image.Mode(px, py, 3));
            }
        }
        Assert.True(byClass.Values.Sum(l => l.Count) >= 20, $"{what}: too few samples");
        var colourOf = new Dictionary<int, (byte R, byte G, byte B)>();
        foreach (var (k, list) in byClass)
        {
            colourOf[k] = list.GroupBy(c => c).MaxBy(g => g.Count())!.Key;
            Assert.True(list.All(c => c == colourOf[k]),
                $"{what}: class {model.ClassNames[k]} has colours {string.Join(", ", list.Distinct())} in its region");
        }
        Assert.Equal(colourOf.Count, colourOf.Values.Distinct().Count());
    }

    /// <summary>
    /// Each panel of units.png is coloured by its unit's activation h_i = f(A_i·x′ + a_i), computed here
    /// from model.json over the panel's plane: blue where h_i is clearly positive, orange where clearly
    /// negative (both signs occur, on an identity and on a bias-free tanh network).
    /// </summary>
    [Theory]
    [InlineData("identity", "true")]
    [InlineData("tanh", "false")]
    public void Unit_panels_are_coloured_by_the_sign_of_their_activation(string activation, string bias)
    {
        Ok("train", "--epochs", "200", "--activation", activation, "--bias", bias, "--out", P("run"), "--quiet");
        Ok("plot", "--units", P("run"), "--out", P("units.png"));
        Assert.Equal(File.ReadAllBytes(P("units.png")), File.ReadAllBytes(P("run", "units.png")));
        Model model = ModelJson.Load(P("run", "model.json"));
        var (train, _) = Repo.Iris().SplitStratified(0.2, 42);
        PngImage image = PngImage.Load(P("units.png"));
        DataArea[] panels = image.Areas().Where(a => a.Panel.StartsWith("unit-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(model.Shape.H, panels.Length);
        int D = model.Shape.D, positive = 0, negative = 0;
        double[] mean = Enumerable.Range(0, D).Select(d => train.Features.Average(r => r[d])).ToArray();
        foreach (DataArea panel in panels)
        {
            int i = int.Parse(panel.All["unit"], CultureInfo.InvariantCulture) - 1;
            double scale = double.Parse(panel.All["h-scale"], CultureInfo.InvariantCulture);
            int p = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(panel.All["x-feature"]));
            int q = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(panel.All["y-feature"]));
            for (int a = 0; a < 10; a++)
            {
                for (int b = 0; b < 6; b++)
                {
                    int px = (int)(panel.Left + 6 + (panel.Right - panel.Left - 12) * a / 9.0),
                        py = (int)(panel.Top + 6 + (panel.Bottom - panel.Top - 12) * b / 5.0);
                    var (u, v) = panel.Data(px, py);
                    double[] x = (double[])mean.Clone();
                    x[p] = u;
                    x[q] = v;
                    double z = model.Shape.Bias ? model.HiddenBias[i] : 0;
                    for (int d = 0; d < D; d++) z += model.A[i * D + d] * model.Standardization.Apply(x[d], d);
                    double h = activation == "tanh" ? Math.Tanh(z) : z;
                    var (r, g, bl) = image[px, py];
                    if (h > 0.15 * scale)
                    {
                        Assert.True(bl > r + 20,
                        $"unit {i + 1} at ({u:0.##}, {v:0.##}): h = {h:0.###} but the colour is ({r}, {g}, {bl})");
                        positive++;
                    }
                    if (h < -0.15 * scale)
                    {
                        Assert.True(r > bl + 20,
                        $"unit {i + 1} at ({u:0.##}, {v:0.##}): h = {h:0.###} but the colour is ({r}, {g}, {bl})");
                        negative++;
                    }
                }
            }
        }
        Assert.True(positive > 20 && negative > 20,
            $"{positive} clearly positive and {negative} clearly negative samples");
    }
}
