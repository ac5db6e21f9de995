using System.Text.Json;
using IrisNet.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>
/// Every exported graph is run by ONNX Runtime and its probabilities compared with the model's own
/// (<see cref="Model.PredictProbabilities"/>, what irisnet predict prints), row by row, on every Iris row
/// and on rows far outside the training range.
/// </summary>
/// <remarks>
/// The difference of a row is max_k |p_k − q_k| / max_k |q_k| (q IrisNet's), the measure irisnet diff uses.
/// Limits: 1e-12 in float64 everywhere; 1e-6 in float32 on every Iris row, and on every far row whose
/// probabilities float32 rounding cannot move by more than that. A far row can be ill-conditioned in
/// float32: with |x′| up to a few thousand the logits s reach 1e4, where one float32 step is 1e-3, and two
/// correct float32 programs that round z = A x′ + a in another order (IrisNet's kernel starts its FMA chain
/// at a, ONNX Runtime's Gemm adds C after the product) then differ by far more than 1e-6 wherever two
/// classes keep a visible share. Such a row is held to its first-order float32 rounding bound instead (see
/// <see cref="RoundingBound"/>); the test prints how many rows that is and the largest difference. A row is
/// a tie to rounding when its two largest probabilities differ by less than the row's limit: either class is
/// then accepted (the test prints the count, which is 0 in every case here); everywhere else the predicted
/// class (the first largest probability) must be the same.
/// </remarks>
public sealed class OnnxExportTests(ITestOutputHelper output) : TempDirectoryTest("onnx")
{
    private const double Float32Limit = 1e-6, Float64Limit = 1e-12;

    public static TheoryData<Activation, Precision, bool, bool> Models()
    {
        var data = new TheoryData<Activation, Precision, bool, bool>();
        foreach (Activation f in Enum.GetValues<Activation>())
            foreach (Precision p in Enum.GetValues<Precision>())
                foreach (bool bias in new[] { true, false })
                    data.Add(f, p, bias, true);
        data.Add(Activation.Tanh, Precision.Float32, true, false); // --standardize none: no Sub, Div
        data.Add(Activation.Relu, Precision.Float64, false, false);
        return data;
    }

    /// <summary>A model of every kind that has learnt something (so its probabilities are not all 1/C).</summary>
    private static Model Train(Activation f, Precision precision, bool bias, bool standardize, int epochs = 300)
    {
        Model model = Trainer.Train(Repo.Iris(), null, new TrainingOptions
        {
            Hidden = 6,
            Activation = f,
            Bias = bias,
            Precision = precision,
            Standardize = standardize,
            Epochs = epochs,
            TestFraction = 0,
            Seed = 4,
            LearningRate = standardize ? 0.1 : 0.01,
        }).Model;
        if (epochs >= 300) Assert.True(model.Evaluate(Repo.Iris()).Accuracy > 0.6, "the test model learnt nothing");
        return model;
    }

