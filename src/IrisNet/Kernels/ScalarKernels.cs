using System.Numerics;
using IrisNet.Reference;

namespace IrisNet.Kernels;

/// <summary>
/// Plain-loop kernels: the readable statement of each operation, kept beside the vectorized
/// ones as the algorithmic reference, the test oracle and a fallback. Same signatures and
/// semantics as <see cref="VectorKernels{T}"/>; see <see cref="IKernels{T}"/> for the formulas.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct ScalarKernels<T> : IKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => false;

    /// <inheritdoc />
    public static void MatMul(ReadOnlySpan<T> W, ReadOnlySpan<T> bias, ReadOnlySpan<T> X, int ldx,
        int R, int K, int N, Span<T> Z, int ldz)
    {
        KernelArgs.Matrix(W.Length, R, K, K, nameof(W));
        if (!bias.IsEmpty) KernelArgs.Vector(bias.Length, R, nameof(bias));
        KernelArgs.Matrix(X.Length, K, N, ldx, nameof(X));
        KernelArgs.Matrix(Z.Length, R, N, ldz, nameof(Z));
        for (int r = 0; r < R; r++)
        {
            for (int n = 0; n < N; n++)
            {
                T z = bias.IsEmpty ? T.Zero : bias[r];
                for (int k = 0; k < K; k++) z += W[r * K + k] * X[k * ldx + n];
                Z[r * ldz + n] = z;
            }
        }
    }

    /// <inheritdoc />
    public static void MatMulTransposedAdd(ReadOnlySpan<T> P, int ldp, ReadOnlySpan<T> Q, int ldq,
        int R, int M, int N, Span<T> G)
    {
        KernelArgs.Matrix(P.Length, R, N, ldp, nameof(P));
        KernelArgs.Matrix(Q.Length, M, N, ldq, nameof(Q));
        KernelArgs.Matrix(G.Length, R, M, M, nameof(G));
        for (int r = 0; r < R; r++)
        {
            for (int q = 0; q < M; q++)
            {
                T sum = T.Zero;
                for (int n = 0; n < N; n++) sum += P[r * ldp + n] * Q[q * ldq + n];
                G[r * M + q] += sum;
            }
        }
    }

    /// <inheritdoc />
    public static void RowSumsAdd(ReadOnlySpan<T> P, int ldp, int R, int N, Span<T> g)
    {
        KernelArgs.Matrix(P.Length, R, N, ldp, nameof(P));
        KernelArgs.Vector(g.Length, R, nameof(g));
        for (int r = 0; r < R; r++)
        {
            T sum = T.Zero;
            for (int n = 0; n < N; n++) sum += P[r * ldp + n];
            g[r] += sum;
        }
    }

    /// <inheritdoc />
    public static (T LossSum, int Correct) SoftmaxCrossEntropy(ReadOnlySpan<T> S, int lds, ReadOnlySpan<T> Y, int ldy,
        int C, int N, T scale, Span<T> dS, int ldd)
    {
        KernelArgs.Matrix(S.Length, C, N, lds, nameof(S));
        KernelArgs.Matrix(Y.Length, C, N, ldy, nameof(Y));
        KernelArgs.Matrix(dS.Length, C, N, ldd, nameof(dS));
        T loss = T.Zero;
        int correct = 0;
        for (int n = 0; n < N; n++)
        {
            // m = max_k s_k, and the first k attaining it is the predicted class.
            T m = S[n];
            int argmax = 0;
            for (int k = 1; k < C; k++)
            {
                if (S[k * lds + n] > m) { m = S[k * lds + n]; argmax = k; }
            }
            T sum = T.Zero;
            for (int k = 0; k < C; k++) sum += T.Exp(S[k * lds + n] - m);
            for (int k = 0; k < C; k++)
            {
                T yhat = T.Exp(S[k * lds + n] - m) / sum;
                dS[k * ldd + n] = (yhat - Y[k * ldy + n]) * scale;
            }
            loss += Loss(S, lds, Y, ldy, C, n, argmax);
            if (Y[argmax * ldy + n] == T.One) correct++;
        }
        return (loss, correct);
    }

    /// <summary>
    /// ℓ of column n, Σ_k y_k (m − s_k) + ln(1 + t) with m = s_a, a the first largest logit, and
    /// t = Σ_{j≠a} exp(s_j − m): the reference's <see cref="Equations.Loss"/> for one-hot y, step for step in T (for
    /// double, the same bits).
    /// </summary>
    internal static T Loss(ReadOnlySpan<T> S, int lds, ReadOnlySpan<T> Y, int ldy, int C, int n, int argmax)
    {
        T m = S[argmax * lds + n], t = T.Zero, error = T.Zero, ys = T.Zero;
        for (int j = 0; j < C; j++)
        {
            if (j == argmax) continue;
            (t, T e) = TwoSum(t, ExpOfDifference(S[j * lds + n], m));
            error += e;
        }
        for (int k = 0; k < C; k++) ys += Y[k * ldy + n] * (m - S[k * lds + n]);
        return ys + LogOnePlus(t + error);
    }

    /// <summary>a + b = Sum + Error exactly (Knuth's TwoSum), as the reference's Accurate.TwoSum.</summary>
    internal static (T Sum, T Error) TwoSum(T a, T b)
    {
        T sum = a + b;
        T bv = sum - a, av = sum - bv;
        return (sum, (a - av) + (b - bv));
    }

    /// <summary>
    /// exp(x − m) with the rounding error δ of the difference undone, e^d (1 + δ), as the reference's
    /// Accurate.ExpOfDifference.
    /// </summary>
    internal static T ExpOfDifference(T x, T m)
    {
        var (d, delta) = TwoSum(x, -m);
        T e = T.Exp(d);
        return T.FusedMultiplyAdd(e, delta, e);
    }

    /// <summary>ln(1 + t) = ln w + c/w with 1 + t = w + c exactly, as the reference's Accurate.LogOnePlus.</summary>
    internal static T LogOnePlus(T t)
    {
        var (w, c) = TwoSum(T.One, t);
        return T.Log(w) + c / w;
    }

    /// <inheritdoc />
    public static void ActivationForward(Activation f, ReadOnlySpan<T> Z, Span<T> Hh, int ld, int R, int N)
    {
        KernelArgs.Matrix(Z.Length, R, N, ld, nameof(Z));
        KernelArgs.Matrix(Hh.Length, R, N, ld, nameof(Hh));
        for (int r = 0; r < R; r++)
        {
            for (int n = 0; n < N; n++)
            {
                T z = Z[r * ld + n];
                Hh[r * ld + n] = f switch
                {
                    Activation.Tanh => T.Tanh(z),
                    Activation.Relu => z > T.Zero || T.IsNaN(z) ? z : T.Zero, // NaN stays NaN, as in Math.Max
                    _ => z,
                };
            }
        }
    }

    /// <inheritdoc />
    public static void ActivationBackward(Activation f, ReadOnlySpan<T> Hh, int ld, int R, int N, Span<T> dHh)
    {
        KernelArgs.Matrix(Hh.Length, R, N, ld, nameof(Hh));
        KernelArgs.Matrix(dHh.Length, R, N, ld, nameof(dHh));
        if (f == Activation.Identity) return;
        for (int r = 0; r < R; r++)
        {
            for (int n = 0; n < N; n++)
            {
                T h = Hh[r * ld + n];
                T derivative = f == Activation.Tanh ? T.One - h * h : (h > T.Zero ? T.One : T.Zero);
                dHh[r * ld + n] *= derivative;
            }
        }
    }

    /// <inheritdoc />
    public static void Update(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        if (mu != T.Zero) KernelArgs.Vector(v.Length, theta.Length, nameof(v));
        for (int i = 0; i < theta.Length; i++)
        {
            T step = g[i] + l2 * theta[i];
            if (mu != T.Zero)
            {
                v[i] = mu * v[i] + step;
                step = v[i];
            }
            theta[i] -= eta * step;
        }
    }

    /// <inheritdoc />
    public static void UpdateNesterov(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        KernelArgs.Vector(v.Length, theta.Length, nameof(v));
        for (int i = 0; i < theta.Length; i++)
        {
            T step = g[i] + l2 * theta[i];  // (15) g′ = g + λθ
            v[i] = mu * v[i] + step;        // (17) v ← μv + g′
            theta[i] -= eta * (step + mu * v[i]); // (17) θ ← θ − η(g′ + μv)
        }
    }

    /// <inheritdoc />
    public static void UpdateAdam(Span<T> theta, ReadOnlySpan<T> g, Span<T> m, Span<T> r, in AdamStep<T> step)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        KernelArgs.Vector(m.Length, theta.Length, nameof(m));
        KernelArgs.Vector(r.Length, theta.Length, nameof(r));
        T negativeStep = -step.StepSize;
        for (int i = 0; i < theta.Length; i++)
        {
            T gi = g[i] + step.L2 * theta[i];                                // (15) g′ = g + λθ
            T t = theta[i] * step.Decay;                                     // (22) θ(1 − ηλ_w)
            m[i] = step.Beta1 * m[i] + step.OneMinusBeta1 * gi;              // (18) m ← β1 m + (1 − β1) g′
            r[i] = step.Beta2 * r[i] + step.OneMinusBeta2 * gi * gi;         // (19) r ← β2 r + (1 − β2) g′²
            T denominator = T.Sqrt(r[i]) / step.CorrectionSqrt + step.Epsilon; // (20, 21) √r̂ + ε, as √r/√c₂ + ε
            theta[i] = t + negativeStep * m[i] / denominator;                // (21) θ ← θ − (η/c₁) m / (√r̂ + ε)
        }
    }
}
