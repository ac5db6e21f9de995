using System.Globalization;
using IrisNet.Cli.Output;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// metrics.csv writes its numbers with the CLI's own shortest round-trip formatter (linked into this
/// project from src/IrisNet.Cli/Output/ShortestDouble.cs): it must write exactly what .NET's "R" writes.
/// </summary>
public class ShortestDoubleTests
{
    private static void Same(double v, char[] buffer)
    {
        int written = ShortestDouble.Write(v, buffer);
        string expected = v.ToString("R", CultureInfo.InvariantCulture);
        if (new string(buffer, 0, written) != expected)
            Assert.Fail($"{v:R} (bits {BitConverter.DoubleToInt64Bits(v):X16}): wrote '{new string(buffer, 0, written)}', \"R\" gives '{expected}'");
    }

    [Fact]
    public void Writes_what_R_writes_for_random_doubles_across_the_fast_range_and_beyond()
    {
        var rng = new Random(20261202);
        var buffer = new char[64];
        for (int i = 0; i < 300_000; i++)
        {
            // Random bit patterns from 2^-14 to 2^50: the fast range [1e-3, 1e14) and both edges.
            long exponent = rng.Next(1023 - 14, 1023 + 50);
            Same(BitConverter.Int64BitsToDouble((exponent << 52) | rng.NextInt64(1L << 52)), buffer);
            // Losses and accuracies as training produces them.
            Same(rng.NextDouble() * 3, buffer);
            // Short decimals, whose neighbours' half-way points can be exact.
            Same(rng.Next(1, 1_000_000) / Math.Pow(10, rng.Next(0, 10)), buffer);
        }
    }

    [Fact]
    public void Writes_what_R_writes_for_accuracies_and_edge_values()
    {
        var buffer = new char[64];
        for (int n = 1; n <= 1000; n++)
            for (int k = 0; k <= n; k++) Same((double)k / n, buffer);
        double[] edges = [0, -0.0, 1e-3, 1e14, 1e-4, 1e15, 1e16, 1e300, double.Epsilon, double.MaxValue, -1.5, 0.1, 0.2, 0.3,
            1.0 / 3, 2.0 / 3, 0.5, 2, 10, 123456789012345.6, 99999999999999.98, 0.0009999999999999998, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, Math.PI, Math.E, 9007199254740992, 9007199254740993];
        foreach (double v in edges)
            for (long d = -3; d <= 3; d++)
                Same(double.IsFinite(v) && v != 0 ? BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(v) + d) : v, buffer);
    }
}
