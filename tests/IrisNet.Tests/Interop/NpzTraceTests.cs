using IrisNet.Interop.NumPy;

namespace IrisNet.Tests;

/// <summary>
/// A trace as one flat .npz: the same trace gets exactly the verdict, table, first difference and
/// diagnosis as JSON, for the committed fixtures, numpy's own .npz twins of them and every catalogued mistake.
/// </summary>
public sealed class NpzTraceTests() : TempDirectoryTest("npz-trace")
{
    private static string JsonFixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "trace", name);

    private static TraceFile ThroughNpz(TraceFile trace) =>
        NpzTrace.Parse(NpzArchive.Read(new MemoryStream(NpzArchive.ToBytes(NpzTrace.ToArrays(trace))), "t.npz"),
            "t.npz");

    /// <summary>Two reports are the same: every row (step, name, equation, shapes, differences bit for bit, verdict)
    /// and every diagnosis.</summary>
    internal static void AssertSameReport(DiffReport expected, DiffReport actual)
    {
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (int i = 0; i < expected.Rows.Count; i++)
        {
            DiffRow e = expected.Rows[i], a = actual.Rows[i];
            Assert.Equal((e.Step, e.Name, e.Equation, e.Agrees), (a.Step, a.Name, a.Equation, a.Agrees));
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.ReferenceShape, a.ReferenceShape);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MaxAbsolute), BitConverter.DoubleToInt64Bits(a.MaxAbsolute));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MaxRelative), BitConverter.DoubleToInt64Bits(a.MaxRelative));
        }
        Assert.Equal(expected.Matches, actual.Matches);
        Assert.Equal(expected.First?.Name, actual.First?.Name);
        Assert.Equal(expected.First?.Step, actual.First?.Step);
        Assert.Equal(expected.Diagnoses.Select(d => (d.Mistake, d.Reproduced, d.Given)),
            actual.Diagnoses.Select(d => (d.Mistake, d.Reproduced, d.Given)));
    }

    /// <summary>Every field of two traces is equal, numbers bit for bit.</summary>
    private static void AssertSameTrace(TraceFile expected, TraceFile actual)
    {
        Assert.Equal(expected.Settings, actual.Settings);
        Assert.Equal((expected.BatchSize, expected.Seed), (actual.BatchSize, actual.Seed));
        Assert.Equal(expected.Data.X, actual.Data.X);
        Assert.Equal(expected.Data.Labels, actual.Data.Labels);
        Assert.Equal(expected.Data.Features, actual.Data.Features);
        Assert.Equal(expected.Data.Classes, actual.Data.Classes);
        Assert.Equal(expected.Data.Rows, actual.Data.Rows);
        Assert.Equal((expected.Data.Source, expected.Data.Sha256), (actual.Data.Source, actual.Data.Sha256));
        Assert.Equal(expected.Data.Standardization?.Mean, actual.Data.Standardization?.Mean);
        Assert.Equal(expected.Data.Standardization?.Scale, actual.Data.Standardization?.Scale);
        Assert.Equal(expected.Initial.A, actual.Initial.A);
        Assert.Equal(expected.Initial.HiddenBias, actual.Initial.HiddenBias);
        Assert.Equal(expected.Initial.B, actual.Initial.B);
        Assert.Equal(expected.Initial.OutputBias, actual.Initial.OutputBias);
        Assert.Equal(expected.Steps.Count, actual.Steps.Count);
        for (int k = 0; k < expected.Steps.Count; k++)
        {
            TraceStep e = expected.Steps[k], a = actual.Steps[k];
            Assert.Equal(e.Number, a.Number);
            Assert.Equal(e.Batch, a.Batch);
            Assert.Equal(e.Quantities.Select(q => (q.Name, q.Equation)),
                a.Quantities.Select(q => (q.Name, q.Equation)));
            for (int i = 0; i < e.Quantities.Count; i++)
            {
                Assert.Equal(e.Quantities[i].Shape, a.Quantities[i].Shape);
                Assert.Equal(e.Quantities[i].Values.Select(BitConverter.DoubleToInt64Bits),
                    a.Quantities[i].Values.Select(BitConverter.DoubleToInt64Bits));
            }
        }
    }

    public static TheoryData<string> JsonFixtures =>
        new() { "numpy-iris.json", "numpy-iris-diagonal.json", "numpy-fruit.json", "numpy-fruit-diagonal.json" };

    [Theory]
    [MemberData(nameof(JsonFixtures))]
    public void Each_committed_trace_as_npz_gets_exactly_its_json_verdict(string fixture)
    {
        TraceFile json = TraceJson.Load(JsonFixture(fixture));
        TraceFile npz = ThroughNpz(json);
        AssertSameTrace(json, npz);
        AssertSameReport(TraceDiff.Compare(json), TraceDiff.Compare(npz));
        // numpy's own .npz of the same steps (docs/examples/my_backprop.py --out *.npz) holds the same numbers.
        TraceFile numpy = NpzTrace.Load(NpyFormatTests.Fixture(Path.ChangeExtension(fixture, ".npz")));
        AssertSameReport(TraceDiff.Compare(json), TraceDiff.Compare(numpy));
    }

    [Fact]
    public void The_same_trace_stored_in_other_dtypes_orders_and_byte_orders_is_judged_the_same()
    {
        // int32 labels, big-endian X, Fortran-ordered initial/A, big-endian Fortran-ordered step1/dB, big-endian
        // step2/batch.
        TraceFile other = NpzTrace.Load(NpyFormatTests.Fixture("numpy-iris-dtypes.npz"));
        TraceFile json = TraceJson.Load(JsonFixture("numpy-iris.json"));
        Assert.Equal(json.Data.X, other.Data.X);
        Assert.Equal(json.Initial.A, other.Initial.A);
        AssertSameReport(TraceDiff.Compare(json), TraceDiff.Compare(other));
    }

    /// <summary>The network of TraceTests' mistake cases: tanh, H = C = 3, momentum, L2 and non-zero biases, so every
    /// mistake changes step 1.</summary>
    private static TraceFile Made(Mistake mistake)
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
        InitialWeights w = Trainer.Initialize(new NetworkShape(4, 3, 3, true, Activation.Tanh), 5) with
        {
            HiddenBias = [0.1, -0.2, 0.05],
            OutputBias = [-0.1, 0.3, 0.02],
        };
        TraceFile reference = TraceRecorder.Record(iris, options, w, 2);
        if (mistake == Mistake.None) return reference;
        return reference with
        {
            Steps = TraceComputation.Run(reference.Initial, reference.Data.X, reference.Data.Labels, reference.Settings,
                reference.Steps.Select(s => s.Batch).ToArray(), mistake),
        };
    }

    public static TheoryData<Mistake> EveryMistake()
    {
        var data = new TheoryData<Mistake>();
        foreach (Mistake m in Enum.GetValues<Mistake>()) data.Add(m);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMistake))]
    public void Every_catalogued_mistake_gets_the_same_first_difference_and_diagnosis_as_json(Mistake mistake)
    {
        TraceFile made = Made(mistake);
        TraceFile json = TraceJson.Parse(TraceJson.Serialize(made));
        TraceFile npz = ThroughNpz(made);
        AssertSameTrace(json, npz);
        DiffReport fromJson = TraceDiff.Compare(json), fromNpz = TraceDiff.Compare(npz);
        AssertSameReport(fromJson, fromNpz);
        if (mistake == Mistake.None) Assert.True(fromNpz.Matches);
        else Assert.Equal([mistake], fromNpz.Diagnoses.Select(d => d.Mistake));
        // A partial trace (only L and dB, as the walk-through allows) too.
        TraceFile partial = made with
        {
            Steps = [.. made.Steps.Select(s =>
            s with { Quantities = [.. s.Quantities.Where(q => q.Name is "L" or "dB")] })]
        };
        AssertSameReport(TraceDiff.Compare(TraceJson.Parse(TraceJson.Serialize(partial))),
            TraceDiff.Compare(ThroughNpz(partial)));
    }

    [Theory]
    [InlineData("numpy-iris.npz", "numpy-iris.json", 0)]
    [InlineData("numpy-iris-diagonal.npz", "numpy-iris-diagonal.json", 1)]
    [InlineData("numpy-fruit-diagonal.npz", "numpy-fruit-diagonal.json", 1)]
    [InlineData("numpy-iris-dtypes.npz", "numpy-iris.json", 0)]
    public void Diff_prints_the_same_table_diagnosis_and_exit_code_for_npz_as_for_json(string npz, string json,
        int exitCode)
    {
        File.Copy(NpyFormatTests.Fixture(npz), P("mine.npz"));
        File.Copy(JsonFixture(json), P("mine.json"));
        Cli.Result a = Cli.Run(_dir, "diff", "mine.npz"), b = Cli.Run(_dir, "diff", "mine.json");
        Assert.Equal((exitCode, exitCode), (a.ExitCode, b.ExitCode));
        Assert.Equal(b.Stdout.Replace("mine.json", "mine.npz", StringComparison.Ordinal), a.Stdout);
        Assert.Equal("", a.Stderr);
    }

    [Fact]
    public void Trace_format_npz_writes_the_reference_diff_matches_and_json_agrees_value_for_value()
    {
        string[] options = ["--samples", "0,5,17,60,120", "--hidden", "3", "--activation", "relu", "--momentum", "0.5",
            "--l2", "0.001", "--batch-size", "2", "--steps", "4"];
        Cli.Result r = Cli.Run(_dir, ["trace", .. options, "--format", "npz", "--out", "t.npz"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(Cli.Run(_dir, ["trace", .. options, "--out", "t.json"]).ExitCode == 0);
        AssertSameTrace(TraceJson.Load(P("t.json")), NpzTrace.Load(P("t.npz")));
        Cli.Result diff = Cli.Run(_dir, "diff", "t.npz");
        Assert.True(diff.ExitCode == 0, diff.Stdout + diff.Stderr);
        Assert.Contains("match: all 104 quantities agree with the reference.", diff.Stdout, StringComparison.Ordinal);
        // --out ending in .npz chooses the format; trace.npz is the default name with --format npz; never overwritten.
        Assert.Equal(0, Cli.Run(_dir, "trace", "--out", "u.npz").ExitCode);
        Assert.True(NpzArchive.LooksLikeZip(P("u.npz")));
        Assert.Equal(0, Cli.Run(_dir, "trace", "--format", "npz").ExitCode);
        Assert.True(NpzArchive.LooksLikeZip(P("trace.npz")));
        Assert.Equal(2, Cli.Run(_dir, "trace", "--format", "npz").ExitCode);
        Assert.Equal(2, Cli.Run(_dir, "trace", "--format", "csv", "--out", "v.csv").ExitCode);
        // A --format that disagrees with --out's extension is refused: a JSON file named .npz would be misread.
        Cli.Result clash = Cli.Run(_dir, "trace", "--format", "json", "--out", "w.npz");
        Assert.Equal(2, clash.ExitCode);
        Assert.Equal("irisnet: error: --format: json disagrees with --out 'w.npz', the extension of npz; use --out "
            + "w.json, or drop --format.", clash.Stderr.Trim());
        Assert.False(File.Exists(P("w.npz")));
    }

    /// <summary>A valid trace archive (numpy-iris.npz) with one array removed, replaced or added.</summary>
    private string Edited(Action<Dictionary<string, NpyArray>> edit)
    {
        var arrays = new Dictionary<string,
            NpyArray>(NpzArchive.Read(NpyFormatTests.Fixture("numpy-iris.npz")), StringComparer.Ordinal);
        edit(arrays);
        string path = P($"bad-{Guid.NewGuid():N}.npz");
        NpzArchive.Write(path, arrays);
        return path;
    }

    public static TheoryData<string, string> BadTraces => new()
    {
        { "no-lr", "lr: is missing; it must be the learning rate η, one number." },
        { "no-initial-B", "initial/B: is missing; it must hold B, C rows of H numbers." },
        { "no-steps", "step1: is missing: a trace needs at least one step" },
        { "gap", "step2: has no arrays, but step3 has; number the steps 1 to 2 without gaps." },
        { "unknown", "step1/dW: is not an array this file may hold;" },
        { "misspelt", "Lr: is not an array this file may hold;" },
        { "label-range", "labels: [3] is 7, not a class index in [0, 3)" },
        { "float-labels", "labels: holds float64 values; it must hold integers (N class indices)" },
        { "B-shape", "initial/B: has 5 columns, but initial/A has H = 4 rows; B is C×H." },
        { "X-columns", "X: rows have 3 numbers, but initial/A has D = 4 columns." },
        { "batch-range", "step1/batch: [0] is 150, not a row index of X, in [0, 150)" },
        { "nan", "step1/dS: holds NaN at [2, 1]; every number must be finite." },
        { "3d", "step1/dB: has shape (3, 4, 1); a quantity is a number (0-d), a vector or a matrix." },
        { "activation", "activation: is 'sigmoid'; it must be one of identity, tanh or relu." },
        { "format", "format: is 'irisnet-model', not 'irisnet-trace'." },
        { "no-bias-quantity", "step1/db: the network has no biases" },
    };

    [Theory]
    [MemberData(nameof(BadTraces))]
    public void Diff_refuses_a_malformed_npz_in_one_line_naming_the_array(string kind, string message)
    {
        string path = Edited(a =>
        {
            switch (kind)
            {
                case "no-lr": a.Remove("lr"); break;
                case "no-initial-B": a.Remove("initial/B"); break;
                case "no-steps":
                    foreach (string k in a.Keys.Where(k =>
                    k.StartsWith("step", StringComparison.Ordinal)).ToArray()) a.Remove(k); break;
                case "gap":
                    a["step3/L"] = a["step2/L"]; a.Remove("step2/L"); foreach (string k in a.Keys.Where(k =>
                    k.StartsWith("step2/", StringComparison.Ordinal)).ToArray()) a.Remove(k); break;
                case "unknown": a["step1/dW"] = a["step1/dB"]; break;
                case "misspelt": a["Lr"] = a["lr"]; break;
                case "label-range":
                    a["labels"] =
                    NpyArray.Int64([.. a["labels"].ToInt64()!.Select((v, i) => i == 3 ? 7L : v)], 150); break;
                case "float-labels":
                    a["labels"] =
                    NpyArray.Float64([.. a["labels"].ToInt64()!.Select(v => (double)v)], 150); break;
                case "B-shape": a["initial/B"] = NpyArray.Float64(new double[15], 3, 5); break;
                case "X-columns": a["X"] = NpyArray.Float64(new double[450], 150, 3); break;
                case "batch-range": a["step1/batch"] = NpyArray.Int64([150], 1); break;
                case "nan":
                    a["step1/dS"] = NpyArray.Float64([.. a["step1/dS"].ToDoubles()!.Select((v, i) =>
                    i == 7 ? double.NaN : v)], 150, 3); break;
                case "3d": a["step1/dB"] = NpyArray.Float64(a["step1/dB"].ToDoubles()!, 3, 4, 1); break;
                case "activation": a["activation"] = NpyArray.Scalar("sigmoid"); break;
                case "format": a["format"] = NpyArray.Scalar("irisnet-model"); break;
                case "no-bias-quantity": a.Remove("initial/a"); a.Remove("initial/b"); break;
            }
        });
        Cli.Result r = Cli.Run(_dir, "diff", path);
        Assert.True(r.ExitCode == 2, r.Stdout + r.Stderr);
        Assert.Equal("", r.Stdout);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"irisnet: error: {path}: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Throws<TraceFileException>(() => NpzTrace.Load(path));
    }

    [Theory]
    [InlineData("truncated", "is not a zip archive, or is truncated")]
    [InlineData("text", "is not a zip archive, or is truncated")]
    [InlineData("object", "names: holds Python objects (dtype '|O')")]
    [InlineData("directory", "is a directory, not an .npz file.")]
    [InlineData("missing", "file not found; check the path.")]
    public void Diff_refuses_a_file_that_is_no_readable_npz_in_one_line(string kind, string message)
    {
        string path = P("bad.npz");
        switch (kind)
        {
            case "truncated":
                File.WriteAllBytes(path,
                File.ReadAllBytes(NpyFormatTests.Fixture("numpy-iris.npz"))[..50_000]); break;
            case "text": File.WriteAllText(path, "X = [[1, 2]]\n"); break;
            case "object": File.Copy(NpyFormatTests.Fixture("object.npz"), path); break;
            case "directory": Directory.CreateDirectory(path); break;
        }
        Cli.Result r = Cli.Run(_dir, "diff", path);
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"irisnet: error: {path}: {message}",
            line[..Math.Min(line.Length, $"irisnet: error: {path}: {message}".Length)]);
    }
}
