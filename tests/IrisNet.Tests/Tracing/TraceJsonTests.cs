using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace IrisNet.Tests;

/// <summary>
/// The trace file through the generated serializer: written in the documented layout with every bit
/// kept, read strictly (no unknown, repeated, missing or null field), every refusal naming the field as
/// the file spells it and the place of the value at fault.
/// </summary>
public sealed class TraceJsonTests() : TempDirectoryTest("tracejson")
{
    /// <summary>Two steps on six rows, H = 3, with momentum and L2: every quantity of the format.</summary>
    internal static readonly Lazy<string> Small = new(() => TraceJson.Serialize(TraceRecorder.Record(
        Repo.Iris().Subset([0, 1, 50, 51, 100, 101]),
        new TrainingOptions { Hidden = 3, Activation = Activation.Tanh, Momentum = 0.9, L2 = 0.01, Seed = 3 }, null,
        2)));

    private static TraceFileException Refusal(string json) =>
        Assert.Throws<TraceFileException>(() => TraceJson.Parse(json, "t.json"));

    private static string Edit(Action<JsonObject> change)
    {
        JsonObject o = JsonNode.Parse(Small.Value)!.AsObject();
        change(o);
        return o.ToJsonString();
    }

    private static JsonObject Step0(JsonObject o) => o["steps"]![0]!.AsObject();

