using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// Weights to start from: A (H×D) and B (C×H) as rows, and a, b when biases are on. Comes from a
/// saved model or a plain weights file; a saved model also carries its standardization.
/// </summary>
/// <param name="A">H rows of D numbers.</param>
/// <param name="HiddenBias">a, H numbers, or null without biases.</param>
/// <param name="B">C rows of H numbers.</param>
/// <param name="OutputBias">b, C numbers, or null without biases.</param>
/// <param name="Standardization">The input transform the weights were trained with, or null to fit one.</param>
/// <param name="Activation">The activation the weights were trained with, or null when the file does not say.</param>
public sealed record InitialWeights(double[][] A, double[]? HiddenBias, double[][] B, double[]? OutputBias,
    Standardization? Standardization = null,
    Activation? Activation = null)
{
    /// <summary>The D feature names the columns of A belong to, or null when the file does not name them.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>The C class names the rows of B (and entries of b) belong to, or null when the file does not name
    /// them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// The options the weights were trained with, when they come from a saved model that records them. Only
    /// the weights carry over: an optimizer's state (velocity, Adam's moments and step count) is not saved,
    /// so training from these weights starts it at zero.
    /// </summary>
    public TrainingOptions? TrainedWith { get; init; }

    /// <summary>
    /// The optimizer state the run that made these weights had and a new run does not inherit: "adam's
    /// moments m, r and step count t" or "the velocity v of sgd with momentum 0.9", or null when it had none.
    /// </summary>
    public string? LostOptimizerState => TrainedWith switch
    {
        { Optimizer: Optimizer.Adam or Optimizer.AdamW } o =>
            $"{Names.Of(o.Optimizer)}'s moments m, r and step count t",
        { Optimizer: Optimizer.Nesterov } o => $"the velocity v of nesterov with momentum {o.Momentum}",
        { Momentum: > 0 } o => $"the velocity v of sgd with momentum {o.Momentum}",
        _ => null,
    };

    /// <summary>H, the number of rows of A.</summary>
    public int Hidden => A.Length;

    /// <summary>
    /// The weights arranged for data with these feature and class names. When the file names its
    /// features, the columns of A (and the standardization's entries) are reordered to the data's
    /// column order; when it names its classes, the rows of B and entries of b are reordered to the
    /// data's class order. A file without names is taken in order (its shapes are checked by
    /// <see cref="Validate"/>).
    /// </summary>
    /// <exception cref="ModelFileException">The names are not the same set as the data's; the message lists
    /// both.</exception>
    public InitialWeights MatchNames(IReadOnlyList<string> features, IReadOnlyList<string> classes, string? file)
    {
        int[]? f = FeatureNames is null ? null : Permutation(FeatureNames, features, "features", "feature columns",
            file);
        int[]? c = ClassNames is null ? null : Permutation(ClassNames, classes, "classes", "classes", file);
        double[][] A2 = f is null ? A : A.Select(row => f.Select(i => row[i]).ToArray()).ToArray();
        double[][] B2 = c is null ? B : c.Select(i => B[i]).ToArray();
        double[]? b2 = c is null || OutputBias is null ? OutputBias : c.Select(i => OutputBias[i]).ToArray();
        Standardization? st = Standardization;
        if (f is not null && st is not null)
        {
            st = st.Enabled
                ? Standardization.FromValues(f.Select(i => st.Mean[i]).ToArray(), f.Select(i => st.Scale[i]).ToArray())
                : Standardization.None(f.Length);
        }
        return this with
        {
            A = A2,
            B = B2,
            OutputBias = b2,
            Standardization = st,
            FeatureNames = FeatureNames is null ? null : features.ToArray(),
            ClassNames = ClassNames is null ? null : classes.ToArray(),
        };
    }

    // For each wanted name, its index among the file's names.
    private static int[] Permutation(IReadOnlyList<string> have, IReadOnlyList<string> want, string field, string what,
        string? file)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < have.Count; i++) index[have[i]] = i;
        var result = new int[want.Count];
        bool same = have.Count == want.Count;
        for (int i = 0; same && i < want.Count; i++) same = index.TryGetValue(want[i], out result[i]);
        if (!same)
            throw new ModelFileException(file,
                $"{field}: the weights are for the {what} {List(have)}, but the data has {List(want)}; "
                + "weights are matched by name, so use data with the same names (in any order) or start from fresh " +
                    "weights.");
        return result;
    }

    private static string List(IReadOnlyList<string> names) => "(" + string.Join(", ",
        names.Select(n => $"'{n}'")) + ")";

    /// <summary>Checks the shapes against D, C and the bias option; the message names the field and the fix.</summary>
    /// <exception cref="ModelFileException">A shape does not fit.</exception>
    public void Validate(int D, int C, bool bias, string? file)
    {
        int H = A.Length;
        if (H == 0) throw new ModelFileException(file, "\"A\" has no rows; it must have H rows of D numbers.");
        for (int i = 0; i < H; i++)
        {
            if (A[i].Length != D)
                throw new ModelFileException(file,
                    $"\"A\" row {i + 1} has {A[i].Length} numbers, but the data has D = {D} features.");
        }
        if (B.Length != C)
            throw new ModelFileException(file, $"\"B\" has {B.Length} rows, but the data has C = {C} classes.");
        for (int j = 0; j < C; j++)
        {
            if (B[j].Length != H)
                throw new ModelFileException(file,
                    $"\"B\" row {j + 1} has {B[j].Length} numbers, but \"A\" has H = {H} rows.");
        }
        if (bias)
        {
            if (HiddenBias is null || OutputBias is null)
                throw new ModelFileException(file,
                    "biases are on, so \"a\" (H numbers) and \"b\" (C numbers) are required; add them, or train " +
                    "without biases.");
            if (HiddenBias.Length != H) throw new ModelFileException(file,
                $"\"a\" has {HiddenBias.Length} numbers; it needs H = {H}.");
            if (OutputBias.Length != C) throw new ModelFileException(file,
                $"\"b\" has {OutputBias.Length} numbers; it needs C = {C}.");
        }
        else if (HiddenBias is not null || OutputBias is not null)
        {
            throw new ModelFileException(file,
                "biases are off, but the file has \"a\" or \"b\"; remove them, or train with biases.");
        }
        if (Standardization is not null && Standardization.Mean.Count != D)
            throw new ModelFileException(file,
                $"the standardization has {Standardization.Mean.Count} features; the data has {D}.");
    }
}
