using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IrisNet;

/// <summary>
/// The model file: JSON written with <see cref="Utf8JsonWriter"/> (numbers in shortest round-trip
/// form, so reading gives back the same bits) and read with <see cref="JsonDocument"/> and explicit
/// checks, so every problem is reported with the field that has it.
/// </summary>
/// <remarks>
/// Unknown fields are rejected, in model files and weights files alike: a misspelt "bias" or "B"
/// must not be silently ignored. A newer format gets a new "version", which this reader refuses by name.
/// </remarks>
public static class ModelJson
{
    /// <summary>The value of the "format" field.</summary>
    public const string FormatName = "irisnet-model";

    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    private static readonly string[] ModelFields =
        ["format", "version", "precision", "activation", "bias", "D", "H", "C", "features", "classes", "label", "standardization", "A", "a", "B", "b", "training"];

    private static readonly string[] WeightFields = ["A", "a", "B", "b"];

    /// <summary>The model as indented JSON text.</summary>
    public static string Serialize(Model model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            NetworkShape s = model.Shape;
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", Version);
            w.WriteString("precision", PrecisionName(model.Precision));
            w.WriteString("activation", ActivationName(s.Activation));
            w.WriteBoolean("bias", s.Bias);
            w.WriteNumber("D", s.D);
            w.WriteNumber("H", s.H);
            w.WriteNumber("C", s.C);
            WriteStrings(w, "features", model.FeatureNames);
            WriteStrings(w, "classes", model.ClassNames);
            w.WriteString("label", model.LabelName);
            w.WriteStartObject("standardization");
            w.WriteString("kind", model.Standardization.Enabled ? "zscore" : "none");
            WriteNumbers(w, "mean", model.Standardization.Mean);
            WriteNumbers(w, "scale", model.Standardization.Scale);
            w.WriteEndObject();
            WriteMatrix(w, "A", model.A, s.H, s.D);
            if (s.Bias) WriteNumbers(w, "a", model.a);
            WriteMatrix(w, "B", model.B, s.C, s.H);
            if (s.Bias) WriteNumbers(w, "b", model.b);
            if (model.Options is TrainingOptions o)
            {
                w.WriteStartObject("training");
                WriteOptions(w, o);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the options as JSON properties (also used by summary.json).</summary>
    public static void WriteOptions(Utf8JsonWriter w, TrainingOptions o)
    {
        w.WriteNumber("hidden", o.Hidden);
        w.WriteString("activation", ActivationName(o.Activation));
        w.WriteBoolean("bias", o.Bias);
        w.WriteNumber("lr", o.LearningRate);
        w.WriteNumber("epochs", o.Epochs);
        w.WriteNumber("batch_size", o.BatchSize);
        w.WriteNumber("momentum", o.Momentum);
        w.WriteNumber("l2", o.L2);
        w.WriteNumber("test_fraction", o.TestFraction);
        w.WriteNumber("seed", o.Seed);
        w.WriteString("precision", PrecisionName(o.Precision));
        w.WriteString("standardize", o.Standardize ? "zscore" : "none");
        w.WriteNumber("threads", o.Threads);
    }

    /// <summary>The command-line and file name of a precision: float64 or float32.</summary>
    public static string PrecisionName(Precision p) => p == Precision.Float32 ? "float32" : "float64";

    /// <summary>The command-line and file name of an activation: identity, tanh or relu.</summary>
    public static string ActivationName(Activation f) => f switch
    {
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        _ => "identity",
    };

    /// <summary>Reads and validates a model file.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not JSON, or not a valid model.</exception>
    public static Model Load(string path) => Parse(ReadText(path), path);

    /// <summary>Reads starting weights: a saved model (its weights and standardization) or a file with "A", "B" and optionally "a", "b".</summary>
    /// <exception cref="ModelFileException">The file is missing or invalid.</exception>
    public static InitialWeights LoadWeights(string path) => ParseWeights(ReadText(path), path);

    /// <summary>Parses and validates model JSON; <paramref name="file"/> names the source in errors.</summary>
    public static Model Parse(string json, string? file = null)
    {
        using JsonDocument doc = ParseDocument(json, file);
        var r = new Reader(file);
        JsonElement root = r.Object(doc.RootElement, "the file");
        r.OnlyFields(root, ModelFields, "the model");
        string format = r.String(root, "format");
        if (format != FormatName) throw r.Error($"\"format\" is \"{format}\", not \"{FormatName}\"; this is not an IrisNet model file.");
        int version = r.Int(root, "version");
        if (version != Version) throw r.Error($"format version {version} is not supported; this IrisNet reads version {Version}. Retrain, or use the IrisNet that wrote it.");
        Precision precision = r.String(root, "precision") switch
        {
            "float64" => Precision.Float64,
            "float32" => Precision.Float32,
            var other => throw r.Error($"\"precision\" is \"{other}\"; it must be \"float64\" or \"float32\"."),
        };
        Activation activation = ParseActivation(r, r.String(root, "activation"));
        bool bias = r.Bool(root, "bias");
        int D = r.PositiveInt(root, "D"), H = r.PositiveInt(root, "H"), C = r.PositiveInt(root, "C");
        string[] features = r.Strings(root, "features");
        string[] classes = r.Strings(root, "classes");
        if (features.Length != D) throw r.Error($"\"features\" lists {features.Length} names but D = {D}.");
        if (classes.Length != C) throw r.Error($"\"classes\" lists {classes.Length} names but C = {C}.");
        string label = r.String(root, "label");
        Standardization st = ReadStandardization(r, r.Object(r.Field(root, "standardization"), "standardization"), D);
        var weights = ReadWeights(r, root, bias);
        if (weights.A.Length != H) throw r.Error($"\"A\" has {weights.A.Length} rows but H = {H}.");
        try
        {
            weights.Validate(D, C, bias, file);
        }
        catch (ModelFileException e) when (e.File == file)
        {
            throw;
        }
        TrainingOptions? options = root.TryGetProperty("training", out JsonElement t) ? ReadOptions(r, r.Object(t, "training")) : null;
        var shape = new NetworkShape(D, H, C, bias, activation);
        return new Model(shape, precision, features, classes, label, st,
            Flatten(weights.A), weights.a ?? [], Flatten(weights.B), weights.b ?? [], options);
    }

    /// <summary>Parses starting weights from JSON (a model, or a plain "A"/"B"/"a"/"b" object).</summary>
    public static InitialWeights ParseWeights(string json, string? file = null)
    {
        using (JsonDocument doc = ParseDocument(json, file))
        {
            var r = new Reader(file);
            JsonElement root = r.Object(doc.RootElement, "the file");
            if (!root.TryGetProperty("format", out _))
            {
                r.OnlyFields(root, WeightFields, "a weights file");
                bool bias = root.TryGetProperty("a", out _) || root.TryGetProperty("b", out _);
                return ReadWeights(r, root, bias);
            }
        }
        return Parse(json, file).ToInitialWeights();
    }

    private static string ReadText(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new ModelFileException(path, "is a directory, not a model file; give the path of model.json.");
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelFileException(path, "file not found; check the path (a run writes runs/<timestamp>/model.json).", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ModelFileException(path, "file not found: its directory does not exist; check the path.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"cannot be read: {e.Message}", e);
        }
    }

    private static JsonDocument ParseDocument(string json, string? file)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            throw new ModelFileException(file, $"line {line}, column {column}: not valid JSON (is the file truncated or not a model?): {FirstSentence(e.Message)}", e);
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    private static Activation ParseActivation(Reader r, string name) => name switch
    {
        "identity" => Activation.Identity,
        "tanh" => Activation.Tanh,
        "relu" => Activation.Relu,
        _ => throw r.Error($"\"activation\" is \"{name}\"; it must be \"identity\", \"tanh\" or \"relu\"."),
    };

    private static Standardization ReadStandardization(Reader r, JsonElement e, int D)
    {
        r.OnlyFields(e, ["kind", "mean", "scale"], "standardization");
        string kind = r.String(e, "kind");
        double[] mean = r.Numbers(e, "mean", "standardization.mean");
        double[] scale = r.Numbers(e, "scale", "standardization.scale");
        if (mean.Length != D || scale.Length != D)
            throw r.Error($"standardization has {mean.Length} means and {scale.Length} scales; D = {D} of each are needed.");
        if (kind == "none") return Standardization.None(D);
        if (kind != "zscore") throw r.Error($"standardization \"kind\" is \"{kind}\"; it must be \"zscore\" or \"none\".");
        if (scale.Any(s => s <= 0)) throw r.Error("standardization.scale holds a value ≤ 0; every scale must be positive.");
        return Standardization.FromValues(mean, scale);
    }

    private static InitialWeights ReadWeights(Reader r, JsonElement root, bool bias)
    {
        double[][] A = r.Matrix(root, "A");
        double[][] B = r.Matrix(root, "B");
        double[]? a = root.TryGetProperty("a", out _) ? r.Numbers(root, "a", "a") : null;
        double[]? b = root.TryGetProperty("b", out _) ? r.Numbers(root, "b", "b") : null;
        if (bias && (a is null || b is null)) throw r.Error("biases are on but \"a\" or \"b\" is missing.");
        if (!bias && (a is not null || b is not null)) throw r.Error("\"bias\" is false but the file has \"a\" or \"b\".");
        if (A.Length == 0) throw r.Error("\"A\" has no rows.");
        int D = A[0].Length, H = A.Length;
        for (int i = 0; i < H; i++)
        {
            if (A[i].Length != D) throw r.Error($"\"A\" row {i + 1} has {A[i].Length} numbers, row 1 has {D}; every row needs the same length D.");
        }
        for (int j = 0; j < B.Length; j++)
        {
            if (B[j].Length != H) throw r.Error($"\"B\" row {j + 1} has {B[j].Length} numbers, but \"A\" has H = {H} rows.");
        }
        if (a is not null && a.Length != H) throw r.Error($"\"a\" has {a.Length} numbers; it needs H = {H}.");
        if (b is not null && b.Length != B.Length) throw r.Error($"\"b\" has {b.Length} numbers; it needs C = {B.Length}.");
        return new InitialWeights(A, a, B, b);
    }

    private static TrainingOptions ReadOptions(Reader r, JsonElement t)
    {
        r.OnlyFields(t, ["hidden", "activation", "bias", "lr", "epochs", "batch_size", "momentum", "l2", "test_fraction", "seed", "precision", "standardize", "threads"], "training");
        return new TrainingOptions
        {
            Hidden = r.PositiveInt(t, "hidden"),
            Activation = ParseActivation(r, r.String(t, "activation")),
            Bias = r.Bool(t, "bias"),
            LearningRate = r.Number(t, "lr"),
            Epochs = r.PositiveInt(t, "epochs"),
            BatchSize = r.Int(t, "batch_size"),
            Momentum = r.Number(t, "momentum"),
            L2 = r.Number(t, "l2"),
            TestFraction = r.Number(t, "test_fraction"),
            Seed = r.UInt64(t, "seed"),
            Precision = r.String(t, "precision") == "float32" ? Precision.Float32 : Precision.Float64,
            Standardize = r.String(t, "standardize") != "none",
            Threads = r.PositiveInt(t, "threads"),
        };
    }

    private static double[] Flatten(double[][] rows) => rows.SelectMany(row => row).ToArray();

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void WriteMatrix(Utf8JsonWriter w, string name, double[] flat, int rows, int cols)
    {
        w.WriteStartArray(name);
        for (int r = 0; r < rows; r++)
        {
            w.WriteStartArray();
            for (int c = 0; c < cols; c++) w.WriteNumberValue(flat[r * cols + c]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>Typed access to JSON fields that turns every mismatch into a <see cref="ModelFileException"/>.</summary>
    private sealed class Reader(string? file)
    {
        public ModelFileException Error(string message) => new(file, message);

        public JsonElement Field(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) ? v : throw Error($"the field \"{name}\" is missing.");

        public JsonElement Object(JsonElement e, string what) =>
            e.ValueKind == JsonValueKind.Object ? e : throw Error($"{what} must be a JSON object, not {Kind(e)}.");

        public void OnlyFields(JsonElement obj, string[] allowed, string what)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in obj.EnumerateObject())
            {
                if (!allowed.Contains(p.Name, StringComparer.Ordinal))
                    throw Error($"{what} has an unknown field \"{p.Name}\"; allowed fields are {string.Join(", ", allowed.Select(a => $"\"{a}\""))}.");
                if (!seen.Add(p.Name)) throw Error($"{what} has the field \"{p.Name}\" twice.");
            }
        }

        public string String(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error($"\"{name}\" must be a string, not {Kind(v)}.");
        }

        public bool Bool(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error($"\"{name}\" must be true or false, not {Kind(v)}."),
            };
        }

        public int Int(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error($"\"{name}\" must be a whole number, not {Kind(v)}.");
        }

        public ulong UInt64(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            return v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong i) ? i : throw Error($"\"{name}\" must be a whole number ≥ 0, not {Kind(v)}.");
        }

        public int PositiveInt(JsonElement obj, string name)
        {
            int i = Int(obj, name);
            return i > 0 ? i : throw Error($"\"{name}\" is {i}; it must be positive.");
        }

        public double Number(JsonElement obj, string name) => NumberAt(Field(obj, name), name);

        public string[] Strings(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            if (v.ValueKind != JsonValueKind.Array) throw Error($"\"{name}\" must be an array of strings, not {Kind(v)}.");
            var result = new List<string>();
            foreach (JsonElement item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw Error($"\"{name}\" must hold only strings; item {result.Count + 1} is {Kind(item)}.");
                result.Add(item.GetString()!);
            }
            if (result.Distinct(StringComparer.Ordinal).Count() != result.Count) throw Error($"\"{name}\" lists a name twice.");
            return result.ToArray();
        }

        public double[] Numbers(JsonElement obj, string name, string path)
        {
            JsonElement v = Field(obj, name);
            return NumbersOf(v, path);
        }

        public double[][] Matrix(JsonElement obj, string name)
        {
            JsonElement v = Field(obj, name);
            if (v.ValueKind != JsonValueKind.Array) throw Error($"\"{name}\" must be an array of rows (arrays of numbers), not {Kind(v)}.");
            var rows = new List<double[]>();
            foreach (JsonElement row in v.EnumerateArray()) rows.Add(NumbersOf(row, $"{name} row {rows.Count + 1}"));
            return rows.ToArray();
        }

        private double[] NumbersOf(JsonElement v, string path)
        {
            if (v.ValueKind != JsonValueKind.Array) throw Error($"\"{path}\" must be an array of numbers, not {Kind(v)}.");
            var result = new List<double>();
            foreach (JsonElement item in v.EnumerateArray()) result.Add(NumberAt(item, $"{path}[{result.Count + 1}]"));
            return result.ToArray();
        }

        private double NumberAt(JsonElement v, string path)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
                throw Error($"\"{path}\" must be a number, not {Kind(v)}.");
            if (!double.IsFinite(d)) throw Error($"\"{path}\" is {v.GetRawText()}, beyond the range of a double; weights must be finite.");
            return d;
        }

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Trim(e.GetString()!)}\"",
            JsonValueKind.Number => $"the number {Trim(e.GetRawText())}",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            _ => "null",
        };

        private static string Trim(string s) => s.Length > 40 ? s[..40] + "…" : s;
    }

    internal static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
