using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace IrisNet.Tests;

/// <summary>
/// The pictures are right: each is rendered by the built program and decoded here; pixels are
/// mapped to data coordinates with the data area the program records in the PNG.
/// </summary>
public sealed class PictureTests() : TempDirectoryTest("pictures")
{
    private static double Luminance((byte R, byte G, byte B) c) => 0.2126 * c.R + 0.7152 * c.G + 0.0722 * c.B;

    private static int Distance((byte R, byte G, byte B) a, (byte R, byte G, byte B) b) =>
        Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);

    /// <summary>
    /// A 3×3 matrix with nine different counts: every cell is an equal square in its place (its centre
    /// and both sides of every boundary have that cell's colour), and a larger count is darker.
    /// </summary>
    [Fact]
    public void Confusion_matrix_cells_are_equal_and_coloured_by_their_counts()
    {
        int[][] counts = [[9, 1, 2], [3, 8, 0], [4, 5, 7]];
        int C = counts.Length;
        // A run's summary.json (plot reads it as the type that wrote it), with these counts for its test rows.
        Ok("train", "--epochs", "1", "--out", P("run"), "--quiet");
        JsonNode summary = JsonNode.Parse(File.ReadAllText(P("run", "summary.json")))!;
        summary["classes"] = new JsonArray("a", "b", "c");
        summary["final"]!["test"]!["confusion"] = JsonNode.Parse("[[9,1,2],[3,8,0],[4,5,7]]");
        File.WriteAllText(P("run", "summary.json"), summary.ToJsonString());
        Ok("plot", "--confusion", P("run"), "--out", P("confusion.png"));
        PngImage image = PngImage.Load(P("confusion.png"));
        DataArea area = image.Area("confusion");

        // Cell (actual k, predicted j) is centred at (j, C − 1 − k); its number is written at the centre,
        // so its colour is the most frequent one around the centre.
        var colour = new (byte R, byte G, byte B)[C, C];
        for (int k = 0; k < C; k++)
        {
            for (int j = 0; j < C; j++)
            {
                var (x, y) = area.Pixel(j, C - 1 - k);
                colour[k, j] = image.Mode(x, y, 14);
            }
        }
        var cells = Enumerable.Range(0, C * C).Select(i => (Count: counts[i / C][i % C], Colour: colour[i / C,
            i % C])).OrderBy(c => c.Count).ToArray();
        for (int i = 1; i < cells.Length; i++)
            Assert.True(Luminance(cells[i].Colour) < Luminance(cells[i - 1].Colour),
                $"count {cells[i].Count} is not darker than {cells[i - 1].Count}");

        const int off = 5; // pixels either side of a boundary
        for (int k = 0; k < C; k++)
        {
            double yc = C - 1 - k + 0.3; // away from the number at the centre
            for (int j = 0; j <= C; j++)
            {
                var (bx, by) = area.Pixel(j - 0.5, yc);
                if (j > 0) Assert.True(image[bx - off, by] == colour[k, j - 1],
                    $"left of the boundary {j - 0.5} in row {k}: {image[bx - off, by]} is not cell ({k}, {j - 1})'s " +
                    $"{colour[k, j - 1]}");
                if (j < C) Assert.True(image[bx + off, by] == colour[k, j],
                    $"right of the boundary {j - 0.5} in row {k}: {image[bx + off, by]} is not cell ({k}, {j})'s " +
                    $"{colour[k, j]}");
            }
        }
        for (int j = 0; j < C; j++)
        {
            double xc = j + 0.3;
            for (int b = 0; b <= C; b++)
            {
                // The boundary at y = b − ½ has y = b (actual class C − 1 − b) above it and y = b − 1 (class C − b)
                // below.
                var (bx, by) = area.Pixel(xc, b - 0.5);
                int above = C - 1 - b, below = C - b;
                if (above >= 0) Assert.True(image[bx, by - off] == colour[above, j],
                    $"above the boundary y = {b - 0.5} in column {j}");
                if (below < C) Assert.True(image[bx, by + off] == colour[below, j],
                    $"below the boundary y = {b - 0.5} in column {j}");
            }
        }
    }

    /// <summary>
    /// Losses over ten decades at irregular epochs up to two million (a long run's downsampled series):
    /// both axes logarithmic, each point where its epoch and value say, train and test in different
    /// colours, and nothing dark (no legend text) inside the data area.
    /// </summary>
    [Fact]
    public void Loss_curves_use_a_log_axis_distinct_colours_and_keep_the_legend_off_the_data()
    {
        int[] epochs = [1, 2, 3, 10, 50, 51, 200, 1000, 5000, 200_000, 2_000_000];
        double[] train = epochs.Select((_, i) => Math.Pow(10, 5 - i)).ToArray();
        double[] test = train.Select(v => v * 30).ToArray();
        Directory.CreateDirectory(P("run"));
        var csv = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        for (int i = 0; i < epochs.Length; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{epochs[i]},{train[i]:R},0.5,{test[i]:R},0.25\n");
        File.WriteAllText(P("run", "metrics.csv"), csv.ToString());
        Ok("plot", P("run"), "--out", P("curves.png"));
        PngImage image = PngImage.Load(P("curves.png"));
        DataArea area = image.Area("loss");
        Assert.True(area.LogY, "the loss axis spans ten decades but is not logarithmic");
        Assert.True(area.LogX, "the epochs span six decades but the axis is not logarithmic");

        (byte, byte, byte)? Near(int x, int y, int r, Func<(byte R, byte G, byte B), bool> accept)
        {
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    if (accept(image[x + dx, y + dy])) return image[x + dx, y + dy];
            return null;
        }
        static bool Saturated((byte R, byte G, byte B) c) => Math.Max(c.R, Math.Max(c.G, c.B)) - Math.Min(c.R,
            Math.Min(c.G, c.B)) > 90;

        // Sample every segment between consecutive points, in pixels (a straight line on the log axis).
        List<(byte R, byte G, byte B)?> Along(double[] values)
        {
            var found = new List<(byte R, byte G, byte B)?>();
            for (int i = 1; i < epochs.Length; i++)
            {
                var (x0, y0) = area.Pixel(epochs[i - 1], values[i - 1]);
                var (x1, y1) = area.Pixel(epochs[i], values[i]);
                for (int s = 0; s <= 8; s++)
                    found.Add(Near(x0 + (x1 - x0) * s / 8, y0 + (y1 - y0) * s / 8, 2, Saturated));
            }
            return found;
        }
        var trainSeen = Along(train);
        var testSeen = Along(test);
        Assert.All(trainSeen, c => Assert.NotNull(c)); // the solid train line passes through every sample
        Assert.True(testSeen.Count(c => c is not null) > testSeen.Count * 0.6,
            "the dashed test line is not where its points are");
        var trainColour = trainSeen.GroupBy(c => c).MaxBy(g => g.Count())!.Key!.Value;
        var testColour = testSeen.Where(c => c is not null).GroupBy(c => c).MaxBy(g => g.Count())!.Key!.Value;
        Assert.True(Distance(trainColour, testColour) > 150,
            $"train {trainColour} and test {testColour} are not different colours");

        for (int y = (int)area.Top + 3; y < area.Bottom - 3; y++)
        {
            for (int x = (int)area.Left + 3; x < area.Right - 3; x++)
            {
                var c = image[x, y];
                Assert.False(c.R < 90 && c.G < 90 && c.B < 90,
                    $"dark pixel {c} at ({x}, {y}) inside the data area: a legend over the curves");
            }
        }
    }

    /// <summary>A diverged run's losses (to 1e303) get decade labels, not hundreds of digits: the left margin stays
    /// narrow.</summary>
    [Fact]
    public void A_diverged_run_gets_short_loss_tick_labels()
    {
        Directory.CreateDirectory(P("run"));
        var csv = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        for (int e = 1; e <= 81; e++)
            csv.Append(CultureInfo.InvariantCulture,
                $"{e},{Math.Pow(10, (e - 1) * 303.0 / 80):R},0.3,{Math.Pow(10, (e - 1) * 303.0 / 80) * 2:R},0.3\n");
        File.WriteAllText(P("run", "metrics.csv"), csv.ToString());
        Ok("plot", P("run"), "--out", P("curves.png"));
        DataArea area = PngImage.Load(P("curves.png")).Area("loss");
        Assert.True(area.LogY);
        Assert.InRange(area.Left, 20, 150);
    }

    /// <summary>Every sampled point of regions.png away from boundaries and markers has its predicted class's colour,
    /// one colour per class.</summary>
    [Theory]
    [InlineData("identity", null, null)]
    [InlineData("relu", "sepal_length", "petal_length")]
    public void Regions_are_coloured_by_the_models_prediction(string activation, string? x, string? y)
    {
        Ok("train", "--epochs", "300", "--activation", activation, "--out", P("run"), "--quiet");
        string png = P("run", "regions.png");
        if (x is not null)
        {
            png = P("redrawn.png");
            Ok("plot", "--regions", P("run"), "--x", x, "--y", y!, "--out", png);
        }
        Model model = ModelJson.Load(P("run", "model.json"));
        var (train, test) = Repo.Iris().SplitStratified(0.2, 42);
        PngImage image = PngImage.Load(png);
        DataArea area = image.Area("regions");
        int p = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(area.All["x-feature"]));
        int q = model.FeatureNames.ToList().IndexOf(Uri.UnescapeDataString(area.All["y-feature"]));
        Assert.Equal(x ?? "petal_length", model.FeatureNames[p]);
        Assert.Equal(y ?? "petal_width", model.FeatureNames[q]);
        double[] mean = Enumerable.Range(0, model.Shape.D).Select(d => train.Features.Average(r => r[d])).ToArray();
        var points = train.Features.Concat(test!.Features).Select(r => area.Pixel(r[p], r[q])).ToArray();

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
                if (points.Any(t => Math.Abs(t.X - px) < 16 && Math.Abs(t.Y - py) < 16)) continue; // under a marker
                int k = Predict(px, py);
                if (Predict(px - 6, py - 6) != k || Predict(px + 6, py - 6) != k || Predict(px - 6,
                    py + 6) != k || Predict(px + 6, py + 6) != k)
                    continue; // on a class boundary
                if (!byClass.TryGetValue(k, out var list)) byClass[k] = list = [];
                list.Add(image.Mode(px, py, 4));
            }
        }
        Assert.True(byClass.Count >= 2 && byClass.Values.All(l => l.Count >= 3),
            $"too few samples: {string.Join(", ", byClass.Select(kv => $"{kv.Key}: {kv.Value.Count}"))}");
        var colourOf = new Dictionary<int, (byte R, byte G, byte B)>();
        foreach (var (k, list) in byClass)
        {
            colourOf[k] = list[0];
            Assert.All(list, c => Assert.True(c == list[0],
                $"class {model.ClassNames[k]}: {c} and {list[0]} in its region"));
        }
        foreach (int k in colourOf.Keys)
            foreach (int l in colourOf.Keys.Where(l => l > k))
                Assert.True(Distance(colourOf[k], colourOf[l]) > 30, $"classes {k} and {l} share a colour");
    }

    /// <summary>
    /// train draws regions.png on a second thread while it draws the other pictures: the files are
    /// byte for byte those that plot draws for the same run alone, one picture per process.
    /// </summary>
    [Fact]
    public void Pictures_drawn_alongside_each_other_are_the_pictures_drawn_alone()
    {
        Ok("train", "--epochs", "200", "--out", P("run"), "--quiet");
        Ok("plot", P("run"), "--regions", "--out", P("regions-alone.png"));
        Ok("plot", P("run"), "--confusion", "--out", P("confusion-alone.png"));
        Assert.Equal(File.ReadAllBytes(P("regions-alone.png")), File.ReadAllBytes(P("run", "regions.png")));
        Assert.Equal(File.ReadAllBytes(P("confusion-alone.png")), File.ReadAllBytes(P("run", "confusion.png")));
        // Listed in the order the command completes them, whichever thread finished first.
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(P("run", "summary.json")));
        string[] files = summary.RootElement.GetProperty("files").EnumerateArray().Select(f
            => f.GetString()!).ToArray();
        Assert.Equal(["metrics.csv", "model.json", "loss.png", "accuracy.png", "units.png", "confusion.png",
            "regions.png", "summary.json"], files);
    }

    [Fact]
    public void Plot_output_that_cannot_be_written_is_one_clear_error()
    {
        Ok("train", "--epochs", "5", "--out", P("run"), "--quiet");
        Directory.CreateDirectory(P("folder.png"));
        var cases = new List<(string Out, string Says)>
        {
            (P("missing", "x.png"), "does not exist"),
            (P("folder.png"), "is a directory"),
        };
        if (OperatingSystem.IsLinux()) cases.Add(("/sys/irisnet-plot.png", "cannot write")); // read-only even for root
        foreach (var (output, says) in cases)
        {
            foreach (string[] mode in new[] { Array.Empty<string>(), ["--regions"], ["--confusion"] })
            {
                Cli.Result r = Cli.Run(_dir, ["plot", .. mode, P("run"), "--out", output]);
                Assert.Equal(2, r.ExitCode);
                string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("irisnet: error: --out: ", line, StringComparison.Ordinal);
                Assert.Contains(says, line, StringComparison.Ordinal);
                Assert.Contains(Path.GetFileName(output.TrimEnd('/')) is { Length: > 0 } name ? name : output, line,
                    StringComparison.Ordinal);
            }
        }
        Assert.False(Directory.Exists(P("missing")));
        Assert.Empty(Directory.GetFiles(P("folder.png")));
    }
}
