using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// The batches of consecutive training steps exactly as <see cref="Trainer.Train"/> forms them.
/// Full batch (size 0, or a size of at least N): every step uses rows 0..N−1 in order. Mini-batch
/// (0 &lt; size &lt; N): one order starts as 0..N−1; at the start of each epoch it is shuffled in place
/// (<see cref="SplitMix64.Shuffle"/>, Fisher–Yates) by the <see cref="RandomStream.Shuffle"/> stream of the
/// seed, continuing from the previous epoch's order; the epoch's steps take consecutive slices of
/// that order, the last one shorter when the size does not divide N.
/// </summary>
public static class TraceSchedule
{
    /// <summary>The row indices of each of the first <paramref name="steps"/> steps.</summary>
    /// <param name="N">Training rows.</param>
    /// <param name="batchSize">0 for full batch, else the mini-batch size.</param>
    /// <param name="seed">The seed whose shuffle stream orders the mini-batches.</param>
    /// <param name="steps">Number of steps (updates).</param>
    public static IReadOnlyList<int[]> Batches(int N, int batchSize, ulong seed, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        var result = new List<int[]>(steps);
        int[] order = Enumerable.Range(0, N).ToArray();
        if (batchSize == 0 || batchSize >= N)
        {
            for (int k = 0; k < steps; k++) result.Add((int[])order.Clone());
            return result;
        }
        var shuffle = SplitMix64.Stream(seed, RandomStream.Shuffle);
        while (true)
        {
            shuffle.Shuffle(order);
            for (int start = 0; start < N; start += batchSize)
            {
                result.Add(order.AsSpan(start, Math.Min(batchSize, N - start)).ToArray());
                if (result.Count == steps) return result;
            }
        }
    }

    /// <summary>The 1-based epoch of step <paramref name="step"/> (1-based).</summary>
    public static int EpochOf(int step, int N, int batchSize) =>
        batchSize == 0 || batchSize >= N ? step : (step - 1) / ((N + batchSize - 1) / batchSize) + 1;
}
