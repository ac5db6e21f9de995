using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using IrisNet.Reference;

namespace IrisNet.Bench;

/// <summary>
/// The Iris epoch with each activation measured in turn in one process, round after round: the epochs of
/// <see cref="TensorPrimitivesEpoch{T}.IrisNet"/> (N = 120, H = 16, the same set-up) with the identity, tanh and
/// ReLU, a short slice of each per round. The target "tanh ≤ 1.5× the identity epoch" is a ratio of two
/// times; taken from two BenchmarkDotNet processes, seconds or minutes apart, it also divides whatever the
/// host took from one of them (on the project's machine the identity epoch's mean moved by 20 % between two
/// runs of the suite an hour apart). Interleaved in slices of about 2 ms, both see the same machine. Each
/// round also runs <see cref="Roofline"/>'s FMA loop once, so the identity epoch's "× roofline" (the time
/// over FLOP / peak) is a ratio of two times measured together too, and a slice of the same identity epoch
/// through the scalar reference kernels (<see cref="IrisEpoch{T}.Scalar"/>), for the vector-against-scalar target.
/// </summary>
public sealed record ActivationCheck(int Rounds, DateTime Utc, IReadOnlyList<ActivationCase> Cases, double PeakFloat,
    double PeakDouble,
    IReadOnlyList<ScalarCase> Scalars)
{
    /// <summary>The file's name in the results folder; the report looks for the same name.</summary>
    public const string FileName = "activation-check.json";

    /// <summary>Epochs per slice: about 2 ms of float32 identity epochs, 5 ms of float64 tanh ones.</summary>
    public const int EpochsPerSlice = 1000;

    /// <summary>Scalar epochs per slice: about 1.5 ms (a scalar Iris epoch takes 20–50 µs).</summary>
    public const int ScalarEpochsPerSlice = 50;

    public static readonly Activation[] Activations = [Activation.Identity, Activation.Tanh, Activation.Relu];

    /// <summary>Measures both precisions with <paramref name="rounds"/> rounds each.</summary>
    public static ActivationCheck Measure(int rounds)
    {
        var (f, peakFloat, sf) = Precision<float>(rounds, "float32");
        var (d, peakDouble, sd) = Precision<double>(rounds, "float64");
        return new(rounds, DateTime.UtcNow, [.. f, .. d], peakFloat, peakDouble, [sf, sd]);
    }

    /// <summary>FLOP of one Iris epoch as the roofline counts them: 2·N·H·(2·D + 3·C) with N = 120, H = 16, D = 4, C =
    /// 3.</summary>
    public const double EpochFlop = 2.0 * 120 * 16 * (2 * 4 + 3 * 3);

    private static (List<ActivationCase> Cases, double Peak, ScalarCase Scalar) Precision<T>(int rounds,
        string precision)
        where T : unmanaged, IFloatingPointIeee754<T>, IRootFunctions<T>, IExponentialFunctions<T>,
            ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
    {
        var epochs = Activations.Select(a =>
        {
            var e = new TensorPrimitivesEpoch<T> { Activation = a };
            e.Setup();
            return e;
        }).ToArray();
        var scalar = new IrisEpoch<T> { H = 16 };
        scalar.Setup();
        // One slice: count epochs in a row, ns per epoch (the delegate is the same kind of call for every epoch timed).
        double Time(Func<double> epoch, int count)
        {
            long t0 = Stopwatch.GetTimestamp();
            double sink = 0;
            for (int k = 0; k < count; k++) sink += epoch();
            double ns = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / count;
            Sink += sink;
            return ns;
        }
        Func<double>[] vector = [.. epochs.Select(e => (Func<double>)e.IrisNet)];
        Func<double> scalarEpoch = scalar.Scalar;
        double Slice(int a) => Time(vector[a], EpochsPerSlice);
        double ScalarSlice() => Time(scalarEpoch, ScalarEpochsPerSlice);
        // The FMA loop in this precision, GFLOP/s (FLOP per ns).
        bool isFloat = typeof(T) == typeof(float);
        double Fma()
        {
            long t0 = Stopwatch.GetTimestamp();
            Sink += isFloat ? Roofline.PeakFloat(Roofline.Iterations) : Roofline.PeakDouble(Roofline.Iterations);
            return (isFloat ? Roofline.FlopFloat : Roofline.FlopDouble) / Stopwatch.GetElapsedTime(t0).TotalNanoseconds;
        }
        // Warm-up: the JIT's final code for every activation's kernels and the FMA loop before the first measured
        // round.
        for (int w = 0; w < 20; w++)
        {
            for (int a = 0; a < Activations.Length; a++) Slice(a);
            ScalarSlice();
            Fma();
        }
        var each = new double[Activations.Length][];
        for (int a = 0; a < Activations.Length; a++) each[a] = new double[rounds];
        var scalarEach = new double[rounds];
        double peak = 0;
        for (int r = 0; r < rounds; r++)
        {
            peak = Math.Max(peak, Fma());
            for (int a = 0; a < Activations.Length; a++) each[a][r] = Slice(a);
            scalarEach[r] = ScalarSlice();
        }
        scalar.Cleanup();
        var cases = new List<ActivationCase>();
        for (int a = 0; a < Activations.Length; a++)
        {
            double median = CheckFile.Median(Enumerable.Range(0, rounds).Select(r => each[a][r] / each[0][r]));
            cases.Add(new ActivationCase(precision, Activations[a], each[a].Min(), each[a].Min() / each[0].Min(),
                median, each[a]));
        }
        var scalarCase = new ScalarCase(precision, scalarEach.Min(), scalarEach.Min() / each[0].Min(),
            CheckFile.Median(Enumerable.Range(0, rounds).Select(r => scalarEach[r] / each[0][r])));
        return (cases, peak, scalarCase);
    }

    /// <summary>What the epochs returned, kept where the JIT cannot see it unused.</summary>
    public static double Sink { get; private set; }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{Rounds} interleaved rounds of {EpochsPerSlice} Iris epochs (N = 120, H = 16) per activation and the " +
                $"FMA loop; ÷ identity: fastest slice over the identity's fastest, and the median over rounds of the " +
                $"ratio in the same round"));
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA loop, fastest: {PeakFloat:F1} GFLOP/s float32, {PeakDouble:F1} float64; identity epoch × roofline: " +
                $"{RooflineRatio("float32"):F2} float32, {RooflineRatio("float64"):F2} float64"));
        sb.AppendLine("precision  activation  fastest µs  ÷ identity  median ÷ identity");
        foreach (ActivationCase c in Cases)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Precision,-9}  {c.Activation,-10}  {c.FastestNs / 1000,10:F3}  {c.PerIdentity,10:F3}  " +
                $"{c.MedianPerIdentity,17:F3}"));
        foreach (ScalarCase c in Scalars)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Precision}: scalar identity epoch {c.FastestNs / 1000:F3} µs, {c.Speedup:F1}× the vector one " +
                    $"(median per round {c.MedianSpeedup:F1}×)"));
        return sb.ToString().TrimEnd();
    }

    /// <summary>The identity epoch's fastest time over its FLOP at the FMA loop's fastest rate in the same
    /// rounds.</summary>
    public double RooflineRatio(string precision) =>
        Cases.Single(c => c.Precision == precision && c.Activation == Activation.Identity).FastestNs / (EpochFlop
            / (precision == "float32" ? PeakFloat : PeakDouble));

    /// <summary>Writes the JSON file the report reads (names in snake case, times in µs).</summary>
    public void Write(string path) => CheckFile.Write(path, Rounds, Utc, json =>
    {
        json.WriteNumber("epochs_per_slice", EpochsPerSlice);
        json.WriteStartObject("fma_peak_gflops");
        json.WriteNumber("float32", PeakFloat);
        json.WriteNumber("float64", PeakDouble);
        json.WriteEndObject();
        json.WriteStartObject("identity_roofline_ratio");
        json.WriteNumber("float32", RooflineRatio("float32"));
        json.WriteNumber("float64", RooflineRatio("float64"));
        json.WriteEndObject();
        json.WriteStartArray("cases");
        foreach (ActivationCase c in Cases)
        {
            json.WriteStartObject();
            json.WriteString("precision", c.Precision);
            json.WriteString("activation", c.Activation.ToString());
            json.WriteNumber("fastest_epoch_us", c.FastestNs / 1000);
            json.WriteNumber("per_identity", c.PerIdentity);
            json.WriteNumber("median_per_identity", c.MedianPerIdentity);
            json.WritePropertyName("epoch_us_per_round");
            json.WriteRawValue($"[{string.Join(", ", c.Each.Select(v => Math.Round(v / 1000, 4, MidpointRounding.AwayFromZero).ToString("R", CultureInfo.InvariantCulture)))}]");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("scalar_identity");
        foreach (ScalarCase c in Scalars)
        {
            json.WriteStartObject();
            json.WriteString("precision", c.Precision);
            json.WriteNumber("fastest_epoch_us", c.FastestNs / 1000);
            json.WriteNumber("vector_speedup", c.Speedup);
            json.WriteNumber("median_vector_speedup", c.MedianSpeedup);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });
}

/// <summary>The scalar reference kernels' identity epoch in <see cref="ActivationCheck"/>: its fastest slice's time per
/// epoch, how many times the vector identity epoch's fastest that is, and the median over rounds of the same-round
/// ratio.</summary>
public sealed record ScalarCase(string Precision, double FastestNs, double Speedup, double MedianSpeedup);

/// <summary>One precision and activation of <see cref="ActivationCheck"/>: the fastest slice's time per epoch, its
/// ratio to the identity's fastest, the median over rounds of the same-round ratio, and every round's time.</summary>
public sealed record ActivationCase(string Precision, Activation Activation, double FastestNs, double PerIdentity,
    double MedianPerIdentity, double[] Each);
