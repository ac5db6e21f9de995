using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Models;

/// <summary>
/// Reads and writes model files (and plain weights files) through the generated
/// <see cref="ModelJsonContext"/>: the mapping of names, kinds, required and unknown fields is
/// System.Text.Json's (with <see cref="StrictJson"/> saying what it refused, by the field's path); this
/// class adds only what JSON cannot say (lengths that follow from D, H and C, finite numbers, options
/// in range) and turns every problem into one <c>file: field: what is wrong</c> <see cref="ModelFileException"/>.
/// </summary>
/// <remarks>
/// Numbers are written in shortest round-trip form, so reading a file gives back the same bits.
/// Version 2 added the "data" and "split" blocks, version 3 the early-stopping options of the
/// "training" block (validation_fraction, patience, min_delta), version 4 the optimizer and the learning-rate
/// schedule (optimizer, beta1, beta2, epsilon, weight_decay, lr_schedule and its parameters); older files,
/// without them, are still read (a file before version 4 was trained with SGD at a constant rate).
/// A file larger than <see cref="MaxFileBytes"/> is refused before it is parsed, so pointing the
/// reader at /dev/zero or an endless pipe stops at that bound.
/// </remarks>
public static class ModelJson
{
    /// <summary>The value of the "format" field.</summary>
    public const string FormatName = "irisnet-model";

    /// <summary>The format version this library writes.</summary>
    public const int Version = 4;

    /// <summary>The oldest format version this library still reads.</summary>
    public const int OldestVersion = 1;

    /// <summary>
    /// The largest model or weights file read: 128 MiB, room for about five million weights at the
    /// 25 characters the longest double takes (a million hidden units on the Iris shape is 7 million
    /// weights but far beyond what any sensible model needs).
    /// </summary>
    public const int MaxFileBytes = 128 << 20;

    /// <summary>The model as indented JSON text.</summary>
    public static string Serialize(Model model) => JsonSerializer.Serialize(ToFile(model),
        ModelJsonContext.Default.ModelFile) + "\n";

    /// <summary>Reads and validates a model file.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, too large, not JSON, or not a valid
    /// model.</exception>
    public static Model Load(string path) => ParseModel(ReadBounded(path), path);

    /// <summary>Reads starting weights: a saved model (its weights, names and standardization) or a file with "A", "B"
    /// and optionally "a", "b", "features", "classes".</summary>
    /// <exception cref="ModelFileException">The file is missing or invalid.</exception>
    public static InitialWeights LoadWeights(string path) => ParseWeights(ReadBounded(path), path);

    /// <summary>Parses and validates model JSON; <paramref name="file"/> names the source in errors.</summary>
    /// <exception cref="ModelFileException">The text is not a valid model.</exception>
    public static Model Parse(string json, string? file = null) => ParseModel(Encoding.UTF8.GetBytes(json), file);

    /// <summary>Parses starting weights from JSON (a model, or a plain "A"/"B"/"a"/"b" object).</summary>
    /// <exception cref="ModelFileException">The text is not valid weights.</exception>
    public static InitialWeights ParseWeights(string json, string? file = null)
        => ParseWeights(Encoding.UTF8.GetBytes(json), file);

    private static InitialWeights ParseWeights(byte[] utf8, string? file)
    {
        FileKind kind = FileKinds.Of(utf8);
        if (kind is FileKind.TrainSummary or FileKind.CvSummary or FileKind.Trace)
        {
            throw new ModelFileException(file, $"this is {FileKinds.Describe(kind)}, not weights; give a model.json "
                + "or a file with \"A\" and \"B\".");
        }
        if (StrictJson.Header(utf8, "format", "version").HasName) return ParseModel(utf8, file).ToInitialWeights();
        WeightsFile w = Deserialize(utf8, ModelJsonContext.Default.WeightsFile, file);
        var check = new Checker(file);
        if (w.Hidden.Length == 0) throw check.Error("A", "has no rows; it must have H rows of D numbers.");
        int H = w.Hidden.Length, D = w.Hidden[0].Length, C = w.Output.Length;
        check.Matrix("A", w.Hidden, H, D, "H rows of D numbers (the length of its first row)");
        check.Matrix("B", w.Output, C, H, "C rows of H numbers (H = the rows of \"A\")");
        if ((w.HiddenBias is null) != (w.OutputBias is null)) throw check.Error(w.HiddenBias is null ? "a" : "b",
            "is missing; with biases both \"a\" and \"b\" are needed.");
        if (w.HiddenBias is not null) check.Vector("a", w.HiddenBias, H, "H");
        if (w.OutputBias is not null) check.Vector("b", w.OutputBias, C, "C");
        if (w.Features is not null) check.Names("features", w.Features, D, "D");
        if (w.Classes is not null) check.Names("classes", w.Classes, C, "C");
        return new InitialWeights(w.Hidden, w.HiddenBias, w.Output, w.OutputBias)
        {
            FeatureNames = w.Features,
            ClassNames = w.Classes
        };
    }

