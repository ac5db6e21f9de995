using System.Numerics;
using System.Runtime.CompilerServices;
using IrisNet.FastPath;
using IrisNet.Reference;

namespace IrisNet.Kernels;

/// <summary>
/// The handful of batch kernels the network is built from. Every matrix is stored row-major
/// with an explicit leading dimension (the distance between the starts of two rows), and the
/// batch is laid out feature-major: column n of a matrix is sample n, so the inner loops run
/// over samples and fill whole vector registers even when D = 4 and C = 3.
/// </summary>
/// <remarks>
/// Two implementations exist with identical signatures: <see cref="VectorKernels{T}"/> (the hot
/// path, System.Numerics vectors over spans) and <see cref="ScalarKernels{T}"/> (plain loops, the
/// readable reference and the test oracle). Arguments are validated once at entry by
/// <see cref="KernelArgs"/>; the loops themselves carry no checks.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public interface IKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// True for kernels over System.Numerics vectors, whose load, store and multiply-add helpers the
    /// fused sweep shares (<see cref="KernelPath.Fused"/> needs them).
    /// </summary>
    static abstract bool Vectorized { get; }

    /// <summary>
    /// Z = W X + bias (bias broadcast over columns), overwriting Z.
    /// Shapes: W is R×K (row-major, dense), bias has R entries or is empty (no bias),
    /// X is K×N with leading dimension <paramref name="ldx"/>, Z is R×N with leading dimension <paramref name="ldz"/>.
    /// </summary>
    static abstract void MatMul(ReadOnlySpan<T> W, ReadOnlySpan<T> bias, ReadOnlySpan<T> X, int ldx,
        int R, int K, int N, Span<T> Z, int ldz);

    /// <summary>
    /// G += P Qᵀ, that is G[r, q] += Σ_n P[r, n] Q[q, n] (accumulated, never overwritten).
    /// Shapes: P is R×N (leading dimension <paramref name="ldp"/>), Q is M×N (leading dimension
    /// <paramref name="ldq"/>), G is R×M dense.
    /// </summary>
    static abstract void MatMulTransposedAdd(ReadOnlySpan<T> P, int ldp, ReadOnlySpan<T> Q, int ldq,
        int R, int M, int N, Span<T> G);

    /// <summary>g[r] += Σ_n P[r, n] (accumulated). P is R×N with leading dimension <paramref name="ldp"/>.</summary>
    static abstract void RowSumsAdd(ReadOnlySpan<T> P, int ldp, int R, int N, Span<T> g);

    /// <summary>
    /// Softmax with cross-entropy over the C rows of each column, with its gradient.
    /// For each sample n (column): m = S[a, n] = max_k S[k, n] (a the first class attaining it);
    /// ŷ_k = exp(S[k, n] − m) / Σ_j exp(S[j, n] − m);
    /// ℓ_n = Σ_k Y[k, n] (m − S[k, n]) + ln(1 + t) with t = Σ_{j≠a} exp(S[j, n] − m) (Eq. 5 of docs/derivation.md,
    /// never the log of ŷ), which is −Σ_k Y[k, n] ln ŷ_k for one-hot columns (Σ_k Y[k, n] = 1, as the derivation
    /// assumes): both terms are ≥ 0, so ℓ_n keeps its last digits however small it is (ln(1 + t) and each
    /// S[j, n] − m are taken with their rounding undone);
    /// dS[k, n] = (ŷ_k − Y[k, n]) · scale (overwritten).
    /// Shapes: S, Y, dS are C×N with leading dimensions <paramref name="lds"/>, <paramref name="ldy"/>,
    /// <paramref name="ldd"/>. Returns Σ_n ℓ_n and the number of columns whose first maximal logit
    /// is the labelled class.
    /// </summary>
    static abstract (T LossSum, int Correct) SoftmaxCrossEntropy(ReadOnlySpan<T> S, int lds, ReadOnlySpan<T> Y, int ldy,
        int C, int N, T scale, Span<T> dS, int ldd);

    /// <summary>Hidden activation, elementwise: Hh[i, n] = f(Z[i, n]), overwriting Hh (R×N, both leading dimension
    /// <paramref name="ld"/>).</summary>
    static abstract void ActivationForward(Activation f, ReadOnlySpan<T> Z, Span<T> Hh, int ld, int R, int N);

    /// <summary>
    /// dZ[i, n] = dHh[i, n] · f′(Z[i, n]), in place in <paramref name="dHh"/>. f′ is evaluated from the
    /// activation output Hh where that is cheaper (tanh: 1 − h², ReLU: 1 if h &gt; 0 else 0).
    /// </summary>
    static abstract void ActivationBackward(Activation f, ReadOnlySpan<T> Hh, int ld, int R, int N, Span<T> dHh);

    /// <summary>
    /// One gradient-descent step on a parameter tensor θ with gradient g of the data loss:
    /// g′ = g + λθ (L2, when <paramref name="l2"/> ≠ 0); with momentum μ ≠ 0, v ← μv + g′ and θ ← θ − ηv;
    /// otherwise θ ← θ − ηg′.
    /// </summary>
    static abstract void Update(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2);

    /// <summary>
    /// One Nesterov-momentum step (Eq. 17, torch.optim.SGD with nesterov=True): g′ = g + λθ, v ← μv + g′,
    /// θ ← θ − η(g′ + μv). Overwrites θ and v.
    /// </summary>
    static abstract void UpdateNesterov(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2);

    /// <summary>
    /// One Adam or AdamW step (Eqs. 18–22, torch.optim.Adam and AdamW), elementwise:
    /// g′ = g + λθ; θ ← θ·(1 − ηλ_w); m ← β1 m + (1 − β1) g′; r ← β2 r + ((1 − β2) g′) g′;
    /// θ ← θ + (−(η/c₁) m) / (√r / √c₂ + ε). Overwrites θ, m and r; the step's numbers are in <paramref name="step"/>.
    /// </summary>
    static abstract void UpdateAdam(Span<T> theta, ReadOnlySpan<T> g, Span<T> m, Span<T> r, in AdamStep<T> step);
}

/// <summary>
/// Argument checks shared by both kernel implementations, run once at entry. The passing case is a few
/// comparisons inlined into the caller; building and throwing the exception lives in a separate method,
/// so an Iris epoch's couple of dozen checks cost no calls.
/// </summary>
internal static class KernelArgs
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Matrix(int length, int rows, int cols, int ld, string name)
    {
        if (rows > 0 && cols > 0 && ld >= cols && length >= (long)(rows - 1) * ld + cols) return;
        MatrixSlow(length, rows, cols, ld, name);
    }

    // Every case the fast test did not pass: an empty matrix (fine), or one of the three errors.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MatrixSlow(int length, int rows, int cols, int ld, string name)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(name, "Dimensions must be non-negative.");
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentOutOfRangeException(name,
            $"Leading dimension {ld} is smaller than the column count {cols}.");
        long need = (long)(rows - 1) * ld + cols;
        if (length < need) throw new
            ArgumentException($"{name} holds {length} elements; a {rows}×{cols} matrix with leading dimension {ld} " +
            $"needs {need}.", name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Vector(int length, int n, string name)
    {
        if (length < n) VectorFailure(length, n, name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void VectorFailure(int length, int n, string name) =>
        throw new ArgumentException($"{name} holds {length} elements; {n} are needed.", name);
}