    /// <summary>N rows with every feature drawn uniformly within ±1000 of its Iris mean (in the raw units: 500 to 2,500
    /// σ out).</summary>
    private static double[][] FarRows(int N, int seed)
    {
        Dataset iris = Repo.Iris();
        double[] mean = Enumerable.Range(0, iris.FeatureCount).Select(d => iris.Features.Average(r => r[d])).ToArray();
        var rng = new Random(seed);
        return Enumerable.Range(0, N).Select(_ =>
            mean.Select(m => m + (rng.NextDouble() * 2 - 1) * 1e3).ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_gives_the_models_probabilities_on_every_iris_row_and_far_outside(Activation f,
        Precision precision, bool bias, bool standardize)
    {
        Model model = Train(f, precision, bias, standardize);
        byte[] onnx = OnnxExport.ToBytes(model, precision);
        double limit = precision == Precision.Float32 ? Float32Limit : Float64Limit;
        Compare(model, onnx, precision, Repo.Iris().Features, "iris", limit, _ => limit);
        Compare(model, onnx, precision, FarRows(2000, 5), "far", limit,
            row => precision == Precision.Float32 ? Math.Max(limit, 2 * RoundingBound(model, row)) : limit);
    }

    [Theory]
    [InlineData(Precision.Float32, Precision.Float64)]
    [InlineData(Precision.Float64, Precision.Float32)]
    public void Another_dtype_than_the_models_agrees_to_float32_rounding(Precision trained, Precision exported)
    {
        Model model = Train(Activation.Tanh, trained, true, true);
        byte[] onnx = OnnxExport.ToBytes(model, exported);
        Assert.Equal(exported == Precision.Float32 ? 1 : 11,
            (int)ModelProto.Parser.ParseFrom(onnx).Graph.Input[0].Type.TensorType.ElemType);
        // The other precision's rounding: a float64 model's weights rounded to float32 (irisnet export says so), or a
        // float32 model's arithmetic done in float64; on the Iris rows still within the float32 limit.
        Compare(model, onnx, exported, Repo.Iris().Features, "iris", Float32Limit, _ => Float32Limit);
    }

    /// <summary>Runs the graph and the model on the same rows (rounded to float32 first for a float32 graph, whose
    /// input is float32) and holds every row to its limit.</summary>
    private void Compare(Model model, byte[] onnx, Precision dtype, double[][] rows0, string what, double strict,
        Func<double[], double> limitOf)
    {
        double[][] rows = dtype == Precision.Float32
            ? rows0.Select(r => r.Select(v => (double)(float)v).ToArray()).ToArray() : rows0;
        double[][] mine = model.PredictProbabilities(rows);
        double[][] theirs = Run(onnx, rows, dtype, model.Shape.C);
        double worst = 0, worstStrict = 0;
        int loose = 0, ties = 0;
        for (int n = 0; n < rows.Length; n++)
        {
            Assert.All(theirs[n], p => Assert.True(double.IsFinite(p) && p >= 0 && p <= 1,
                $"{what} row {n}: ONNX Runtime gives {p}"));
            Assert.Equal(1, theirs[n].Sum(), 1e-5);
            double limit = limitOf(rows[n]), d = Difference(theirs[n], mine[n]);
            if (limit > strict) loose++;
            else worstStrict = Math.Max(worstStrict, d);
            worst = Math.Max(worst, d);
            Assert.True(d <= limit, $"{what} row {n}: relative difference {d:E2} > {limit:E2}; IrisNet "
                + $"[{string.Join(", ", mine[n])}], ONNX Runtime [{string.Join(", ", theirs[n])}]");
            if (ArgMax(mine[n]) == ArgMax(theirs[n])) continue;
            double[] sorted = [.. mine[n].OrderDescending()];
            Assert.True(sorted[0] - sorted[1] <= limit * sorted[0],
                $"{what} row {n}: IrisNet predicts class {ArgMax(mine[n])}, ONNX Runtime {ArgMax(theirs[n])}");
            ties++;
        }
        output.WriteLine($"{what}: {rows.Length} rows, max relative difference {worst:E2} ({worstStrict:E2} on the "
            + $"{rows.Length - loose} rows held to the fixed limit; "
            + $"{loose} held to their float32 rounding bound), classes differing at a tie to rounding: {ties}");
    }

    /// <summary>
    /// A first-order bound on how far float32 rounding can move one row's probabilities, relative to the
    /// largest (γ_n = n u / (1 − n u), u = 2⁻²⁴, the standard bound on a sum of n rounded terms):
    /// |δz_i| ≤ ζ_i = γ_{D+2} (|a_i| + Σ_d |A_id x′_d|); |δh_i| ≤ |f′(z_i)| ζ_i + 4u|h_i| for tanh's
    /// approximation; |δs_k| ≤ E_k = γ_{H+2} (|b_k| + Σ_i |B_ki h_i|) + Σ_i |B_ki| |δh_i|; and since
    /// δp_k = p_k (δs_k − Σ_j p_j δs_j), |δp_k| ≤ p_k Σ_{j≠k} p_j (E_k + E_j). Computed in float64 from the
    /// model's weights; the two programs each stay within it of the exact values, so they differ by at most twice it.
    /// </summary>
    private static double RoundingBound(Model m, double[] raw)
    {
        int D = m.Shape.D, H = m.Shape.H, C = m.Shape.C;
        const double u = 1.0 / (1 << 24);
        static double Gamma(int n) => n * u / (1 - n * u);
        double[] x = Enumerable.Range(0, D).Select(d => (double)(float)m.Standardization.Apply(raw[d], d)).ToArray();
        var h = new double[H];
        var dh = new double[H];
        for (int i = 0; i < H; i++)
        {
            double z = m.Shape.Bias ? m.HiddenBias[i] : 0, size = Math.Abs(z);
            for (int d = 0; d < D; d++)
            {
                z += m.A[i * D + d] * x[d];
                size += Math.Abs(m.A[i * D + d] * x[d]);
            }
            h[i] = Equations.Activate(m.Shape.Activation, z);
            dh[i] = Math.Abs(Equations.Derivative(m.Shape.Activation, z)) * Gamma(D + 2) * size
                + (m.Shape.Activation == Activation.Tanh ? 4 * u * Math.Abs(h[i]) : 0);
        }
        var s = new double[C];
        var E = new double[C];
        for (int k = 0; k < C; k++)
        {
            double size = m.Shape.Bias ? Math.Abs(m.OutputBias[k]) : 0, propagated = 0;
            s[k] = m.Shape.Bias ? m.OutputBias[k] : 0;
            for (int i = 0; i < H; i++)
            {
                s[k] += m.B[k * H + i] * h[i];
                size += Math.Abs(m.B[k * H + i] * h[i]);
                propagated += Math.Abs(m.B[k * H + i]) * dh[i];
            }
            E[k] = Gamma(H + 2) * size + propagated;
        }
        double max = s.Max();
        double[] p = s.Select(v => Math.Exp(v - max)).ToArray();
        double sum = p.Sum();
        for (int k = 0; k < C; k++) p[k] /= sum;
        double bound = 0;
        for (int k = 0; k < C; k++)
        {
            double dp = 0;
            for (int j = 0; j < C; j++) if (j != k) dp += p[k] * p[j] * (E[k] + E[j]);
            bound = Math.Max(bound, dp);
        }
        return bound / p.Max();
    }

    private static double Difference(double[] theirs, double[] mine)
    {
        double abs = 0, scale = 0;
        for (int k = 0; k < mine.Length; k++)
        {
            abs = Math.Max(abs, Math.Abs(theirs[k] - mine[k]));
            scale = Math.Max(scale, Math.Abs(mine[k]));
        }
        return abs / scale;
    }

    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int k = 1; k < p.Length; k++)
            if (p[k] > p[best]) best = k;
        return best;
    }

