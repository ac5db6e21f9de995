namespace IrisNet.Scoring;

/// <summary>
/// A per-epoch curve across folds, in bounded memory: the epochs are grouped into at most
/// <see cref="CurveBand.Capacity"/> buckets of <see cref="Width"/> consecutive epochs (the last one
/// shorter), so a run of up to <see cref="CurveBand.Capacity"/> epochs keeps every epoch (width 1).
/// Index i is the bucket of epochs i·Width + 1 … min((i + 1)·Width, E).
/// </summary>
/// <param name="Width">Epochs per bucket.</param>
/// <param name="Epoch">The middle of each bucket's epochs (the epoch itself at width 1).</param>
/// <param name="Mean">The mean over the folds and over the bucket's epochs (summed in fold order, then epoch
/// order).</param>
/// <param name="Min">The smallest value of any fold at any of the bucket's epochs.</param>
/// <param name="Max">The largest value of any fold at any of the bucket's epochs.</param>
public sealed record CurveBand(int Width, double[] Epoch, double[] Mean, double[] Min, double[] Max)
{
    /// <summary>The most buckets a band keeps: more than two per pixel column of a 900-pixel-wide plot.</summary>
    public const int Capacity = 2048;

    /// <summary>The bucket width for a run of <paramref name="epochs"/> epochs: ⌈E / <see cref="Capacity"/>⌉.</summary>
    public static int WidthFor(int epochs) => Math.Max(1, (epochs + Capacity - 1) / Capacity);
}
