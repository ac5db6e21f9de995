namespace IrisNet.Reference;

/// <summary>
/// Every equation of docs/derivation.md, once, in its symbols: the forward pass (1)–(5), the softmax
/// Jacobian (6), the backward pass (7)–(12), f′ (13) and the mean (14). <see cref="ReferenceNetwork"/>
/// composes them into the batch forward and backward passes and <see cref="GradientDescent"/> holds the
/// update (15)–(16); <c>explain</c> (one sample), <c>trace</c>, <c>diff</c> and the decision-region grid
/// are built from the same members. The fast path (Network with its kernels) is separate and tested
/// against them.
/// <code>
/// N samples, D features, H hidden units, C classes. Batch matrices are sample-major, row n is sample n:
/// X N×D, Z and H N×H, S, Ŷ, Y and dS N×C. w.A is H×D and w.B is C×H (rows A[i], B[j]);
/// a = w.HiddenBias (H) and b = w.OutputBias (C) are null without biases.
/// forward                                   backward, in reverse order
/// (1)  Z = X Aᵀ + 1aᵀ          N×H          (7)  dS = (Ŷ − Y)/N             N×C
/// (2)  H = f(Z)                N×H          (8)  dB = dSᵀ H                 C×H
/// (3)  S = H Bᵀ + 1bᵀ          N×C          (12) db = Σ_n dS_n              C
/// (4)  Ŷ = softmax of each row N×C          (9)  dH = dS B                  N×H
/// (5)  ℓ_n = −Σ_k y_k ln ŷ_k   N            (10) dZ = dH ⊙ f′(Z)            N×H
/// (14) L = (1/N) Σ_n ℓ_n       scalar       (11) dA = dZᵀ X, (12) da = Σ_n dZ_n   H×D, H
/// </code>
/// Every member returns new arrays; none overwrites or accumulates into its arguments. A variant of the
/// math, such as a known mistake that <c>irisnet diff</c> looks for, is a subclass that overrides one member.
/// </summary>
public class Equations
{
    /// <summary>The equations as derived, no member overridden.</summary>
    public static Equations Derived { get; } = new();

    /// <summary>(1) Z = X Aᵀ + 1aᵀ: z_i = a_i + Σ_d A_id x_d for each row x of X (N×D), giving N×H.</summary>
    public virtual double[][] Z(double[][] X, Parameters w) => Affine(X, w.A, w.HiddenBias);

    /// <summary>(2) H = f(Z), entry by entry (N×H).</summary>
    public virtual double[][] H(Activation f, double[][] Z) =>
        Z.Select(z => z.Select(v => Activate(f, v)).ToArray()).ToArray();

    /// <summary>(3) S = H Bᵀ + 1bᵀ: s_j = b_j + Σ_i B_ji h_i for each row h of H (N×H), giving N×C.</summary>
    public virtual double[][] S(double[][] H, Parameters w) => Affine(H, w.B, w.OutputBias);

    /// <summary>(4) Ŷ: the <see cref="Softmax"/> of each row of S (N×C).</summary>
    public virtual double[][] Yhat(double[][] S) => S.Select(Softmax).ToArray();

    /// <summary>
    /// (5) Y: the one-hot row of each of the N labels: y_k = 1 for the observed class k, else 0 (N×C).
    /// </summary>
    public virtual double[][] Y(IReadOnlyList<int> labels, int C) =>
        labels.Select(label => Enumerable.Range(0, C).Select(k => k == label ? 1.0 : 0.0).ToArray()).ToArray();

    /// <summary>(5) ℓ_n = <see cref="Loss"/>(s_n, y_n) for each row of S and Y (N×C), giving N.</summary>
    public virtual double[] Losses(double[][] S, double[][] Y) => S.Select((s, n) => Loss(s, Y[n])).ToArray();

    /// <summary>(5), (14) L = (1/N) Σ_n ℓ_n, the sum taken in sample order; 0 for an empty batch.</summary>
    public double L(double[] losses) => losses.Length == 0 ? 0 : Sum(losses) * SampleWeight(losses.Length);

