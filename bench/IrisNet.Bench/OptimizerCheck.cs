using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using IrisNet.Training;

namespace IrisNet.Bench;

/// <summary>
/// The Iris epoch with each optimizer's step (<see cref="OptimizerEpoch{T}"/>) measured in turn in one process,
/// round after round, in slices of <see cref="EpochsPerSlice"/> epochs: the target "an Adam epoch costs at most
/// 1.3× an SGD epoch" is a ratio of two times, and interleaved slices see the same machine. Reports, per
/// optimizer, the fastest slice over SGD's fastest and the median and quartiles over rounds of the ratio to the
/// SGD slice of the same round.
/// </summary>
public static class OptimizerCheck
{
    /// <summary>Epochs per slice: about 3–5 ms.</summary>
    public const int EpochsPerSlice = 1000;

    private static readonly Optimizer[] Optimizers = [Optimizer.Sgd, Optimizer.Nesterov, Optimizer.Adam,
        Optimizer.AdamW];

    public static string Run(int rounds)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{rounds} interleaved rounds of {EpochsPerSlice} Iris epochs (N = 120, H = 16, full batch) per " +
                $"optimizer; ÷ sgd: fastest slice over sgd's fastest, and the median [quartiles] over rounds of the " +
                $"ratio in the same round"));
        sb.AppendLine("precision  optimizer  fastest µs  ÷ sgd   median ÷ sgd [q1, q3]");
        Precision<double>(rounds, "float64", sb);
        Precision<float>(rounds, "float32", sb);
        return sb.ToString();
    }

    private static void Precision<T>(int rounds, string precision, StringBuilder sb) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        var epochs = Optimizers.Select(o =>
        {
            var e = new OptimizerEpoch<T> { Optimizer = o };
            e.Setup();
            return e;
        }).ToArray();
        double Slice(OptimizerEpoch<T> e)
        {
            long t0 = Stopwatch.GetTimestamp();
            double sink = 0;
            for (int k = 0; k < EpochsPerSlice; k++) sink += e.Epoch();
            double ns = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / EpochsPerSlice;
            Sink += sink;
            return ns;
        }
        for (int w = 0; w < 20; w++)
            foreach (var e in epochs) Slice(e);
        var each = Optimizers.Select(_ => new double[rounds]).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int o = 0; o < epochs.Length; o++) each[o][r] = Slice(epochs[o]);
        foreach (var e in epochs) e.Cleanup();
        for (int o = 0; o < epochs.Length; o++)
        {
            double[] ratio = [.. Enumerable.Range(0, rounds).Select(r => each[o][r] / each[0][r]).Order()];
            double Q(double p) => ratio[(int)Math.Round(p * (ratio.Length - 1))];
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{precision,-9}  {Optimizers[o],-9}  {each[o].Min() / 1000,10:F3}  " +
                    $"{each[o].Min() / each[0].Min(),6:F3}  {Q(0.5),6:F3} [{Q(0.25):F3}, {Q(0.75):F3}]"));
        }
    }

    /// <summary>What the epochs returned, kept where the JIT cannot see it unused.</summary>
    public static double Sink { get; private set; }
}
