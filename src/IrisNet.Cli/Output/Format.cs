using System.Globalization;

namespace IrisNet.Cli.Output;

internal static class Format
{
    /// <summary>Fixed-point numbers at least this large in magnitude are printed in scientific notation
    /// instead.</summary>
    public const double Large = 1e7;

    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Three significant digits, as a learning rate is quoted (0.0123, 4.5e-05).</summary>
    public static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="v"/> with <paramref name="digits"/> decimals, or, from <see cref="Large"/> on, with
    /// <paramref name="digits"/> decimals of a mantissa and an exponent (1.2346e+300): a fixed-point 1e300
    /// is 300 digits, several lines of a terminal.
    /// </summary>
    public static string F(double v, int digits = 4) => Math.Abs(v) >= Large && double.IsFinite(v)
        ? v.ToString("0." + new string('0', digits) + "e+0", CultureInfo.InvariantCulture)
        : v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
