using System.Numerics;

namespace IrisNet.Tests;

/// <summary>
/// The vectorized kernels against their scalar twins, on every column count from 0 to three vector
/// widths plus one, several row counts and leading dimensions larger than the column count.
/// Elementwise results must agree to a few ulps; reductions to a relative tolerance.
/// </summary>
public class KernelTests
{
    public static IEnumerable<int> Lengths<T>() where T : unmanaged => Enumerable.Range(0, 3 * Vector<T>.Count + 2);

    [Fact] public void MatMul_double() => MatMul<double>(1e-13);
    [Fact] public void MatMul_float() => MatMul<float>(1e-5);
    [Fact] public void MatMulTransposedAdd_double() => Gram<double>(1e-12);
    [Fact] public void MatMulTransposedAdd_float() => Gram<float>(1e-4);
    [Fact] public void RowSumsAdd_double() => RowSums<double>(1e-12);
    [Fact] public void RowSumsAdd_float() => RowSums<float>(1e-4);
    [Fact] public void SoftmaxCrossEntropy_double() => Softmax<double>(1e-12);
    [Fact] public void SoftmaxCrossEntropy_float() => Softmax<float>(1e-5);
    [Fact] public void Activations_double() => Activations<double>(1e-15);
    [Fact] public void Activations_float() => Activations<float>(1e-6);
    [Fact] public void Update_double() => Update<double>(1e-15);
    [Fact] public void Update_float() => Update<float>(1e-6);
    [Fact] public void UpdateNesterov_double() => Nesterov<double>();
    [Fact] public void UpdateNesterov_float() => Nesterov<float>();
    [Fact] public void UpdateAdam_double() => Adam<double>();
    [Fact] public void UpdateAdam_float() => Adam<float>();

