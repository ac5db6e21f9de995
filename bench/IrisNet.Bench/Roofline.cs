using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace IrisNet.Bench;

/// <summary>
/// The machine's arithmetic limit for one thread: a loop of 256-bit fused multiply-adds on 12
/// independent accumulators (more than latency × throughput = 4 × 2 on Zen 4), so the FMA pipes,
/// not the dependency chains, bound it. Each iteration does 12 FMAs of 4 doubles (96 FLOP) or
/// 8 floats (192 FLOP); the report divides FLOP by the fastest measured time to get the peak in GFLOP/s.
/// The accumulators start at different values: identical chains could legally be computed once and
/// copied (GCC does exactly that with the same loop in C), which would measure one chain's latency.
/// <see cref="ClockMulChain"/> measures the core's clock the same way: a chain of dependent 64-bit
/// integer multiplications, each of which waits for the one before, 3 cycles (the latency of IMUL r64, r64
/// on AMD Zen 1–5 and on Intel since Nehalem), so 3 × multiplications per second is cycles per second;
/// the FMA peak is checked against 2 pipes × lanes × 2 FLOP × that clock. As benchmarks these run in
/// separate processes, between which a shared machine's clock can move; <see cref="Paired"/> measures
/// them interleaved in one process, and the report's clock targets use that when its file is there.
/// <see cref="ClockAddChain"/>, a chain of dependent additions meant to take one cycle each, was the
/// first clock: its machine code is the 16 dependent <c>add rax, rsi</c> intended (DOTNET_JitDisasm),
/// yet on this project's Zen 4 machine it sometimes reads below the other two (by 3–18 % in loops of
/// 16 million additions, by 0–2 % in the 0.2 ms slices of <see cref="Paired"/>, interleaved in one
/// process) and at other times agrees with them within 0.3 %, so at times its additions take more
/// than a cycle each. The multiplication chain agreed with the FMA loop within 0.4 % in every
/// interleaved run; the addition chain is kept and reported beside it, not used as the reference.
/// </summary>
[MemoryDiagnoser]
public class Roofline
{
    public const int Iterations = 100_000;
    public const double FlopDouble = Iterations * 12.0 * 4 * 2;
    public const double FlopFloat = Iterations * 12.0 * 8 * 2;

    /// <summary>Iterations of <see cref="AddChain"/>, 16 dependent additions each.</summary>
    public const int ClockIterations = 1_000_000;

    private long _step = 1;

    [Benchmark]
    public long ClockAddChain() => AddChain(ClockIterations, _step);

    /// <summary>16 dependent additions per iteration: x depends on the x before, one cycle each; the loop
    /// counter runs beside the chain on the other integer units. The step comes from a field, so it
    /// cannot be folded into one multiplication.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AddChain(int iterations, long b)
    {
        long x = 0;
        for (int i = 0; i < iterations; i++)
        {
            x += b; x += b; x += b; x += b; x += b; x += b; x += b; x += b;
            x += b; x += b; x += b; x += b; x += b; x += b; x += b; x += b;
        }
        return x;
    }

    /// <summary>Iterations of <see cref="MulChain"/>, 16 dependent multiplications each.</summary>
    public const int MulIterations = 250_000;

    [Benchmark]
    public long ClockMulChain() => MulChain(MulIterations, _factor);

    private long _factor = 3;

    /// <summary>16 dependent 64-bit multiplications per iteration, 3 cycles each (IMUL r64, r64): x is
    /// needed by the next one before it can start; the loop counter runs beside the chain. The factor
    /// comes from a field, so the chain cannot be folded into a power.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long MulChain(int iterations, long b)
    {
        long x = 1;
        for (int i = 0; i < iterations; i++)
        {
            x *= b; x *= b; x *= b; x *= b; x *= b; x *= b; x *= b; x *= b;
            x *= b; x *= b; x *= b; x *= b; x *= b; x *= b; x *= b; x *= b;
        }
        return x;
    }

