using System.Globalization;

namespace IrisNet.Cli.Output;

internal static class Format
{
    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string F(double v, int digits = 4) => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