    /// <summary>
    /// (14) The weight 1/N of each sample in the mean loss L = (1/N) Σ_n ℓ_n. It enters L and dS once each, and
    /// every gradient after dS through dS.
    /// </summary>
    public virtual double SampleWeight(int N) => 1.0 / N;

    /// <summary>(7), (14) dS = (Ŷ − Y)/N: ∂L/∂s_j = (ŷ_j − y_j)/N for each sample (N×C).</summary>
    public virtual double[][] dS(double[][] Yhat, double[][] Y)
    {
        double weight = SampleWeight(Yhat.Length);
        return Yhat.Select((yhat, n) => yhat.Select((p, k) => (p - Y[n][k]) * weight).ToArray()).ToArray();
    }

    /// <summary>(8) dB = dSᵀ H: ∂L/∂B_ji = Σ_n dS_nj H_ni, a sum over the samples (C×H).</summary>
    public virtual double[][] dB(double[][] dS, double[][] H) => SumOfOuterProducts(dS, H);

    /// <summary>(9) dH = dS B: ∂L/∂h_i = Σ_j dS_j B_ji for each sample, that is Bᵀ ds (N×H).</summary>
    public virtual double[][] dH(double[][] dS, double[][] B) =>
        dS.Select(ds => Enumerable.Range(0, B[0].Length).Select(i => Dot(ds, Column(B, i))).ToArray()).ToArray();

    /// <summary>(10) dZ = dH ⊙ f′(Z): ∂L/∂z_i = (∂L/∂h_i) f′(z_i), entry by entry (N×H).</summary>
    public virtual double[][] dZ(Activation f, double[][] dH, double[][] Z) =>
        dH.Select((dh, n) => dh.Select((g, i) => g * Derivative(f, Z[n][i])).ToArray()).ToArray();

    /// <summary>(11) dA = dZᵀ X: ∂L/∂A_id = Σ_n dZ_ni X_nd, a sum over the samples (H×D).</summary>
    public virtual double[][] dA(double[][] dZ, double[][] X) => SumOfOuterProducts(dZ, X);

    /// <summary>
    /// (12) The bias gradients db = Σ_n dS_n and da = Σ_n dZ_n: since ∂s_j/∂b_j = ∂z_i/∂a_i = 1, each is the sum over
    /// the samples (the rows) of G, N×K, giving K numbers.
    /// </summary>
    public virtual double[] SumOverSamples(double[][] G) =>
        Enumerable.Range(0, G.Length == 0 ? 0 : G[0].Length).Select(k => Sum(Column(G, k))).ToArray();

    /// <summary>(2) f(z) for the hidden activation: z; tanh z; max(0, z), with ReLU of NaN NaN (as Math.Max).</summary>
    public static double Activate(Activation f, double z) => f switch
    {
        Activation.Tanh => Math.Tanh(z),
        Activation.Relu => Math.Max(0, z),
        _ => z,
    };

    /// <summary>
    /// (13) f′(z): 1 for the identity; 1 − tanh² z; for ReLU 1 when z &gt; 0, else 0 (z = 0 included).
    /// </summary>
    public static double Derivative(Activation f, double z) => f switch
    {
        Activation.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        Activation.Relu => z > 0 ? 1 : 0,
        _ => 1,
    };

    /// <summary>
    /// (4) ŷ_k = exp(s_k − m) / Σ_j exp(s_j − m) with m = max_j s_j, so no exponential overflows and the largest
    /// term is exactly 1 (C → C).
    /// </summary>
    public static double[] Softmax(double[] s)
    {
        double m = s[ArgMax(s)];
        double[] e = s.Select(v => Math.Exp(v - m)).ToArray();
        double sigma = Sum(e);
        return e.Select(v => v / sigma).ToArray();
    }