    private static Model ParseModel(byte[] utf8, string? file)
    {
        var check = new Checker(file);
        FileKind kind = FileKinds.Of(utf8);
        if (kind is FileKind.TrainSummary or FileKind.CvSummary or FileKind.Trace)
        {
            string hint = kind == FileKind.TrainSummary ? "the run's model is model.json, beside it"
                : kind == FileKind.CvSummary ? "cv saves no model; train one with irisnet train"
                : "a trace holds weights, not a model; train one with irisnet train";
            throw new ModelFileException(file, $"this is {FileKinds.Describe(kind)}, not a model; {hint}.");
        }
        // Format and version first, so a newer file is refused by its version, not by its new fields.
        var (_, format, version) = StrictJson.Header(utf8, "format", "version");
        if (format is not null && format != FormatName) throw check.Error("format",
            $"is \"{format}\", not \"{FormatName}\"; this is not an IrisNet model file.");
        if (version is int v && (v < OldestVersion || v > Version))
            throw check.Error("version",
                $"format version {v} is not supported; this IrisNet reads versions {OldestVersion} to {Version}. " +
                $"Retrain, or use the IrisNet that wrote it.");
        ModelFile f = Deserialize(utf8, ModelJsonContext.Default.ModelFile, file);
        if (f.Format != FormatName) throw check.Error("format",
            $"is \"{f.Format}\", not \"{FormatName}\"; this is not an IrisNet model file.");
        int D = check.Positive("D", f.D), H = check.Positive("H", f.H), C = check.Positive("C", f.C);
        check.Names("features", f.Features, D, "D");
        check.Names("classes", f.Classes, C, "C");
        Standardization st = ReadStandardization(check, f.Standardization, D);
        check.Matrix("A", f.Hidden, H, D, "H rows of D numbers");
        check.Matrix("B", f.Output, C, H, "C rows of H numbers");
        if (f.Bias)
        {
            check.Vector("a", f.HiddenBias ?? throw check.Error("a",
                "is missing; \"bias\" is true, so H numbers are needed."), H, "H");
            check.Vector("b", f.OutputBias ?? throw check.Error("b",
                "is missing; \"bias\" is true, so C numbers are needed."), C, "C");
        }
        else if (f.HiddenBias is not null || f.OutputBias is not null)
        {
            throw check.Error(f.HiddenBias is not null ? "a" : "b",
                "is present but \"bias\" is false; remove it or set \"bias\" to true.");
        }
        TrainingOptions? options = f.Training is null ? null : ReadTraining(check, f);
        if (f.Data is TrainingData data)
        {
            if (data.Rows <= 0) throw check.Error("data.rows", $"is {data.Rows}; it must be positive.");
            if (!IsSha256Hex(data.Sha256))
                throw check.Error("data.sha256", "must be 64 lower-case hexadecimal digits.");
            if (data.Label != f.Label) throw check.Error("data.label",
                $"is \"{data.Label}\" but \"label\" is \"{f.Label}\"; they must agree.");
        }
        if (f.Split is DataSplit split)
        {
            try
            {
                TrainingOptions.CheckTestFraction(split.TestFraction);
            }
            catch (OptionException e)
            {
                throw check.Error("split.test_fraction", e.Detail);
            }
        }
        var shape = new NetworkShape(D, H, C, f.Bias, f.Activation);
        return new Model(shape, f.Precision, f.Features, f.Classes, f.Label, st,
            Flatten(f.Hidden), f.HiddenBias ?? [], Flatten(f.Output), f.OutputBias ?? [], options)
        { Data = f.Data, Split = f.Split };
    }

    private static Standardization ReadStandardization(Checker check, StandardizationBlock s, int D)
    {
        check.Vector("standardization.mean", s.Mean, D, "D");
        check.Vector("standardization.scale", s.Scale, D, "D");
        if (s.Kind == StandardizationKind.None) return Standardization.None(D);
        for (int d = 0; d < D; d++)
        {
            if (s.Scale[d] <= 0) throw check.Error($"standardization.scale[{d}]",
                $"is {s.Scale[d]}; every scale must be positive.");
        }
        return Standardization.FromValues(s.Mean, s.Scale);
    }

    private static TrainingOptions ReadTraining(Checker check, ModelFile f)
    {
        TrainingBlock t = f.Training!;
        TrainingOptions o = t.ToOptions();
        try
        {
            o.Validate();
        }
        catch (OptionException e)
        {
            throw check.Error("training." + FieldOf(e.Option), e.Detail);
        }
        if (t.Hidden != f.H) throw check.Error("training.hidden", $"is {t.Hidden} but H = {f.H}; they must agree.");
        if (t.Bias != f.Bias) throw check.Error("training.bias",
            $"is {Lower(t.Bias)} but \"bias\" is {Lower(f.Bias)}; they must agree.");
        if (t.Activation != f.Activation) throw check.Error("training.activation",
            $"is \"{Names.Of(t.Activation)}\" but \"activation\" is \"{Names.Of(f.Activation)}\"; they must agree.");
        if (t.Precision != f.Precision) throw check.Error("training.precision",
            $"is \"{Names.Of(t.Precision)}\" but \"precision\" is \"{Names.Of(f.Precision)}\"; they must agree.");
        return o;
    }

