using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Reference;
using IrisNet.Training;
using static IrisNet.Tracing.TraceFileJson;
using BoundedFile = IrisNet.Models.BoundedFile;
using FileKind = IrisNet.Models.FileKind;
using FileKinds = IrisNet.Models.FileKinds;
using StrictJson = IrisNet.Models.StrictJson;

namespace IrisNet.Tracing;

/// <summary>
/// Reads and writes the trace format of docs/trace-format.md (schema: docs/trace.schema.json) through
/// the generated <see cref="TraceJsonContext"/>, mapping <see cref="TraceFileJson"/> to and from
/// <see cref="TraceFile"/>. Numbers are written in shortest round-trip form, so reading gives back the
/// same bits. The reader accepts any subset of a step's quantities and reports every problem with the
/// file's own JSON path: what the serializer refuses through <see cref="StrictJson"/>, what JSON cannot
/// say (shapes, lengths, finite numbers, equation numbers, indices in range) by the checks here.
/// </summary>
public static class TraceJson
{
    /// <summary>The one-sentence layout statement written into every trace.</summary>
    public const string LayoutDescription =
        "Sample-major: every batch matrix has one row per sample (X is N×D, Z and H are N×H, S, Yhat and dS are N×C); "
        + "A is H×D and B is C×H as in docs/derivation.md; matrices are arrays of rows; "
        + "equation numbers refer to docs/derivation.md.";

    /// <summary>A step's quantity fields by their names in the file, with the generated getters and setters.</summary>
    private static readonly Dictionary<string, JsonPropertyInfo> Quantities =
        QuantityProperties().ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>
    /// The names of a step's quantity fields in declaration order, which a test holds to
    /// <see cref="TraceComputation.Order"/>.
    /// </summary>
    internal static IEnumerable<string> QuantityFields => QuantityProperties().Select(p => p.Name);

    private static IEnumerable<JsonPropertyInfo> QuantityProperties() =>
        TraceJsonContext.Default.StepBlock.Properties.Where(p => p.PropertyType == typeof(Entry));

    /// <summary>The trace as JSON text, every numeric array of a matrix row on one line.</summary>
    public static string Serialize(TraceFile trace)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            JsonSerializer.Serialize(writer, ToJson(trace), TraceJsonContext.Default.TraceFileJson);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static TraceFileJson ToJson(TraceFile trace)
    {
        NetworkShape s = trace.Shape;
        TraceData d = trace.Data;
        InitialWeights w = trace.Initial;
        var kind = d.Standardization is { Enabled: true } ? StandardizationKind.ZScore : StandardizationKind.None;
        return new TraceFileJson
        {
            Format = TraceFile.FormatName,
            Version = TraceFile.Version,
            Layout = TraceFile.Layout,
            Description = LayoutDescription,
            Network = new NetworkBlock { Activation = s.Activation, Bias = s.Bias, D = s.D, H = s.H, C = s.C },
            Options = new OptionsBlock
            {
                LearningRate = trace.Settings.LearningRate,
                Momentum = trace.Settings.Momentum,
                L2 = trace.Settings.L2,
                BatchSize = trace.BatchSize,
                Seed = trace.Seed,
                Standardize = kind,
                Steps = trace.Steps.Count,
            },
            Data = new DataBlock
            {
                Source = d.Source,
                Sha256 = d.Sha256,
                Features = d.Features,
                Classes = d.Classes,
                Rows = d.Rows,
                Standardization = d.Standardization is Standardization st
                    ? new StandardizationBlock
                    {
                        Kind = kind,
                        Mean = new TraceValue { Numbers = [.. st.Mean] },
                        Scale = new TraceValue { Numbers = [.. st.Scale] },
                    }
                    : null,
                X = new TraceValue { Rows = d.X },
                Labels = d.Labels,
            },
            Initial = new InitialBlock
            {
                A = Entry(new TraceTensor("A", 1, [s.H, s.D], Flatten(w.A))),
                HiddenBias = w.HiddenBias is double[] a ? Entry(new TraceTensor("a", 1, [s.H], a)) : null,
                B = Entry(new TraceTensor("B", 3, [s.C, s.H], Flatten(w.B))),
                OutputBias = w.OutputBias is double[] b ? Entry(new TraceTensor("b", 3, [s.C], b)) : null,
            },
            Steps = trace.Steps.Select(step => Step(step, d.Count, trace.BatchSize)).ToArray(),
        };
    }

    private static StepBlock Step(TraceStep step, int N, int batchSize)
    {
        int epoch = TraceSchedule.EpochOf(step.Number, N, batchSize);
        var block = new StepBlock { Step = step.Number, Epoch = epoch, Batch = step.Batch };
        foreach (TraceTensor q in step.Quantities) Quantities[q.Name].Set!(block, Entry(q));
        return block;
    }

