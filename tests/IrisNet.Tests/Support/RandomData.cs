namespace IrisNet.Tests;

/// <summary>Random labelled data with a fixed seed; every class present when N ≥ C.</summary>
internal static class RandomData
{
    public static Dataset Make(int N, int D, int C, int seed)
    {
        var rng = new Random(seed);
        var rows = new double[N][];
        var labels = new int[N];
        for (int n = 0; n < N; n++)
        {
            labels[n] = n < C ? n : rng.Next(C);
            rows[n] = new double[D];
            for (int d = 0; d < D; d++) rows[n][d] = rng.NextDouble() * 4 - 2 + labels[n] * 0.5;
        }
        return new Dataset(
            Enumerable.Range(0, D).Select(d => $"f{d}").ToArray(),
            Enumerable.Range(0, C).Select(c => $"c{c}").ToArray(), rows, labels);
    }

    public static double[] Vector(int length, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
    }
}