    /// <summary>The JSON field of the training block that holds the <see cref="TrainingOptions"/> property <paramref
    /// name="property"/>.</summary>
    internal static string FieldOf(string property)
    {
        foreach (JsonPropertyInfo p in ModelJsonContext.Default.TrainingBlock.Properties)
        {
            if (p.AttributeProvider is System.Reflection.MemberInfo m && m.Name == property) return p.Name;
        }
        return property;
    }

    private static string Lower(bool b) => b ? "true" : "false";

    private static bool IsSha256Hex(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    private static ModelFile ToFile(Model m)
    {
        NetworkShape s = m.Shape;
        return new ModelFile
        {
            Format = FormatName,
            Version = Version,
            Precision = m.Precision,
            Activation = s.Activation,
            Bias = s.Bias,
            D = s.D,
            H = s.H,
            C = s.C,
            Features = [.. m.FeatureNames],
            Classes = [.. m.ClassNames],
            Label = m.LabelName,
            Standardization = new StandardizationBlock
            {
                Kind = m.Standardization.Enabled ? StandardizationKind.ZScore : StandardizationKind.None,
                Mean = [.. m.Standardization.Mean],
                Scale = [.. m.Standardization.Scale],
            },
            Hidden = Model.Rows(m.A, s.H, s.D),
            HiddenBias = s.Bias ? m.HiddenBias : null,
            Output = Model.Rows(m.B, s.C, s.H),
            OutputBias = s.Bias ? m.OutputBias : null,
            Data = m.Data,
            Split = m.Split,
            Training = m.Options is TrainingOptions o ? TrainingBlock.From(o) : null,
        };
    }

    private static double[] Flatten(double[][] rows) => rows.SelectMany(row => row).ToArray();

    /// <summary>
    /// The file's bytes, refusing it once more than <see cref="MaxFileBytes"/> have been read (or
    /// at once when a regular file says it is larger), so a device or pipe cannot exhaust memory.
    /// </summary>
    private static byte[] ReadBounded(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new ModelFileException(path,
                "is a directory, not a model file; give the path of model.json.");
            return BoundedFile.Read(path, MaxFileBytes) ?? throw TooLarge(path);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelFileException(path,
                "file not found; check the path (a run writes runs/<timestamp>/model.json).", e);
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

    private static ModelFileException TooLarge(string path) =>
        new(path,
            $"is larger than {MaxFileBytes >> 20} MiB, more than any model or weights file holds; is it the right " +
            $"file?");

    /// <summary>Read through the generated context; a problem becomes "field: what is wrong (line, column)."</summary>
    private static T Deserialize<T>(byte[] utf8, JsonTypeInfo<T> type, string? file) where T : class =>
        StrictJson.Read(utf8, type, p => new ModelFileException(file, Describe(p)));

    private static string Describe(JsonProblem p) =>
        p.Syntax
            ? $"{p.Position}: not valid JSON (is the file truncated or not a model?): {p.What}."
            : $"{p.Field}: {p.Sentence}";

    /// <summary>The cross-field checks, each failing with the field's name.</summary>
    private sealed class Checker(string? file)
    {
        public ModelFileException Error(string field, string what) => new(file, $"{field}: {what}");

        public int Positive(string field, int value) => value > 0 ? value : throw Error(field,
            $"is {value}; it must be positive.");

        public void Names(string field, string[] names, int count, string symbol)
        {
            if (names.Length != count) throw Error(field, $"lists {names.Length} names but {symbol} = {count}.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string n in names)
            {
                if (!seen.Add(n)) throw Error(field, $"lists \"{n}\" twice; names must be distinct.");
            }
        }

        public void Vector(string field, double[] values, int count, string symbol)
        {
            if (values.Length != count) throw Error(field,
                $"has {values.Length} numbers; it needs {symbol} = {count}.");
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i])) throw Error($"{field}[{i}]",
                    "is beyond the range of a double; every number must be finite.");
            }
        }

        public void Matrix(string field, double[][] rows, int count, int length, string shape)
        {
            if (rows.Length != count) throw Error(field,
                $"has {rows.Length} rows; it needs {shape}, {count} × {length}.");
            for (int r = 0; r < rows.Length; r++)
            {
                for (int c = 0; c < rows[r].Length; c++)
                {
                    if (!double.IsFinite(rows[r][c])) throw Error($"{field}[{r}][{c}]",
                        "is beyond the range of a double; every weight must be finite.");
                }
                if (rows[r].Length != length) throw Error($"{field}[{r}]",
                    $"has {rows[r].Length} numbers; \"{field}\" needs {shape}, {count} × {length}.");
            }
        }
    }
}
