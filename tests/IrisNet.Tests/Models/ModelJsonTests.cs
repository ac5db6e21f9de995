using System.Text.Json.Nodes;

namespace IrisNet.Tests;

/// <summary>The model file through the generated serializer: exact numbers, strict reading, the training block
/// validated, bounded reads.</summary>
public class ModelJsonTests
{
    private static Model Trained() => Trainer.Train(Repo.Iris(), null, new TrainingOptions
    {
        Epochs = 20,
        TestFraction = 0,
        Hidden = 3
    }).Model;

    private static string Edit(Action<JsonObject> change)
    {
        JsonObject o = JsonNode.Parse(ModelJson.Serialize(Trained()))!.AsObject();
        change(o);
        return o.ToJsonString();
    }

    private static string Refusal(string json) => Assert.Throws<ModelFileException>(() => ModelJson.Parse(json,
        "m.json")).Message;

    [Fact]
    public void Awkward_doubles_round_trip_bit_for_bit()
    {
        // Values whose shortest round-trip text is long, tiny, huge, negative zero or subnormal.
        double[] awkward = [0.1 + 0.2, 1.0 / 3, -2.0 / 3, double.Epsilon, -double.Epsilon, 2.2250738585072014E-308,
            1.7976931348623157E308,
            -1.7976931348623157E308, -0.0, 0.0, 123456789.12345679, 1e-300, Math.PI, -Math.E, 5e-324 * 3,
                4.9406564584124654E-324 * 1023];
        var rng = new Random(7);
        int H = 2, D = 4, C = 3;
        double[] A = Enumerable.Range(0, H * D).Select(i => i < awkward.Length ? awkward[i] : rng.NextDouble()
            - 0.5).ToArray();
        double[] B = Enumerable.Range(0, C * H).Select(i => awkward[(i + 8) % awkward.Length]).ToArray();
        double[] a = [BitConverter.Int64BitsToDouble(0x3FB999999999999A),
            BitConverter.Int64BitsToDouble(0x3FB999999999999B)];
        double[] b = Enumerable.Range(0, C).Select(_ => BitConverter.Int64BitsToDouble(rng.NextInt64(0,
            0x7FEFFFFFFFFFFFFF))).ToArray();
        var model = new Model(new NetworkShape(D, H, C, true, Activation.Tanh), Precision.Float64, ["w", "x", "y", "z"],
            ["p", "q", "r"], "label",
            Standardization.FromValues([0.1, -1e-310, 3, 1e300], [1e-300, 0.7, 1, 2]), A, a, B, b, null);
        Model back = ModelJson.Parse(ModelJson.Serialize(model));
        static long[] Bits(IEnumerable<double> v) => v.Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.Equal(Bits(A), Bits(back.A));
        Assert.Equal(Bits(B), Bits(back.B));
        Assert.Equal(Bits(a), Bits(back.HiddenBias));
        Assert.Equal(Bits(b), Bits(back.OutputBias));
        Assert.Equal(Bits(model.Standardization.Mean), Bits(back.Standardization.Mean));
        Assert.Equal(Bits(model.Standardization.Scale), Bits(back.Standardization.Scale));
    }

