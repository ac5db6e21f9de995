namespace IrisNet.Scoring;

/// <summary>A per-epoch curve across folds: the mean and the smallest and largest value at each epoch (index 0 is epoch 1).</summary>
/// <param name="Mean">Arithmetic mean over the folds, summed in fold order.</param>
/// <param name="Min">Smallest value over the folds.</param>
/// <param name="Max">Largest value over the folds.</param>
public sealed record CurveBand(double[] Mean, double[] Min, double[] Max);
