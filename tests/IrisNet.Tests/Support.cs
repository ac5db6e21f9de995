using System.Reflection;
using IrisNet.Data;

namespace IrisNet.Tests;

/// <summary>Paths and data shared by the tests.</summary>
internal static class Repo
{
    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Root => Path.GetFullPath(Metadata("RepoRoot"));

    public static string CliPath => Path.GetFullPath(Metadata("CliPath"));

    public static string IrisCsv => Path.Combine(Root, "data", "iris.csv");

    public static Dataset Iris() => CsvLoader.LoadLabelled(IrisCsv);
}

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

/// <summary>
/// An independent implementation of the network's loss and gradient, written from the derivation
/// one sample at a time in sample-major order, sharing no code with src/. With
/// <c>diagonalOnly</c> it makes the mistake the second reference document asks about: it keeps only
/// the diagonal ŷ_r(1 − ŷ_r) of the softmax Jacobian, so ∂L/∂s_r = −y_r(1 − ŷ_r).
/// </summary>
internal sealed class ReferenceNet(int D, int H, int C, bool bias, Activation f)
{
    public double[] A = new double[H * D], a = new double[bias ? H : 0], B = new double[C * H], b = new double[bias ? C : 0];
    public double[] dA = new double[H * D], da = new double[bias ? H : 0], dB = new double[C * H], db = new double[bias ? C : 0];
    public bool DiagonalOnly { get; init; }

    private double F(double z) => f switch { Activation.Tanh => Math.Tanh(z), Activation.Relu => Math.Max(0, z), _ => z };

    private double FPrime(double z) => f switch { Activation.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z), Activation.Relu => z > 0 ? 1 : 0, _ => 1 };

    /// <summary>Mean cross-entropy over the rows; fills dA, da, dB, db when <paramref name="gradient"/> is set.</summary>
    public double Loss(double[][] X, int[] labels, bool gradient)
    {
        if (gradient)
        {
            Array.Clear(dA); Array.Clear(da); Array.Clear(dB); Array.Clear(db);
        }
        int N = X.Length;
        double total = 0;
        for (int n = 0; n < N; n++)
        {
            double[] x = X[n];
            var z = new double[H];
            var h = new double[H];
            for (int i = 0; i < H; i++)
            {
                z[i] = bias ? a[i] : 0;
                for (int d = 0; d < D; d++) z[i] += A[i * D + d] * x[d];
                h[i] = F(z[i]);
            }
            var s = new double[C];
            for (int j = 0; j < C; j++)
            {
                s[j] = bias ? b[j] : 0;
                for (int i = 0; i < H; i++) s[j] += B[j * H + i] * h[i];
            }
            double max = s.Max();
            double sumExp = s.Sum(v => Math.Exp(v - max));
            var yhat = s.Select(v => Math.Exp(v - max) / sumExp).ToArray();
            total += max + Math.Log(sumExp) - s[labels[n]];
            if (!gradient) continue;
            var gs = new double[C];
            for (int j = 0; j < C; j++)
            {
                double y = j == labels[n] ? 1 : 0;
                gs[j] = DiagonalOnly ? -y * (1 - yhat[j]) : yhat[j] - y;
            }
            for (int j = 0; j < C; j++)
            {
                for (int i = 0; i < H; i++) dB[j * H + i] += gs[j] * h[i] / N;
                if (bias) db[j] += gs[j] / N;
            }
            for (int i = 0; i < H; i++)
            {
                double gh = 0;
                for (int j = 0; j < C; j++) gh += gs[j] * B[j * H + i];
                double gz = gh * FPrime(z[i]);
                for (int d = 0; d < D; d++) dA[i * D + d] += gz * x[d] / N;
                if (bias) da[i] += gz / N;
            }
        }
        return total / N;
    }

    public List<ParameterTensor> Tensors()
    {
        var list = new List<ParameterTensor> { new("A", A, dA) };
        if (bias) list.Add(new("a", a, da));
        list.Add(new("B", B, dB));
        if (bias) list.Add(new("b", b, db));
        return list;
    }
}
