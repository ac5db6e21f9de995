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
/// <see cref="ClockAddChain"/> measures the core's clock the same way: a chain of dependent integer
/// additions, each of which waits one cycle for the one before, so additions per second is cycles
/// per second; the report checks the FMA peak against 2 pipes × lanes × 2 FLOP × that clock.
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
