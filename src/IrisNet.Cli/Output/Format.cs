using System.Globalization;

namespace IrisNet.Cli.Output;

internal static class Format
{
    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Three significant digits, as a learning rate is quoted (0.0123, 4.5e-05).</summary>
    public static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    public static string F(double v, int digits = 4) => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