    [Theory]
    [InlineData("precision", "float16", "training.precision: \"float16\" is not one of float64 or float32")]
    [InlineData("standardize", "banana", "training.standardize: \"banana\" is not one of zscore or none")]
    [InlineData("activation", "sigmoid", "training.activation: \"sigmoid\" is not one of identity, tanh or relu")]
    [InlineData("lr", -5, "training.lr: -5 is not a positive finite learning rate")]
    [InlineData("momentum", 1.5, "training.momentum: 1.5 is outside [0, 1)")]
    [InlineData("test_fraction", 2, "training.test_fraction: 2 is outside [0, 1)")]
    [InlineData("epochs", 0, "training.epochs: 0 is not a positive number of epochs")]
    [InlineData("hidden", 7, "training.hidden: is 7 but H = 3")]
    [InlineData("seed", -1, "training.seed: must be a whole number ≥ 0")]
    [InlineData("precision", 1, "training.precision: must be one of the strings float64 or float32")]
    public void The_training_block_is_validated_with_the_field_named(string field, object value, string expected)
    {
        string json = Edit(o => o["training"]![field] = JsonValue.Create(value));
        string message = Refusal(json);
        Assert.StartsWith("m.json: ", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_repeated_missing_and_null_fields_are_refused_by_name()
    {
        Assert.Contains("training.colour: unknown field \"colour\"", Refusal(Edit(o => o["training"]!["colour"] = 1)),
            StringComparison.Ordinal);
        Assert.Contains("standardization.kind: \"banana\" is not one of zscore or none",
            Refusal(Edit(o => o["standardization"]!["kind"] = "banana")), StringComparison.Ordinal);
        string text = ModelJson.Serialize(Trained());
        string twice = text.Replace("\"bias\": true,", "\"bias\": true, \"bias\": false,", StringComparison.Ordinal);
        Assert.Contains("bias: appears twice", Refusal(twice), StringComparison.Ordinal);
        Assert.Contains("the field \"label\" is missing", Refusal(Edit(o => o.Remove("label"))),
            StringComparison.Ordinal);
        Assert.Contains("label: must not be null", Refusal(Edit(o => o["label"] = null)), StringComparison.Ordinal);
        Assert.Contains("data.sha256: must be 64", Refusal(Edit(o => o["data"] = new JsonObject
        {
            ["file"] = "x.csv",
            ["sha256"] = "abc",
            ["label"] = "species",
            ["rows"] = 150
        })), StringComparison.Ordinal);
        Assert.Contains("split.test_fraction: 1 is outside [0, 1)",
            Refusal(Edit(o => o["split"] = new JsonObject
            {
                ["method"] = "stratified",
                ["seed"] = 1,
                ["test_fraction"] = 1
            })), StringComparison.Ordinal);
        Assert.Contains("split.method: \"random\" is not one of stratified",
            Refusal(Edit(o => o["split"] = new JsonObject
            {
                ["method"] = "random",
                ["seed"] = 1,
                ["test_fraction"] = 0.2
            })), StringComparison.Ordinal);
    }

    /// <summary>
    /// The line and column in a refusal are those of the token at fault (found by the diagnosis, not
    /// taken from the runtime's text).
    /// </summary>
    [Fact]
    public void A_refusal_names_the_line_and_column_of_the_value_at_fault()
    {
        string text = ModelJson.Serialize(Trained());
        string twice = text.Replace("\"bias\": true,", "\"bias\": true,\n  \"bias\": true,", StringComparison.Ordinal);
        int first = twice.IndexOf("\"bias\"", StringComparison.Ordinal);
        int second = twice.IndexOf("\"bias\"", first + 1, StringComparison.Ordinal);
        var (line, column) = TraceJsonTests.LineAndColumn(twice, second);
        Assert.Equal($"m.json: bias: appears twice; each field may appear once (line {line}, column {column}).",
            Refusal(twice));

        int seed = text.IndexOf("\"seed\": ", StringComparison.Ordinal) + "\"seed\": ".Length;
        string negative = text[..seed] + "-1" + text[text.IndexOf(',', seed)..];
        (line, column) = TraceJsonTests.LineAndColumn(negative, seed);
        string where = $"(line {line}, column {column})";
        Assert.Equal($"m.json: training.seed: must be a whole number ≥ 0, not the number -1 {where}.",
            Refusal(negative));

        string nan = text.Replace("\"lr\": 0.1", "\"lr\": NaN", StringComparison.Ordinal);
        (line, column) = TraceJsonTests.LineAndColumn(nan, nan.IndexOf("NaN", StringComparison.Ordinal));
        Assert.Equal($"m.json: line {line}, column {column}: not valid JSON (is the file truncated or not a model?): "
            + "NaN and Infinity are not JSON numbers; every number must be finite.", Refusal(nan));
        // A null row was an internal error (NullReferenceException): the serializer does not check an
        // element for null; the diagnosis does.
        string nullRow = Refusal(Edit(o => o["A"]![0] = null));
        Assert.Contains("A[0]: must not be null; it must be an array of numbers (line ", nullRow,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_file_without_data_or_split_is_still_read_and_a_newer_one_is_refused_by_version()
    {
        Model v1 = ModelJson.Parse(Edit(o => o["version"] = 1), "v1.json");
        Assert.Null(v1.Data);
        Assert.Null(v1.Split);
        Assert.Contains($"version: format version {ModelJson.Version + 1} is not supported",
            Refusal(Edit(o => { o["version"] = ModelJson.Version + 1; o["new_field"] = 1; })),
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_early_stopping_options_are_recorded_in_the_training_block_and_read_back()
    {
        var options = new TrainingOptions
        {
            Epochs = 300,
            Hidden = 3,
            ValidationFraction = 0.25,
            Patience = 7,
            MinDelta = 1e-4,
            TestFraction = 0.2
        };
        var (train, test) = Repo.Iris().SplitStratified(options.TestFraction, options.Seed);
        string json = ModelJson.Serialize(Trainer.Train(train, test, options).Model);
        JsonObject training = JsonNode.Parse(json)!["training"]!.AsObject();
        Assert.Equal(0.25, (double)training["validation_fraction"]!);
        Assert.Equal(7, (int)training["patience"]!);
        Assert.Equal(1e-4, (double)training["min_delta"]!);
        TrainingOptions back = ModelJson.Parse(json, "m.json").Options!;
        Assert.Equal((options.ValidationFraction, options.Patience, options.MinDelta), (back.ValidationFraction,
            back.Patience, back.MinDelta));
        // A version 2 file has no such fields: early stopping reads as off.
        TrainingOptions v2 = ModelJson.Parse(Edit(o =>
        {
            o["version"] = 2;
            JsonObject t = o["training"]!.AsObject();
            t.Remove("validation_fraction"); t.Remove("patience"); t.Remove("min_delta");
        }), "v2.json").Options!;
        Assert.Equal((0.0, 0, 0.0), (v2.ValidationFraction, v2.Patience, v2.MinDelta));
        Assert.Contains("training.patience", Refusal(Edit(o => o["training"]!["patience"] = -1)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Data_and_split_are_written_and_read_back()
    {
        Model m = Trained().WithData(new TrainingData("iris.csv", new string('a', 64), "species", 150),
            new DataSplit(SplitMethod.Stratified, 9, 0.25));
        string json = ModelJson.Serialize(m);
        Assert.Contains("\"split\": {\n    \"method\": \"stratified\",\n    \"seed\": 9,\n    \"test_fraction\": 0.25",
            json, StringComparison.Ordinal);
        Model back = ModelJson.Parse(json);
        Assert.Equal(m.Data, back.Data);
        Assert.Equal(m.Split, back.Split);
    }

    [Fact]
    public async Task Reading_stops_at_the_size_bound_on_a_device_a_pipe_and_a_large_file()
    {
        string dir = Directory.CreateTempSubdirectory("irisnet-bound-").FullName;
        try
        {
            string big = Path.Combine(dir, "big.json");
            using (var f = File.Create(big)) f.SetLength(ModelJson.MaxFileBytes + 1L);
            Assert.Contains("is larger than 128 MiB", Assert.Throws<ModelFileException>(()
                => ModelJson.Load(big)).Message, StringComparison.Ordinal);
            if (!OperatingSystem.IsLinux()) return;
            Assert.Contains("is larger than 128 MiB", Assert.Throws<ModelFileException>(()
                => ModelJson.Load("/dev/zero")).Message, StringComparison.Ordinal);
            Assert.Contains("is larger than 128 MiB", Assert.Throws<ModelFileException>(()
                => ModelJson.LoadWeights("/dev/zero")).Message, StringComparison.Ordinal);
            // A pipe fed without end: the reader gives up at the bound, then the writer sees the pipe close.
            string fifo = Path.Combine(dir, "fifo");
            using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
            var writer = Task.Run(() =>
            {
                try
                {
                    using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                    var chunk = new byte[65536];
                    Array.Fill(chunk, (byte)' ');
                    while (true) w.Write(chunk);
                }
                catch (IOException)
                {
                    // The reader closed the pipe.
                }
            });
            Assert.Contains("is larger than 128 MiB", Assert.Throws<ModelFileException>(()
                => ModelJson.Load(fifo)).Message, StringComparison.Ordinal);
            await writer.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Enum_names_have_one_home()
    {
        Assert.Equal(["identity", "tanh", "relu"], Names.All<Activation>());
        Assert.Equal(["float64", "float32"], Names.All<Precision>());
        Assert.Equal(["zscore", "none"], Names.All<StandardizationKind>());
        Assert.False(Names.TryParse("Float64", out Precision _));
        string json = ModelJson.Serialize(Trained());
        Assert.Contains("\"precision\": \"float64\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"zscore\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_with_names_are_matched_by_name_and_a_renamed_class_is_refused()
    {
        var w = new InitialWeights([[1, 2, 3], [4, 5, 6]], [0.5, 0.6], [[1, 0], [0, 1]], [7, 8])
        {
            FeatureNames = ["x",
            "y", "z"],
            ClassNames = ["p", "q"]
        };
        InitialWeights r = w.MatchNames(["z", "x", "y"], ["q", "p"], "w.json");
        Assert.Equal([3.0, 1, 2], r.A[0]);
        Assert.Equal([6.0, 4, 5], r.A[1]);
        Assert.Equal([0.0, 1], r.B[0]);
        Assert.Equal([8.0, 7], r.OutputBias!);
        Assert.Equal([0.5, 0.6], r.HiddenBias!);
        string message = Assert.Throws<ModelFileException>(() => w.MatchNames(["x", "y", "z"], ["p", "other"],
            "w.json")).Message;
        Assert.Contains("classes: the weights are for the classes ('p', 'q'), but the data has ('p', 'other')", message,
            StringComparison.Ordinal);
    }
}
