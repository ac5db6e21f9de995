using System.Globalization;
using System.Text.RegularExpressions;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// A trace (docs/trace-format.md) as one flat .npz archive, the form a numpy script writes with a
/// single np.savez: the same fields as the JSON format, each an array named by its place, shapes and
/// meanings unchanged (docs/trace-format.md, "The same trace as NumPy arrays").
/// <list type="bullet">
/// <item>settings: <c>activation</c> (str), <c>lr</c>; optionally <c>momentum</c>, <c>l2</c>, <c>batch_size</c>,
/// <c>seed</c>, <c>standardize</c> ('zscore' or 'none'), <c>format</c> ('irisnet-trace'), <c>version</c> (1);</item>
/// <item>data: <c>X</c> (N×D, after standardization), <c>labels</c> (N integers); optionally <c>features</c>,
/// <c>classes</c>, <c>rows</c>, <c>source</c>, <c>sha256</c>, <c>mean</c>, <c>scale</c>;</item>
/// <item>starting weights: <c>initial/A</c>, <c>initial/B</c>, and <c>initial/a</c>, <c>initial/b</c> with
/// biases;</item>
/// <item>step k (from 1, every step up to the last present): <c>step{k}/batch</c> (optional, the rows of data.X) and
/// any subset of <c>step{k}/X</c>, <c>step{k}/Z</c>, …, <c>step{k}/b_after</c> (<see
/// cref="TraceComputation.Order"/>).</item>
/// </list>
/// A scalar (L, lr) is a 0-d array (np.savez's form of a Python float), a vector 1-D, a matrix 2-D.
/// Numbers may be float64, float32 or integers; labels, batches and rows must be integers.
/// Errors name the array, as JSON errors name the path.
/// </summary>
public static partial class NpzTrace
{
    private static readonly string[] Settings =
        ["format", "version", "activation", "lr", "momentum", "l2", "batch_size", "seed", "standardize"];
    private static readonly string[] DataNames =
        ["X", "labels", "features", "classes", "rows", "source", "sha256", "mean", "scale"];
    private static readonly string[] BiasQuantities = ["db", "da", "ga", "gb", "va", "vb", "a_after", "b_after"];

    /// <summary>The arrays of <paramref name="trace"/>, in the order above; every number float64, every index
    /// int64.</summary>
    public static IReadOnlyList<KeyValuePair<string, NpyArray>> ToArrays(TraceFile trace)
    {
        NetworkShape s = trace.Shape;
        TraceData d = trace.Data;
        var arrays = new List<KeyValuePair<string, NpyArray>>();
        void Add(string name, NpyArray array) => arrays.Add(new(name, array));
        Add("format", NpyArray.Scalar(TraceFile.FormatName));
        Add("version", NpyArray.Int64([TraceFile.Version]));
        Add("activation", NpyArray.Scalar(Names.Of(s.Activation)));
        Add("lr", NpyArray.Scalar(trace.Settings.LearningRate));
        Add("momentum", NpyArray.Scalar(trace.Settings.Momentum));
        Add("l2", NpyArray.Scalar(trace.Settings.L2));
        Add("batch_size", NpyArray.Int64([trace.BatchSize]));
        if (trace.Seed is ulong seed) Add("seed", NpyArray.UInt64(seed));
        Add("standardize", NpyArray.Scalar(Names.Of(d.Standardization is { Enabled: true } ? StandardizationKind.ZScore
            : StandardizationKind.None)));
        if (d.Source is not null) Add("source", NpyArray.Scalar(d.Source));
        if (d.Sha256 is not null) Add("sha256", NpyArray.Scalar(d.Sha256));
        if (d.Features is not null) Add("features", NpyArray.Unicode(d.Features, d.Features.Length));
        if (d.Classes is not null) Add("classes", NpyArray.Unicode(d.Classes, d.Classes.Length));
        if (d.Rows is not null) Add("rows", Indices(d.Rows));
        if (d.Standardization is Standardization st)
        {
            Add("mean", NpyArray.Float64([.. st.Mean], s.D));
            Add("scale", NpyArray.Float64([.. st.Scale], s.D));
        }
        Add("X", NpyArray.Float64(d.X.SelectMany(r => r).ToArray(), d.Count, s.D));
        Add("labels", Indices(d.Labels));
        Add("initial/A", NpyArray.Float64(trace.Initial.A.SelectMany(r => r).ToArray(), s.H, s.D));
        if (trace.Initial.HiddenBias is double[] a) Add("initial/a", NpyArray.Float64(a, s.H));
        Add("initial/B", NpyArray.Float64(trace.Initial.B.SelectMany(r => r).ToArray(), s.C, s.H));
        if (trace.Initial.OutputBias is double[] b) Add("initial/b", NpyArray.Float64(b, s.C));
        foreach (TraceStep step in trace.Steps)
        {
            string prefix = $"step{step.Number.ToString(CultureInfo.InvariantCulture)}/";
            Add(prefix + "batch", Indices(step.Batch));
            foreach (TraceTensor q in step.Quantities) Add(prefix + q.Name, NpyArray.Float64(q.Values, q.Shape));
        }
        return arrays;
    }

