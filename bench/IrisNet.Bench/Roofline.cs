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
/// the report checks the FMA peak against 2 pipes × lanes × 2 FLOP × that clock.
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
    /// The clock check with both halves measured together: <paramref name="slices"/> rounds, each the
    /// multiplication chain, the float64 FMA loop and the addition chain in turn (about 0.2 ms each), in
    /// this process; per round the FMA loop's share of 16 FLOP × the clock of each chain, and the best
    /// (fastest) of each measurement. A clock that changes between benchmark processes cannot show up
    /// here as a share above 100 %. Run by <c>IrisNet.Bench --clock-check</c>.
    /// </summary>
    public static string Paired(int slices)
    {
        long sink = 0;
        double Time(Func<long> work)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            sink += work();
            return System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalNanoseconds;
        }
        const int mulIterations = 15_625, fmaIterations = Iterations, addIterations = 50_000;
        double bestMul = double.MaxValue, bestFma = double.MaxValue, bestAdd = double.MaxValue;
        var mulShares = new List<double>();
        var addShares = new List<double>();
        for (int k = 0; k < slices; k++)
        {
            double mul = Time(() => MulChain(mulIterations, 3));
            double fma = Time(() => (long)PeakDouble(fmaIterations));
            double add = Time(() => AddChain(addIterations, 1));
            double gflop = FlopDouble / fma;
            double mulGhz = 3.0 * 16 * mulIterations / mul, addGhz = 16.0 * addIterations / add;
            mulShares.Add(gflop / (16 * mulGhz));
            addShares.Add(gflop / (16 * addGhz));
            bestMul = Math.Min(bestMul, mul);
            bestFma = Math.Min(bestFma, fma);
            bestAdd = Math.Min(bestAdd, add);
        }
        mulShares.Sort();
        addShares.Sort();
        double peak = FlopDouble / bestFma;
        double mulClock = 3.0 * 16 * mulIterations / bestMul, addClock = 16.0 * addIterations / bestAdd;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{slices} interleaved rounds: fastest FMA loop {peak:F1} GFLOP/s float64 ({peak / 16:F3} GHz at 16 FLOP/cycle); "
            + $"multiplication chain {mulClock:F3} GHz (FMA share {peak / (16 * mulClock):P1}, median per round {mulShares[slices / 2]:P1}); "
            + $"addition chain {addClock:F3} GHz (FMA share {peak / (16 * addClock):P1}, median per round {addShares[slices / 2]:P1}) [{sink & 1}]");
    }

    [Benchmark]
    public double FmaPeakDouble() => PeakDouble(Iterations);

    [Benchmark]
    public float FmaPeakFloat() => PeakFloat(Iterations);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double PeakDouble(int iterations)
    {
        Vector256<double> m = Vector256.Create(0.999999), c = Vector256.Create(1e-9);
        Vector256<double> a0 = Vector256.Create(1.00), a1 = Vector256.Create(1.01), a2 = Vector256.Create(1.02), a3 = Vector256.Create(1.03);
        Vector256<double> a4 = Vector256.Create(1.04), a5 = Vector256.Create(1.05), a6 = Vector256.Create(1.06), a7 = Vector256.Create(1.07);
        Vector256<double> a8 = Vector256.Create(1.08), a9 = Vector256.Create(1.09), a10 = Vector256.Create(1.10), a11 = Vector256.Create(1.11);
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
        Vector256<float> a0 = Vector256.Create(1.00f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f), a3 = Vector256.Create(1.03f);
        Vector256<float> a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f), a7 = Vector256.Create(1.07f);
        Vector256<float> a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f), a11 = Vector256.Create(1.11f);
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
