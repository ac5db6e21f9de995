using System.Text.Json;
using IrisNet.Interop.NumPy;

namespace IrisNet.Tests;

/// <summary>--init from an .npz: IrisNet's names (and its own export), or a PyTorch state dict saved through
/// numpy.</summary>
public sealed class NpzWeightsTests() : TempDirectoryTest("npz-weights")
{
    private static string Fixture(string name) => NpyFormatTests.Fixture(name);

    private static IReadOnlyDictionary<string, NpyArray> Arrays(params (string Name, NpyArray Array)[] arrays) =>
        arrays.ToDictionary(a => a.Name, a => a.Array, StringComparer.Ordinal);

    [Theory]
    [InlineData("model-float64.json")]
    [InlineData("model-float32.json")]
    public void An_exported_npz_starts_training_exactly_where_its_model_json_does(string file)
    {
        Model model = ModelJson.Load(Fixture(file));
        InitialWeights fromJson = ModelJson.LoadWeights(Fixture(file));
        InitialWeights fromNpz = NpzWeights.Parse(NpzArchive.Read(Write("m.npz",
            NpzWeights.FromModel(model, model.Precision))), "m.npz");
        Assert.Equal(fromJson.A, fromNpz.A);
        Assert.Equal(fromJson.B, fromNpz.B);
        Assert.Equal(fromJson.HiddenBias, fromNpz.HiddenBias);
        Assert.Equal(fromJson.OutputBias, fromNpz.OutputBias);
        Assert.Equal(fromJson.Activation, fromNpz.Activation);
        Assert.Equal(fromJson.FeatureNames, fromNpz.FeatureNames);
        Assert.Equal(fromJson.ClassNames, fromNpz.ClassNames);
        Assert.Equal(fromJson.Standardization!.Enabled, fromNpz.Standardization!.Enabled);
        Assert.Equal(fromJson.Standardization.Mean, fromNpz.Standardization.Mean);
        Assert.Equal(fromJson.Standardization.Scale, fromNpz.Standardization.Scale);

        // Through the command line: the same run from either file, metrics bit for bit.
        File.WriteAllBytes(P("m.npz"), NpzArchive.ToBytes(NpzWeights.FromModel(model, model.Precision)));
        string precision = Names.Of(model.Precision);
        Cli.Result a = Cli.Run(_dir, "train", "--init", Fixture(file), "--epochs", "5", "--precision", precision,
            "--out", "from-json");
        Cli.Result b = Cli.Run(_dir, "train", "--init", "m.npz", "--epochs", "5", "--precision", precision, "--out",
            "from-npz");
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        Assert.Equal(File.ReadAllText(P("from-json/metrics.csv")), File.ReadAllText(P("from-npz/metrics.csv")));
    }

    private string Write(string name, IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        NpzArchive.Write(P(name), arrays);
        return P(name);
    }

