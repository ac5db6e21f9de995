namespace IrisNet.Reference;

/// <summary>
/// The three pieces of floating-point care the loss (5) needs to be exact to the last digit, each with the
/// rounding error it avoids. u = 2⁻⁵³ is the unit roundoff of float64.
/// </summary>
internal static class Accurate
{
    /// <summary>
    /// a + b as the rounded sum and its rounding error, a + b = Sum + Error exactly (Knuth's TwoSum; any
    /// order of magnitudes, no branch). NaN or an infinite input gives NaN in Error.
    /// </summary>
    public static (double Sum, double Error) TwoSum(double a, double b)
    {
        double sum = a + b;
        double bv = sum - a, av = sum - bv;
        return (sum, (a - av) + (b - bv));
    }

    /// <summary>
    /// exp(x − m) with the rounding of the difference undone: x − m = d + δ exactly (<see cref="TwoSum"/>), and
    /// exp(d + δ) = e^d (1 + δ) to within δ²/2 ≤ 10⁻²⁶, relative, since |δ| ≤ u·|d| and e^d underflows for
    /// |d| &gt; 745. Without δ, exp(x − m) is off by up to u·|x − m|, relative: 16u for a difference of 32.
    /// </summary>
    public static double ExpOfDifference(double x, double m)
    {
        var (d, delta) = TwoSum(x, -m);
        double e = Math.Exp(d);
        return Math.FusedMultiplyAdd(e, delta, e);
    }

    /// <summary>
    /// Σ_{j≠skip} exp(s_j − m), each term by <see cref="ExpOfDifference"/>, summed with compensation (each
    /// addition's rounding error, from TwoSum, is carried and added once at the end), so the sum is within
    /// about 2u of exact, relative, whatever the number of terms: the terms are ≥ 0, so nothing cancels.
    /// </summary>
    public static double SumOfExps(double[] s, double m, int skip)
    {
        double sum = 0, error = 0;
        for (int j = 0; j < s.Length; j++)
        {
            if (j == skip) continue;
            (sum, double e) = TwoSum(sum, ExpOfDifference(s[j], m));
            error += e;
        }
        return sum + error;
    }

    /// <summary>
    /// ln(1 + t) for t ≥ 0: w = 1 + t rounds away the digits of t below u, which ln w would lose; with
    /// 1 + t = w + c exactly (<see cref="TwoSum"/>), ln(1 + t) = ln w + ln(1 + c/w) = ln w + c/w to within
    /// (c/w)²/2 ≤ u². The result carries the error of ln w (Math.Log's, about half a unit in the last place)
    /// and one rounding more. For t &lt; u/2, w = 1 and the result is c = t, as it should be.
    /// </summary>
    public static double LogOnePlus(double t)
    {
        var (w, c) = TwoSum(1, t);
        return Math.Log(w) + c / w;
    }
}
