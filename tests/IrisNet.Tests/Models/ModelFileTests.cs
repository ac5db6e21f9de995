using System.Text.Json.Nodes;

namespace IrisNet.Tests;

public class ModelFileTests
{
    private static Model Trained(Precision precision = Precision.Float64, bool bias = true)
    {
        var options = new TrainingOptions
        {
            Epochs = 30,
            TestFraction = 0,
            Precision = precision,
            Bias = bias,
            Activation = Activation.Tanh,
            Hidden = 5
        };
        return Trainer.Train(Repo.Iris(), null, options).Model;
    }

    [Theory]
    [InlineData(Precision.Float64, true)]
    [InlineData(Precision.Float32, true)]
    [InlineData(Precision.Float64, false)]
    public void Save_and_load_round_trip_every_bit(Precision precision, bool bias)
    {
        Model m = Trained(precision, bias);
        Model back = ModelJson.Parse(ModelJson.Serialize(m));
        Assert.Equal(m.A, back.A);
        Assert.Equal(m.HiddenBias, back.HiddenBias);
        Assert.Equal(m.B, back.B);
        Assert.Equal(m.OutputBias, back.OutputBias);
        Assert.Equal(m.Shape, back.Shape);
        Assert.Equal(m.Precision, back.Precision);
        Assert.Equal(m.FeatureNames, back.FeatureNames);
        Assert.Equal(m.ClassNames, back.ClassNames);
        Assert.Equal(m.Standardization.Mean, back.Standardization.Mean);
        Assert.Equal(m.Standardization.Scale, back.Standardization.Scale);
        Assert.Equal(m.Options, back.Options);
        double[][] rows = Repo.Iris().Features;
        Assert.Equal(m.PredictProbabilities(rows), back.PredictProbabilities(rows));
        Assert.Equal(ModelJson.Serialize(m), ModelJson.Serialize(back));
    }

    public static TheoryData<string, string> Breakages() => new()
    {
        { "truncated", "not valid JSON" },
        { "not-json", "not valid JSON" },
        { "version", "version: format version 99 is not supported" },
        { "missing-B", "\"B\" is missing" },
        { "shape", "B[1]: has" },
        { "features", "features: lists" },
        { "infinite", "beyond the range" },
        { "unknown-field", "colour: unknown field \"colour\"" },
        { "array", "the file: must be a JSON object" },
        { "string-weight", "a[0]: must be a finite number" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Broken_model_files_are_one_clear_error(string breakage, string expected)
    {
        string json = ModelJson.Serialize(Trained());
        JsonObject o = JsonNode.Parse(json)!.AsObject();
        string broken = breakage switch
        {
            "truncated" => json[..(json.Length / 2)],
            "not-json" => "hello, I am not a model",
            "version" => Set(o, "version", 99),
            "missing-B" => Remove(o, "B"),
            "shape" => SetRow(o),
            "features" => Set(o, "features", new JsonArray("x")),
            "infinite" => json.Replace("\"A\": [\n    [\n      ", "\"A\": [\n    [\n      1e999, ",
                StringComparison.Ordinal),
            "unknown-field" => Set(o, "colour", "blue"),
            "array" => "[1, 2, 3]",
            "string-weight" => Set(o, "a", new JsonArray("0.1", 2, 3, 4, 5)),
            _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
        };
        var e = Assert.Throws<ModelFileException>(() => ModelJson.Parse(broken, "m.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("m.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_weights_file_is_accepted_and_checked_against_the_data()
    {
        InitialWeights w = ModelJson.ParseWeights("""{"A": [[1, 2], [3, 4], [5, 6]], "B": [[1, 0, 0], [0, 1, 0]]}""");
        Assert.Equal(3, w.Hidden);
        Assert.Null(w.HiddenBias);
        w.Validate(2, 2, bias: false, "w.json");
        var e = Assert.Throws<ModelFileException>(() => w.Validate(4, 3, bias: false, "w.json"));
        Assert.Contains("D = 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<ModelFileException>(() => w.Validate(2, 2, bias: true, "w.json"));
        Assert.Throws<ModelFileException>(() => ModelJson.ParseWeights("""{"A": [[1, 2], [3]], "B": [[1, 0]]}"""));
    }

    [Fact]
    public void Missing_model_file_and_directory_are_errors()
    {
        Assert.Contains("not found", Assert.Throws<ModelFileException>(()
            => ModelJson.Load("/nonexistent/model.json")).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<ModelFileException>(()
            => ModelJson.Load(Path.GetTempPath())).Message, StringComparison.Ordinal);
    }

    private static string Set(JsonObject o, string key, JsonNode? value)
    {
        o[key] = value;
        return o.ToJsonString();
    }

    private static string Remove(JsonObject o, string key)
    {
        o.Remove(key);
        return o.ToJsonString();
    }

    private static string SetRow(JsonObject o)
    {
        o["B"]!.AsArray()[1] = new JsonArray(1, 2);
        return o.ToJsonString();
    }
}
