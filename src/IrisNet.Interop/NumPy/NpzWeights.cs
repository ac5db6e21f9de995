using System.Reflection;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Interop.NumPy;

/// <summary>
/// Weights as NumPy arrays: what <c>irisnet export --format npz</c> writes, and what <c>--init</c>
/// reads from an .npz. The arrays (docs/check-your-implementation.md, "Weights as NumPy arrays"):
/// <list type="bullet">
/// <item><c>A</c> (H×D), <c>B</c> (C×H) and, with biases, <c>a</c> (H) and <c>b</c> (C), as in
/// docs/derivation.md;</item>
/// <item>or a PyTorch <c>nn.Sequential(nn.Linear(D, H), activation, nn.Linear(H, C))</c> state dict saved
/// through numpy: <c>0.weight</c> = A, <c>0.bias</c> = a, <c>2.weight</c> = B, <c>2.bias</c> = b (Linear keeps
/// its weight as out×in, which is A's and B's shape), or the same with <c>fc1.</c> and <c>fc2.</c>;</item>
/// <item>optionally <c>features</c> (D names) and <c>classes</c> (C names), matched by name against the data;</item>
/// <item>from an export also <c>mean</c> and <c>scale</c> (μ and σ, D each), <c>standardize</c> ('zscore' or 'none'),
/// <c>activation</c>, <c>label</c>, <c>precision</c> and <c>irisnet_version</c>.</item>
/// </list>
/// </summary>
public static class NpzWeights
{
    private static readonly (string Prefix1, string Prefix2)[] TorchNames = [("0.", "2."), ("fc1.", "fc2.")];

    /// <summary>The arrays of <c>irisnet export --format npz</c>: the weights in <paramref name="dtype"/>, the
    /// standardization in float64 (as IrisNet applies it), the names and the settings.</summary>
    public static IReadOnlyList<KeyValuePair<string, NpyArray>> FromModel(Model model, Precision dtype)
    {
        NetworkShape s = model.Shape;
        NpyArray Weights(double[] values, params int[] shape) =>
            dtype == Precision.Float32 ? NpyArray.Float32(values, shape) : NpyArray.Float64(values, shape);
        var arrays = new List<KeyValuePair<string, NpyArray>> { new("A", Weights(model.A, s.H, s.D)) };
        if (s.Bias) arrays.Add(new("a", Weights(model.HiddenBias, s.H)));
        arrays.Add(new("B", Weights(model.B, s.C, s.H)));
        if (s.Bias) arrays.Add(new("b", Weights(model.OutputBias, s.C)));
        arrays.Add(new("mean", NpyArray.Float64([.. model.Standardization.Mean], s.D)));
        arrays.Add(new("scale", NpyArray.Float64([.. model.Standardization.Scale], s.D)));
        arrays.Add(new("standardize", NpyArray.Scalar(Names.Of(model.Standardization.Enabled
            ? StandardizationKind.ZScore : StandardizationKind.None))));
        arrays.Add(new("activation", NpyArray.Scalar(Names.Of(s.Activation))));
        arrays.Add(new("features", NpyArray.Unicode([.. model.FeatureNames], s.D)));
        arrays.Add(new("classes", NpyArray.Unicode([.. model.ClassNames], s.C)));
        arrays.Add(new("label", NpyArray.Scalar(model.LabelName)));
        arrays.Add(new("precision", NpyArray.Scalar(Names.Of(model.Precision))));
        arrays.Add(new("irisnet_version", NpyArray.Scalar(Version)));
        return arrays;
    }

    /// <summary>This library's version, as the metadata of exported files records it.</summary>
    public static string Version =>
        typeof(NpzWeights).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    /// <summary>Reads starting weights from an .npz file (IrisNet's names or a PyTorch state dict's).</summary>
    /// <exception cref="NumPyFileException">The file is not a readable .npz.</exception>
    /// <exception cref="ModelFileException">An array is missing, of the wrong shape or kind, or not one of the names
    /// above.</exception>
    public static InitialWeights Load(string path) => Parse(NpzArchive.Read(path), path);