    /// <summary>The float32 weights make_fixtures.py drew, as numpy recorded them.</summary>
    private static double[] Recorded(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixture("torch.json")));
        return [.. doc.RootElement.GetProperty(name).GetProperty("values").EnumerateArray().Select(v => v.GetDouble())];
    }

    [Theory]
    [InlineData("torch-sequential.npz")]
    [InlineData("torch-fc.npz")]
    [InlineData("torch-nobias.npz")]
    public void A_pytorch_sequential_state_dict_saved_through_numpy_gives_A_a_B_b(string file)
    {
        InitialWeights w = NpzWeights.Load(Fixture(file));
        Assert.Equal(Recorded("A"), w.A.SelectMany(r => r));
        Assert.Equal((5, 4), (w.A.Length, w.A[0].Length)); // Linear(4, 5).weight is out × in = H × D, A's shape
        Assert.Equal(Recorded("B"), w.B.SelectMany(r => r));
        Assert.Equal((3, 5), (w.B.Length, w.B[0].Length));
        if (file == "torch-nobias.npz")
        {
            Assert.Null(w.HiddenBias);
            Assert.Null(w.OutputBias);
        }
        else
        {
            Assert.Equal(Recorded("a"), w.HiddenBias!);
            Assert.Equal(Recorded("b"), w.OutputBias!);
        }
        Assert.Null(w.Activation);
        Assert.Null(w.FeatureNames);
    }

    [Fact]
    public void Train_starts_from_a_pytorch_state_dict_through_the_command_line()
    {
        Cli.Result r = Cli.Run(_dir, "train", "--init", Fixture("torch-sequential.npz"), "--data",
            Path.Combine(Repo.Root, "docs", "examples", "fruit.csv"),
            "--activation", "tanh", "--epochs", "3", "--out", "run");
        // fruit.csv has D = 3: the Linear(4, 5) weights do not fit, and the message says which array and why.
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("\"A\" row 1 has 4 numbers, but the data has D = 3 features", r.Stderr,
            StringComparison.Ordinal);
        r = Cli.Run(_dir, "train", "--init", Fixture("torch-sequential.npz"), "--activation", "tanh", "--epochs", "3",
            "--out", "iris");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Model trained = ModelJson.Load(P("iris/model.json"));
        Assert.Equal(5, trained.Shape.H);
        Assert.Equal(Activation.Tanh, trained.Shape.Activation);
    }

    [Fact]
    public void Weights_without_names_are_taken_in_order_and_names_are_matched_like_json()
    {
        double[] A = [.. Enumerable.Range(0, 8).Select(i => i / 10.0)];
        var arrays = Arrays(("A", NpyArray.Float64(A, 2, 4)), ("B", NpyArray.Float64([1, 2, 3, 4, 5, 6], 3, 2)),
            ("features", NpyArray.Unicode(["petal_width", "petal_length", "sepal_width", "sepal_length"], 4)));
        InitialWeights w = NpzWeights.Parse(arrays, "w.npz");
        Dataset iris = Repo.Iris();
        InitialWeights matched = w.MatchNames(iris.FeatureNames, iris.ClassNames, "w.npz");
        Assert.Equal([0.3, 0.2, 0.1, 0.0], matched.A[0]); // columns reordered to the data's
    }

    [Theory]
    [InlineData("no-B", "B: is missing; it must hold B, C rows of H numbers.")]
    [InlineData("a-without-b", "b: is missing; with biases both a and b are needed")]
    [InlineData("B-columns", "B: has 3 columns, but A has H = 2 rows; B is C×H.")]
    [InlineData("A-vector", "A: has shape (8,); it must be A, H rows of D numbers, a matrix")]
    [InlineData("text-A", "A: holds <U1 values; it must hold numbers")]
    [InlineData("nan", "A: holds NaN at [1, 2]")]
    [InlineData("mixed", "mixes two namings of the weights (A, B and 0.weight, 2.weight)")]
    [InlineData("unknown", "W: is not an array this file may hold")]
    [InlineData("empty", "holds no weights")]
    [InlineData("names", "features: lists 3 names, but D = 4.")]
    [InlineData("activation", "activation: is 'sigmoid'; it must be identity, tanh or relu.")]
    public void A_weights_archive_that_does_not_fit_is_refused_naming_the_array(string kind, string message)
    {
        NpyArray A = NpyArray.Float64([.. Enumerable.Range(0, 8).Select(i => i / 10.0)], 2, 4), B =
            NpyArray.Float64([1, 2, 3, 4, 5, 6], 3, 2);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal) { ["A"] = A, ["B"] = B };
        switch (kind)
        {
            case "no-B": arrays.Remove("B"); break;
            case "a-without-b": arrays["a"] = NpyArray.Float64([0, 0], 2); break;
            case "B-columns": arrays["B"] = NpyArray.Float64(new double[9], 3, 3); break;
            case "A-vector": arrays["A"] = NpyArray.Float64(new double[8], 8); break;
            case "text-A": arrays["A"] = NpyArray.Unicode(["x", "y"], 1, 2); break;
            case "nan": arrays["A"] = NpyArray.Float64([0, 0, 0, 0, 0, 0, double.NaN, 0], 2, 4); break;
            case "mixed": arrays["0.weight"] = A; arrays["2.weight"] = B; break;
            case "unknown": arrays["W"] = A; break;
            case "empty": arrays.Clear(); arrays["lr"] = NpyArray.Scalar(0.1); break;
            case "names": arrays["features"] = NpyArray.Unicode(["a", "b", "c"], 3); break;
            case "activation": arrays["activation"] = NpyArray.Scalar("sigmoid"); break;
        }
        var e = Assert.Throws<ModelFileException>(() => NpzWeights.Parse(arrays, "w.npz"));
        Assert.StartsWith("w.npz: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-zip")]
    [InlineData("object")]
    [InlineData("missing-B")]
    public void A_bad_init_archive_is_one_line_and_exit_2(string kind)
    {
        string path = P("w.npz");
        switch (kind)
        {
            case "not-zip": File.WriteAllText(path, "A = [[1, 2]]"); break;
            case "object": File.Copy(Fixture("object.npz"), path); break;
            case "missing-B": NpzArchive.Write(path, Arrays(("A", NpyArray.Float64(new double[16], 4, 4)))); break;
        }
        Cli.Result r = Cli.Run(_dir, "train", "--init", path, "--epochs", "2", "--out", "run");
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"irisnet: error: {path}: ", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(P("run")));
    }
}