    /// <summary>The graph's probabilities for <paramref name="rows"/> (N×D raw features), run by ONNX
    /// Runtime.</summary>
    internal static double[][] Run(byte[] onnx, double[][] rows, Precision dtype, int C)
    {
        using var session = new InferenceSession(onnx);
        int N = rows.Length, D = rows[0].Length;
        NamedOnnxValue input = dtype == Precision.Float32
            ? NamedOnnxValue.CreateFromTensor(OnnxExport.InputName,
                new DenseTensor<float>(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), [N, D]))
            : NamedOnnxValue.CreateFromTensor(OnnxExport.InputName,
                new DenseTensor<double>(rows.SelectMany(r => r).ToArray(), [N, D]));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([input]);
        DisposableNamedOnnxValue result = Assert.Single(results);
        Assert.Equal(OnnxExport.OutputName, result.Name);
        double[] flat = dtype == Precision.Float32
            ? result.AsEnumerable<float>().Select(v => (double)v).ToArray()
            : result.AsEnumerable<double>().ToArray();
        Assert.Equal(N * C, flat.Length);
        return Enumerable.Range(0, N).Select(n => flat.AsSpan(n * C, C).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(Activation.Tanh, true, true, "Cast Sub Div Cast Gemm Tanh Gemm Softmax", Precision.Float32)]
    [InlineData(Activation.Relu, false, true, "Sub Div Gemm Relu Gemm Softmax", Precision.Float64)]
    [InlineData(Activation.Identity, true, false, "Gemm Identity Gemm Softmax", Precision.Float64)]
    public void The_graph_is_the_documented_network_with_named_input_output_and_metadata(Activation f, bool bias,
        bool standardize, string ops, Precision precision)
    {
        Model model = Train(f, precision, bias, standardize, epochs: 20);
        ModelProto m = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model, precision));
        Assert.Equal(7, m.IrVersion);
        OperatorSetIdProto opset = Assert.Single(m.OpsetImport);
        Assert.Equal(("", 13L), (opset.Domain, opset.Version));
        GraphProto g = m.Graph;
        Assert.Equal(ops, string.Join(' ', g.Node.Select(n => n.OpType)));
        ValueInfoProto input = Assert.Single(g.Input), output = Assert.Single(g.Output);
        Assert.Equal(("features", "probabilities"), (input.Name, output.Name));
        int type = precision == Precision.Float32 ? 1 : 11;
        Assert.Equal(type, input.Type.TensorType.ElemType);
        Assert.Equal(type, output.Type.TensorType.ElemType);
        Assert.Equal(["N", "4"], input.Type.TensorType.Shape.Dim.Select(d =>
            d.DimParam != "" ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["N", "3"], output.Type.TensorType.Shape.Dim.Select(d =>
            d.DimParam != "" ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // Both layers are Gemm with transB = 1, so A (H×D) and B (C×H) keep the derivation's shapes; C only with
        // biases.
        NodeProto[] gemms = g.Node.Where(n => n.OpType == "Gemm").ToArray();
        Assert.All(gemms, n => Assert.Equal(1L, Assert.Single(n.Attribute, a => a.Name == "transB").I));
        Assert.Equal(bias ? 3 : 2, gemms[0].Input.Count);
        Assert.Equal(1L, Assert.Single(g.Node.Single(n => n.OpType == "Softmax").Attribute).I);
        TensorProto A = g.Initializer.Single(t => t.Name == "A");
        Assert.Equal([6L, 4L], A.Dims);
        Assert.Equal(model.A, precision == Precision.Float32 ? A.FloatData.Select(v => (double)v) : A.DoubleData);
        var initializers = new List<string>();
        if (standardize) initializers.AddRange(["mean", "scale"]);
        initializers.AddRange(bias ? ["A", "a", "B", "b"] : ["A", "B"]);
        Assert.Equal(initializers, g.Initializer.Select(t => t.Name));
        Dictionary<string, string> meta = m.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(model.FeatureNames, JsonSerializer.Deserialize<string[]>(meta["features"]));
        Assert.Equal(model.ClassNames, JsonSerializer.Deserialize<string[]>(meta["classes"]));
        Assert.Equal(("species", Names.Of(f), standardize ? "zscore" : "none", Names.Of(precision),
            IrisNet.Interop.NumPy.NpzWeights.Version),
            (meta["label"], meta["activation"], meta["standardize"], meta["precision"], meta["irisnet_version"]));
        // the same model, the same bytes
        Assert.Equal(OnnxExport.ToBytes(model, precision), OnnxExport.ToBytes(model, precision));
    }

    [Fact]
    public void The_default_model_exports_in_under_10_KB_and_one_row_or_many_run_alike()
    {
        Model model = Trainer.Train(Repo.Iris(), null, new TrainingOptions()).Model;
        byte[] onnx = OnnxExport.ToBytes(model, model.Precision);
        output.WriteLine($"default model (D = 4, H = {model.Shape.H}, C = 3, {Names.Of(model.Precision)}): "
            + $"{onnx.Length} bytes");
        Assert.True(onnx.Length < 10 * 1024, $"{onnx.Length} bytes");
        double[][] rows = Repo.Iris().Features;
        double[][] all = Run(onnx, rows, model.Precision, 3);
        // One row alone takes another kernel path than a batch (the last bits may differ), never another answer.
        for (int n = 0; n < rows.Length; n += 37) Assert.True(Difference(Run(onnx, [rows[n]], model.Precision, 3)[0],
            all[n]) <= Float64Limit);
    }

    [Fact]
    public void The_export_command_writes_a_graph_onnx_runtime_runs_and_refuses_a_bad_out_in_one_line()
    {
        string modelPath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "model-float64.json");
        Model model = ModelJson.Load(modelPath);
        Cli.Result r = Cli.Run(_dir, "export", "--model", modelPath, "--out", "m.onnx");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("wrote m.onnx: ONNX opset 13, float64, input 'features' [N, 4] raw features, output "
            + "'probabilities' [N, 3], ", r.Stdout, StringComparison.Ordinal);
        byte[] written = File.ReadAllBytes(P("m.onnx"));
        Assert.Equal(OnnxExport.ToBytes(model, Precision.Float64), written);
        double[][] rows = Repo.Iris().Features;
        double[][] mine = model.PredictProbabilities(rows), theirs = Run(written, rows, Precision.Float64, 3);
        for (int n = 0; n < rows.Length; n++) Assert.True(Difference(theirs[n], mine[n]) <= Float64Limit);
        Cli.Result f32 = Cli.Run(_dir, "export", "--model", modelPath, "--dtype", "float32", "--out", "m32.onnx");
        Assert.Contains("float32 (the float64 weights rounded to float32)", f32.Stdout, StringComparison.Ordinal);

        foreach (string[] bad in new[]
        {
            new[] { "--out", "missing/m.onnx" },
            new[] { "--out", "." },
            new[] { "--out", "m.bin" },
            new[] { "--out", "m.onnx", "--format", "tflite" },
            new[] { "--out", "m.onnx", "--dtype", "float16" },
            new[] { "--out", "m.onnx", "--format", "npz" },
            new[] { "--out", "m.npz", "--format", "onnx" },
        })
        {
            Cli.Result e = Cli.Run(_dir, ["export", "--model", modelPath, .. bad]);
            Assert.True(e.ExitCode == 2, string.Join(' ', bad) + ": " + e.Stdout + e.Stderr);
            string line = Assert.Single(e.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("irisnet: error: ", line, StringComparison.Ordinal);
        }
        Cli.Result noModel = Cli.Run(_dir, "export", "--model", "nope.json", "--out", "x.onnx");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("nope.json", noModel.Stderr, StringComparison.Ordinal);
        string npz = Path.Combine(AppContext.BaseDirectory, "Fixtures", "npz", "export-float64.npz");
        Cli.Result npzModel = Cli.Run(_dir, "export", "--model", npz, "--out", "x.onnx");
        Assert.Equal(2, npzModel.ExitCode);
        Assert.Contains("is a zip archive (an .npz?), not a model.json", npzModel.Stderr, StringComparison.Ordinal);
        Assert.Equal(["m.onnx", "m32.onnx"],
            Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
