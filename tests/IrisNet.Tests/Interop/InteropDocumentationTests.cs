using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IrisNet.Tests;

/// <summary>docs/check-your-implementation.md shows what the commands it gives print today.</summary>
public sealed partial class InteropDocumentationTests() : TempDirectoryTest("interop-docs")
{
    private static string Page => File.ReadAllText(Path.Combine(Repo.Root, "docs",
        "check-your-implementation.md")).ReplaceLineEndings("\n");

    /// <summary>Every line diff prints for the committed numpy .npz traces is on the page (numbers masked: the last
    /// digits of a rounding difference may vary by platform).</summary>
    [Theory]
    [InlineData("numpy-iris.npz", "mine.npz")]
    [InlineData("numpy-iris-diagonal.npz", "wrong.npz")]
    public void The_walk_through_shows_what_diff_prints_for_the_npz_traces(string fixture, string name)
    {
        File.Copy(NpyFormatTests.Fixture(fixture), P(name));
        Cli.Result r = Cli.Run(_dir, "diff", name);
        string page = Mask(Page);
        string[] lines = r.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 20);
        Assert.StartsWith($"{name} against the reference", lines[0], StringComparison.Ordinal);
        foreach (string line in lines) Assert.Contains(Mask(line), page, StringComparison.Ordinal);
    }

    private static string Mask(string text) => Number().Replace(text, "#.#E##");

    [GeneratedRegex(@"\d\.\dE[+-]\d\d")]
    private static partial Regex Number();

    /// <summary>The probabilities the page shows predict_with_numpy.py printing for the default model are those irisnet
    /// predict gives, to the 6 decimals shown.</summary>
    [Fact]
    public void The_numpy_prediction_on_the_page_is_what_irisnet_predict_prints()
    {
        Ok("train", "--out", "run", "--quiet");
        Match block = NumpyBlock().Match(Page);
        Assert.True(block.Success, "the page shows no predict_with_numpy.py output");
        string[] rows = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        string[] features = ["5.1,3.5,1.4,0.2", "6.3,2.5,4.9,1.5"];
        Assert.Equal(features.Length, rows.Length);
        for (int n = 0; n < rows.Length; n++)
        {
            using JsonDocument doc = JsonDocument.Parse(Ok("predict", "--model", P("run", "model.json"), "--features",
                features[n], "--json").Stdout);
            JsonElement prediction = doc.RootElement.GetProperty("predictions")[0];
            string[] cells = rows[n].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(prediction.GetProperty("class").GetString(), cells[1]);
            string[] expected = [.. prediction.GetProperty("probabilities").EnumerateObject().Select(p =>
                p.Value.GetDouble().ToString("F6", CultureInfo.InvariantCulture))];
            Assert.Equal(expected, cells[2..]);
        }
    }

    [GeneratedRegex(@"python3 predict_with_numpy.py model.npz [^\n]*\n```\n\nprints\n\n```text\n(.*?)```",
        RegexOptions.Singleline)]
    private static partial Regex NumpyBlock();
}
