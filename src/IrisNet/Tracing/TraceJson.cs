using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// Reads and writes the trace format of docs/trace-format.md (schema: docs/trace.schema.json).
/// Numbers are written in shortest round-trip form, so reading gives back the same bits. The reader
/// accepts any subset of a step's quantities and reports every problem with its JSON path.
/// </summary>
public static partial class TraceJson
{
    private static readonly string[] RootFields = ["format", "version", "layout", "description", "network", "options", "data", "initial", "steps"];
    private static readonly string[] NetworkFields = ["activation", "bias", "D", "H", "C"];
    private static readonly string[] OptionFields = ["lr", "momentum", "l2", "batch_size", "seed", "standardize", "steps"];
    private static readonly string[] DataFields = ["source", "sha256", "features", "classes", "rows", "standardization", "X", "labels"];
    private static readonly string[] WeightFields = ["A", "a", "B", "b"];
    private static readonly string[] EntryFields = ["equation", "shape", "value"];

    /// <summary>The one-sentence layout statement written into every trace.</summary>
    public const string LayoutDescription =
        "Sample-major: every batch matrix has one row per sample (X is N×D, Z and H are N×H, S, Yhat and dS are N×C); " +
        "A is H×D and B is C×H as in docs/derivation.md; matrices are arrays of rows; equation numbers refer to docs/derivation.md.";

    /// <summary>The trace as JSON text, every numeric array of a matrix row on one line.</summary>
    public static string Serialize(TraceFile trace)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            NetworkShape s = trace.Shape;
            w.WriteStartObject();
            w.WriteString("format", TraceFile.FormatName);
            w.WriteNumber("version", TraceFile.Version);
            w.WriteString("layout", TraceFile.Layout);
            w.WriteString("description", LayoutDescription);
            w.WriteStartObject("network");
            w.WriteString("activation", Names.Of(s.Activation));
            w.WriteBoolean("bias", s.Bias);
            w.WriteNumber("D", s.D);
            w.WriteNumber("H", s.H);
            w.WriteNumber("C", s.C);
            w.WriteEndObject();
            w.WriteStartObject("options");
            w.WriteNumber("lr", trace.Settings.LearningRate);
            w.WriteNumber("momentum", trace.Settings.Momentum);
            w.WriteNumber("l2", trace.Settings.L2);
            w.WriteNumber("batch_size", trace.BatchSize);
            if (trace.Seed is ulong seed) w.WriteNumber("seed", seed);
            w.WriteString("standardize", Names.Of(trace.Data.Standardization is { Enabled: true } ? StandardizationKind.ZScore : StandardizationKind.None));
            w.WriteNumber("steps", trace.Steps.Count);
            w.WriteEndObject();

            TraceData d = trace.Data;
            w.WriteStartObject("data");
            if (d.Source is not null) w.WriteString("source", d.Source);
            if (d.Sha256 is not null) w.WriteString("sha256", d.Sha256);
            if (d.Features is not null) Strings(w, "features", d.Features);
            if (d.Classes is not null) Strings(w, "classes", d.Classes);
            if (d.Rows is not null) Integers(w, "rows", d.Rows);
            if (d.Standardization is Standardization st)
            {
                w.WriteStartObject("standardization");
                w.WriteString("kind", Names.Of(st.Enabled ? StandardizationKind.ZScore : StandardizationKind.None));
                Numbers(w, "mean", st.Mean);
                Numbers(w, "scale", st.Scale);
                w.WriteEndObject();
            }
            w.WritePropertyName("X");
            Rows(w, d.X);
            Integers(w, "labels", d.Labels);
            w.WriteEndObject();

            w.WriteStartObject("initial");
            Entry(w, new TraceTensor("A", 1, [s.H, s.D], trace.Initial.A.SelectMany(r => r).ToArray()));
            if (trace.Initial.HiddenBias is double[] a) Entry(w, new TraceTensor("a", 1, [s.H], a));
            Entry(w, new TraceTensor("B", 3, [s.C, s.H], trace.Initial.B.SelectMany(r => r).ToArray()));
            if (trace.Initial.OutputBias is double[] b) Entry(w, new TraceTensor("b", 3, [s.C], b));
            w.WriteEndObject();