    private static NpyArray Indices(int[] values) =>
        NpyArray.Int64(Array.ConvertAll(values, v => (long)v), values.Length);

    /// <summary>Reads a trace from an .npz file.</summary>
    /// <exception cref="NumPyFileException">The file is not a readable .npz.</exception>
    /// <exception cref="TraceFileException">A field is missing, of the wrong kind or shape, or unknown; the "path" is
    /// the array's name.</exception>
    public static TraceFile Load(string path) => Parse(NpzArchive.Read(path), path);

    /// <summary>Reads a trace from arrays already read; <paramref name="file"/> names them in messages.</summary>
    /// <exception cref="TraceFileException">See <see cref="Load"/>.</exception>
    public static TraceFile Parse(IReadOnlyDictionary<string, NpyArray> arrays, string? file)
    {
        var m = new NpzMembers(arrays, (name, message) => new TraceFileException(file, name, message));
        if (m.Text("format") is string format && format != TraceFile.FormatName)
            throw m.Error("format", $"is '{format}', not '{TraceFile.FormatName}'.");
        if (m.Integer("version") is long version && version != TraceFile.Version)
            throw m.Error("version", $"{version} is not supported; this IrisNet reads version {TraceFile.Version}.");
        string activationName = m.Text("activation")
            ?? throw m.Error("activation", $"is missing; it must be one string, {Names.Choices<Activation>()}.");
        if (!Names.TryParse(activationName, out Activation activation))
            throw m.Error("activation", $"is '{activationName}'; it must be one of {Names.Choices<Activation>()}.");
        double lr = m.Scalar("lr") ?? throw m.Error("lr", "is missing; it must be the learning rate η, one number.");
        double momentum = m.Scalar("momentum") ?? 0;
        double l2 = m.Scalar("l2") ?? 0;
        long batchSize = m.Integer("batch_size") ?? 0;
        ulong? seed = null;
        if (m.Find("seed") is NpyArray seedArray)
            seed = seedArray.ToUInt64Scalar() ?? throw m.Error("seed", "must be one non-negative integer.");
        string? standardize = m.Text("standardize");
        if (!(lr > 0)) throw m.Error("lr", $"{Format(lr)} is not a positive learning rate.");
        if (!(momentum >= 0 && momentum < 1)) throw m.Error("momentum", $"{Format(momentum)} is outside [0, 1).");
        if (!(l2 >= 0)) throw m.Error("l2", $"{Format(l2)} is negative.");
        if (batchSize < 0 || batchSize > int.MaxValue) throw m.Error("batch_size",
            $"{batchSize} is not a batch size (0 for full batch).");

        double[][] A = m.Matrix("initial/A", "A, H rows of D numbers");
        double[][] B = m.Matrix("initial/B", "B, C rows of H numbers");
        int H = A.Length, D = A[0].Length, C = B.Length;
        if (B[0].Length != H) throw m.Error("initial/B",
            $"has {B[0].Length} columns, but initial/A has H = {H} rows; B is C×H.");
        double[]? a = m.Vector("initial/a", "a, H numbers");
        double[]? b = m.Vector("initial/b", "b, C numbers");
        if ((a is null) != (b is null))
            throw m.Error(a is null ? "initial/a" : "initial/b",
                "is missing; with biases both initial/a and initial/b are needed (without biases, neither).");
        if (a is not null && a.Length != H) throw m.Error("initial/a", $"has {a.Length} numbers; it needs H = {H}.");
        if (b is not null && b.Length != C) throw m.Error("initial/b",
            $"has {b.Length} numbers; it needs C = {C} (the rows of B).");
        bool bias = a is not null;

        double[][] X = m.Matrix("X", "the network's inputs, N rows of D numbers");
        if (X[0].Length != D) throw m.Error("X",
            $"rows have {X[0].Length} numbers, but initial/A has D = {D} columns.");
        int N = X.Length;
        int[] labels = Ints(m, "labels", m.Integers("labels", "N class indices")
            ?? throw m.Error("labels", "is missing; it must hold the N class indices."), 0, C,
            $"a class index in [0, {C}) (C is the number of rows of B)");
        if (labels.Length != N) throw m.Error("labels", $"has {labels.Length} labels for the {N} rows of X.");
        string[]? features = m.NameList("features", D, "D");
        string[]? classes = m.NameList("classes", C, "C");
        long[]? rowsGiven = m.Integers("rows", "the data-file row of each row of X");
        int[]? rows = rowsGiven is null ? null : Ints(m, "rows", rowsGiven, 0, int.MaxValue, "a row number ≥ 0");
        if (rows is not null && rows.Length != N) throw m.Error("rows",
            $"has {rows.Length} entries for the {N} rows of X.");
        string? source = m.Text("source");
        string? sha = m.Text("sha256");
        Standardization? standardization = ReadStandardization(m, standardize, D);

        var steps = new List<TraceStep>();
        int last = LastStep(m);
        for (int k = 1; k <= last; k++) steps.Add(Step(m, k, N, bias));
        m.RefuseOthers($"a trace holds {string.Join(", ", Settings.Concat(DataNames))}, initial/A, initial/a, "
            + "initial/B, initial/b and step{k}/batch, step{k}/{quantity} with k from 1 and a quantity of "
            + string.Join(", ", TraceComputation.Order.Select(q => q.Name)));
        return new TraceFile(new TraceSettings(activation, lr, momentum, l2), (int)batchSize, seed,
            new TraceData(X, labels, features, classes, rows, source, sha, standardization),
                new InitialWeights(A, a, B, b), steps);
    }