    private static string Replace(string text, string what, string with)
    {
        Assert.Contains(what, text, StringComparison.Ordinal);
        return text.Replace(what, with, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "unknown-root", "$.colour", "unknown field \"colour\"; the fields here are format, version, layout" },
        { "unknown-step", "$.steps[0].dW", "unknown field \"dW\"; the fields here are step, epoch, batch, X, Y" },
        { "unknown-entry", "$.steps[0].dS.units", "unknown field \"units\"; the fields here are equation, shape" },
        { "unknown-initial", "$.initial.HiddenBias", "unknown field \"HiddenBias\"; the fields here are A, a, B, b" },
        { "duplicate-root", "$.version", "appears twice" },
        { "duplicate-entry", "$.initial.A.equation", "appears twice" },
        { "missing-lr", "$.options", "the field \"lr\" is missing" },
        { "missing-value", "$.initial.A", "the field \"value\" is missing" },
        { "missing-steps-and-data", "$", "the fields \"data\", \"steps\" are missing" },
        { "missing-b", "$.initial", "the field \"b\" is missing" },
        { "null-network", "$.network", "must not be null; it must be a JSON object" },
        { "null-momentum", "$.options.momentum", "must not be null; it must be a finite number, or be left out" },
        { "null-quantity", "$.steps[0].dB", "must not be null" },
        { "null-value", "$.steps[0].dB.value", "must be a number, an array of numbers or an array of rows, not null" },
        { "null-number", "$.steps[0].dB.value[1][2]", "must be a number, not null" },
        { "null-label", "$.data.labels[1]", "must be a whole number, not null" },
        { "null-feature", "$.data.features[0]", "must not be null; it must be a string" },
        { "string-lr", "$.options.lr", "must be a finite number, not the string \"0.1\"" },
        { "string-label", "$.data.labels[1]", "must be a whole number, not the string \"1\"" },
        { "seed-negative", "$.options.seed", "must be a whole number ≥ 0, not the number -3" },
        { "activation", "$.network.activation", "\"sigmoid\" is not one of identity, tanh or relu" },
        { "initial-a-length", "$.initial.a.value", "has 7 numbers; it needs H = 3 (the rows of A)" },
        { "initial-b-equation", "$.initial.b.equation", "is 12, but b is equation (3) of docs/derivation.md" },
        { "infinite", "$.steps[0].L.value", "is beyond the range of a double" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_malformed_trace_is_refused_with_the_path_the_file_spells(string breakage, string path,
        string expected)
    {
        string text = Edit(_ => { });
        string json = breakage switch
        {
            "unknown-root" => Edit(o => o["colour"] = "blue"),
            "unknown-step" => Edit(o => Step0(o)["dW"] = 1),
            "unknown-entry" => Edit(o => Step0(o)["dS"]!["units"] = "none"),
            "unknown-initial" => Edit(o => o["initial"]!["HiddenBias"] = o["initial"]!["a"]!.DeepClone()),
            "duplicate-root" => Replace(text, "\"version\":1,", "\"version\":1,\"version\":1,"),
            "duplicate-entry" => Replace(text, "\"A\":{\"equation\":1,", "\"A\":{\"equation\":1,\"equation\":1,"),
            "missing-lr" => Edit(o => o["options"]!.AsObject().Remove("lr")),
            "missing-value" => Edit(o => o["initial"]!["A"]!.AsObject().Remove("value")),
            "missing-steps-and-data" => Edit(o =>
            {
                o.Remove("data");
                o.Remove("steps");
            }),
            "missing-b" => Edit(o => o["initial"]!.AsObject().Remove("b")),
            "null-network" => Edit(o => o["network"] = null),
            "null-momentum" => Edit(o => o["options"]!["momentum"] = null),
            "null-quantity" => Edit(o => Step0(o)["dB"] = null),
            "null-value" => Edit(o => Step0(o)["dB"]!["value"] = null),
            "null-number" => Edit(o => Step0(o)["dB"]!["value"]![1]![2] = null),
            "null-label" => Edit(o => o["data"]!["labels"]![1] = null),
            "null-feature" => Edit(o => o["data"]!["features"]![0] = null),
            "string-lr" => Edit(o => o["options"]!["lr"] = "0.1"),
            "string-label" => Edit(o => o["data"]!["labels"]![1] = "1"),
            "seed-negative" => Edit(o => o["options"]!["seed"] = -3),
            "activation" => Edit(o => o["network"]!["activation"] = "sigmoid"),
            "initial-a-length" => Edit(o => o["initial"]!["a"]!["value"] = new JsonArray(1, 2, 3, 4, 5, 6, 7)),
            "initial-b-equation" => Edit(o => o["initial"]!["b"]!["equation"] = 12),
            "infinite" => new Regex("(\"L\":\\{\"equation\":5,\"shape\":\\[\\],\"value\":)[^,}]+")
                .Replace(text, "${1}1e999", 1),
            _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
        };
        TraceFileException e = Refusal(json);
        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith($"t.json: {path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 25's report: diff named a field the file does not have ($.initial.HiddenBias.value).</summary>
    [Theory]
    [InlineData("a", 15, "$.initial.a.value: has 15 numbers; it needs H = 3 (the rows of A).")]
    [InlineData("b", 1, "$.initial.b.value: has 1 numbers; it needs C = 3 (the rows of B).")]
    public void Diff_names_the_bias_of_the_wrong_length_as_the_file_does(string bias, int length, string expected)
    {
        var numbers = new JsonArray([.. Enumerable.Range(0, length).Select(i => (JsonNode)i)]);
        string json = Edit(o => o["initial"]![bias]!["value"] = numbers);
        string file = P("mine.json");
        File.WriteAllText(file, json);
        Cli.Result r = Cli.Run(_dir, "diff", file);
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"irisnet: error: {file}: {expected}", line);
    }

    /// <summary>The line and column of a refusal are those of the token at fault, also inside a matrix.</summary>
    [Fact]
    public void A_refusal_points_at_the_value_at_fault()
    {
        string text = Small.Value;
        // The third number of row 1 of step 1's dB: replace it with a string and find where that string is.
        int dB = text.IndexOf("\"dB\": {", StringComparison.Ordinal);
        int value = text.IndexOf("\"value\": [", dB, StringComparison.Ordinal);
        int third = text.IndexOf('[', text.IndexOf("],", value, StringComparison.Ordinal)) + 1;
        for (int comma = 0; comma < 2; comma++) third = text.IndexOf(", ", third, StringComparison.Ordinal) + 2;
        string broken = text[..third] + "\"x\"" + text[text.IndexOfAny([',', ']'], third)..];
        var (line, column) = LineAndColumn(broken, third);
        TraceFileException e = Refusal(broken);
        Assert.Equal("$.steps[0].dB.value[1][2]", e.JsonPath);
        Assert.EndsWith($": must be a number, not the string \"x\" (line {line}, column {column}).", e.Message,
            StringComparison.Ordinal);

        string twice = Replace(text, "\"momentum\": 0.9,", "\"momentum\": 0.9,\n    \"momentum\": 0.9,");
        (line, column) = LineAndColumn(twice, twice.LastIndexOf("\"momentum\"", StringComparison.Ordinal));
        string where = $"(line {line}, column {column})";
        Assert.EndsWith($"$.options.momentum: appears twice; each field may appear once {where}.",
            Refusal(twice).Message, StringComparison.Ordinal);
    }

    /// <summary>The 1-based line and column of <paramref name="index"/> in <paramref name="text"/>.</summary>
    internal static (int Line, int Column) LineAndColumn(string text, int index)
    {
        int line = text[..index].Count(c => c == '\n') + 1;
        int column = index - (text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        return (line, column);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused_with_what_the_reader_met_and_where()
    {
        string text = Small.Value;
        Assert.Equal("t.json: $: line 1, column 1: not valid JSON: the file is empty.", Refusal("  \n").Message);
        Assert.Contains(": not valid JSON: the text ends in the middle of the JSON document",
            Refusal(text[..(text.Length / 2)]).Message, StringComparison.Ordinal);
        string nan = Replace(text, "\"lr\": 0.1", "\"lr\": NaN");
        var (line, column) = LineAndColumn(nan, nan.IndexOf("NaN", StringComparison.Ordinal));
        Assert.Equal($"t.json: $: line {line}, column {column}: not valid JSON: "
            + "NaN and Infinity are not JSON numbers; every number must be finite.", Refusal(nan).Message);
        Assert.EndsWith("not valid JSON: unexpected '/'.", Refusal("// a trace\n" + text).Message,
            StringComparison.Ordinal);
        Assert.EndsWith("not valid JSON: there is more text after the end of the JSON document.",
            Refusal(text + "{}").Message, StringComparison.Ordinal);
        // A model file is refused by its format, not by its first unknown field.
        Assert.Equal("t.json: $.format: is \"irisnet-model\": this is an IrisNet model (model.json), not a trace; " +
            "record one "
            + "with irisnet trace, or write yours in the format of docs/trace-format.md.",
            Refusal("{\"format\": \"irisnet-model\", \"precision\": 1}").Message);
    }

    /// <summary>
    /// The writer's layout, checked against an independent rendering: the standard indented layout of
    /// the same document with every array of numbers joined on one line, as docs/trace-format.md shows
    /// it; every number in shortest round-trip form, and read back to the same bits.
    /// </summary>
    [Fact]
    public void A_trace_is_written_in_the_documented_layout_with_shortest_round_trip_numbers()
    {
        var options = new TrainingOptions { Hidden = 2, BatchSize = 2, Seed = 11 };
        TraceFile trace = TraceRecorder.Record(Repo.Iris().Subset([3, 70, 140]), options, null, 3);
        double[][] awkward =
        [
            [0.1 + 0.2, -0.0, 1e-300, 5e-324],
            [1.0 / 3, -2.0 / 3, 1.7976931348623157E308, 123456789.12345679],
            [Math.PI, -Math.E, 1e21, 1e-7],
        ];
        trace = trace with { Data = trace.Data with { X = awkward } };
        string text = TraceJson.Serialize(trace);

        var standardOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        string standard = JsonSerializer.Serialize(JsonNode.Parse(text), standardOptions);
        string expected = Regex.Replace(standard, @"\[(\s*-?\d[\d.eE+-]*(?:\s*,\s*-?\d[\d.eE+-]*)*)\s*\]",
            m => "[" + string.Join(", ", m.Groups[1].Value.Split(',').Select(n => n.Trim())) + "]") + "\n";
        Assert.Equal(expected, text);
        Assert.Contains("\n      [0.30000000000000004, -0, 1E-300, 5E-324],\n", text, StringComparison.Ordinal);

        foreach (Match number in Regex.Matches(text, @"(?<=[\[\s:,])-?\d[\d.eE+-]*(?=[,\]\s])"))
        {
            double v = double.Parse(number.Value, CultureInfo.InvariantCulture);
            Assert.Equal(v.ToString("R", CultureInfo.InvariantCulture), number.Value);
        }
        TraceFile back = TraceJson.Parse(text);
        Assert.Equal(Bits(trace.Data.X.SelectMany(r => r)), Bits(back.Data.X.SelectMany(r => r)));
        for (int k = 0; k < trace.Steps.Count; k++)
        {
            Assert.Equal(trace.Steps[k].Batch, back.Steps[k].Batch);
            Assert.Equal(trace.Steps[k].Quantities.Select(q => (q.Name, q.Equation, q.ShapeText)),
                back.Steps[k].Quantities.Select(q => (q.Name, q.Equation, q.ShapeText)));
            Assert.Equal(Bits(trace.Steps[k].Quantities.SelectMany(q => q.Values)),
                Bits(back.Steps[k].Quantities.SelectMany(q => q.Values)));
        }
        Assert.Equal(text, TraceJson.Serialize(back));
    }

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