    /// <summary>Reads starting weights from arrays already read; <paramref name="file"/> names them in
    /// messages.</summary>
    /// <exception cref="ModelFileException">See <see cref="Load"/>.</exception>
    public static InitialWeights Parse(IReadOnlyDictionary<string, NpyArray> arrays, string? file)
    {
        var m = new NpzMembers(arrays, (name, message) => new ModelFileException(file, $"{name}: {message}"));
        var (nA, na, nB, nb) = WeightNames(m, file);
        double[][] A = m.Matrix(nA, "A, H rows of D numbers");
        int H = A.Length, D = A[0].Length;
        double[][] B = m.Matrix(nB, "B, C rows of H numbers");
        int C = B.Length;
        if (B[0].Length != H) throw m.Error(nB, $"has {B[0].Length} columns, but {nA} has H = {H} rows; B is C×H.");
        double[]? a = m.Vector(na, "a, H numbers");
        double[]? b = m.Vector(nb, "b, C numbers");
        if ((a is null) != (b is null))
            throw m.Error(a is null ? na : nb,
                $"is missing; with biases both {na} and {nb} are needed (without biases, neither).");
        if (a is not null && a.Length != H) throw m.Error(na,
            $"has {a.Length} numbers; it needs H = {H} (the rows of {nA}).");
        if (b is not null && b.Length != C) throw m.Error(nb,
            $"has {b.Length} numbers; it needs C = {C} (the rows of {nB}).");
        string[]? features = m.NameList("features", D, "D");
        string[]? classes = m.NameList("classes", C, "C");
        Standardization? st = ReadStandardization(m, D);
        Activation? f = null;
        if (m.Text("activation") is string name)
            f = Names.TryParse(name, out Activation act) ? act
                : throw m.Error("activation", $"is '{name}'; it must be {Names.Choices<Activation>()}.");
        m.Text("label");
        m.Text("precision");
        m.Text("irisnet_version");
        m.RefuseOthers($"the weights are {nA}, {nB} (and {na}, {nb} with biases), optionally with features, classes, "
            + $"mean, scale, standardize, activation, label, precision and irisnet_version");
        return new InitialWeights(A, a, B, b, st, f) { FeatureNames = features, ClassNames = classes };
    }

    /// <summary>Which naming the archive uses: IrisNet's A, a, B, b or one of the PyTorch state dicts'.</summary>
    private static (string A, string a, string B, string b) WeightNames(NpzMembers m, string? file)
    {
        var found = new List<(string, string, string, string)>();
        if (m.Has("A") || m.Has("B") || m.Has("a") || m.Has("b")) found.Add(("A", "a", "B", "b"));
        foreach (var (p1, p2) in TorchNames)
        {
            if (m.Names.Any(n => n.StartsWith(p1, StringComparison.Ordinal)
                || n.StartsWith(p2, StringComparison.Ordinal)))
                found.Add((p1 + "weight", p1 + "bias", p2 + "weight", p2 + "bias"));
        }
        if (found.Count > 1)
            throw new ModelFileException(file,
                $"mixes two namings of the weights "
                + $"({string.Join(" and ", found.Select(f => $"{f.Item1}, {f.Item3}"))}); save one of them.");
        if (found.Count == 0)
            throw new ModelFileException(file,
                "holds no weights: an .npz for --init needs A (H×D) and B (C×H), with a and b for biases, or a "
                + "PyTorch nn.Sequential(Linear, activation, Linear) state dict (0.weight, 0.bias, 2.weight, 2.bias, "
                + "or fc1.*, fc2.*).");
        return found[0];
    }

    private static Standardization? ReadStandardization(NpzMembers m, int D)
    {
        double[]? mean = m.Vector("mean", "μ, D numbers");
        double[]? scale = m.Vector("scale", "σ, D numbers");
        string? kind = m.Text("standardize");
        if (mean is null && scale is null)
        {
            if (kind is not null) throw m.Error("standardize",
                "is given without mean and scale; give all three or none.");
            return null;
        }
        if (mean is null || scale is null) throw m.Error(mean is null ? "mean" : "scale",
            "is missing; mean and scale come together.");
        if (mean.Length != D) throw m.Error("mean", $"has {mean.Length} numbers; D = {D}.");
        if (scale.Length != D) throw m.Error("scale", $"has {scale.Length} numbers; D = {D}.");
        StandardizationKind k = StandardizationKind.ZScore;
        if (kind is not null && !Names.TryParse(kind, out k))
            throw m.Error("standardize", $"is '{kind}'; it must be {Names.Choices<StandardizationKind>()}.");
        if (k == StandardizationKind.None) return Standardization.None(D);
        for (int d = 0; d < D; d++)
        {
            if (!(scale[d] > 0)) throw m.Error("scale", $"holds {scale[d]} at [{d}]; every scale must be positive.");
        }
        return Standardization.FromValues(mean, scale);
    }
}