    /// <summary>The largest k of the step{k}/… arrays; every step from 1 to it must have at least one array.</summary>
    private static int LastStep(NpzMembers m)
    {
        var numbers = new SortedSet<int>();
        foreach (string name in m.Names)
        {
            Match match = StepName().Match(name);
            if (!match.Success) continue;
            if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int k)
                || k < 1 || match.Groups[1].Value[0] == '0')
                throw m.Error(name, "has a step number that is not 1, 2, 3, …; steps are named step1/, step2/, … in "
                    + "order.");
            numbers.Add(k);
        }
        if (numbers.Count == 0)
            throw m.Error("step1", "is missing: a trace needs at least one step, as arrays named step1/L, step1/dS, "
                + "… (and step2/…, … for more steps).");
        for (int k = 1; k <= numbers.Max; k++)
        {
            if (!numbers.Contains(k))
                throw m.Error($"step{k}", $"has no arrays, but step{numbers.Max} has; number the steps 1 to "
                    + $"{numbers.Count} without gaps.");
        }
        return numbers.Max;
    }

    private static TraceStep Step(NpzMembers m, int k, int N, bool bias)
    {
        string prefix = $"step{k}/";
        int[] batch = Enumerable.Range(0, N).ToArray();
        if (m.Integers(prefix + "batch", "the indices of the step's rows in X") is long[] given)
        {
            if (given.Length == 0) throw m.Error(prefix + "batch", "is empty; a step needs at least one row.");
            batch = Ints(m, prefix + "batch", given, 0, N, $"a row index of X, in [0, {N})");
        }
        var quantities = new List<TraceTensor>();
        foreach (var (name, equation) in TraceComputation.Order)
        {
            NpyArray? q = m.Find(prefix + name);
            if (q is null) continue;
            if (!bias && BiasQuantities.Contains(name))
                throw m.Error(prefix + name, "the network has no biases (there is no initial/a and initial/b), so "
                    + "this quantity does not exist.");
            if (q.Shape.Count > 2)
                throw m.Error(prefix + name, $"has shape {q.ShapeText}; a quantity is a number (0-d), a vector or a "
                    + $"matrix.");
            quantities.Add(new TraceTensor(name, equation, [.. q.Shape], m.Numbers(prefix + name, q)));
        }
        return new TraceStep(k, batch, quantities);
    }

    private static int[] Ints(NpzMembers m, string name, long[] values, long low, long high, string what)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < low || values[i] >= high) throw m.Error(name, $"[{i}] is {values[i]}, not {what}.");
            result[i] = (int)values[i];
        }
        return result;
    }

    private static Standardization? ReadStandardization(NpzMembers m, string? kind, int D)
    {
        double[]? mean = m.Vector("mean", "μ, D numbers");
        double[]? scale = m.Vector("scale", "σ, D numbers");
        StandardizationKind k = StandardizationKind.ZScore;
        if (kind is not null && !Names.TryParse(kind, out k))
            throw m.Error("standardize", $"is '{kind}'; it must be {Names.Choices<StandardizationKind>()}.");
        if (mean is null && scale is null) return null;
        if (mean is null || scale is null) throw m.Error(mean is null ? "mean" : "scale",
            "is missing; mean and scale come together.");
        if (mean.Length != D || scale.Length != D) throw m.Error(mean.Length != D ? "mean" : "scale",
            $"has {(mean.Length != D ? mean.Length : scale.Length)} numbers; D = {D}.");
        if (k == StandardizationKind.None) return Standardization.None(D);
        if (scale.Any(s => !(s > 0))) throw m.Error("scale", "holds a value ≤ 0; every scale must be positive.");
        return Standardization.FromValues(mean, scale);
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^step([0-9]+)/")]
    private static partial Regex StepName();
}