            w.WriteStartArray("steps");
            foreach (TraceStep step in trace.Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("step", step.Number);
                w.WriteNumber("epoch", TraceSchedule.EpochOf(step.Number, d.Count, trace.BatchSize));
                Integers(w, "batch", step.Batch);
                foreach (TraceTensor q in step.Quantities) Entry(w, q);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return NumberArray().Replace(Encoding.UTF8.GetString(stream.ToArray()), m => "[" + Whitespace().Replace(m.Groups[1].Value, "").Replace(",", ", ", StringComparison.Ordinal) + "]") + "\n";
    }

    private static void Entry(Utf8JsonWriter w, TraceTensor t)
    {
        w.WriteStartObject(t.Name);
        w.WriteNumber("equation", t.Equation);
        Integers(w, "shape", t.Shape);
        w.WritePropertyName("value");
        switch (t.Shape.Length)
        {
            case 0:
                w.WriteNumberValue(t.Values[0]);
                break;
            case 1:
                w.WriteStartArray();
                foreach (double v in t.Values) w.WriteNumberValue(v);
                w.WriteEndArray();
                break;
            default:
                w.WriteStartArray();
                for (int r = 0; r < t.Shape[0]; r++)
                {
                    w.WriteStartArray();
                    for (int c = 0; c < t.Shape[1]; c++) w.WriteNumberValue(t.Values[r * t.Shape[1] + c]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
    }

    private static void Rows(Utf8JsonWriter w, double[][] rows)
    {
        w.WriteStartArray();
        foreach (double[] row in rows)
        {
            w.WriteStartArray();
            foreach (double v in row) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Integers(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (int v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>Reads a trace file.</summary>
    /// <exception cref="TraceFileException">The file is missing, not JSON, or not a valid trace; the message has the JSON path.</exception>
    public static TraceFile Load(string path)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new TraceFileException(path, "$", "is a directory, not a trace file.");
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is FileNotFoundException or DirectoryNotFoundException ? "file not found; check the path." : $"cannot be read: {e.Message}";
            throw new TraceFileException(path, "$", why, e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates trace JSON; <paramref name="file"/> names the source in errors.</summary>
    /// <exception cref="TraceFileException">Not JSON or not a valid trace; the message has the JSON path.</exception>
    public static TraceFile Parse(string json, string? file = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            string message = e.Message;
            int cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
            throw new TraceFileException(file, "$", $"line {line}, column {column}: not valid JSON (NaN and Infinity are not JSON numbers): {(cut > 0 ? message[..cut] : message).Trim()}", e);
        }
        using (doc)
        {
            return new Reader(file).Trace(doc.RootElement);
        }
    }

    [GeneratedRegex(@"\[(\s*-?[0-9][0-9.eE+-]*(?:\s*,\s*-?[0-9][0-9.eE+-]*)*)\s*\]")]
    private static partial Regex NumberArray();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class Reader(string? file)
    {
        private TraceFileException Error(string path, string message) => new(file, path, message);

        public TraceFile Trace(JsonElement root)
        {
            Object(root, "$");
            OnlyFields(root, RootFields, "$");
            string format = String(Field(root, "format", "$"), "$.format");
            if (format != TraceFile.FormatName) throw Error("$.format", $"is \"{format}\", not \"{TraceFile.FormatName}\".");
            int version = Int(Field(root, "version", "$"), "$.version");
            if (version != TraceFile.Version) throw Error("$.version", $"{version} is not supported; this IrisNet reads version {TraceFile.Version}.");
            if (root.TryGetProperty("layout", out JsonElement layout) && String(layout, "$.layout") != TraceFile.Layout)
                throw Error("$.layout", $"must be \"{TraceFile.Layout}\" (one row per sample); transpose feature-major matrices before writing them.");

            JsonElement network = Object(Field(root, "network", "$"), "$.network");
            OnlyFields(network, NetworkFields, "$.network");
            string activationName = String(Field(network, "activation", "$.network"), "$.network.activation");
            if (!Names.TryParse(activationName, out Activation activation))
                throw Error("$.network.activation", $"is \"{activationName}\"; it must be one of {Names.Choices<Activation>()}.");

            JsonElement options = Object(Field(root, "options", "$"), "$.options");
            OnlyFields(options, OptionFields, "$.options");
            double lr = Number(Field(options, "lr", "$.options"), "$.options.lr");
            double momentum = options.TryGetProperty("momentum", out JsonElement mu) ? Number(mu, "$.options.momentum") : 0;
            double l2 = options.TryGetProperty("l2", out JsonElement lambda) ? Number(lambda, "$.options.l2") : 0;
            int batchSize = options.TryGetProperty("batch_size", out JsonElement bs) ? Int(bs, "$.options.batch_size") : 0;
            ulong? seed = options.TryGetProperty("seed", out JsonElement sd)
                ? (sd.ValueKind == JsonValueKind.Number && sd.TryGetUInt64(out ulong u) ? u : throw Error("$.options.seed", "must be a non-negative integer."))
                : null;
            if (options.TryGetProperty("standardize", out JsonElement stz)) String(stz, "$.options.standardize");
            if (options.TryGetProperty("steps", out JsonElement ks)) Int(ks, "$.options.steps");
            if (!(lr > 0)) throw Error("$.options.lr", $"{Format(lr)} is not a positive learning rate.");
            if (!(momentum >= 0 && momentum < 1)) throw Error("$.options.momentum", $"{Format(momentum)} is outside [0, 1).");
            if (!(l2 >= 0)) throw Error("$.options.l2", $"{Format(l2)} is negative.");
            if (batchSize < 0) throw Error("$.options.batch_size", $"{batchSize} is negative.");

            JsonElement initial = Object(Field(root, "initial", "$"), "$.initial");
            OnlyFields(initial, WeightFields, "$.initial");
            double[][] A = Matrix(Field(initial, "A", "$.initial"), "$.initial.A");
            double[][] B = Matrix(Field(initial, "B", "$.initial"), "$.initial.B");
            bool bias = initial.TryGetProperty("a", out _) || initial.TryGetProperty("b", out _);
            double[]? a = bias ? Vector(Field(initial, "a", "$.initial"), "$.initial.HiddenBias") : null;
            double[]? b = bias ? Vector(Field(initial, "b", "$.initial"), "$.initial.OutputBias") : null;
            int H = A.Length, D = A[0].Length, C = B.Length;
            if (B[0].Length != H) throw Error("$.initial.B.value", $"has {B[0].Length} columns, but A has H = {H} rows; B is C×H.");
            if (a is not null && a.Length != H) throw Error("$.initial.HiddenBias.value", $"has {a.Length} numbers; it needs H = {H}.");
            if (b is not null && b.Length != C) throw Error("$.initial.OutputBias.value", $"has {b.Length} numbers; it needs C = {C} (the rows of B).");
            CheckDeclared(network, "D", D, "the columns of A");
            CheckDeclared(network, "H", H, "the rows of A");
            CheckDeclared(network, "C", C, "the rows of B");
            if (network.TryGetProperty("bias", out JsonElement biasFlag) && Bool(biasFlag, "$.network.bias") != bias)
                throw Error("$.network.bias", bias ? "is false, but $.initial has \"a\" and \"b\"." : "is true, but $.initial has no \"a\" and \"b\".");

            JsonElement data = Object(Field(root, "data", "$"), "$.data");
            OnlyFields(data, DataFields, "$.data");
            double[][] X = Matrix(Field(data, "X", "$.data"), "$.data.X", entry: false);
            if (X[0].Length != D) throw Error("$.data.X", $"rows have {X[0].Length} numbers, but A has D = {D} columns.");
            int[] labels = Ints(Field(data, "labels", "$.data"), "$.data.labels");
            if (labels.Length != X.Length) throw Error("$.data.labels", $"has {labels.Length} labels for the {X.Length} rows of X.");
            for (int n = 0; n < labels.Length; n++)
            {
                if (labels[n] < 0 || labels[n] >= C) throw Error($"$.data.labels[{n}]", $"{labels[n]} is not a class index in [0, {C}) (C is the number of rows of B).");
            }
            string[]? features = data.TryGetProperty("features", out JsonElement f) ? Strings(f, "$.data.features") : null;
            string[]? classes = data.TryGetProperty("classes", out JsonElement c) ? Strings(c, "$.data.classes") : null;
            int[]? rows = data.TryGetProperty("rows", out JsonElement r) ? Ints(r, "$.data.rows") : null;
            string? source = data.TryGetProperty("source", out JsonElement src) ? String(src, "$.data.source") : null;
            string? sha = data.TryGetProperty("sha256", out JsonElement h) ? String(h, "$.data.sha256") : null;
            Standardization? standardization = data.TryGetProperty("standardization", out JsonElement st) ? ReadStandardization(st, D) : null;
            if (features is not null && features.Length != D) throw Error("$.data.features", $"lists {features.Length} names, but D = {D}.");
            if (classes is not null && classes.Length != C) throw Error("$.data.classes", $"lists {classes.Length} names, but C = {C}.");

            JsonElement steps = Field(root, "steps", "$");
            if (steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() == 0)
                throw Error("$.steps", "must be an array of at least one step.");
            var parsed = new List<TraceStep>();
            int k = 0;
            foreach (JsonElement step in steps.EnumerateArray())
            {
                parsed.Add(Step(step, k, X.Length, D, H, C, bias));
                k++;
            }
            var trace = new TraceFile(new TraceSettings(activation, lr, momentum, l2), batchSize, seed,
                new TraceData(X, labels, features, classes, rows, source, sha, standardization), new InitialWeights(A, a, B, b), parsed);
            return trace;
        }

        private TraceStep Step(JsonElement step, int k, int N, int D, int H, int C, bool bias)
        {
            string path = $"$.steps[{k}]";
            Object(step, path);
            string[] allowed = ["step", "epoch", "batch", .. TraceComputation.Order.Select(q => q.Name)];
            OnlyFields(step, allowed, path);
            if (step.TryGetProperty("step", out JsonElement number) && Int(number, path + ".step") != k + 1)
                throw Error(path + ".step", $"is {number}, but it is step {k + 1} of the array; list the steps in order from 1.");
            if (step.TryGetProperty("epoch", out JsonElement epoch)) Int(epoch, path + ".epoch");
            int[] batch = Enumerable.Range(0, N).ToArray();
            if (step.TryGetProperty("batch", out JsonElement b))
            {
                batch = Ints(b, path + ".batch");
                if (batch.Length == 0) throw Error(path + ".batch", "is empty; a step needs at least one row.");
                for (int i = 0; i < batch.Length; i++)
                {
                    if (batch[i] < 0 || batch[i] >= N) throw Error($"{path}.batch[{i}]", $"{batch[i]} is not a row index of data.X, in [0, {N}).");
                }
            }
            var quantities = new List<TraceTensor>();
            foreach (var (name, equation) in TraceComputation.Order)
            {
                if (!step.TryGetProperty(name, out JsonElement e)) continue;
                if (!bias && name is "db" or "da" or "ga" or "gb" or "va" or "vb" or "a_after" or "b_after")
                    throw Error($"{path}.{name}", "the network has no biases ($.initial has no \"a\" and \"b\"), so this quantity does not exist.");
                quantities.Add(Quantity(e, $"{path}.{name}", name, equation));
            }
            return new TraceStep(k + 1, batch, quantities);
        }

        private TraceTensor Quantity(JsonElement e, string path, string name, int equation)
        {
            Object(e, path);
            OnlyFields(e, EntryFields, path);
            if (e.TryGetProperty("equation", out JsonElement eq))
            {
                int given = Int(eq, path + ".equation");
                if (given != equation) throw Error(path + ".equation", $"is {given}, but {name} is equation ({equation}) of docs/derivation.md.");
            }
            JsonElement value = Field(e, "value", path);
            var (shape, values) = Tensor(value, path + ".value");
            if (e.TryGetProperty("shape", out JsonElement s))
            {
                int[] declared = Ints(s, path + ".shape");
                if (!declared.SequenceEqual(shape))
                    throw Error(path + ".shape", $"is {TraceTensor.FormatShape(declared)}, but the value is {TraceTensor.FormatShape(shape)}.");
            }
            return new TraceTensor(name, equation, shape, values);
        }

        private (int[] Shape, double[] Values) Tensor(JsonElement v, string path)
        {
            if (v.ValueKind == JsonValueKind.Number) return ([], [Number(v, path)]);
            if (v.ValueKind != JsonValueKind.Array) throw Error(path, $"must be a number, an array of numbers or an array of rows, not {Kind(v)}.");
            if (v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.Array)
            {
                double[][] m = Rows(v, path);
                return ([m.Length, m[0].Length], m.SelectMany(r => r).ToArray());
            }
            double[] vector = Vector(v, path);
            return ([vector.Length], vector);
        }

        private double[][] Matrix(JsonElement e, string path, bool entry = true)
        {
            if (entry)
            {
                Object(e, path);
                OnlyFields(e, EntryFields, path);
                e = Field(e, "value", path);
                path += ".value";
            }
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0 || e[0].ValueKind != JsonValueKind.Array)
                throw Error(path, "must be a non-empty array of rows (arrays of numbers).");
            return Rows(e, path);
        }

        private double[][] Rows(JsonElement e, string path)
        {
            var rows = new double[e.GetArrayLength()][];
            int i = 0;
            foreach (JsonElement row in e.EnumerateArray())
            {
                rows[i] = Vector(row, $"{path}[{i}]");
                if (rows[i].Length == 0) throw Error($"{path}[{i}]", "is an empty row.");
                if (rows[i].Length != rows[0].Length)
                    throw Error($"{path}[{i}]", $"has {rows[i].Length} numbers, but row 0 has {rows[0].Length}; every row needs the same length.");
                i++;
            }
            return rows;
        }

        private double[] Vector(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                OnlyFields(e, EntryFields, path);
                e = Field(e, "value", path);
                path += ".value";
            }
            if (e.ValueKind != JsonValueKind.Array) throw Error(path, $"must be an array of numbers, not {Kind(e)}.");
            var values = new double[e.GetArrayLength()];
            int i = 0;
            foreach (JsonElement x in e.EnumerateArray()) values[i] = Number(x, $"{path}[{i++}]");
            return values;
        }

        private int[] Ints(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Array) throw Error(path, $"must be an array of integers, not {Kind(e)}.");
            var values = new int[e.GetArrayLength()];
            int i = 0;
            foreach (JsonElement x in e.EnumerateArray()) values[i] = Int(x, $"{path}[{i++}]");
            return values;
        }

        private string[] Strings(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Array) throw Error(path, $"must be an array of strings, not {Kind(e)}.");
            var values = new string[e.GetArrayLength()];
            int i = 0;
            foreach (JsonElement x in e.EnumerateArray()) values[i] = String(x, $"{path}[{i++}]");
            return values;
        }

        private Standardization ReadStandardization(JsonElement e, int D)
        {
            const string path = "$.data.standardization";
            Object(e, path);
            OnlyFields(e, ["kind", "mean", "scale"], path);
            string kind = String(Field(e, "kind", path), path + ".kind");
            double[] mean = Vector(Field(e, "mean", path), path + ".mean");
            double[] scale = Vector(Field(e, "scale", path), path + ".scale");
            if (mean.Length != D || scale.Length != D) throw Error(path, $"has {mean.Length} means and {scale.Length} scales; D = {D} of each are needed.");
            if (!Names.TryParse(kind, out StandardizationKind k)) throw Error(path + ".kind", $"is \"{kind}\"; it must be {Names.Choices<StandardizationKind>()}.");
            if (k == StandardizationKind.None) return Standardization.None(D);
            if (scale.Any(s => !(s > 0))) throw Error(path + ".scale", "holds a value ≤ 0; every scale must be positive.");
            return Standardization.FromValues(mean, scale);
        }

        private void CheckDeclared(JsonElement network, string name, int actual, string from)
        {
            if (network.TryGetProperty(name, out JsonElement v) && Int(v, $"$.network.{name}") != actual)
                throw Error($"$.network.{name}", $"is {v}, but {from} give {name} = {actual}.");
        }

        private JsonElement Field(JsonElement obj, string name, string path) =>
            obj.TryGetProperty(name, out JsonElement v) ? v : throw Error(path, $"the field \"{name}\" is missing.");

        private JsonElement Object(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Object ? e : throw Error(path, $"must be a JSON object, not {Kind(e)}.");

        private void OnlyFields(JsonElement obj, string[] allowed, string path)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in obj.EnumerateObject())
            {
                if (!allowed.Contains(p.Name, StringComparer.Ordinal))
                    throw Error($"{path}.{p.Name}", $"is not a field of this object; allowed fields are {string.Join(", ", allowed)}.");
                if (!seen.Add(p.Name)) throw Error($"{path}.{p.Name}", "appears twice.");
            }
        }

        private string String(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(path, $"must be a string, not {Kind(e)}.");

        private bool Bool(JsonElement e, string path) => e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path, $"must be true or false, not {Kind(e)}."),
        };

        private double Number(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Number) throw Error(path, $"must be a number, not {Kind(e)}.");
            return e.TryGetDouble(out double v) && double.IsFinite(v) ? v : throw Error(path, $"{e.GetRawText()} is beyond the range of a double.");
        }

        private int Int(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Error(path, $"must be an integer, not {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}.");

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => $"the string {e.GetRawText()}",
            JsonValueKind.Number => $"the number {e.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            _ => "null",
        };

        private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
