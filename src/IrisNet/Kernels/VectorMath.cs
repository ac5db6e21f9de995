using System.Numerics;
using System.Runtime.CompilerServices;

namespace IrisNet.Kernels;

/// <summary>
/// The elementwise functions the vector kernels need and System.Numerics has no fast vector form of:
/// exp for the softmax (<see cref="ExpNonPositive{T}"/>) and the tanh activation (<see cref="Tanh{T}"/>).
/// </summary>
/// <remarks>
/// <b>exp</b>, for the softmax, whose arguments s − max(s) are never positive. Faster than
/// <see cref="Vector.Exp(Vector{double})"/> because it skips the general range handling.
/// exp(x) = 2^k · exp(r) with k = round(x / ln 2) and r = x − k·ln 2, computed in two steps
/// (ln 2 = L_hi + L_lo, Cody and Waite) so r carries no cancellation error; |r| ≤ ln2/2.
/// exp(r) is the Taylor polynomial of degree 12 in double (truncation below r¹³/13! ≈ 1.7·10⁻¹⁶)
/// and of degree 7 in float (below 5·10⁻⁹), evaluated by Estrin's scheme with fused multiply-adds.
/// 2^k is built from its exponent bits. Arguments below the smallest normal power (−708 in double,
/// −87 in float) give 0, as the probability they stand for is below the format's resolution anyway.
/// </remarks>
internal static class VectorMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10, InvLn2 = 1.44269504088896338700e+00;
    private const double Ln2 = 0.693147180559945309417; // rounded to double: within 2⁻⁵⁴ of ln 2

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpNonPositive<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return Exp(x.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return Exp(x.As<T, float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    /// <summary>
    /// tanh z elementwise (Eq. 2's f for the tanh activation), to within 1·10⁻¹⁵ of the exact value, relative,
    /// in double and 5·10⁻⁷ in float (tested against <see cref="Math.Tanh"/>); each lane's result depends on
    /// that lane alone, so a value gives the same bits whatever the vector it is computed in.
    /// </summary>
    /// <remarks>
    /// Float has a method of its own, a rational function of z (see the float overload below). Double, whose 53
    /// bits would need a fraction of high degree over the range, goes through the exponential:
    /// with a = |z| and x = −2a ≤ 0: tanh a = (1 − e^x)/(1 + e^x). Range reduction as in exp: k = round(x / ln 2),
    /// r = x − k·ln 2 (one fused multiply-add; |r| ≤ ln2/2), S = 2^k from its exponent bits, e^x = S·e^r. e^r is the
    /// Padé approximant e^r ≈ (Q + n)/(Q − n) with n = r·P(r²), [6/6]
    /// (P = 1 + r²/33 + r⁴/7920, Q = 2 + 5r²/22 + r⁴/396 + r⁶/332640); its relative error,
    /// (m!)²/((2m)!(2m+1)!)·|r|^{2m+1} with m = 6, is below 2·10⁻¹⁹ for |r| ≤ ln2/2. Substituting, with u = Q + n:
    /// <code>
    /// tanh a = −((S − 1)·u + 2n) / ((S + 1)·u − 2n)
    /// </code>
    /// two fused multiply-adds and one division. For a &lt; ln2/4, k = 0 and S − 1 = 0 exactly, so the numerator is
    /// 2n itself: nothing cancels near 0, and the result stays accurate relative to itself with no separate
    /// small-|z| branch (for subnormal z, r = x, r² = 0 and the result is z exactly).
    /// <para>
    /// Error bound, with u₀ = 2⁻⁵³ the unit roundoff: for k = 0, n carries about 2u₀ (r is
    /// exact, P and the product round), Q + n, the denominator and the division u₀ each: about 4u₀. For k ≤ −1 the
    /// numerator's two terms cancel partly, worst near k = −1, r = ln2/2 (terms −1.17 and 0.69 for 0.48), which
    /// magnifies the roundings of Q and u about 2.5 times: about 6u₀ in all, 7·10⁻¹⁶.
    /// ln 2 rounded to double moves r by at most |k|·2⁻⁵⁴, which S = 2^k scales down to below u₀/4.
    /// Measured maximum over TanhTests' sweeps, against Math.Tanh: 6.4·10⁻¹⁶.
    /// </para>
    /// <para>
    /// Saturation: for |z| ≥ 20, tanh z rounds to ±1 (1 − tanh a &lt; 2e^{−2a} is below half an ulp of 1), so x is
    /// clamped at −40: there k = −58, S ± 1 round to ±1 exactly, the numerator and denominator are the same number
    /// with opposite signs and the result is ±1 exactly; the clamp also keeps 2^k inside the normal range.
    /// Sign: the result takes z's sign bit, so tanh(−z) = −tanh z exactly, tanh(±0) = ±0 and tanh(±∞) = ±1.
    /// NaN: it passes the clamp (see there) and the arithmetic, and comes out NaN.
    /// Operations: 2n comes from doubled constants and Q + n from one multiply-add with ½, so neither n nor 2n
    /// costs an addition of its own; the clamp replaces a comparison and a blend at the end.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Tanh<T>(Vector<T> z) where T : unmanaged, IFloatingPointIeee754<T> => TanhFinish(TanhStart(z));

    /// <summary>
    /// The first half of <see cref="Tanh{T}"/>: everything up to the final division. <see cref="TanhFinish{T}"/> of its
    /// result is Tanh z, bit for bit. Split so that a loop can start the tanh of its next vector before it finishes
    /// this one's: each half is a chain of about 25 cycles of dependent operations (float: 20 and 15), and the whole
    /// chain is longer than the processor can overlap with other work when one loop iteration holds it all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TanhParts<T> TanhStart<T>(Vector<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var (n, Q, scale) = TanhStart(z.As<T, double>());
            return new TanhParts<T>(z, n.As<double, T>(), Q.As<double, T>(), scale.As<double, T>());
        }
        if (typeof(T) == typeof(float))
        {
            var (num, den) = TanhStart(z.As<T, float>());
            return new TanhParts<T>(default, num.As<float, T>(), den.As<float, T>(), default);
        }
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    /// <summary>The second half of <see cref="Tanh{T}"/> (see <see cref="TanhStart{T}"/>).</summary>
    /// <remarks>
    /// The parts come by value, not <c>in</c>: passed by reference, the fused sweep's pipelined loop (which overwrites
    /// the parts right after this call) computed wrong values when .NET 10's JIT ran with hardware intrinsics disabled
    /// (DOTNET_EnableHWIntrinsic=0; FusedSweepTests caught it). By value, the code is the same with intrinsics.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> TanhFinish<T>(TanhParts<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            return TanhFinish(p.Z.As<T, double>(), p.A.As<T, double>(), p.B.As<T, double>(), p.C.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return (p.A.As<T, float>() / p.B.As<T, float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double> N2, Vector<double> Q, Vector<double> Scale) TanhStart(Vector<double> z)
    {
        // x = −2a, clamped at −40 (a = 20, where the result is already ±1 exactly; see the remarks). The constant first
        // in MaxNative, so a NaN z comes through as itself (x86's max returns its second operand when either is NaN).
        Vector<double> x = Vector.MaxNative(new Vector<double>(-40.0), (z + z) | new Vector<double>(-0.0));
        Vector<double> t = Vector.FusedMultiplyAdd(x, new Vector<double>(InvLn2), new Vector<double>(ShifterD));
        Vector<double> k = t - new Vector<double>(ShifterD);                                        // round(x / ln 2)
        Vector<double> r = Vector.FusedMultiplyAdd(k, new Vector<double>(-Ln2), x);                 // x − k ln 2
        Vector<double> r2 = r * r;
        // Padé [6/6]: e^r = (Q + n)/(Q − n), n = r·P(r²); computed as 2n = r·2P, exactly twice n (the constants doubled).
        Vector<double> P2 = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(r2, new Vector<double>(2.0 / 7920), new Vector<double>(2.0 / 33)), r2, new Vector<double>(2.0));
        Vector<double> Q = Vector.FusedMultiplyAdd(r2, new Vector<double>(1.0 / 332640), new Vector<double>(1.0 / 396));
        Q = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Q, r2, new Vector<double>(5.0 / 22)), r2, new Vector<double>(2.0));
        Vector<double> scale = Vector.ShiftLeft(t.As<double, long>() + new Vector<long>(1023 - BitConverter.DoubleToInt64Bits(ShifterD)), 52).As<long, double>();
        return (r * P2, Q, scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> TanhFinish(Vector<double> z, Vector<double> n2, Vector<double> Q, Vector<double> scale)
    {
        Vector<double> u = Vector.FusedMultiplyAdd(n2, new Vector<double>(0.5), Q);                 // Q + n, rounded once
        Vector<double> ratio = Vector.FusedMultiplyAdd(scale - Vector<double>.One, u, n2) / VectorKernels<double>.FmaSubtract(scale + Vector<double>.One, u, n2); // −tanh a, or NaN
        return Vector.ConditionalSelect(new Vector<double>(-0.0), z, ratio);                        // z's sign, the other bits of |ratio|
    }

    /// <summary>
    /// tanh in float: a rational function instead of the exponential, since float's 24 bits let one fraction
    /// cover the whole unsaturated range, with no range reduction: about half the operations of the double
    /// method and a shorter chain of dependent ones.
    /// </summary>
    /// <remarks>
    /// tanh z ≈ x·P(y)/Q(y) with x = z clamped to [−9.5, 9.5] and y = x², P and Q of degree 4 with P(0) = Q(0) = 1
    /// (so tanh z = z exactly for the smallest z, subnormals included). The coefficients are a near-minimax fit
    /// of the relative error of tanh x / x over 0 &lt; x ≤ 9.5 (Lawson's iteratively reweighted least squares on
    /// the linearized error P − (tanh x / x)·Q, 6,000 Chebyshev-spaced points): 3.5·10⁻⁸, and 4.3·10⁻⁸ once the
    /// coefficients are rounded to float. Rounding x², the polynomials, the product and the quotient each add about 2⁻²⁴; measured against
    /// the double tanh rounded to float, at most 3.6·10⁻⁷ over 8 million arguments (3.0·10⁻⁷ over TanhTests' sweep). P and Q by Horner's rule: ten multiplications
    /// and multiply-adds in all, which is what bounds the sweep's tanh loop (its FMA pipes are the busy ones);
    /// Estrin's scheme would be one multiplication more for a shorter chain, and measured no faster there.
    /// Saturation: tanh 9.5 is 1 − 1.1·10⁻⁸ and the fraction there rounds to 1, so every |z| ≥ 9.5 gives ±1, as the
    /// exact tanh rounded to float does from about 9.01 on (1 − tanh z &lt; 2⁻²⁵). x·P is odd and Q is even in x, so
    /// tanh(−z) = −tanh z exactly and ±0 keep their sign. NaN passes through the clamp (see there) and the arithmetic.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Numerator, Vector<float> Denominator) TanhStart(Vector<float> z)
    {
        // max(−c, z) then min(c, ·), the constant first: x86's max and min give their second operand when either is
        // NaN, and ARM's give NaN, so a NaN z comes through the clamp as itself on both (TanhTests checks it).
        Vector<float> x = Vector.MinNative(new Vector<float>(TanhClampF), Vector.MaxNative(new Vector<float>(-TanhClampF), z));
        Vector<float> y = x * x;
        Vector<float> P = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(new Vector<float>(TanhP4), y, new Vector<float>(TanhP3)), y, new Vector<float>(TanhP2)), y, new Vector<float>(TanhP1)), y, Vector<float>.One);
        Vector<float> Q = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(new Vector<float>(TanhQ4), y, new Vector<float>(TanhQ3)), y, new Vector<float>(TanhQ2)), y, new Vector<float>(TanhQ1)), y, Vector<float>.One);
        return (x * P, Q);                                                                         // tanh z = x·P / Q
    }

    private const float TanhClampF = 9.5f;
    private const float TanhP1 = 0.13351257562106825f, TanhP2 = 0.0034602121544729278f, TanhP3 = 2.0027738510056063e-05f, TanhP4 = 1.2554316780820484e-08f;
    private const float TanhQ1 = 0.46684571950339815f, TanhQ2 = 0.02574243485266639f, TanhQ3 = 0.0003227793374088639f, TanhQ4 = 7.44767987693602e-07f;

    // Adding 1.5·2⁵² rounds x/ln2 to an integer k held in the low mantissa bits of t (round-to-nearest),
    // so k and 2^k come from plain vector arithmetic, with no float-to-integer conversion instruction.
    private const double ShifterD = 6755399441055744.0;
    private const float ShifterF = 12582912f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Exp(Vector<double> x)
    {
        Vector<double> tooSmall = Vector.LessThan(x, new Vector<double>(-708.0)).As<long, double>();
        // The constant first: x86's max returns its second operand when either is NaN, so a NaN x comes
        // through as itself and the result is NaN (tooSmall is false for NaN). With x second it became
        // −708, and a softmax over a non-finite score gave finite probabilities.
        x = Vector.MaxNative(new Vector<double>(-708.0), x);
        Vector<double> t = Vector.FusedMultiplyAdd(x, new Vector<double>(InvLn2), new Vector<double>(ShifterD));
        Vector<double> k = t - new Vector<double>(ShifterD);
        Vector<double> r = Vector.FusedMultiplyAdd(k, new Vector<double>(-Ln2Hi), x);
        r = Vector.FusedMultiplyAdd(k, new Vector<double>(-Ln2Lo), r);
        // Estrin's scheme: pairs c_i + c_{i+1}·r, then combined with r², r⁴ and r⁸. The same polynomial
        // as Horner's rule, but four multiply-adds deep instead of thirteen, so the three or four
        // exponentials of a softmax column overlap instead of waiting on each other's latency.
        Vector<double> r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        Vector<double> q0 = Vector.FusedMultiplyAdd(r, Vector<double>.One, Vector<double>.One);
        Vector<double> q1 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 6), new Vector<double>(0.5));
        Vector<double> q2 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 120), new Vector<double>(1.0 / 24));
        Vector<double> q3 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 5040), new Vector<double>(1.0 / 720));
        Vector<double> q4 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 362880), new Vector<double>(1.0 / 40320));
        Vector<double> q5 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 39916800), new Vector<double>(1.0 / 3628800));
        Vector<double> u0 = Vector.FusedMultiplyAdd(q1, r2, q0);
        Vector<double> u1 = Vector.FusedMultiplyAdd(q3, r2, q2);
        Vector<double> u2 = Vector.FusedMultiplyAdd(q5, r2, q4);
        Vector<double> v0 = Vector.FusedMultiplyAdd(u1, r4, u0);
        Vector<double> v1 = Vector.FusedMultiplyAdd(new Vector<double>(1.0 / 479001600), r4, u2);
        Vector<double> p = Vector.FusedMultiplyAdd(v1, r8, v0);
        // 2^k: the biased exponent k + 1023 in bits 52–62.
        Vector<long> bits = Vector.ShiftLeft(t.As<double, long>() + new Vector<long>(1023 - BitConverter.DoubleToInt64Bits(ShifterD)), 52);
        Vector<double> result = p * bits.As<long, double>();
        return Vector.AndNot(result, tooSmall);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> x)
    {
        Vector<float> tooSmall = Vector.LessThan(x, new Vector<float>(-87f)).As<int, float>();
        x = Vector.MaxNative(new Vector<float>(-87f), x); // the constant first, so NaN stays NaN (see the double version)
        Vector<float> t = Vector.FusedMultiplyAdd(x, new Vector<float>((float)InvLn2), new Vector<float>(ShifterF));
        Vector<float> k = t - new Vector<float>(ShifterF);
        Vector<float> r = Vector.FusedMultiplyAdd(k, new Vector<float>(-0.693145752f), x);
        r = Vector.FusedMultiplyAdd(k, new Vector<float>(-1.42860677e-06f), r);
        // Estrin's scheme, as for double: three multiply-adds deep instead of seven.
        Vector<float> r2 = r * r, r4 = r2 * r2;
        Vector<float> q0 = Vector.FusedMultiplyAdd(r, Vector<float>.One, Vector<float>.One);
        Vector<float> q1 = Vector.FusedMultiplyAdd(r, new Vector<float>(1f / 6), new Vector<float>(0.5f));
        Vector<float> q2 = Vector.FusedMultiplyAdd(r, new Vector<float>(1f / 120), new Vector<float>(1f / 24));
        Vector<float> q3 = Vector.FusedMultiplyAdd(r, new Vector<float>(1f / 5040), new Vector<float>(1f / 720));
        Vector<float> u0 = Vector.FusedMultiplyAdd(q1, r2, q0);
        Vector<float> u1 = Vector.FusedMultiplyAdd(q3, r2, q2);
        Vector<float> p = Vector.FusedMultiplyAdd(u1, r4, u0);
        Vector<int> bits = Vector.ShiftLeft(t.As<float, int>() + new Vector<int>(127 - BitConverter.SingleToInt32Bits(ShifterF)), 23);
        Vector<float> result = p * bits.As<int, float>();
        return Vector.AndNot(result, tooSmall);
    }
}

/// <summary>The values <see cref="VectorMath.TanhStart{T}"/> hands to <see cref="VectorMath.TanhFinish{T}"/>.</summary>
internal readonly struct TanhParts<T>(Vector<T> z, Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The argument (double; unused in float).</summary>
    public readonly Vector<T> Z = z;

    /// <summary>Double: 2n = r·2P(r²), Q and 2^k. Float: x·P and Q (C unused).</summary>
    public readonly Vector<T> A = a, B = b, C = c;
}