    [Fact]
    public void Softmax_is_stable_for_huge_logits_and_probabilities_sum_to_one()
    {
        // exp(1000) overflows; subtracting the column maximum keeps every term finite.
        double[] S = [1000, -1000, 999, 0, 1000, 5, 1, 2, 3, 7, 6, 5];
        double[] Y = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1]; // C=3 rows × N=4 columns, one 1 per column
        var P = new double[12];
        VectorKernels<double>.SoftmaxCrossEntropy(S, 4, new double[12], 4, 3, 4, 1.0, P, 4);
        for (int n = 0; n < 4; n++) Assert.Equal(1.0, P[n] + P[4 + n] + P[8 + n], 1e-15);
        var (ce, correct) = VectorKernels<double>.SoftmaxCrossEntropy(S, 4, Y, 4, 3, 4, 1.0, P, 4);
        // Columns (logits; label): (1000, 1000, 3; 0) a tie the first maximum wins, (−1000, 5, 7; 2),
        // (999, 1, 6; 1) wrong, (0, 2, 5; 2). Column 0 alone contributes ln(2 + e⁻⁹⁹⁷) ≈ ln 2.
        Assert.True(double.IsFinite(ce) && ce > Math.Log(2));
        Assert.Equal(3, correct);
    }

    [Fact] public void Non_finite_scores_give_NaN_in_their_column_only_double() => NonFiniteScores<double>();
    [Fact] public void Non_finite_scores_give_NaN_in_their_column_only_float() => NonFiniteScores<float>();

    // A column with a NaN or infinite score (an overflowing input row) must come out NaN, in the vector
    // body as in the tail, so predict and evaluate report it instead of printing a made-up probability;
    // the other columns are untouched. The vector exp once turned NaN into e^−708.
    private static void NonFiniteScores<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int C in new[] { 1, 3, 4, 5 })
            foreach (int N in Lengths<T>().Where(n => n > 0))
                foreach (T bad in new[] { T.NaN, T.PositiveInfinity, T.NegativeInfinity })
                {
                    int ld = N + 1, col = (N * 7 + C) % N, row = C - 1;
                    T[] S = Random<T>(C * ld, C + N, scale: 6);
                    S[row * ld + col] = bad;
                    if (T.IsNegativeInfinity(bad)) for (int k = 0; k < C; k++) S[k * ld + col] = bad; // all −∞: 0/0
                    var P = new T[C * ld];
                    VectorKernels<T>.SoftmaxCrossEntropy(S, ld, new T[C * ld], ld, C, N, T.One, P, ld);
                    for (int n = 0; n < N; n++)
                    {
                        T sum = T.Zero;
                        for (int k = 0; k < C; k++) sum += P[k * ld + n];
                        if (n == col) Assert.True(T.IsNaN(sum),
                            $"C={C} N={N} column {n} with {bad}: probabilities sum to {sum}");
                        else Assert.True(T.Abs(sum - T.One) < T.CreateChecked(1e-5), $"C={C} N={N} column {n}: {sum}");
                    }
                }
    }

    [Fact] public void Activations_keep_NaN_in_every_column_double() => ActivationsKeepNaN<double>();
    [Fact] public void Activations_keep_NaN_in_every_column_float() => ActivationsKeepNaN<float>();

    // A NaN pre-activation (an overflowing input row) must stay NaN through f, in the vector body, in the last
    // partial vector and in the scalar kernels alike: the scalar ReLU once wrote v > 0 ? v : 0, which made it 0,
    // so a one-row predict on a ReLU model gave finite probabilities where a longer file gave NaN.
    private static void ActivationsKeepNaN<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (Activation f in Enum.GetValues<Activation>())
            foreach (int N in Lengths<T>().Where(n => n > 0))
                for (int col = 0; col < N; col++)
                {
                    T[] Z = Random<T>(N, N + col, scale: 3);
                    Z[col] = T.NaN;
                    T[] hv = new T[N], hs = new T[N];
                    VectorKernels<T>.ActivationForward(f, Z, hv, N, 1, N);
                    ScalarKernels<T>.ActivationForward(f, Z, hs, N, 1, N);
                    Assert.True(T.IsNaN(hv[col]), $"{f} vector N={N} column {col}: {hv[col]}");
                    Assert.True(T.IsNaN(hs[col]), $"{f} scalar N={N} column {col}: {hs[col]}");
                }
    }

    [Fact] public void A_column_gets_the_same_bits_wherever_it_falls_double() => SameColumnEverywhere<double>();
    [Fact] public void A_column_gets_the_same_bits_wherever_it_falls_float() => SameColumnEverywhere<float>();

    // The same scores in every column, for every column count: each column's probabilities must be the same bits,
    // whether it falls in a whole vector or in the last partial one (which once went through libm's exp instead
    // of the vector exp), so predict gives a row the same probabilities wherever it is in the file.
    private static void SameColumnEverywhere<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int C in new[] { 1, 2, 3, 4 })
            foreach (int N in Lengths<T>().Where(n => n > 0))
                for (int trial = 0; trial < 20; trial++)
                {
                    T[] column = Random<T>(C, 1000 * C + trial, scale: 8);
                    var S = new T[C * N];
                    for (int k = 0; k < C; k++) S.AsSpan(k * N, N).Fill(column[k]);
                    var P = new T[C * N];
                    VectorKernels<T>.SoftmaxCrossEntropy(S, N, new T[C * N], N, C, N, T.One, P, N);
                    for (int k = 0; k < C; k++)
                        for (int n = 1; n < N; n++)
                            Assert.True(P[k * N + n] == P[k * N],
                                $"C={C} N={N} class {k}: column {n} has {P[k * N + n]}, column 0 {P[k * N]}");
                }
    }

    /// <summary>
    /// The scalar kernels keep f and f′ generic over float and double; in float64 they are the reference's one f and
    /// one f′ (<see cref="Equations.Activate"/>, <see cref="Equations.Derivative"/>) bit for bit, NaN, ±0, ±∞ and
    /// saturated tanh included (ActivationBackward takes f′ from h: 1 − h², h &gt; 0).
    /// </summary>
    [Fact]
    public void Scalar_activations_are_the_reference_f_and_f_prime_bit_for_bit()
    {
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon,
            -double.Epsilon, 1e-300, -1e-300, 0.5, -0.5, 1, -1, 19.5, -19.5, 20, -20, 710, -710];
        double[] z = [.. special, .. RandomData.Vector(2000, 5, scale: 12)];
        double[] dh = RandomData.Vector(z.Length, 6, scale: 3);
        int N = z.Length;
        foreach (Activation f in Enum.GetValues<Activation>())
        {
            var h = new double[N];
            ScalarKernels<double>.ActivationForward(f, z, h, N, 1, N);
            double[] dz = (double[])dh.Clone();
            ScalarKernels<double>.ActivationBackward(f, h, N, 1, N, dz);
            for (int i = 0; i < N; i++)
            {
                AssertSameBits(Equations.Activate(f, z[i]), h[i], $"{f} f({z[i]:R})");
                AssertSameBits(dh[i] * Equations.Derivative(f, z[i]), dz[i], $"{f} dh·f′({z[i]:R})");
            }
        }

        static void AssertSameBits(double expected, double actual, string what) => Assert.True(
            BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual)
            || (double.IsNaN(expected) && double.IsNaN(actual)),
            $"{what}: reference {expected:R}, scalar kernel {actual:R}");
    }

    [Fact]
    public void Kernels_reject_buffers_that_are_too_small()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels<double>.MatMul(new double[5], [], new double[8], 4, 2, 3,
            4, new double[8], 4));
        Assert.Throws<ArgumentException>(() => ScalarKernels<double>.RowSumsAdd(new double[7], 4, 2, 4, new double[2]));
    }

    [Theory]
    // length, rows, cols, ld, expected: null = accepted, otherwise the exception type's name
    [InlineData(11, 3, 3, 4, null)]                             // (rows − 1)·ld + cols = 11: exactly enough
    [InlineData(10, 3, 3, 4, "ArgumentException")]              // one element short
    [InlineData(0, 0, 5, 5, null)]                              // no rows: nothing is read
    [InlineData(0, 5, 0, 0, null)]                              // no columns
    [InlineData(100, -1, 3, 3, "ArgumentOutOfRangeException")]  // negative dimensions
    [InlineData(100, 3, -1, 3, "ArgumentOutOfRangeException")]
    [InlineData(100, 3, 4, 3, "ArgumentOutOfRangeException")]   // leading dimension below the column count
    [InlineData(int.MaxValue, 65536, 65536, 65536, "ArgumentException")] // the need overflows int, not long
    public void Matrix_arguments_are_accepted_exactly_when_they_fit(int length, int rows, int cols, int ld,
        string? expected)
    {
        Exception? e = Record.Exception(() => KernelArgs.Matrix(length, rows, cols, ld, "M"));
        Assert.Equal(expected, e?.GetType().Name);
        if (e is ArgumentException a) Assert.Equal("M", a.ParamName);
    }

    [Fact]
    public void Vector_arguments_are_accepted_exactly_when_they_fit()
    {
        KernelArgs.Vector(4, 4, "v");
        KernelArgs.Vector(0, 0, "v");
        var e = Assert.Throws<ArgumentException>(() => KernelArgs.Vector(3, 4, "v"));
        Assert.Equal("v", e.ParamName);
        Assert.Contains("holds 3 elements; 4 are needed", e.Message);
    }

    private static void MatMul<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int R in new[] { 1, 2, 3, 4, 5, 7, 9 })
            foreach (int K in new[] { 1, 3, 4, 16 })
                foreach (int N in Lengths<T>())
                    foreach (bool bias in new[] { true, false })
                    {
                        int ldx = N + 3, ldz = N + 1;
                        T[] W = Random<T>(R * K, R + K), b = bias ? Random<T>(R, N) : [], X = Random<T>(K * ldx, N + 5);
                        T[] expected = Random<T>(R * ldz, 1), actual = (T[])expected.Clone();
                        ScalarKernels<T>.MatMul(W, b, X, ldx, R, K, N, expected, ldz);
                        VectorKernels<T>.MatMul(W, b, X, ldx, R, K, N, actual, ldz);
                        AssertClose(expected, actual, tolerance * K, $"R={R} K={K} N={N} bias={bias}");
                    }
    }

    private static void Gram<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int R in new[] { 1, 2, 3, 4, 5, 8 })
            foreach (int M in new[] { 1, 2, 3, 4, 6, 16 })
                foreach (int N in Lengths<T>())
                {
                    int ldp = N + 2, ldq = N + 5;
                    T[] P = Random<T>(R * ldp, R + N), Q = Random<T>(M * ldq, M * 3 + N);
                    T[] expected = Random<T>(R * M, 7), actual = (T[])expected.Clone();
                    ScalarKernels<T>.MatMulTransposedAdd(P, ldp, Q, ldq, R, M, N, expected);
                    VectorKernels<T>.MatMulTransposedAdd(P, ldp, Q, ldq, R, M, N, actual);
                    AssertClose(expected, actual, tolerance * Math.Max(1, N), $"R={R} M={M} N={N}");
                }
    }

    private static void RowSums<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int R in new[] { 1, 3, 4 })
            foreach (int N in Lengths<T>())
            {
                T[] P = Random<T>(R * (N + 1), N);
                T[] expected = Random<T>(R, 3), actual = (T[])expected.Clone();
                ScalarKernels<T>.RowSumsAdd(P, N + 1, R, N, expected);
                VectorKernels<T>.RowSumsAdd(P, N + 1, R, N, actual);
                AssertClose(expected, actual, tolerance * Math.Max(1, N), $"R={R} N={N}");
            }
    }

    private static void Softmax<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int C in new[] { 1, 2, 3, 5 })
            foreach (int N in Lengths<T>())
            {
                int ld = N + 2;
                T[] S = Random<T>(C * ld, C + N, scale: 6);
                var Y = new T[C * ld];
                var rng = new Random(N);
                for (int n = 0; n < N; n++) Y[rng.Next(C) * ld + n] = T.One;
                if (N > 1 && C > 1) S[ld + 1] = S[1]; // a tie in column 1: the first maximum wins in both
                T scale = T.CreateChecked(0.25);
                T[] expected = new T[C * ld], actual = new T[C * ld];
                var (l1, c1) = ScalarKernels<T>.SoftmaxCrossEntropy(S, ld, Y, ld, C, N, scale, expected, ld);
                var (l2, c2) = VectorKernels<T>.SoftmaxCrossEntropy(S, ld, Y, ld, C, N, scale, actual, ld);
                AssertClose(expected, actual, tolerance, $"C={C} N={N}");
                Assert.Equal(c1, c2);
                double L1 = double.CreateChecked(l1), L2 = double.CreateChecked(l2);
                Assert.True(Math.Abs(L1 - L2) <= tolerance * Math.Max(1, Math.Abs(L1)) * Math.Max(1, N),
                    $"loss C={C} N={N}: {L1} vs {L2}");
            }
    }

    private static void Activations<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (Activation f in Enum.GetValues<Activation>())
            foreach (int N in Lengths<T>())
            {
                const int R = 3;
                int ld = N + 1;
                T[] Z = Random<T>(R * ld, N, scale: 3);
                T[] h1 = new T[R * ld], h2 = new T[R * ld];
                ScalarKernels<T>.ActivationForward(f, Z, h1, ld, R, N);
                VectorKernels<T>.ActivationForward(f, Z, h2, ld, R, N);
                AssertClose(h1, h2, tolerance, $"{f} forward N={N}");
                T[] d1 = Random<T>(R * ld, 2 * N + 1), d2 = (T[])d1.Clone();
                ScalarKernels<T>.ActivationBackward(f, h1, ld, R, N, d1);
                VectorKernels<T>.ActivationBackward(f, h1, ld, R, N, d2);
                AssertClose(d1, d2, tolerance, $"{f} backward N={N}");
            }
    }

    private static void Update<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int L in Lengths<T>())
            foreach (double mu in new[] { 0.0, 0.9 })
                foreach (double l2 in new[] { 0.0, 0.01 })
                {
                    T[] theta1 = Random<T>(L, L), g = Random<T>(L, L + 1), v1 = Random<T>(L, L + 2);
                    T[] theta2 = (T[])theta1.Clone(), v2 = (T[])v1.Clone();
                    T eta = T.CreateChecked(0.1), m = T.CreateChecked(mu), lambda = T.CreateChecked(l2);
                    ScalarKernels<T>.Update(theta1, g, v1, eta, m, lambda);
                    VectorKernels<T>.Update(theta2, g, v2, eta, m, lambda);
                    AssertClose(theta1, theta2, tolerance, $"L={L} mu={mu} l2={l2}");
                    AssertClose(v1, v2, tolerance, $"v L={L}");
                }
    }

    // The vector kernels evaluate the same operations in the same order as their scalar twins (no fused
    // multiply-add), so they must agree bit for bit, in the vector body and in the tail.
    private static void Nesterov<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int L in Lengths<T>())
            foreach (double l2 in new[] { 0.0, 0.01 })
            {
                T[] theta1 = Random<T>(L, L), g = Random<T>(L, L + 1), v1 = Random<T>(L, L + 2);
                T[] theta2 = (T[])theta1.Clone(), v2 = (T[])v1.Clone();
                T eta = T.CreateChecked(0.1), mu = T.CreateChecked(0.9), lambda = T.CreateChecked(l2);
                ScalarKernels<T>.UpdateNesterov(theta1, g, v1, eta, mu, lambda);
                VectorKernels<T>.UpdateNesterov(theta2, g, v2, eta, mu, lambda);
                AssertClose(theta1, theta2, 0, $"nesterov θ L={L} l2={l2}");
                AssertClose(v1, v2, 0, $"nesterov v L={L}");
            }
    }

    private static void Adam<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int L in Lengths<T>())
            foreach (var (l2, decay, t) in new[] { (0.0, 0.0, 1L), (0.01, 0.0, 7L), (0.0, 0.05, 300L) })
            {
                T[] theta1 = Random<T>(L, L), g = Random<T>(L, L + 1), m1 = Random<T>(L, L + 2, 0.1);
                T[] r1 = Random<T>(L, L + 3).Select(x => x * x).ToArray();
                T[] theta2 = (T[])theta1.Clone(), m2 = (T[])m1.Clone(), r2 = (T[])r1.Clone();
                var step = AdamStep<T>.For(0.01, 0.9, 0.999, 1e-8, l2, decay, t);
                ScalarKernels<T>.UpdateAdam(theta1, g, m1, r1, step);
                VectorKernels<T>.UpdateAdam(theta2, g, m2, r2, step);
                AssertClose(theta1, theta2, 0, $"adam θ L={L} t={t}");
                AssertClose(m1, m2, 0, $"adam m L={L}");
                AssertClose(r1, r2, 0, $"adam r L={L}");
            }
    }

    private static T[] Random<T>(int length, int seed, double scale = 1) where T : unmanaged,
        IFloatingPointIeee754<T> =>
        RandomData.Vector(length, seed * 7919 + length, scale).Select(T.CreateChecked).ToArray();

    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)),
                $"{what} [{i}]: scalar {e}, vector {a}");
        }
    }
}