    /// <summary>
    /// The clock check with both halves measured together: <paramref name="rounds"/> rounds, each the
    /// multiplication chain, the float64 FMA loop, the float32 FMA loop and the addition chain in turn
    /// (about 0.2 ms each), in this process; per round each FMA loop's share of 2 pipes × lanes × 2 FLOP ×
    /// the clock of each chain, and the best (fastest) of each measurement. A clock that changes between
    /// benchmark processes cannot show up here as a share above 100 %. Run by <c>IrisNet.Bench
    /// --clock-check</c> and after the report suite; the report's clock targets are read from its file.
    /// </summary>
    public static ClockCheck Paired(int rounds)
    {
        long sink = 0;
        double Time(Func<long> work)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            sink += work();
            return System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalNanoseconds;
        }
        const int mulIterations = 15_625, fmaIterations = Iterations, addIterations = 50_000;
        const double mulCycles = 3.0 * 16 * mulIterations, addCycles = 16.0 * addIterations;
        double bestMul = double.MaxValue, bestDouble = double.MaxValue, bestFloat = double.MaxValue,
            bestAdd = double.MaxValue;
        var mulShares = (Double: new double[rounds], Float: new double[rounds]);
        var addShares = (Double: new double[rounds], Float: new double[rounds]);
        for (int k = 0; k < rounds; k++)
        {
            double mul = Time(() => MulChain(mulIterations, 3));
            double fma64 = Time(() => (long)PeakDouble(fmaIterations));
            double fma32 = Time(() => (long)PeakFloat(fmaIterations));
            double add = Time(() => AddChain(addIterations, 1));
            double gflop64 = FlopDouble / fma64, gflop32 = FlopFloat / fma32;
            double mulGhz = mulCycles / mul, addGhz = addCycles / add;
            mulShares.Double[k] = gflop64 / (16 * mulGhz);
            mulShares.Float[k] = gflop32 / (32 * mulGhz);
            addShares.Double[k] = gflop64 / (16 * addGhz);
            addShares.Float[k] = gflop32 / (32 * addGhz);
            bestMul = Math.Min(bestMul, mul);
            bestDouble = Math.Min(bestDouble, fma64);
            bestFloat = Math.Min(bestFloat, fma32);
            bestAdd = Math.Min(bestAdd, add);
        }
        Sink = sink;
        double peak64 = FlopDouble / bestDouble, peak32 = FlopFloat / bestFloat;
        ChainClock Chain(double bestNs, double cycles, (double[] Double, double[] Float) shares)
        {
            double ghz = cycles / bestNs;
            return new ChainClock(ghz, peak64 / (16 * ghz), peak32 / (32 * ghz), CheckFile.Median(shares.Double),
                CheckFile.Median(shares.Float));
        }
        return new ClockCheck(rounds, DateTime.UtcNow, peak64, peak32, Chain(bestMul, mulCycles, mulShares),
            Chain(bestAdd, addCycles, addShares));
    }

    /// <summary>The sum of what <see cref="Paired"/>'s measured calls returned, kept where the JIT cannot see
    /// it unused, so no measured call can be dropped.</summary>
    public static long Sink { get; private set; }

    [Benchmark]
    public double FmaPeakDouble() => PeakDouble(Iterations);

    [Benchmark]
    public float FmaPeakFloat() => PeakFloat(Iterations);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double PeakDouble(int iterations)
    {
        Vector256<double> m = Vector256.Create(0.999999), c = Vector256.Create(1e-9);
        Vector256<double> a0 = Vector256.Create(1.00), a1 = Vector256.Create(1.01), a2 = Vector256.Create(1.02),
            a3 = Vector256.Create(1.03);
        Vector256<double> a4 = Vector256.Create(1.04), a5 = Vector256.Create(1.05), a6 = Vector256.Create(1.06),
            a7 = Vector256.Create(1.07);
        Vector256<double> a8 = Vector256.Create(1.08), a9 = Vector256.Create(1.09), a10 = Vector256.Create(1.10),
            a11 = Vector256.Create(1.11);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float PeakFloat(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-9f);
        Vector256<float> a0 = Vector256.Create(1.00f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f),
            a3 = Vector256.Create(1.03f);
        Vector256<float> a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f),
            a7 = Vector256.Create(1.07f);
        Vector256<float> a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f),
            a11 = Vector256.Create(1.11f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}

/// <summary>One clock of <see cref="Roofline.Paired"/>: the chain's fastest run in GHz, and the FMA loops'
/// share of 2 pipes × lanes × 2 FLOP × that clock, from the fastest runs and as the median of the rounds.</summary>
public sealed record ChainClock(double Ghz, double ShareDouble, double ShareFloat, double MedianShareDouble,
    double MedianShareFloat);

/// <summary>
/// The result of <see cref="Roofline.Paired"/>: the fastest FMA loops in GFLOP/s and the two clocks. Written
/// as JSON into the benchmark results folder, where the report reads it for its clock targets (the
/// separate benchmark processes cannot settle them: the clock moves between processes).
/// </summary>
public sealed record ClockCheck(int Rounds, DateTime Utc, double PeakDouble, double PeakFloat, ChainClock Mul,
    ChainClock Add)
{
    /// <summary>The file's name in the results folder; the report looks for the same name.</summary>
    public const string FileName = "clock-check.json";

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Rounds} interleaved rounds: fastest FMA loop {PeakDouble:F1} GFLOP/s float64, {PeakFloat:F1} float32 " +
            $"({PeakDouble / 16:F3} / {PeakFloat / 32:F3} GHz at 16 / 32 FLOP/cycle); "
        + $"multiplication chain {Mul.Ghz:F3} GHz (FMA share {Mul.ShareDouble:P1} float64, {Mul.ShareFloat:P1} " +
            $"float32; median per round {Mul.MedianShareDouble:P1}, {Mul.MedianShareFloat:P1}); "
        + $"addition chain {Add.Ghz:F3} GHz (FMA share {Add.ShareDouble:P1}, {Add.ShareFloat:P1}; median per round " +
            $"{Add.MedianShareDouble:P1}, {Add.MedianShareFloat:P1})");

    /// <summary>Writes the JSON file the report reads (names in snake case, shares as fractions).</summary>
    public void Write(string path) => CheckFile.Write(path, Rounds, Utc, json =>
    {
        json.WriteStartObject("fma_gflops");
        json.WriteNumber("float64", PeakDouble);
        json.WriteNumber("float32", PeakFloat);
        json.WriteEndObject();
        foreach (var (name, chain) in new[] { ("mul_chain", Mul), ("add_chain", Add) })
        {
            json.WriteStartObject(name);
            json.WriteNumber("ghz", chain.Ghz);
            json.WriteStartObject("share");
            json.WriteNumber("float64", chain.ShareDouble);
            json.WriteNumber("float32", chain.ShareFloat);
            json.WriteEndObject();
            json.WriteStartObject("median_share");
            json.WriteNumber("float64", chain.MedianShareDouble);
            json.WriteNumber("float32", chain.MedianShareFloat);
            json.WriteEndObject();
            json.WriteEndObject();
        }
    });
}
