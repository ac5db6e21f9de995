using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>
/// <see cref="VectorMath.Tanh{T}"/> against <see cref="Math.Tanh"/>: relative error below 1·10⁻¹⁵ in double and,
/// against the double result rounded to float, below 5·10⁻⁷ in float, over dense sweeps of the whole range
/// (subnormal to saturated, both signs), the points where k = round(−2|z| / ln 2) changes and the saturation
/// threshold, with the exact results the documentation promises at ±0, ±∞, NaN and subnormals.
/// </summary>
public class TanhTests(ITestOutputHelper output)
{
    [Fact]
    public void Double_is_within_1e_15_of_Math_Tanh_over_the_whole_range()
    {
        double[] z = Arguments(20.0).ToArray();
        double[] got = Apply(z);
        double worst = 0, at = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double want = Math.Tanh(z[i]), e = want == 0 ? Math.Abs(got[i]) : Math.Abs(got[i] - want) / Math.Abs(want);
            if (e > worst) (worst, at) = (e, z[i]);
        }
        output.WriteLine($"double: worst relative error {worst:E2} at z = {at:R} over {z.Length:N0} arguments");
        Assert.True(worst < 1e-15, $"double: worst relative error {worst:E2} at z = {at:R}");
    }

    [Fact]
    public void Float_is_within_5e_7_of_the_rounded_double_tanh_over_the_whole_range()
    {
        float[] z = Arguments(10.0).Select(v => (float)v).ToArray();
        float[] got = Apply(z);
        double worst = 0, at = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double want = (float)Math.Tanh(z[i]), e = want == 0 ? Math.Abs(got[i]) : Math.Abs(got[i] - want)
                / Math.Abs(want);
            if (e > worst) (worst, at) = (e, z[i]);
        }
        output.WriteLine($"float: worst relative error {worst:E2} at z = {at:R} over {z.Length:N0} arguments");
        Assert.True(worst < 5e-7, $"float: worst relative error {worst:E2} at z = {at:R}");
    }

    /// <summary>
    /// The float method's fraction itself, evaluated in double with its float coefficients: within the 4.3·10⁻⁸ its
    /// documentation gives (the rest of the float error is rounding), and it reaches 1 at the clamp.
    /// </summary>
    [Fact]
    public void Float_fraction_is_within_its_documented_approximation_error()
    {
        double worst = 0, at = 0;
        for (int i = 1; i <= 1_000_000; i++)
        {
            double x = i * (9.5 / 1_000_000), want = Math.Tanh(x), e = Math.Abs(FloatFraction(x) - want) / want;
            if (e > worst) (worst, at) = (e, x);
        }
        output.WriteLine($"float fraction: worst relative error {worst:E2} at x = {at:R}");
        Assert.True(worst < 4.5e-8, $"worst relative error {worst:E2} at x = {at:R}");
        Assert.Equal(1f, (float)FloatFraction(9.5));
        Assert.Equal(1f, VectorMath.Tanh(new Vector<float>(9.5f))[0]);
    }

    // x·P(x²)/Q(x²) with the float coefficients of VectorMath, read by reflection so the test checks the shipped
    // values.
    private static double FloatFraction(double x)
    {
        double C(string name) => (float)typeof(VectorMath).GetField(name,
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;
        double y = x * x;
        double p = 1 + y * (C("TanhP1") + y * (C("TanhP2") + y * (C("TanhP3") + y * C("TanhP4"))));
        double q = 1 + y * (C("TanhQ1") + y * (C("TanhQ2") + y * (C("TanhQ3") + y * C("TanhQ4"))));
        return x * p / q;
    }

    [Fact]
    public void Zeros_infinities_NaN_and_subnormals_come_out_as_documented()
    {
        double[] z = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon,
            -double.Epsilon,
            2.2e-308, -1e-310, 20.0, -20.0, 20.000000000000004, 1e300, -double.MaxValue];
        double[] got = Apply(z);
        double[] want = [0.0, -0.0, 1.0, -1.0, double.NaN, double.Epsilon, -double.Epsilon, 2.2e-308, -1e-310, 1.0,
            -1.0, 1.0, 1.0, -1.0];
        for (int i = 0; i < z.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(want[i]) == BitConverter.DoubleToInt64Bits(got[i])
                || double.IsNaN(want[i]) && double.IsNaN(got[i]),
                $"tanh({z[i]:R}) = {got[i]:R}, expected {want[i]:R}");

        float[] zf = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -1e-40f, 10f,
            -10.000001f, 3e38f];
        float[] gotF = Apply(zf);
        float[] wantF = [0f, -0f, 1f, -1f, float.NaN, float.Epsilon, -1e-40f, 1f, -1f, 1f];
        for (int i = 0; i < zf.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(wantF[i]) == BitConverter.SingleToInt32Bits(gotF[i])
                || float.IsNaN(wantF[i]) && float.IsNaN(gotF[i]),
                $"tanh({zf[i]:R}) = {gotF[i]:R}, expected {wantF[i]:R}");
    }

    [Fact]
    public void Each_lane_depends_on_its_own_value_only_and_the_function_is_odd()
    {
        double[] z = Arguments(20.0).Take(50_000).ToArray();
        double[] together = Apply(z), negated = Apply(z.Select(v => -v).ToArray());
        for (int i = 0; i < z.Length; i++)
        {
            double alone = VectorMath.Tanh(new Vector<double>(z[i]))[0];
            Assert.Equal(BitConverter.DoubleToInt64Bits(alone), BitConverter.DoubleToInt64Bits(together[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(-together[i]), BitConverter.DoubleToInt64Bits(negated[i]));
        }
    }

    [Fact]
    public void The_512_bit_tanh_gives_each_lane_the_bits_of_the_256_bit_one()
    {
        // The fused sweep's tanh runs on 512-bit vectors where the processor has them (VectorMath.Wide) and on
        // Vector<T> elsewhere; a model must not train to different bits on the two kinds of machine.
        output.WriteLine($"512-bit vectors in hardware: {VectorMath.Wide<double>()}");
        double[] z = Arguments(20.0).ToArray();
        AssertSameBits(Apply(z), ApplyWide(z), z);
        float[] zf = Arguments(10.0).Select(v => (float)v).ToArray();
        AssertSameBits(Apply(zf), ApplyWide(zf), zf);

        static void AssertSameBits<T>(T[] narrow, T[] wide, T[] z) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < z.Length; i++)
                if (!narrow[i].Equals(wide[i]) || T.IsNegative(narrow[i]) != T.IsNegative(wide[i]))
                    Assert.Fail($"{typeof(T).Name} tanh({z[i]}): 512-bit {wide[i]}, 256-bit {narrow[i]}");
        }
    }

    /// <summary>
    /// Both signs of: a logarithmic sweep from the smallest subnormal to past the saturation threshold; a dense linear
    /// sweep of [0, 1.5] (around tanh z = ±0.5 and the first changes of k) and of [0, limit + 1]; each point
    /// (j + ½)·ln2/2 where k changes and the saturation threshold with their neighbouring doubles; random points.
    /// </summary>
    private static IEnumerable<double> Arguments(double limit)
    {
        var all = new List<double>();
        for (int i = 0; i <= 200_000; i++) all.Add(Math.Pow(10, -323.5 + i * (325.0 / 200_000)));
        for (int i = 0; i <= 150_000; i++) all.Add(i * 1e-5);
        for (int i = 0; i <= 100_000; i++) all.Add(i * (limit + 1) / 100_000);
        for (int j = 0; (j + 0.5) * Math.Log(2) / 2 <= limit + 1; j++)
            foreach (double p in new[] { (j + 0.5) * Math.Log(2) / 2, limit })
                for (double up = p, down = p, n = 0; n < 4; n++, up = Math.BitIncrement(up),
                    down = Math.BitDecrement(down)) all.AddRange([up, down]);
        var rng = new Random(13);
        for (int i = 0; i < 100_000; i++) all.Add(rng.NextDouble() * (limit + 2));
        return all.Concat(all.Select(v => -v));
    }

    private static T[] ApplyWide<T>(T[] z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int V = Vector512<T>.Count;
        var padded = new T[(z.Length + V - 1) / V * V];
        z.CopyTo(padded, 0);
        for (int i = 0; i < padded.Length; i += V)
            VectorMath.TanhFinish(VectorMath.TanhStart(Vector512.Create(padded.AsSpan(i, V)))).CopyTo(padded.AsSpan(i,
                V));
        return padded[..z.Length];
    }

    private static T[] Apply<T>(T[] z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int V = Vector<T>.Count;
        var padded = new T[(z.Length + V - 1) / V * V];
        z.CopyTo(padded, 0);
        for (int i = 0; i < padded.Length; i += V) VectorMath.Tanh(new Vector<T>(padded, i)).CopyTo(padded, i);
        return padded[..z.Length];
    }
}
