using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace IrisNet.Tests;

/// <summary>irisnet trace and irisnet diff: the recorded steps follow the trainer, every trace fits the schema, diff
/// finds and names mistakes.</summary>
public sealed class TraceTests() : TempDirectoryTest("trace")
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Root, "docs", "trace.schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() },
                new Uri("https://irisnet.invalid/trace.schema.json")));

    internal static void AssertFitsSchema(string json, string what)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        EvaluationResults result = Schema.Value.Evaluate(doc.RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List });
        string errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5));
        Assert.True(result.IsValid, $"{what} does not fit docs/trace.schema.json: {errors}");
    }

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "trace", name);

    /// <summary>K full-batch steps end at the weights of `train --epochs K --test-fraction 0` (the kernels sum in
    /// another order: 1e-12).</summary>
    [Theory]
    [InlineData(0, 3, Activation.Tanh, true)]
    [InlineData(16, 20, Activation.Relu, true)] // 150 rows in batches of 16: 10 steps per epoch, 2 epochs, reshuffled
    [InlineData(7, 44, Activation.Identity, false)] // 22 steps per epoch, the last of 3 rows
    public void The_trace_follows_the_trainer_step_for_step(int batchSize, int steps, Activation f, bool bias)
    {
        Dataset iris = Repo.Iris();
        int perEpoch = batchSize == 0 ? 1 : (iris.Count + batchSize - 1) / batchSize;
        Assert.Equal(0, steps % perEpoch);
        var options = new TrainingOptions
        {
            Hidden = 6,
            Activation = f,
            Bias = bias,
            LearningRate = 0.05,
            Momentum = 0.9,
            L2 = 0.01,
            BatchSize = batchSize,
            Epochs = steps / perEpoch,
            TestFraction = 0,
            Seed = 7,
        };
        TrainingResult trained = Trainer.Train(iris, null, options);
        TraceFile trace = TraceRecorder.Record(iris, options, null, steps);

        TraceStep last = trace.Steps[^1];
        AssertClose(trained.Model.A, last.Find("A_after")!.Values);
        AssertClose(trained.Model.B, last.Find("B_after")!.Values);
        if (bias)
        {
            AssertClose(trained.Model.HiddenBias, last.Find("a_after")!.Values);
            AssertClose(trained.Model.OutputBias, last.Find("b_after")!.Values);
        }
        // The trainer's per-epoch loss is the mean over the epoch's batches of their forward passes.
        double epochOne = trace.Steps.Take(perEpoch).Sum(s => s.Find("L")!.Values[0] * s.Batch.Length) / iris.Count;
        Assert.Equal(trained.History[0].TrainLoss, epochOne, 1e-12);
    }

    private static void AssertClose(IReadOnlyList<double> expected, double[] actual)
    {
        Assert.Equal(expected.Count, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale,
            $"[{i}] {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Mini_batches_follow_the_shuffle_stream_epoch_after_epoch()
    {
        IReadOnlyList<int[]> batches = TraceSchedule.Batches(10, 4, 3, 6);
        Assert.Equal([4, 4, 2, 4, 4, 2], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), batches.Take(3).SelectMany(b => b).Order());
        Assert.Equal(Enumerable.Range(0, 10), batches.Skip(3).SelectMany(b => b).Order());
        // Epoch 2 shuffles epoch 1's order again (one stream), not a fresh 0..N−1.
        int[] order = Enumerable.Range(0, 10).ToArray();
        var stream = SplitMix64.Stream(3, RandomStream.Shuffle);
        stream.Shuffle(order);
        Assert.Equal(order, batches.Take(3).SelectMany(b => b));
        stream.Shuffle(order);
        Assert.Equal(order, batches.Skip(3).SelectMany(b => b));
        Assert.All(TraceSchedule.Batches(10, 0, 3, 2), b => Assert.Equal(Enumerable.Range(0, 10), b));
        Assert.All(TraceSchedule.Batches(10, 10, 3, 2), b => Assert.Equal(Enumerable.Range(0, 10), b));
    }

    [Fact]
    public void The_trace_command_writes_every_quantity_with_equation_shape_and_layout()
    {
        Cli.Result r = Cli.Run(_dir, "trace", "--samples", "0,5,17,60,120", "--hidden", "3", "--activation", "tanh",
            "--momentum", "0.5",
            "--l2", "0.001", "--steps", "2", "--out", P("t.json"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        string json = File.ReadAllText(P("t.json"));
        AssertFitsSchema(json, "trace --samples");
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        Assert.Equal("sample-major", root.GetProperty("layout").GetString());
        Assert.Equal([0, 5, 17, 60, 120], root.GetProperty("data").GetProperty("rows").EnumerateArray().Select(e
            => e.GetInt32()));
        JsonElement step = root.GetProperty("steps")[1];
        string derivation = File.ReadAllText(Path.Combine(Repo.Root, "docs", "derivation.md"));
        foreach (var (name, equation) in TraceComputation.Order)
        {
            JsonElement q = step.GetProperty(name);
            Assert.Equal(equation, q.GetProperty("equation").GetInt32());
            Assert.Contains($"**({equation})**", derivation, StringComparison.Ordinal);
        }
        Assert.Equal([5, 4], step.GetProperty("X").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([5, 3], step.GetProperty("dS").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([3, 4], step.GetProperty("dA").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Number, step.GetProperty("L").GetProperty("value").ValueKind);
        // Row 0 of X is data row 0 (5.1, 3.5, 1.4, 0.2) standardized with the traced rows' mean and deviation.
        double[] col0 = [5.1, 5.4, 5.1, 5.0, 6.9]; // sepal length of data rows 0, 5, 17, 60, 120
        double mean = col0.Average(), sd = Math.Sqrt(col0.Sum(v => (v - mean) * (v - mean)) / col0.Length);
        Assert.Equal((5.1 - mean) / sd, root.GetProperty("data").GetProperty("X")[0][0].GetDouble(), 1e-14);

        Assert.Equal(0, Cli.Run(_dir, "diff", P("t.json")).ExitCode);
        Assert.Equal(2, Cli.Run(_dir, "trace", "--out", P("t.json")).ExitCode); // never overwritten
        Cli.Result bad = Cli.Run(_dir, "trace", "--samples", "0,150", "--out", P("u.json"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--samples", bad.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(P("u.json")));
    }

    [Theory]
    [InlineData("--bias", "false", "--activation", "relu")]
    [InlineData("--batch-size", "16", "--steps", "12", "--standardize", "none")]
    [InlineData("--init", "WEIGHTS", "--steps", "2")]
    public void Every_written_trace_fits_the_schema_and_diff_agrees_with_it(params string[] options)
    {
        File.WriteAllText(P("w.json"),
            """{"A": [[0.1, -0.2, 0.3, 0.05], [-0.4, 0.2, 0.1, 0.0]], "a": [0.01, -0.02], "B": [[0.5, -0.1], [0.2, 0.3], [-0.6, 0.4]], "b": [0, 0.1, -0.1]}""");
        string[] args = ["trace", .. options.Select(o => o == "WEIGHTS" ? P("w.json") : o), "--out", P("t.json")];
        Cli.Result r = Cli.Run(_dir, args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertFitsSchema(File.ReadAllText(P("t.json")), string.Join(' ', options));
        Cli.Result diff = Cli.Run(_dir, "diff", P("t.json"));
        Assert.True(diff.ExitCode == 0, diff.Stdout + diff.Stderr);
        Assert.Contains("match: all", diff.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Traces_on_another_csv_work_end_to_end()
    {
        string fruit = Path.Combine(Repo.Root, "docs", "examples", "fruit.csv");
        Cli.Result r = Cli.Run(_dir, "trace", "--data", fruit, "--hidden", "4", "--batch-size", "6", "--steps", "5",
            "--out", P("f.json"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        TraceFile trace = TraceJson.Load(P("f.json"));
        Assert.Equal(4, trace.Shape.C);
        Assert.Equal(3, trace.Shape.D);
        Assert.Equal([6, 6, 6, 2, 6], trace.Steps.Select(s => s.Batch.Length));
        Assert.Equal(0, Cli.Run(_dir, "diff", P("f.json")).ExitCode);
    }

    /// <summary>
    /// A network where every mistake changes the numbers of step 1: tanh, H = C = 3 (so B can be misused
    /// transposed), momentum, L2, and non-zero starting biases (so that decaying them shows).
    /// </summary>
    private static TraceFile Made(Mistake mistake, int steps = 2)
    {
        Dataset iris = Repo.Iris().Subset([0, 1, 50, 51, 100, 101, 102]);
        var options = new TrainingOptions
        {
            Hidden = 3,
            Activation = Activation.Tanh,
            Momentum = 0.9,
            L2 = 0.05,
            LearningRate = 0.2,
            Seed = 5
        };
        InitialWeights w = Trainer.Initialize(new NetworkShape(4, 3, 3, true, Activation.Tanh), 5);
        w = w with { HiddenBias = [0.1, -0.2, 0.05], OutputBias = [-0.1, 0.3, 0.02] };
        TraceFile reference = TraceRecorder.Record(iris, options, w, steps);
        if (mistake == Mistake.None) return reference;
        IReadOnlyList<TraceStep> wrong = TraceComputation.Run(reference.Initial, reference.Data.X,
            reference.Data.Labels, reference.Settings,
            reference.Steps.Select(s => s.Batch).ToArray(), mistake);
        return reference with { Steps = wrong };
    }

    public static TheoryData<Mistake, string> Mistakes => new()
    {
        { Mistake.DiagonalSoftmax, "dS" },
        { Mistake.SummedLoss, "L" },
        { Mistake.TransposedB, "dH" },
        { Mistake.NoActivationDerivative, "dZ" },
        { Mistake.ActivationDerivativeOfH, "dZ" },
        { Mistake.L2OnBiases, "ga" },
        { Mistake.MomentumAverage, "vA" },
        { Mistake.UpdateSign, "A_after" },
        { Mistake.BiasGradientWrongAxis, "db" },
        { Mistake.LabelsNotOneHot, "Y" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Diff_names_each_catalogued_mistake_at_the_first_quantity_it_changes(Mistake mistake, string first)
    {
        Assert.Equal(MistakeCatalogue.All.Count, Mistakes.Count);
        TraceFile theirs = TraceJson.Parse(TraceJson.Serialize(Made(mistake)));
        DiffReport report = TraceDiff.Compare(theirs);
        Assert.False(report.Matches);
        Assert.Equal(first, report.First!.Name);
        Assert.Equal(1, report.First.Step);
        Assert.Equal([mistake], report.Diagnoses.Select(d => d.Mistake));
        Assert.True(report.Diagnoses[0].ExplainsEverything);
        Assert.All(report.Rows.TakeWhile(r => r != report.First), r => Assert.True(r.Agrees));
    }

    [Fact]
    public void A_trace_with_only_the_loss_and_dB_is_diagnosed_from_dB()
    {
        TraceFile full = Made(Mistake.DiagonalSoftmax);
        TraceFile partial = full with
        {
            Steps = full.Steps.Select(s => s with
            {
                Quantities = s.Quantities.Where(q
                => q.Name is "L" or "dB").ToArray()
            }).ToArray(),
        };
        string json = TraceJson.Serialize(partial);
        AssertFitsSchema(json, "a trace with only L and dB");
        DiffReport report = TraceDiff.Compare(TraceJson.Parse(json));
        Assert.Equal(["L", "dB", "L", "dB"], report.Rows.Select(r => r.Name));
        Assert.True(report.Rows[0].Agrees);
        Assert.Equal("dB", report.First!.Name);
        Assert.Contains(Mistake.DiagonalSoftmax, report.Diagnoses.Select(d => d.Mistake));
    }

    [Fact]
    public void A_difference_no_mistake_explains_gets_no_diagnosis()
    {
        TraceFile reference = Made(Mistake.None);
        TraceTensor dH = reference.Steps[0].Find("dH")!;
        double[] nudged = (double[])dH.Values.Clone();
        nudged[4] *= 1.001;
        TraceFile theirs = reference with
        {
            Steps = [reference.Steps[0] with { Quantities = reference.Steps[0].Quantities.Select(q => q.Name == "dH"
                ? q with { Values = nudged } : q).ToArray() }],
        };
        DiffReport report = TraceDiff.Compare(theirs);
        Assert.Equal("dH", report.First!.Name);
        Assert.Empty(report.Diagnoses);
        Assert.True(TraceDiff.Compare(Made(Mistake.None)).Matches);
    }

    [Fact]
    public void The_relative_difference_is_the_largest_absolute_difference_over_the_largest_reference_magnitude()
    {
        Assert.Equal((0.5, 0.125), TraceDiff.Difference([1.0, -4.0, 2.5], [1.0, -4.0, 2.0]));
        Assert.Equal((0.0, 0.0), TraceDiff.Difference([0.0, 0.0], [0.0, 0.0]));
        Assert.Equal(double.PositiveInfinity, TraceDiff.Difference([1e-30], [0.0]).MaxRelative);
        Assert.True(double.IsNaN(TraceDiff.Difference([double.NaN, 1], [1.0, 1]).MaxAbsolute));
    }

    [Theory]
    [InlineData("numpy-iris.json", 0, null)]
    [InlineData("numpy-iris-diagonal.json", 1, "diagonal-softmax")]
    [InlineData("numpy-fruit.json", 0, null)]
    [InlineData("numpy-fruit-diagonal.json", 1, "diagonal-softmax")]
    public void The_numpy_example_traces_are_judged_as_the_documentation_says(string fixture, int exitCode,
        string? mistake)
    {
        string path = FixturePath(fixture);
        AssertFitsSchema(File.ReadAllText(path), fixture);
        Cli.Result r = Cli.Run(_dir, "diff", path);
        Assert.True(exitCode == r.ExitCode, r.Stdout + r.Stderr);
        if (mistake is null)
        {
            Assert.Contains("match: all", r.Stdout, StringComparison.Ordinal);
            return;
        }
        Assert.Contains("first difference: step 1, dS (equation 7", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  {mistake}: ", r.Stdout, StringComparison.Ordinal);
        Assert.Single(TraceDiff.Compare(TraceJson.Load(path)).Diagnoses);
    }

    /// <summary>docs/check-your-implementation.md shows what diff prints for the committed numpy traces (numbers
    /// masked: the last digits of a rounding difference may vary by platform).</summary>
    [Theory]
    [InlineData("numpy-iris.json", "mine.json")]
    [InlineData("numpy-iris-diagonal.json", "wrong.json")]
    public void The_walk_through_shows_what_diff_prints(string fixture, string name)
    {
        File.Copy(FixturePath(fixture), P(name));
        Cli.Result r = Cli.Run(_dir, "diff", name);
        string doc = MaskNumbers(File.ReadAllText(Path.Combine(Repo.Root, "docs",
            "check-your-implementation.md")).ReplaceLineEndings("\n"));
        string[] lines = r.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 20);
        foreach (string line in lines) Assert.Contains(MaskNumbers(line), doc, StringComparison.Ordinal);
    }

    private static string MaskNumbers(string text) => System.Text.RegularExpressions.Regex.Replace(text,
        @"\d\.\dE[+-]\d\d", "#.#E##");

    [Theory]
    [InlineData("initial.A", null, "$.initial")]
    [InlineData("steps[0].dB.value[1][2]", "\"x\"", "$.steps[0].dB.value[1][2]")]
    [InlineData("steps[0].dW", "1", "$.steps[0].dW")]
    [InlineData("data.labels[3]", "7", "$.data.labels[3]")]
    [InlineData("steps[0].dS.shape", "[2, 2]", "$.steps[0].dS.shape")]
    [InlineData("format", "\"irisnet-model\"", "$.format")]
    public void Diff_rejects_a_malformed_trace_with_the_json_path_of_the_problem(string where, string? value,
        string path)
    {
        JsonNode root = JsonNode.Parse(TraceJson.Serialize(Made(Mistake.None, steps: 1)))!;
        string[] parts = where.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        JsonNode parent = root;
        foreach (string part in parts[..^1]) parent = part.StartsWith('[') ? parent[int.Parse(part[1..^1],
            System.Globalization.CultureInfo.InvariantCulture)]! : parent[part]!;
        string last = parts[^1];
        if (value is null) parent.AsObject().Remove(last);
        else if (last.StartsWith('[')) parent[int.Parse(last[1..^1],
            System.Globalization.CultureInfo.InvariantCulture)] = JsonNode.Parse(value);
        else parent[last] = JsonNode.Parse(value);
        File.WriteAllText(P("bad.json"), root.ToJsonString());
        Cli.Result r = Cli.Run(_dir, "diff", P("bad.json"));
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"irisnet: error: {P("bad.json")}: {path}", line, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Diff_rejects_text_that_is_not_json_with_its_line_and_column()
    {
        File.WriteAllText(P("nan.json"), "{\"format\": \"irisnet-trace\",\n \"version\": NaN}");
        Cli.Result r = Cli.Run(_dir, "diff", P("nan.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 2, column", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run(_dir, "diff", P("missing.json")).ExitCode);
    }

    [Fact]
    public void The_schema_lists_exactly_the_quantities_and_equations_of_the_code()
    {
        JsonNode schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docs", "trace.schema.json")))!;
        JsonObject step = schema["$defs"]!["step"]!["properties"]!.AsObject();
        var quantities = step.Where(p => p.Key is not "step" and not "epoch" and not "batch")
            .Select(p => (p.Key,
                p.Value!["allOf"]![1]!["properties"]!["equation"]!["const"]!.GetValue<int>())).ToArray();
        Assert.Equal(TraceComputation.Order, quantities);
        // The step fields of the generated mapping, in the same order.
        Assert.Equal(TraceComputation.Order.Select(q => q.Name), TraceJson.QuantityFields);
        string format = File.ReadAllText(Path.Combine(Repo.Root, "docs", "trace-format.md"));
        foreach (var (name, equation) in TraceComputation.Order) Assert.Contains($"| `{name}` | ({equation}) |", format,
            StringComparison.Ordinal);
        foreach (Mistake m in MistakeCatalogue.All) Assert.Contains($"`{MistakeCatalogue.Key(m)}`", format,
            StringComparison.Ordinal);
    }
}