    /// <summary>
    /// (5) ℓ = −Σ_k y_k ln ŷ_k for one sample (s and y have C entries), to the last digit: by (4),
    /// −ln ŷ_k = (m − s_k) + ln(1 + t), with m = s_a the first largest logit and t = Σ_{j≠a} exp(s_j − m)
    /// (the a-th term of Σ_j exp(s_j − m) is exactly 1). Both parts are ≥ 0, so nothing cancels, and ℓ is within
    /// 10⁻¹⁵ of its exact value, relative, for any logits (where ℓ is below the normal range of doubles, within the
    /// resolution of the subnormal numbers). The log-sum-exp form m + ln Σ_j exp(s_j − m) − s_k loses the digits of
    /// ℓ below 10⁻¹⁶·m when the observed class has the largest logit (a confident sample).
    /// </summary>
    public static double Loss(double[] s, double[] y)
    {
        int a = ArgMax(s);
        double m = s[a], lnSigma = Accurate.LogOnePlus(Accurate.SumOfExps(s, m, skip: a));
        double loss = 0;
        for (int k = 0; k < s.Length; k++) loss += y[k] * ((m - s[k]) + lnSigma);
        return loss;
    }

    /// <summary>
    /// (5) ℓ as the function of ŷ it is defined as, −Σ_{k: y_k ≠ 0} y_k ln ŷ_k (the terms with y_k = 0 are 0 whatever
    /// ŷ_k is).
    /// </summary>
    public static double CrossEntropy(double[] yhat, double[] y) =>
        -Sum(Enumerable.Range(0, y.Length).Where(k => y[k] != 0).Select(k => y[k] * Math.Log(yhat[k])).ToArray());

    /// <summary>(5) ∂ℓ/∂ŷ_k = −y_k/ŷ_k, the derivative of <see cref="CrossEntropy"/> (C).</summary>
    public static double[] dYhat(double[] yhat, double[] y) => yhat.Select((p, k) => -y[k] / p).ToArray();

    /// <summary>(6) ∂ŷ/∂s = Diag(ŷ) − ŷŷᵀ: entry (k, j) is ŷ_k(δ_kj − ŷ_j) (C×C, row-major).</summary>
    public static double[] SoftmaxJacobian(double[] yhat)
    {
        int C = yhat.Length;
        return Enumerable.Range(0, C * C).Select(t => yhat[t / C] * ((t / C == t % C ? 1 : 0) - yhat[t % C])).ToArray();
    }

    /// <summary>
    /// The predicted class of logits (or probabilities) s: the first k with the largest s_k (0 if s_0 is NaN).
    /// </summary>
    public static int ArgMax(double[] s)
    {
        int best = 0;
        for (int k = 1; k < s.Length; k++)
            if (s[k] > s[best]) best = k;
        return best;
    }

    // Rows x of X (N×K) to W x + bias (W is R×K, bias R or null): the bias first, then k = 0..K−1 in order.
    private static double[][] Affine(double[][] X, double[][] W, double[]? bias) =>
        X.Select(x => W.Select((row, r) => Dot(x, row, bias is null ? 0 : bias[r])).ToArray()).ToArray();

    // Gᵀ V = Σ_n g_n v_nᵀ for G (N×R) and V (N×M), the sum over n in order (R×M).
    private static double[][] SumOfOuterProducts(double[][] G, double[][] V)
    {
        int R = G.Length == 0 ? 0 : G[0].Length, M = V.Length == 0 ? 0 : V[0].Length;
        var result = new double[R][];
        for (int r = 0; r < R; r++)
        {
            result[r] = new double[M];
            for (int m = 0; m < M; m++)
                for (int n = 0; n < G.Length; n++) result[r][m] += G[n][r] * V[n][m];
        }
        return result;
    }

    private static double[] Column(double[][] M, int k) => M.Select(row => row[k]).ToArray();

    private static double Dot(double[] u, double[] v, double start = 0)
    {
        double sum = start;
        for (int i = 0; i < u.Length; i++) sum += u[i] * v[i];
        return sum;
    }

    private static double Sum(double[] values)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i];
        return sum;
    }
}