    private static Entry Entry(TraceTensor t) =>
        new() { Equation = t.Equation, Shape = t.Shape, Value = TraceValue.Of(t.Shape, t.Values) };

    private static double[] Flatten(double[][] rows) => rows.SelectMany(r => r).ToArray();

    /// <summary>
    /// The largest trace file read: 128 MiB, as for model files, which holds the
    /// <see cref="TraceRecorder.MaxNumbers"/> numbers <c>irisnet trace</c> writes at most; a larger file,
    /// a device or an endless pipe is refused once that much is read, so diff's memory stays bounded.
    /// </summary>
    public const int MaxFileBytes = 128 << 20;

    private const string ModelJsonFormat = IrisNet.Models.ModelJson.FormatName;

    /// <summary>Reads a trace file.</summary>
    /// <exception cref="TraceFileException">
    /// The file is missing, larger than <see cref="MaxFileBytes"/>, not JSON, or not a valid trace; the
    /// message has the JSON path.
    /// </exception>
    public static TraceFile Load(string path)
    {
        byte[] utf8;
        try
        {
            if (Directory.Exists(path)) throw new TraceFileException(path, "$", "is a directory, not a trace file.");
            string most = TraceRecorder.MaxNumbers.ToString("N0", CultureInfo.InvariantCulture);
            utf8 = BoundedFile.Read(path, MaxFileBytes) ?? throw new TraceFileException(path, "$",
                $"is larger than {MaxFileBytes >> 20} MiB, more than any trace irisnet diff reads (irisnet trace " +
                    $"writes at "
                + $"most {most} numbers); is it the right file? Trace fewer steps or rows.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is FileNotFoundException or DirectoryNotFoundException
                ? "file not found; check the path."
                : $"cannot be read: {e.Message}";
            throw new TraceFileException(path, "$", why, e);
        }
        return Parse(utf8, path);
    }

    /// <summary>Parses and validates trace JSON; <paramref name="file"/> names the source in errors.</summary>
    /// <exception cref="TraceFileException">Not JSON or not a valid trace; the message has the JSON path.</exception>
    public static TraceFile Parse(string json, string? file = null) => Parse(Encoding.UTF8.GetBytes(json), file);

    private static TraceFile Parse(byte[] utf8, string? file)
    {
        var check = new Reader(file);
        FileKind kind = FileKinds.Of(utf8);
        if (kind is FileKind.Model or FileKind.TrainSummary or FileKind.CvSummary)
        {
            // A model is told by its format; a summary.json by its irisnet_version.
            string path = kind == FileKind.Model ? "$.format" : "$";
            string how = kind == FileKind.Model ? $"is \"{ModelJsonFormat}\": " : "";
            throw new TraceFileException(file, path,
                $"{how}this is {FileKinds.Describe(kind)}, not a trace; record one with "
                + "irisnet trace, or write yours in the format of docs/trace-format.md.");
        }
        // Format and version first, so a model or a newer trace is refused by them, not by its first unknown field.
        var (_, format, version) = StrictJson.Header(utf8, "format", "version");
        if (format is not null) check.Format(format);
        if (version is int v) check.Version(v);
        TraceFileJson json = StrictJson.Read(utf8, TraceJsonContext.Default.TraceFileJson, p =>
            new TraceFileException(file, p.Path, p.Syntax ? $"{p.Position}: not valid JSON: {p.What}." : p.Sentence));
        return check.Trace(json);
    }

    /// <summary>The checks JSON cannot express, each failing with the file's path of the field.</summary>
    private sealed class Reader(string? file)
    {
        private TraceFileException Error(string path, string message) => new(file, path, message);

        public void Format(string format)
        {
            if (format != TraceFile.FormatName)
                throw Error("$.format", $"is \"{format}\", not \"{TraceFile.FormatName}\".");
        }

        public void Version(int version)
        {
            if (version != TraceFile.Version)
                throw Error("$.version",
                    $"{version} is not supported; this IrisNet reads version {TraceFile.Version}.");
        }

        public TraceFile Trace(TraceFileJson t)
        {
            Format(t.Format);
            Version(t.Version);
            if (t.Layout is string layout && layout != TraceFile.Layout)
            {
                throw Error("$.layout", $"must be \"{TraceFile.Layout}\" (one row per sample); "
                    + "transpose feature-major matrices before writing them.");
            }

            OptionsBlock o = t.Options;
            double lr = Finite(o.LearningRate, "$.options.lr");
            double momentum = Finite(o.Momentum ?? 0, "$.options.momentum"), l2 = Finite(o.L2 ?? 0, "$.options.l2");
            int batchSize = o.BatchSize ?? 0;
            if (!(lr > 0)) throw Error("$.options.lr", $"{Format(lr)} is not a positive learning rate.");
            if (!(momentum >= 0 && momentum < 1))
                throw Error("$.options.momentum", $"{Format(momentum)} is outside [0, 1).");
            if (!(l2 >= 0)) throw Error("$.options.l2", $"{Format(l2)} is negative.");
            if (batchSize < 0) throw Error("$.options.batch_size", $"{batchSize} is negative.");

            InitialBlock init = t.Initial;
            if ((init.HiddenBias is null) != (init.OutputBias is null))
            {
                string absent = init.HiddenBias is null ? "a" : "b";
                throw Error("$.initial",
                    $"the field \"{absent}\" is missing; give both \"a\" and \"b\" (with biases) or neither.");
            }
            bool bias = init.HiddenBias is not null;
            double[][] A = Matrix(init.A, "$.initial.A", "A", 1), B = Matrix(init.B, "$.initial.B", "B", 3);
            double[]? a = bias ? Vector(init.HiddenBias!, "$.initial.a", "a", 1) : null;
            double[]? b = bias ? Vector(init.OutputBias!, "$.initial.b", "b", 3) : null;
            int H = A.Length, D = A[0].Length, C = B.Length;
            if (B[0].Length != H)
                throw Error("$.initial.B.value", $"has {B[0].Length} columns, but A has H = {H} rows; B is C×H.");
            if (a is not null && a.Length != H)
                throw Error("$.initial.a.value", $"has {a.Length} numbers; it needs H = {H} (the rows of A).");
            if (b is not null && b.Length != C)
                throw Error("$.initial.b.value", $"has {b.Length} numbers; it needs C = {C} (the rows of B).");
            // The declared shapes last: a length that disagrees with A says more than a declared shape.
            Shape(init.A, "$.initial.A", [H, D]);
            Shape(init.B, "$.initial.B", [C, H]);
            if (bias)
            {
                Shape(init.HiddenBias!, "$.initial.a", [H]);
                Shape(init.OutputBias!, "$.initial.b", [C]);
            }
            NetworkBlock network = t.Network;
            Declared("D", network.D, D, "the columns of A");
            Declared("H", network.H, H, "the rows of A");
            Declared("C", network.C, C, "the rows of B");
            if (network.Bias is bool flag && flag != bias)
            {
                throw Error("$.network.bias", bias
                    ? "is false, but $.initial has \"a\" and \"b\"."
                    : "is true, but $.initial has no \"a\" and \"b\".");
            }

            DataBlock data = t.Data;
            double[][] X = Rows(data.X, "$.data.X");
            if (X[0].Length != D)
                throw Error("$.data.X", $"rows have {X[0].Length} numbers, but A has D = {D} columns.");
            int[] labels = data.Labels;
            if (labels.Length != X.Length)
                throw Error("$.data.labels", $"has {labels.Length} labels for the {X.Length} rows of X.");
            for (int n = 0; n < labels.Length; n++)
            {
                if (labels[n] < 0 || labels[n] >= C)
                {
                    throw Error($"$.data.labels[{n}]",
                        $"{labels[n]} is not a class index in [0, {C}) (C is the number of rows of B).");
                }
            }
            Names(data.Features, "$.data.features", D, "D");
            Names(data.Classes, "$.data.classes", C, "C");
            Standardization? standardization =
                data.Standardization is StandardizationBlock st ? ReadStandardization(st, D) : null;

            if (t.Steps.Length == 0) throw Error("$.steps", "must be an array of at least one step.");
            var steps = new List<TraceStep>(t.Steps.Length);
            for (int k = 0; k < t.Steps.Length; k++) steps.Add(Step(t.Steps[k], k, X.Length, bias));
            var rows = new TraceData(X, labels, data.Features, data.Classes, data.Rows, data.Source, data.Sha256,
                standardization);
            return new TraceFile(new TraceSettings(network.Activation, lr, momentum, l2), batchSize, o.Seed, rows,
                new InitialWeights(A, a, B, b), steps);
        }

        private TraceStep Step(StepBlock step, int k, int N, bool bias)
        {
            string path = $"$.steps[{k}]";
            if (step.Step is int number && number != k + 1)
            {
                throw Error(path + ".step",
                    $"is {number}, but it is step {k + 1} of the array; list the steps in order from 1.");
            }
            int[] batch = step.Batch ?? Enumerable.Range(0, N).ToArray();
            if (batch.Length == 0) throw Error(path + ".batch", "is empty; a step needs at least one row.");
            for (int i = 0; i < batch.Length; i++)
            {
                if (batch[i] < 0 || batch[i] >= N)
                    throw Error($"{path}.batch[{i}]", $"{batch[i]} is not a row index of data.X, in [0, {N}).");
            }
            var quantities = new List<TraceTensor>();
            foreach (var (name, equation) in TraceComputation.Order)
            {
                if (Quantities[name].Get!(step) is not Entry e) continue;
                if (!bias && name is "db" or "da" or "ga" or "gb" or "va" or "vb" or "a_after" or "b_after")
                {
                    throw Error($"{path}.{name}", "the network has no biases ($.initial has no \"a\" and \"b\"), "
                        + "so this quantity does not exist.");
                }
                var (shape, values) = Tensor(e, $"{path}.{name}", name, equation);
                quantities.Add(new TraceTensor(name, equation, shape, values));
            }
            return new TraceStep(k + 1, batch, quantities);
        }

        /// <summary>An entry's shape and values, its equation and declared shape checked.</summary>
        private (int[] Shape, double[] Values) Tensor(Entry e, string path, string name, int equation)
        {
            Equation(e, path, name, equation);
            var (shape, values) = Tensor(e.Value, path + ".value");
            Shape(e, path, shape);
            return (shape, values);
        }

        private void Equation(Entry e, string path, string name, int equation)
        {
            if (e.Equation is int given && given != equation)
            {
                throw Error(path + ".equation",
                    $"is {given}, but {name} is equation ({equation}) of docs/derivation.md.");
            }
        }

        private void Shape(Entry e, string path, int[] shape)
        {
            if (e.Shape is int[] declared && !declared.SequenceEqual(shape))
            {
                throw Error(path + ".shape",
                    $"is {TraceTensor.FormatShape(declared)}, but the value is {TraceTensor.FormatShape(shape)}.");
            }
        }

        /// <summary>
        /// A value's shape ([], [n] or [rows, cols]) and row-major values: rows equally long and not empty,
        /// every number finite.
        /// </summary>
        private (int[] Shape, double[] Values) Tensor(TraceValue v, string path)
        {
            switch (v.Rank)
            {
                case 0:
                    return ([], [Finite(v.Number, path)]);
                case 1:
                    Finite(v.Numbers!, path);
                    return ([v.Numbers!.Length], v.Numbers);
                default:
                    double[][] rows = Rows(v, path);
                    return ([rows.Length, rows[0].Length], rows.SelectMany(r => r).ToArray());
            }
        }

        private double[][] Matrix(Entry e, string path, string name, int equation)
        {
            Equation(e, path, name, equation);
            return Rows(e.Value, path + ".value");
        }

        private double[] Vector(Entry e, string path, string name, int equation)
        {
            Equation(e, path, name, equation);
            return Vector(e.Value, path + ".value");
        }

        private double[][] Rows(TraceValue v, string path)
        {
            if (v.Rows is not double[][] rows)
                throw Error(path, "must be a non-empty array of rows (arrays of numbers).");
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i].Length == 0) throw Error($"{path}[{i}]", "is an empty row.");
                if (rows[i].Length != rows[0].Length)
                {
                    throw Error($"{path}[{i}]", $"has {rows[i].Length} numbers, but row 0 has {rows[0].Length}; "
                        + "every row needs the same length.");
                }
                Finite(rows[i], $"{path}[{i}]");
            }
            return rows;
        }

        private double[] Vector(TraceValue v, string path)
        {
            if (v.Numbers is not double[] numbers)
            {
                string given = v.Rank == 2 ? "an array of rows" : $"the number {Format(v.Number)}";
                throw Error(path, $"must be an array of numbers, not {given}.");
            }
            Finite(numbers, path);
            return numbers;
        }

        private void Finite(double[] values, string path)
        {
            for (int i = 0; i < values.Length; i++) Finite(values[i], $"{path}[{i}]");
        }

        private double Finite(double value, string path) => double.IsFinite(value)
            ? value
            : throw Error(path, "is beyond the range of a double; every number must be finite.");

        private Standardization ReadStandardization(StandardizationBlock st, int D)
        {
            const string path = "$.data.standardization";
            double[] mean = Vector(st.Mean, path + ".mean"), scale = Vector(st.Scale, path + ".scale");
            if (mean.Length != D || scale.Length != D)
                throw Error(path, $"has {mean.Length} means and {scale.Length} scales; D = {D} of each are needed.");
            if (st.Kind == StandardizationKind.None) return Standardization.None(D);
            if (scale.Any(s => !(s > 0)))
                throw Error(path + ".scale", "holds a value ≤ 0; every scale must be positive.");
            return Standardization.FromValues(mean, scale);
        }

        private void Names(string[]? names, string path, int count, string symbol)
        {
            if (names is not null && names.Length != count)
                throw Error(path, $"lists {names.Length} names, but {symbol} = {count}.");
        }

        private void Declared(string name, int? declared, int actual, string from)
        {
            if (declared is int v && v != actual)
                throw Error($"$.network.{name}", $"is {v}, but {from} give {name} = {actual}.");
        }

        private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
