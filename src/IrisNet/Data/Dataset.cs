using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Data;

/// <summary>
/// Labelled data as plain arrays: N rows of D finite features and a class index per row. The core
/// library never reads files; an edge (IrisNet.Data) parses CSV into this shape.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a dataset after checking that every row has D finite values and every label names a
    /// class.</summary>
    /// <param name="featureNames">The D feature names, in column order.</param>
    /// <param name="classNames">The C class names; label k means <c>classNames[k]</c>.</param>
    /// <param name="features">N rows of D values each.</param>
    /// <param name="labels">N class indices in [0, C).</param>
    /// <param name="labelName">The name of the label column.</param>
    /// <param name="source">Where the data came from (a file path), for messages.</param>
    public Dataset(IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, double[][] features,
        int[] labels,
        string labelName = "label", string? source = null)
    {
        if (features.Length != labels.Length)
            throw new DataException(source, 0, 0, $"{features.Length} feature rows but {labels.Length} labels.");
        if (featureNames.Count == 0) throw new DataException(source, 0, 0, "there are no feature columns.");
        if (classNames.Count == 0) throw new DataException(source, 0, 0, "there are no classes.");
        for (int n = 0; n < features.Length; n++)
        {
            if (features[n].Length != featureNames.Count)
                throw new DataException(source, 0, 0,
                    $"row {n + 1} has {features[n].Length} features, expected {featureNames.Count}.");
            for (int d = 0; d < features[n].Length; d++)
            {
                if (!double.IsFinite(features[n][d]))
                    throw new DataException(source, 0, 0,
                        $"row {n + 1}, feature '{featureNames[d]}' is {features[n][d]}; every feature must be a " +
                        $"finite number.");
            }
            if ((uint)labels[n] >= (uint)classNames.Count)
                throw new DataException(source, 0, 0,
                    $"row {n + 1} has label index {labels[n]}, but there are {classNames.Count} classes.");
        }
        FeatureNames = featureNames.ToArray();
        ClassNames = classNames.ToArray();
        Features = features;
        Labels = labels;
        LabelName = labelName;
        Source = source;
    }

    /// <summary>The D feature names.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The C class names.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>N rows of D features.</summary>
    public double[][] Features { get; }

    /// <summary>N class indices.</summary>
    public int[] Labels { get; }

    /// <summary>The label column's name.</summary>
    public string LabelName { get; }

    /// <summary>Where the data came from, or null.</summary>
    public string? Source { get; }

    /// <summary>N, the number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>D, the number of features.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>C, the number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The rows at <paramref name="indices"/>, in that order, with the same names and classes.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        var rows = new double[indices.Count][];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            rows[i] = Features[indices[i]];
            labels[i] = Labels[indices[i]];
        }
        return new Dataset(FeatureNames, ClassNames, rows, labels, LabelName, Source);
    }

    /// <summary>
    /// Stratified split: within each class (in class order) the row indices are shuffled with the
    /// <see cref="RandomStream.Split"/> stream of <paramref name="seed"/>, and the first
    /// round(n_c · fraction) go to the test set. Both sets keep the original row order.
    /// A fraction of 0 returns every row for training and no test set.
    /// </summary>
    /// <exception cref="OptionException">The fraction is outside [0, 1).</exception>
    /// <exception cref="DataException">A class is too small to appear on both sides.</exception>
    public (Dataset Train, Dataset? Test) SplitStratified(double testFraction, ulong seed) =>
        SplitStratified(testFraction, seed, RandomStream.Split, nameof(TrainingOptions.TestFraction), "test");

    /// <summary>
    /// The same stratified split drawn from the <paramref name="stream"/> stream of the seed; errors name
    /// the <see cref="TrainingOptions"/> property <paramref name="option"/> and call the held-out part <paramref
    /// name="heldOut"/>.
    /// </summary>
    internal (Dataset Kept, Dataset? HeldOut) SplitStratified(double fraction, ulong seed, RandomStream stream,
        string option, string heldOut)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new OptionException(option,
                $"{fraction} is outside [0, 1); use for example 0.2, or 0 " +
                $"{(heldOut == "test" ? "to train on every row" : $"for no {heldOut} set")}.");
        if (fraction == 0) return (this, null);
        var rng = SplitMix64.Stream(seed, stream);
        var isHeldOut = new bool[Count];
        for (int c = 0; c < ClassCount; c++)
        {
            int[] members = Enumerable.Range(0, Count).Where(n => Labels[n] == c).ToArray();
            int take = (int)Math.Round(members.Length * fraction, MidpointRounding.AwayFromZero);
            if (members.Length > 0 && (take == 0 || take == members.Length))
            {
                throw new DataException(Source, 0, 0,
                    $"class '{ClassNames[c]}' has {members.Length} " +
                        $"row(s){(heldOut == "test" ? "" : " left for training")}: too few for a stratified split " +
                        $"with a {heldOut} fraction of {fraction} to put it in both the training and the {heldOut} " +
                        $"set. Add rows, change the {heldOut} fraction, or set it to 0.");
            }
            rng.Shuffle(members);
            for (int i = 0; i < take; i++) isHeldOut[members[i]] = true;
        }
        var kept = Enumerable.Range(0, Count).Where(n => !isHeldOut[n]).ToArray();
        var held = Enumerable.Range(0, Count).Where(n => isHeldOut[n]).ToArray();
        return (Subset(kept), Subset(held));
    }
}
