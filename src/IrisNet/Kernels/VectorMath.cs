using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace IrisNet.Kernels;

/// <summary>
/// The elementwise functions the vector kernels need and System.Numerics has no fast vector form of:
/// exp for the softmax (<see cref="ExpNonPositive{T}(Vector{T})"/>) and the tanh activation (<see cref="Tanh{T}"/>).
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
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10,
        InvLn2 = 1.44269504088896338700e+00;
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
    /// Operations: the eleven multiplications and multiply-adds run on the two FMA pipes, which bound a loop of
    /// tanh (about 6.5 cycles per 256-bit vector in the float64 Iris epoch, backward pass included);
    /// u = Q + n and 2n = n + n (exact) are additions, which run on the adder pipes beside them. The clamp replaces
    /// a comparison and a blend at the end.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Tanh<T>(Vector<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var (n2, u, scale) = TanhStart(z.As<T, double>());
            return TanhFinish(z.As<T, double>(), n2, u, scale).As<double, T>();
        }
        if (typeof(T) == typeof(float))
        {
            var (num, den) = TanhStart(z.As<T, float>());
            return (num / den).As<float, T>();
        }
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double> N2, Vector<double> U, Vector<double> Scale) TanhStart(Vector<double> z)
    {
        // x = −2a, clamped at −40 (a = 20, where the result is already ±1 exactly; see the remarks). The constant first
        // in MaxNative, so a NaN z comes through as itself (x86's max returns its second operand when either is NaN).
        Vector<double> x = Vector.MaxNative(new Vector<double>(-40.0), (z + z) | new Vector<double>(-0.0));
        Vector<double> t = Vector.FusedMultiplyAdd(x, new Vector<double>(InvLn2), new Vector<double>(ShifterD));
        Vector<double> k = t - new Vector<double>(ShifterD);                                        // round(x / ln 2)
        Vector<double> r = Vector.FusedMultiplyAdd(k, new Vector<double>(-Ln2), x);                 // x − k ln 2
        Vector<double> r2 = r * r;
        // Padé [6/6]: e^r = (Q + n)/(Q − n), n = r·P(r²).
        Vector<double> P = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(r2, new Vector<double>(1.0 / 7920),
            new Vector<double>(1.0 / 33)), r2, Vector<double>.One);
        Vector<double> Q = Vector.FusedMultiplyAdd(r2, new Vector<double>(1.0 / 332640), new Vector<double>(1.0 / 396));
        Q = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Q, r2, new Vector<double>(5.0 / 22)), r2,
            new Vector<double>(2.0));
        Vector<double> scale = Vector.ShiftLeft(t.As<double, long>() + new Vector<long>(1023
            - BitConverter.DoubleToInt64Bits(ShifterD)), 52).As<long, double>();
        Vector<double> n = r * P;
        // 2n (exact) and u = Q + n
        return (n + n, Q + n, scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> TanhFinish(Vector<double> z, Vector<double> n2, Vector<double> u,
        Vector<double> scale)
    {
        // −tanh a, or NaN
        Vector<double> ratio = Vector.FusedMultiplyAdd(scale - Vector<double>.One, u,
            n2) / VectorKernels<double>.FmaSubtract(scale + Vector<double>.One, u, n2);
        // z's sign, the other bits of |ratio|
        return Vector.ConditionalSelect(new Vector<double>(-0.0), z, ratio);
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
    /// coefficients are rounded to float. Rounding x², the polynomials, the product and the quotient each add about
    /// 2⁻²⁴; measured against the double tanh rounded to float, at most 3.6·10⁻⁷ over 8 million arguments (3.0·10⁻⁷
    /// over TanhTests' sweep). P and Q by Horner's rule: ten multiplications and multiply-adds in all, which is what
    /// bounds the sweep's tanh loop (its FMA pipes are the busy ones); Estrin's scheme would be one multiplication more
    /// for a shorter chain, and measured no faster there. Saturation: tanh 9.5 is 1 − 1.1·10⁻⁸ and the fraction there
    /// rounds to 1, so every |z| ≥ 9.5 gives ±1, as the exact tanh rounded to float does from about 9.01 on (1 − tanh z
    /// &lt; 2⁻²⁵). x·P is odd and Q is even in x, so tanh(−z) = −tanh z exactly and ±0 keep their sign. NaN passes
    /// through the clamp (see there) and the arithmetic.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Numerator, Vector<float> Denominator) TanhStart(Vector<float> z)
    {
        // max(−c, z) then min(c, ·), the constant first: x86's max and min give their second operand when either is
        // NaN, and ARM's give NaN, so a NaN z comes through the clamp as itself on both (TanhTests checks it).
        Vector<float> x = Vector.MinNative(new Vector<float>(TanhClampF),
            Vector.MaxNative(new Vector<float>(-TanhClampF), z));
        Vector<float> y = x * x;
        Vector<float> P =
            Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(new
            Vector<float>(TanhP4), y, new Vector<float>(TanhP3)), y, new Vector<float>(TanhP2)), y,
            new Vector<float>(TanhP1)), y, Vector<float>.One);
        Vector<float> Q =
            Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(new
            Vector<float>(TanhQ4), y, new Vector<float>(TanhQ3)), y, new Vector<float>(TanhQ2)), y,
            new Vector<float>(TanhQ1)), y, Vector<float>.One);
        return (x * P, Q);                                                                         // tanh z = x·P / Q
    }

    /// <summary>
    /// True where the processor runs 512-bit vectors (x86 with AVX-512): there <see cref="TanhStart{T}(Vector512{T})"/>
    /// and <see cref="TanhFinish{T}(TanhParts512{T})"/> compute tanh on two of <see cref="Vector{T}"/>'s vectors at
    /// once.
    /// </summary>
    /// <remarks>
    /// The same operations on twice the lanes, so each lane's bits are those of <see cref="Tanh{T}"/> (TanhTests checks
    /// it). What it buys is room, not arithmetic: a 512-bit operation does the work of two 256-bit ones on this kind of
    /// core (Zen 4 splits it over the same two pipes) but takes one place in the scheduler. The double tanh is a chain
    /// of about 55 cycles of dependent operations; to keep the FMA pipes busy the processor must hold the waiting
    /// operations of several tanh at once, more than its floating-point scheduler has room for with 256-bit operations
    /// (a loop of nothing but tanh ran at 11–13 cycles per 256-bit vector against about 6 for its FMA-pipe operations
    /// alone; at 512 bits, 7–10 cycles per 256 bits of result).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Wide<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Vector512<T>.Count == 2 * Vector<T>.Count;

    /// <summary>
    /// The first half of <see cref="Tanh{T}"/> on 512 bits (see <see cref="Wide{T}"/>): everything up to the final
    /// division. <see cref="TanhFinish{T}(TanhParts512{T})"/> of its result is Tanh z in every lane, bit for bit. Split
    /// so that the fused sweep's loop can start the tanh of its next unit before it finishes this one's (each half is a
    /// chain of about 25 cycles of dependent operations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TanhParts512<T> TanhStart<T>(Vector512<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var (n2, u, scale) = TanhStart(z.As<T, double>());
            return new TanhParts512<T>(z, n2.As<double, T>(), u.As<double, T>(), scale.As<double, T>());
        }
        if (typeof(T) == typeof(float))
        {
            var (num, den) = TanhStart(z.As<T, float>());
            return new TanhParts512<T>(default, num.As<float, T>(), den.As<float, T>(), default);
        }
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    /// <summary>The second half of <see cref="Tanh{T}"/> on 512 bits (see <see
    /// cref="TanhStart{T}(Vector512{T})"/>).</summary>
    /// <remarks>
    /// The parts come by value, not <c>in</c>: passed by reference, a pipelined loop that overwrites them right after
    /// this call computed wrong values when .NET 10's JIT ran with hardware intrinsics disabled (FusedSweepTests caught
    /// it in the 256-bit loop this one replaced).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> TanhFinish<T>(TanhParts512<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            Vector512<double> n2 = p.A.As<T, double>(), u = p.B.As<T, double>(), scale = p.C.As<T, double>();
            Vector512<double> den = Avx512F.IsSupported ? Avx512F.FusedMultiplySubtract(scale + Vector512<double>.One,
                u, n2)
                // the same bits, one operation more
                : Vector512.FusedMultiplyAdd(scale + Vector512<double>.One, u, -n2);
            Vector512<double> ratio = Vector512.FusedMultiplyAdd(scale - Vector512<double>.One, u, n2) / den;
            return Vector512.ConditionalSelect(Vector512.Create(-0.0), p.Z.As<T, double>(), ratio).As<double, T>();
        }
        if (typeof(T) == typeof(float)) return (p.A.As<T, float>() / p.B.As<T, float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    /// <summary><see cref="ExpNonPositive{T}(Vector{T})"/> on 512 bits, the same bits in every lane (see <see
    /// cref="Wide{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpNonPositive<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return Exp(x.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return Exp(x.As<T, float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    // The double Exp below, line for line, on eight lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Exp(Vector512<double> x)
    {
        Vector512<double> tooSmall = Vector512.LessThan(x, Vector512.Create(-708.0));
        x = Vector512.MaxNative(Vector512.Create(-708.0), x);
        Vector512<double> t = Vector512.FusedMultiplyAdd(x, Vector512.Create(InvLn2), Vector512.Create(ShifterD));
        Vector512<double> k = t - Vector512.Create(ShifterD);
        Vector512<double> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Lo), r);
        Vector512<double> r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        Vector512<double> q0 = Vector512.FusedMultiplyAdd(r, Vector512<double>.One, Vector512<double>.One);
        Vector512<double> q1 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 6), Vector512.Create(0.5));
        Vector512<double> q2 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 120), Vector512.Create(1.0 / 24));
        Vector512<double> q3 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 5040), Vector512.Create(1.0 / 720));
        Vector512<double> q4 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 362880),
            Vector512.Create(1.0 / 40320));
        Vector512<double> q5 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 39916800),
            Vector512.Create(1.0 / 3628800));
        Vector512<double> u0 = Vector512.FusedMultiplyAdd(q1, r2, q0);
        Vector512<double> u1 = Vector512.FusedMultiplyAdd(q3, r2, q2);
        Vector512<double> u2 = Vector512.FusedMultiplyAdd(q5, r2, q4);
        Vector512<double> v0 = Vector512.FusedMultiplyAdd(u1, r4, u0);
        Vector512<double> v1 = Vector512.FusedMultiplyAdd(Vector512.Create(1.0 / 479001600), r4, u2);
        Vector512<double> p = Vector512.FusedMultiplyAdd(v1, r8, v0);
        Vector512<long> bits = Vector512.ShiftLeft(t.AsInt64() + Vector512.Create(1023
            - BitConverter.DoubleToInt64Bits(ShifterD)), 52);
        return Vector512.AndNot(p * bits.AsDouble(), tooSmall);
    }

    // The float Exp below, line for line, on sixteen lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> tooSmall = Vector512.LessThan(x, Vector512.Create(-87f));
        x = Vector512.MaxNative(Vector512.Create(-87f), x);
        Vector512<float> t = Vector512.FusedMultiplyAdd(x, Vector512.Create((float)InvLn2), Vector512.Create(ShifterF));
        Vector512<float> k = t - Vector512.Create(ShifterF);
        Vector512<float> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-0.693145752f), x);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-1.42860677e-06f), r);
        Vector512<float> r2 = r * r, r4 = r2 * r2;
        Vector512<float> q0 = Vector512.FusedMultiplyAdd(r, Vector512<float>.One, Vector512<float>.One);
        Vector512<float> q1 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1f / 6), Vector512.Create(0.5f));
        Vector512<float> q2 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1f / 120), Vector512.Create(1f / 24));
        Vector512<float> q3 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1f / 5040), Vector512.Create(1f / 720));
        Vector512<float> u0 = Vector512.FusedMultiplyAdd(q1, r2, q0);
        Vector512<float> u1 = Vector512.FusedMultiplyAdd(q3, r2, q2);
        Vector512<float> p = Vector512.FusedMultiplyAdd(u1, r4, u0);
        Vector512<int> bits = Vector512.ShiftLeft(t.AsInt32() + Vector512.Create(127
            - BitConverter.SingleToInt32Bits(ShifterF)), 23);
        return Vector512.AndNot(p * bits.AsSingle(), tooSmall);
    }

    // The double TanhStart above, line for line, on eight lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> N2, Vector512<double> U, Vector512<double> Scale) TanhStart(Vector512<double> z)
    {
        Vector512<double> x = Vector512.MaxNative(Vector512.Create(-40.0), (z + z) | Vector512.Create(-0.0));
        Vector512<double> t = Vector512.FusedMultiplyAdd(x, Vector512.Create(InvLn2), Vector512.Create(ShifterD));
        Vector512<double> k = t - Vector512.Create(ShifterD);
        Vector512<double> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2), x);
        Vector512<double> r2 = r * r;
        Vector512<double> P = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(r2, Vector512.Create(1.0 / 7920),
            Vector512.Create(1.0 / 33)), r2, Vector512<double>.One);
        Vector512<double> Q = Vector512.FusedMultiplyAdd(r2, Vector512.Create(1.0 / 332640),
            Vector512.Create(1.0 / 396));
        Q = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Q, r2, Vector512.Create(5.0 / 22)), r2,
            Vector512.Create(2.0));
        Vector512<double> scale = Vector512.ShiftLeft(t.AsInt64() + Vector512.Create(1023
            - BitConverter.DoubleToInt64Bits(ShifterD)), 52).AsDouble();
        Vector512<double> n = r * P;
        return (n + n, Q + n, scale);
    }

    // The float TanhStart above, line for line, on sixteen lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Numerator, Vector512<float> Denominator) TanhStart(Vector512<float> z)
    {
        Vector512<float> x = Vector512.MinNative(Vector512.Create(TanhClampF),
            Vector512.MaxNative(Vector512.Create(-TanhClampF), z));
        Vector512<float> y = x * x;
        Vector512<float> P =
            Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(TanhP4), y, Vector512.Create(TanhP3)), y, Vector512.Create(TanhP2)), y, Vector512.Create(TanhP1)), y, Vector512<float>.One);
        Vector512<float> Q =
            Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(TanhQ4), y, Vector512.Create(TanhQ3)), y, Vector512.Create(TanhQ2)), y, Vector512.Create(TanhQ1)), y, Vector512<float>.One);
        return (x * P, Q);
    }

    private const float TanhClampF = 9.5f;
    private const float TanhP1 = 0.13351257562106825f, TanhP2 = 0.0034602121544729278f,
        TanhP3 = 2.0027738510056063e-05f, TanhP4 = 1.2554316780820484e-08f;
    private const float TanhQ1 = 0.46684571950339815f, TanhQ2 = 0.02574243485266639f, TanhQ3 = 0.0003227793374088639f,
        TanhQ4 = 7.44767987693602e-07f;

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
        Vector<double> q4 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 362880),
            new Vector<double>(1.0 / 40320));
        Vector<double> q5 = Vector.FusedMultiplyAdd(r, new Vector<double>(1.0 / 39916800),
            new Vector<double>(1.0 / 3628800));
        Vector<double> u0 = Vector.FusedMultiplyAdd(q1, r2, q0);
        Vector<double> u1 = Vector.FusedMultiplyAdd(q3, r2, q2);
        Vector<double> u2 = Vector.FusedMultiplyAdd(q5, r2, q4);
        Vector<double> v0 = Vector.FusedMultiplyAdd(u1, r4, u0);
        Vector<double> v1 = Vector.FusedMultiplyAdd(new Vector<double>(1.0 / 479001600), r4, u2);
        Vector<double> p = Vector.FusedMultiplyAdd(v1, r8, v0);
        // 2^k: the biased exponent k + 1023 in bits 52–62.
        Vector<long> bits = Vector.ShiftLeft(t.As<double, long>() + new Vector<long>(1023
            - BitConverter.DoubleToInt64Bits(ShifterD)), 52);
        Vector<double> result = p * bits.As<long, double>();
        return Vector.AndNot(result, tooSmall);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> x)
    {
        Vector<float> tooSmall = Vector.LessThan(x, new Vector<float>(-87f)).As<int, float>();
        // the constant first, so NaN stays NaN (see the double version)
        x = Vector.MaxNative(new Vector<float>(-87f), x);
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
        Vector<int> bits = Vector.ShiftLeft(t.As<float, int>() + new Vector<int>(127
            - BitConverter.SingleToInt32Bits(ShifterF)), 23);
        Vector<float> result = p * bits.As<int, float>();
        return Vector.AndNot(result, tooSmall);
    }
}

/// <summary>The values <see cref="VectorMath.TanhStart{T}(Vector512{T})"/> hands to <see
/// cref="VectorMath.TanhFinish{T}(TanhParts512{T})"/>.</summary>
internal readonly struct TanhParts512<T>(Vector512<T> z, Vector512<T> a, Vector512<T> b,
    Vector512<T> c) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The argument (double; unused in float).</summary>
    public readonly Vector512<T> Z = z;

    /// <summary>Double: 2n = 2r·P(r²), u = Q + n and 2^k. Float: x·P and Q (C unused).</summary>
    public readonly Vector512<T> A = a, B = b, C = c;
}
