using System.Text.Json.Nodes;

namespace IrisNet.Tests;

/// <summary>
/// The JSON files the program writes leave a null member out (one default per generated context), except
/// the members written as null on purpose; and plot reads summary.json back as the type that wrote it,
/// naming the file, the line and column, and the field of a problem.
/// </summary>
public sealed class SummaryFileTests() : TempDirectoryTest("summary")
{
    /// <summary>
    /// The paths of every member whose value is null (array elements, such as explain's non-finite entries, aside).
    /// </summary>
    private static List<string> NullMembers(JsonNode? node, string at = "$")
    {
        var found = new List<string>();
        if (node is JsonObject o)
        {
            foreach (var (key, child) in o)
            {
                if (child is null) found.Add($"{at}.{key}");
                else found.AddRange(NullMembers(child, $"{at}.{key}"));
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++) found.AddRange(NullMembers(a[i], $"{at}[{i}]"));
        }
        return found;
    }

    private static JsonNode Read(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    [Fact]
    public void Every_file_leaves_null_members_out_except_the_init_written_as_null()
    {
        Ok("train", "--epochs", "30", "--out", P("run"), "--quiet");
        Ok("train", "--epochs", "30", "--bias", "false", "--out", P("nobias"), "--quiet");
        Ok("cv", "--folds", "2", "--epochs", "20", "--out", P("cv"), "--quiet");
        JsonNode summary = Read(P("run", "summary.json"));
        Assert.Equal(["$.options.init"], NullMembers(summary));
        Assert.Equal(["$.options.init"], NullMembers(Read(P("cv", "summary.json"))));
        // Absent, not null: what a completed run without early stopping or an error does not have.
        Assert.False(summary.AsObject().ContainsKey("error"));
        Assert.False(summary.AsObject().ContainsKey("signal"));
        Assert.False(summary["data"]!.AsObject().ContainsKey("validation_rows"));
        Assert.False(summary["final"]!.AsObject().ContainsKey("validation"));
        Assert.False(summary["final"]!["test"]!.AsObject().ContainsKey("confusion_cells"));

        Assert.Empty(NullMembers(Read(P("run", "model.json"))));
        JsonObject noBias = Read(P("nobias", "model.json")).AsObject();
        Assert.False(noBias.ContainsKey("a") || noBias.ContainsKey("b"));
        Assert.Empty(NullMembers(noBias));

        string model = P("run", "model.json");
        Assert.Empty(NullMembers(JsonNode.Parse(Ok("evaluate", "--model", model, "--json").Stdout)));
        string predicted = Ok("predict", "--model", model, "--features", "5.1,3.5,1.4,0.2", "--json").Stdout;
        Assert.Empty(NullMembers(JsonNode.Parse(predicted)));
        JsonNode explain = JsonNode.Parse(Ok("explain", "--model", model, "--json").Stdout)!;
        Assert.Empty(NullMembers(explain));
        Assert.False(explain["forward"]![0]!.AsObject().ContainsKey("finite_difference"));
        Assert.True(explain["backward"]![0]!.AsObject().ContainsKey("finite_difference"));
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "string-count", "final.test.confusion[0][0]: must be a whole number, not the string \"x\"." },
        { "unknown", "colour: unknown field \"colour\"; the fields here are irisnet_version, status," },
        { "twice", "status: appears twice; each field may appear once." },
        { "null-classes", "classes: must not be null; it must be an array of strings." },
        { "missing-classes", "the file: the field \"classes\" is missing." },
        { "no-final", "final: is absent, so there is no final confusion matrix" },
        { "cells", "final.test.confusion_cells[0]: is not an [actual, predicted, count] triple with class indices" },
        { "not-json", "not valid JSON: the text ends in the middle of the JSON document" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Plot_reads_summary_json_as_the_type_that_wrote_it_and_names_the_field_of_a_problem(string breakage,
        string expected)
    {
        Ok("train", "--epochs", "5", "--out", P("run"), "--quiet");
        string path = P("run", "summary.json");
        string text = File.ReadAllText(path);
        JsonObject o = JsonNode.Parse(text)!.AsObject();
        string broken = breakage switch
        {
            "string-count" => Set(o, s => s["final"]!["test"]!["confusion"]![0]![0] = "x"),
            "unknown" => Set(o, s => s["colour"] = "blue"),
            "twice" => text.Replace("\"status\": \"completed\",", "\"status\": \"completed\", \"status\": \"failed\",",
                StringComparison.Ordinal),
            "null-classes" => Set(o, s => s["classes"] = null),
            "missing-classes" => Set(o, s => s.Remove("classes")),
            "no-final" => Set(o, s => s.Remove("final")),
            "cells" => Set(o, s =>
            {
                JsonObject test = s["final"]!["test"]!.AsObject();
                test.Remove("confusion");
                test["confusion_cells"] = JsonNode.Parse("[[0, 3, 1]]");
            }),
            "not-json" => text[..(text.Length / 2)],
            _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
        };
        File.WriteAllText(path, broken);
        File.Delete(P("run", "confusion.png"));
        Cli.Result r = Cli.Run(_dir, "plot", "--confusion", P("run"));
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"irisnet: error: {path}", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(P("run", "confusion.png")));
        if (breakage == "string-count")
        {
            // file:line:column of the value at fault.
            string[] lines = broken.Split('\n');
            int at = Array.FindIndex(lines, l => l.Contains("\"x\"", StringComparison.Ordinal));
            int column = lines[at].IndexOf('"', StringComparison.Ordinal) + 1;
            Assert.StartsWith($"irisnet: error: {path}:{at + 1}:{column}: ", line, StringComparison.Ordinal);
        }
    }

    private static string Set(JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
