using System.Globalization;
using System.Numerics;

namespace IrisNet.Cli.Output;

/// <summary>
/// Writes a double as <c>ToString("R", InvariantCulture)</c> does (the shortest decimal text that
/// reads back as the same double), character for character, in about a third of the time for the
/// values metrics.csv holds: losses and accuracies, positive and between 10⁻³ and 10¹⁴. metrics.csv
/// formats two losses per epoch, which was most of what the command spent per epoch beyond the numbers.
/// </summary>
/// <remarks>
/// The digits come from Ulf Adams' Ryū ("Ryū: fast float-to-string conversion", PLDI 2018), the part
/// for binary exponents e₂ &lt; 0, i.e. values below 2⁵⁴: with v = m₂·2^e₂ and its neighbours' half-way
/// points v⁻ and v⁺, the decimal interval (v⁻, v⁺) is scaled by 10^−e₁₀ with 128-bit multipliers
/// ⌊5^i / 2^(bits(5^i) − 125)⌋, digits are removed while the two ends still differ, and the last
/// digit is rounded to nearest. That is the shortest text in the open interval and the closest to v
/// among those, which is what .NET writes for "R". Every case where an end of the interval or v itself
/// is an exact short decimal (ties, bounds that .NET and Ryū could treat differently) goes to .NET's
/// own formatting, as do zero, negative, subnormal and non-finite values and anything outside
/// [10⁻³, 10¹⁴), where .NET may switch to exponent notation. The test compares the two on millions
/// of doubles.
/// </remarks>
internal static class ShortestDouble
{
    private const int Pow5Bits = 125;
    private const int TableSize = 326;

    // 5^i scaled to 125 bits: the top 125 bits of 5^i (or 5^i shifted up to 125 bits), as two halves.
    private static readonly ulong[] Pow5Low = new ulong[TableSize], Pow5High = new ulong[TableSize];

    static ShortestDouble()
    {
        BigInteger mask = (BigInteger.One << 64) - 1;
        for (int i = 0; i < TableSize; i++)
        {
            BigInteger pow5 = BigInteger.Pow(5, i);
            int shift = (int)pow5.GetBitLength() - Pow5Bits;
            BigInteger scaled = shift >= 0 ? pow5 >> shift : pow5 << -shift;
            Pow5Low[i] = (ulong)(scaled & mask);
            Pow5High[i] = (ulong)(scaled >> 64);
        }
    }

    /// <summary>Writes <paramref name="value"/> as "R" would into <paramref name="destination"/> (at least 32 characters).</summary>
    public static int Write(double value, Span<char> destination)
    {
        if (TryFast(value, destination, out int written)) return written;
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private static bool TryFast(double value, Span<char> destination, out int written)
    {
        written = 0;
        if (!(value >= 1e-3 && value < 1e14)) return false;
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        int exponent = (int)(bits >> 52) & 0x7FF;
        ulong mantissa = bits & ((1UL << 52) - 1);
        // v = m₂·2^e₂, and 4v, 4v ± the half-gaps to the neighbours as integers mv, mp, mm.
        int e2 = exponent - 1023 - 52 - 2;
        ulong m2 = (1UL << 52) | mantissa;
        if (e2 >= 0) return false;
        ulong mmShift = mantissa != 0 || exponent <= 1 ? 1UL : 0UL;
        ulong mv = 4 * m2;
        int q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
        // Exact ends or an exact v (q ≤ 1, or mv holds 2^(q−1)): left to .NET.
        if (q <= 1 || (q < 64 && (mv & ((1UL << (q - 1)) - 1)) == 0)) return false;
        int e10 = q + e2;
        int i = -e2 - q;
        int j = q - (Pow5BitLength(i) - Pow5Bits);
        ulong vr = MulShift(mv, i, j);
        ulong vp = MulShift(mv + 2, i, j);
        ulong vm = MulShift(mv - 1 - mmShift, i, j);
        int removed = 0;
        ulong lastRemoved = 0;
        while (vp / 10 > vm / 10)
        {
            lastRemoved = vr % 10;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        ulong output = vr + (vr == vm || lastRemoved >= 5 ? 1UL : 0UL);
        int length = DigitCount(output);
        int point = length + e10 + removed; // digits before the decimal point
        if (point < -2 || point > 14) return false;
        int n = 0;
        if (point <= 0)
        {
            destination[n++] = '0';
            destination[n++] = '.';
            for (int k = 0; k < -point; k++) destination[n++] = '0';
            WriteDigits(output, length, destination.Slice(n, length));
            n += length;
        }
        else if (point < length)
        {
            ulong scale = Pow10[length - point];
            WriteDigits(output / scale, point, destination[..point]);
            destination[point] = '.';
            WriteDigits(output % scale, length - point, destination.Slice(point + 1, length - point));
            n = length + 1;
        }
        else
        {
            WriteDigits(output, length, destination[..length]);
            n = length;
            for (int k = length; k < point; k++) destination[n++] = '0';
        }
        written = n;
        return true;
    }

    /// <summary>⌊(m · 5^i scaled) / 2^j⌋ with the 125-bit multiplier of <see cref="Pow5Low"/>.</summary>
    private static ulong MulShift(ulong m, int i, int j)
    {
        UInt128 low = (UInt128)m * Pow5Low[i];
        UInt128 high = (UInt128)m * Pow5High[i];
        return (ulong)(((low >> 64) + high) >> (j - 64));
    }

    /// <summary>⌊log₁₀ 5^e⌋ for 0 ≤ e ≤ 2620.</summary>
    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    /// <summary>The bit length of 5^e, ⌈log₂ 5^e⌉ (1 for e = 0), for 0 ≤ e ≤ 3528.</summary>
    private static int Pow5BitLength(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static readonly ulong[] Pow10 = [.. Enumerable.Range(0, 20).Select(k => (ulong)BigInteger.Pow(10, k))];

    private static int DigitCount(ulong v)
    {
        int n = 1;
        while (n < 20 && v >= Pow10[n]) n++;
        return n;
    }

    // "00", "01", …, "99": two digits per division.
    private static readonly char[] Pairs = [.. Enumerable.Range(0, 100).SelectMany(k => new[] { (char)('0' + k / 10), (char)('0' + k % 10) })];

    /// <summary>Writes the <paramref name="count"/> low decimal digits of <paramref name="v"/>, with leading zeros, into <paramref name="into"/>.</summary>
    private static void WriteDigits(ulong v, int count, Span<char> into)
    {
        int k = count;
        while (k >= 2)
        {
            ulong rest = v / 100;
            int pair = 2 * (int)(v - rest * 100);
            into[k - 1] = Pairs[pair + 1];
            into[k - 2] = Pairs[pair];
            v = rest;
            k -= 2;
        }
        if (k == 1) into[0] = (char)('0' + (int)(v % 10));
    }
}
