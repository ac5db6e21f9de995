using IrisNet.Training;

namespace IrisNet.Data;

/// <summary>
/// How a model's data was split into training and test rows, as recorded in model.json's "split"
/// block: <see cref="Dataset.SplitStratified(double, ulong)"/> with this seed and fraction rebuilds both sets exactly.
/// </summary>
/// <param name="Method">The split method.</param>
/// <param name="Seed">The seed of the split's random stream.</param>
/// <param name="TestFraction">The fraction of each class held out.</param>
public sealed record DataSplit(SplitMethod Method, ulong Seed, double TestFraction)
{
    /// <summary>The split <see cref="Trainer"/> makes for <paramref name="o"/>.</summary>
    public static DataSplit Of(TrainingOptions o) => new(SplitMethod.Stratified, o.Seed, o.TestFraction);

    /// <summary>The training and test rows of <paramref name="data"/>, rebuilt exactly as training made them.</summary>
    public (Dataset Train, Dataset? Test) Apply(Dataset data) => data.SplitStratified(TestFraction, Seed);
}
