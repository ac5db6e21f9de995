using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using IrisNet.Reference;

namespace IrisNet.Kernels;

/// <summary>
/// The hot path: the kernels of <see cref="IKernels{T}"/> written with <see cref="Vector{T}"/> over
/// spans. Inner loops run over samples (columns), two vectors at a time, with up to 4×4 register
/// accumulators so each loaded vector feeds several fused multiply-adds. Loops do no bounds checks
/// and allocate nothing; the scalar twin is <see cref="ScalarKernels{T}"/>.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct VectorKernels<T> : IKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;

    [ThreadStatic]
    private static T[]? t_rounding; // SoftmaxColumns' δ_k of one block, per thread

    /// <inheritdoc />
    public static void MatMul(ReadOnlySpan<T> W, ReadOnlySpan<T> bias, ReadOnlySpan<T> X, int ldx,
        int R, int K, int N, Span<T> Z, int ldz)
    {
        KernelArgs.Matrix(W.Length, R, K, K, nameof(W));
        if (!bias.IsEmpty) KernelArgs.Vector(bias.Length, R, nameof(bias));
        KernelArgs.Matrix(X.Length, K, N, ldx, nameof(X));
        KernelArgs.Matrix(Z.Length, R, N, ldz, nameof(Z));
        if (R == 0 || N == 0) return;
        ref T w = ref MemoryMarshal.GetReference(W);
        ref T x = ref MemoryMarshal.GetReference(X);
        ref T z = ref MemoryMarshal.GetReference(Z);
        bool hasBias = !bias.IsEmpty;
        ref T b = ref MemoryMarshal.GetReference(bias);
        int r = 0;
        for (; r + 4 <= R; r += 4) MatMulRows<Four>(ref w, hasBias, ref b, ref x, ldx, r, K, N, ref z, ldz);
        switch (R - r)
        {
            case 3: MatMulRows<Three>(ref w, hasBias, ref b, ref x, ldx, r, K, N, ref z, ldz); break;
            case 2: MatMulRows<Two>(ref w, hasBias, ref b, ref x, ldx, r, K, N, ref z, ldz); break;
            case 1: MatMulRows<One>(ref w, hasBias, ref b, ref x, ldx, r, K, N, ref z, ldz); break;
        }
    }

    // Rows r0 .. r0+TR.Count−1 of Z = W X + bias. Each output element is one FMA chain over k in
    // order 0..K−1, in the vector body and in the scalar tail alike.
    private static void MatMulRows<TR>(ref T w, bool hasBias, ref T b, ref T x, int ldx, int r0, int K, int N, ref T z,
        int ldz)
        where TR : struct, IBlock
    {
        int V = Vector<T>.Count;
        T b0 = hasBias ? Unsafe.Add(ref b, r0) : T.Zero;
        T b1 = hasBias && TR.Count > 1 ? Unsafe.Add(ref b, r0 + 1) : T.Zero;
        T b2 = hasBias && TR.Count > 2 ? Unsafe.Add(ref b, r0 + 2) : T.Zero;
        T b3 = hasBias && TR.Count > 3 ? Unsafe.Add(ref b, r0 + 3) : T.Zero;
        ref T w0 = ref Unsafe.Add(ref w, r0 * K);
        ref T w1 = ref Unsafe.Add(ref w0, TR.Count > 1 ? K : 0);
        ref T w2 = ref Unsafe.Add(ref w0, TR.Count > 2 ? 2 * K : 0);
        ref T w3 = ref Unsafe.Add(ref w0, TR.Count > 3 ? 3 * K : 0);
        ref T z0 = ref Unsafe.Add(ref z, r0 * ldz);
        int n = 0;
        for (; n + 2 * V <= N; n += 2 * V)
        {
            Vector<T> a00 = new(b0), a01 = a00, a10 = new(b1), a11 = a10, a20 = new(b2), a21 = a20, a30 = new(b3),
                a31 = a30;
            for (int k = 0; k < K; k++)
            {
                ref T xk = ref Unsafe.Add(ref x, k * ldx + n);
                Vector<T> x0 = Load(ref xk, 0), x1 = Load(ref xk, V);
                Vector<T> c0 = new(Unsafe.Add(ref w0, k));
                a00 = Fma(c0, x0, a00); a01 = Fma(c0, x1, a01);
                if (TR.Count > 1)
                {
                    Vector<T> c1 = new(Unsafe.Add(ref w1, k)); a10 = Fma(c1, x0, a10); a11 = Fma(c1, x1,
                    a11);
                }
                if (TR.Count > 2)
                {
                    Vector<T> c2 = new(Unsafe.Add(ref w2, k)); a20 = Fma(c2, x0, a20); a21 = Fma(c2, x1,
                    a21);
                }
                if (TR.Count > 3)
                {
                    Vector<T> c3 = new(Unsafe.Add(ref w3, k)); a30 = Fma(c3, x0, a30); a31 = Fma(c3, x1,
                    a31);
                }
            }
            Store(a00, ref z0, n); Store(a01, ref z0, n + V);
            if (TR.Count > 1) { Store(a10, ref z0, ldz + n); Store(a11, ref z0, ldz + n + V); }
            if (TR.Count > 2) { Store(a20, ref z0, 2 * ldz + n); Store(a21, ref z0, 2 * ldz + n + V); }
            if (TR.Count > 3) { Store(a30, ref z0, 3 * ldz + n); Store(a31, ref z0, 3 * ldz + n + V); }
        }
        for (; n + V <= N; n += V)
        {
            Vector<T> a0 = new(b0), a1 = new(b1), a2 = new(b2), a3 = new(b3);
            for (int k = 0; k < K; k++)
            {
                Vector<T> x0 = Load(ref x, k * ldx + n);
                a0 = Fma(new Vector<T>(Unsafe.Add(ref w0, k)), x0, a0);
                if (TR.Count > 1) a1 = Fma(new Vector<T>(Unsafe.Add(ref w1, k)), x0, a1);
                if (TR.Count > 2) a2 = Fma(new Vector<T>(Unsafe.Add(ref w2, k)), x0, a2);
                if (TR.Count > 3) a3 = Fma(new Vector<T>(Unsafe.Add(ref w3, k)), x0, a3);
            }
            Store(a0, ref z0, n);
            if (TR.Count > 1) Store(a1, ref z0, ldz + n);
            if (TR.Count > 2) Store(a2, ref z0, 2 * ldz + n);
            if (TR.Count > 3) Store(a3, ref z0, 3 * ldz + n);
        }
        for (; n < N; n++)
        {
            for (int i = 0; i < TR.Count; i++)
            {
                ref T wi = ref Unsafe.Add(ref w0, i * K);
                T acc = i switch { 0 => b0, 1 => b1, 2 => b2, _ => b3 };
                for (int k = 0; k < K; k++) acc = T.FusedMultiplyAdd(Unsafe.Add(ref wi, k), Unsafe.Add(ref x,
                    k * ldx + n), acc);
                Unsafe.Add(ref z0, i * ldz + n) = acc;
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
        if (R == 0 || M == 0) return;
        ref T p = ref MemoryMarshal.GetReference(P);
        ref T q = ref MemoryMarshal.GetReference(Q);
        ref T g = ref MemoryMarshal.GetReference(G);
        for (int r = 0; r < R; r += 4)
        {
            int rb = Math.Min(4, R - r);
            for (int c = 0; c < M; c += 4)
            {
                int cb = Math.Min(4, M - c);
                switch (rb)
                {
                    case 4: GramRows<Four>(cb, ref p, ldp, ref q, ldq, r, c, M, N, ref g); break;
                    case 3: GramRows<Three>(cb, ref p, ldp, ref q, ldq, r, c, M, N, ref g); break;
                    case 2: GramRows<Two>(cb, ref p, ldp, ref q, ldq, r, c, M, N, ref g); break;
                    default: GramRows<One>(cb, ref p, ldp, ref q, ldq, r, c, M, N, ref g); break;
                }
            }
        }
    }

    private static void GramRows<TR>(int cb, ref T p, int ldp, ref T q, int ldq, int r0, int c0, int M, int N, ref T g)
        where TR : struct, IBlock
    {
        switch (cb)
        {
            case 4: Gram<TR, Four>(ref p, ldp, ref q, ldq, r0, c0, M, N, ref g); break;
            case 3: Gram<TR, Three>(ref p, ldp, ref q, ldq, r0, c0, M, N, ref g); break;
            case 2: Gram<TR, Two>(ref p, ldp, ref q, ldq, r0, c0, M, N, ref g); break;
            default: Gram<TR, One>(ref p, ldp, ref q, ldq, r0, c0, M, N, ref g); break;
        }
    }

    // G[r0+i, c0+j] += Σ_n P[r0+i, n] Q[c0+j, n] for a TR×TC block: TR+TC loads feed TR·TC FMAs.
    private static void Gram<TR, TC>(ref T p, int ldp, ref T q, int ldq, int r0, int c0, int M, int N, ref T g)
        where TR : struct, IBlock where TC : struct, IBlock
    {
        int V = Vector<T>.Count;
        ref T p0 = ref Unsafe.Add(ref p, r0 * ldp);
        ref T p1 = ref Unsafe.Add(ref p0, TR.Count > 1 ? ldp : 0);
        ref T p2 = ref Unsafe.Add(ref p0, TR.Count > 2 ? 2 * ldp : 0);
        ref T p3 = ref Unsafe.Add(ref p0, TR.Count > 3 ? 3 * ldp : 0);
        ref T q0 = ref Unsafe.Add(ref q, c0 * ldq);
        ref T q1 = ref Unsafe.Add(ref q0, TC.Count > 1 ? ldq : 0);
        ref T q2 = ref Unsafe.Add(ref q0, TC.Count > 2 ? 2 * ldq : 0);
        ref T q3 = ref Unsafe.Add(ref q0, TC.Count > 3 ? 3 * ldq : 0);
        Vector<T> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector<T> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector<T> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector<T> s30 = default, s31 = default, s32 = default, s33 = default;
        int n = 0;
        for (; n + V <= N; n += V)
        {
            Vector<T> y0 = Load(ref q0, n);
            Vector<T> y1 = TC.Count > 1 ? Load(ref q1, n) : default;
            Vector<T> y2 = TC.Count > 2 ? Load(ref q2, n) : default;
            Vector<T> y3 = TC.Count > 3 ? Load(ref q3, n) : default;
            Vector<T> x0 = Load(ref p0, n);
            s00 = Fma(x0, y0, s00);
            if (TC.Count > 1) s01 = Fma(x0, y1, s01);
            if (TC.Count > 2) s02 = Fma(x0, y2, s02);
            if (TC.Count > 3) s03 = Fma(x0, y3, s03);
            if (TR.Count > 1)
            {
                Vector<T> x1 = Load(ref p1, n);
                s10 = Fma(x1, y0, s10);
                if (TC.Count > 1) s11 = Fma(x1, y1, s11);
                if (TC.Count > 2) s12 = Fma(x1, y2, s12);
                if (TC.Count > 3) s13 = Fma(x1, y3, s13);
            }
            if (TR.Count > 2)
            {
                Vector<T> x2 = Load(ref p2, n);
                s20 = Fma(x2, y0, s20);
                if (TC.Count > 1) s21 = Fma(x2, y1, s21);
                if (TC.Count > 2) s22 = Fma(x2, y2, s22);
                if (TC.Count > 3) s23 = Fma(x2, y3, s23);
            }
            if (TR.Count > 3)
            {
                Vector<T> x3 = Load(ref p3, n);
                s30 = Fma(x3, y0, s30);
                if (TC.Count > 1) s31 = Fma(x3, y1, s31);
                if (TC.Count > 2) s32 = Fma(x3, y2, s32);
                if (TC.Count > 3) s33 = Fma(x3, y3, s33);
            }
        }
        // Reduce each accumulator on its own: gathering them into a span here would make the JIT keep
        // all sixteen in memory, storing each one after every FMA of the loop above.
        if (TC.Count > 0) Finish(s00, ref p0, ref q0, n, N, ref g, r0 * M + c0);
        if (TC.Count > 1) Finish(s01, ref p0, ref q1, n, N, ref g, r0 * M + c0 + 1);
        if (TC.Count > 2) Finish(s02, ref p0, ref q2, n, N, ref g, r0 * M + c0 + 2);
        if (TC.Count > 3) Finish(s03, ref p0, ref q3, n, N, ref g, r0 * M + c0 + 3);
        if (TR.Count < 2) return;
        Finish(s10, ref p1, ref q0, n, N, ref g, (r0 + 1) * M + c0);
        if (TC.Count > 1) Finish(s11, ref p1, ref q1, n, N, ref g, (r0 + 1) * M + c0 + 1);
        if (TC.Count > 2) Finish(s12, ref p1, ref q2, n, N, ref g, (r0 + 1) * M + c0 + 2);
        if (TC.Count > 3) Finish(s13, ref p1, ref q3, n, N, ref g, (r0 + 1) * M + c0 + 3);
        if (TR.Count < 3) return;
        Finish(s20, ref p2, ref q0, n, N, ref g, (r0 + 2) * M + c0);
        if (TC.Count > 1) Finish(s21, ref p2, ref q1, n, N, ref g, (r0 + 2) * M + c0 + 1);
        if (TC.Count > 2) Finish(s22, ref p2, ref q2, n, N, ref g, (r0 + 2) * M + c0 + 2);
        if (TC.Count > 3) Finish(s23, ref p2, ref q3, n, N, ref g, (r0 + 2) * M + c0 + 3);
        if (TR.Count < 4) return;
        Finish(s30, ref p3, ref q0, n, N, ref g, (r0 + 3) * M + c0);
        if (TC.Count > 1) Finish(s31, ref p3, ref q1, n, N, ref g, (r0 + 3) * M + c0 + 1);
        if (TC.Count > 2) Finish(s32, ref p3, ref q2, n, N, ref g, (r0 + 3) * M + c0 + 2);
        if (TC.Count > 3) Finish(s33, ref p3, ref q3, n, N, ref g, (r0 + 3) * M + c0 + 3);
    }

    // g[at] += the lanes of one accumulator, then the scalar tail t = n..N−1 of the same dot product.
    private static void Finish(Vector<T> sum, ref T pRow, ref T qRow, int n, int N, ref T g, int at)
    {
        T acc = Vector.Sum(sum);
        for (int t = n; t < N; t++) acc = T.FusedMultiplyAdd(Unsafe.Add(ref pRow, t), Unsafe.Add(ref qRow, t), acc);
        Unsafe.Add(ref g, at) += acc;
    }

    /// <inheritdoc />
    public static void RowSumsAdd(ReadOnlySpan<T> P, int ldp, int R, int N, Span<T> g)
    {
        KernelArgs.Matrix(P.Length, R, N, ldp, nameof(P));
        KernelArgs.Vector(g.Length, R, nameof(g));
        if (R == 0) return;
        int V = Vector<T>.Count;
        ref T p = ref MemoryMarshal.GetReference(P);
        for (int r = 0; r < R; r++)
        {
            ref T pr = ref Unsafe.Add(ref p, r * ldp);
            Vector<T> s0 = default, s1 = default;
            int n = 0;
            for (; n + 2 * V <= N; n += 2 * V)
            {
                s0 += Load(ref pr, n);
                s1 += Load(ref pr, n + V);
            }
            if (n + V <= N) { s0 += Load(ref pr, n); n += V; }
            T acc = Vector.Sum(s0 + s1);
            for (; n < N; n++) acc += Unsafe.Add(ref pr, n);
            g[r] += acc;
        }
    }

    /// <inheritdoc />
    public static (T LossSum, int Correct) SoftmaxCrossEntropy(ReadOnlySpan<T> S, int lds, ReadOnlySpan<T> Y, int ldy,
        int C, int N, T scale, Span<T> dS, int ldd)
    {
        KernelArgs.Matrix(S.Length, C, N, lds, nameof(S));
        KernelArgs.Matrix(Y.Length, C, N, ldy, nameof(Y));
        KernelArgs.Matrix(dS.Length, C, N, ldd, nameof(dS));
        if (C == 0 || N == 0) return (T.Zero, 0);
        int V = Vector<T>.Count;
        ref T s = ref MemoryMarshal.GetReference(S);
        ref T y = ref MemoryMarshal.GetReference(Y);
        ref T d = ref MemoryMarshal.GetReference(dS);
        Vector<T> lossV = default, hitsV = default, scaleV = new(scale);
        // ℓ_n = Σ_k y_kn (m_n − s_kn) + ln(1 + t_n), t_n = Σ_{j≠a} exp(s_jn − m_n) (see IKernels): the sum over a block
        // of columns of ln(1 + t_n) is ln(1 + u) with u = Π_n (1 + t_n) − 1, carried as u ← u(1 + t) + t (terms ≥ 0, so
        // each step rounds by about 2 units of the last place and nothing cancels), then one ln(1 + u) per block
        // instead of one logarithm per column. The block ends before u can overflow: C^block stays below 2^60.
        Vector<T> u = default;
        // ⌊60 / log₂ C⌋, the largest block with C^block ≤ 2^60; written out for the usual class counts, whose
        // softmax runs every epoch (the logarithm was a libm call per pass).
        int block = C switch { <= 2 => 60, 3 => 37, 4 => 30, _ => Math.Max(1, (int)(60 / Math.Log2(C))) }, inBlock = 0;
        int n = 0;
        // Up to four classes: a version specialized for C keeps every per-class vector in a register.
        switch (C)
        {
            case 1:
                (n, lossV, hitsV) = SoftmaxColumns<One>(ref s, lds, ref y, ldy, N, scaleV, ref d, ldd,
                block); break;
            case 2:
                (n, lossV, hitsV) = SoftmaxColumns<Two>(ref s, lds, ref y, ldy, N, scaleV, ref d, ldd,
                block); break;
            case 3:
                (n, lossV, hitsV) = SoftmaxColumns<Three>(ref s, lds, ref y, ldy, N, scaleV, ref d, ldd,
                block); break;
            case 4:
                (n, lossV, hitsV) = SoftmaxColumns<Four>(ref s, lds, ref y, ldy, N, scaleV, ref d, ldd,
                block); break;
        }
        for (; C > 4 && n + V <= N; n += V)
        {
            Vector<T> m = Load(ref s, n);
            for (int k = 1; k < C; k++) m = Vector.MaxNative(m, Load(ref s, k * lds + n));
            // e_k = exp(s_k − m) is parked in dS until the sum is known. t sums e_k(1 + δ_k) over every class but the
            // first maximum, with δ_k the rounding error of s_k − m, and with compensation (C − 1 terms).
            Vector<T> sum = default, found = default, hit = default, t = default, tError = default;
            for (int k = 0; k < C; k++)
            {
                Vector<T> sk = Load(ref s, k * lds + n), dk = sk - m;
                Vector<T> e = VectorMath.ExpNonPositive(dk);
                Store(e, ref d, k * ldd + n);
                sum += e;
                Vector<T> isMax = Vector.AndNot(Vector.Equals(sk, m), found);
                hit |= isMax & Vector.Equals(Load(ref y, k * ldy + n), Vector<T>.One);
                found |= isMax;
                var (sumK, errorK) = TwoSum(t, Vector.AndNot(Fma(e, Rounding(sk, m, dk), e), isMax));
                t = sumK;
                tError += errorK;
            }
            hitsV += Vector.ConditionalSelect(hit, Vector<T>.One, Vector<T>.Zero);
            Vector<T> inv = Vector<T>.One / sum;
            t += tError;
            u = Fma(u, Vector<T>.One + t, t);
            if (++inBlock == block)
            {
                lossV += LogOnePlus(u);
                u = Vector<T>.Zero;
                inBlock = 0;
            }
            for (int k = 0; k < C; k++)
            {
                Vector<T> yk = Load(ref y, k * ldy + n);
                Vector<T> yhat = Load(ref d, k * ldd + n) * inv;
                Store((yhat - yk) * scaleV, ref d, k * ldd + n);
                // the Σ_k y_k (m − s_k) part of ℓ here, ln(1 + t) through u above.
                lossV = Fma(yk, m - Load(ref s, k * lds + n), lossV);
            }
        }
        if (inBlock > 0) lossV += LogOnePlus(u);
        T loss = Vector.Sum(lossV);
        int correct = int.CreateTruncating(Vector.Sum(hitsV));
        for (; n < N; n++)
        {
            int argmax = 0;
            for (int k = 1; k < C; k++)
                if (s.At(k * lds + n) > s.At(argmax * lds + n)) argmax = k;
            T m = s.At(argmax * lds + n), sum = T.Zero;
            for (int k = 0; k < C; k++)
            {
                T e = T.Exp(s.At(k * lds + n) - m);
                d.At(k * ldd + n) = e;
                sum += e;
            }
            for (int k = 0; k < C; k++) d.At(k * ldd + n) = (d.At(k * ldd + n) / sum - y.At(k * ldy + n)) * scale;
            loss += ScalarKernels<T>.Loss(S, lds, Y, ldy, C, n, argmax);
            if (y.At(argmax * ldy + n) == T.One) correct++;
        }
        return (loss, correct);
    }

    // The vector part of SoftmaxCrossEntropy for C = TC.Count ≤ 4 classes, the same steps as its general
    // loop: m, e_k = exp(s_k − m), σ = Σ e_k, dS_k = (e_k/σ − y_k)·scale, ℓ = Σ y_k (m − s_k) + ln(1 + t) (with
    // ln(1 + t) taken from u, logged every `block` columns), and the first-maximum hit test.
    // Handles every column (the last partial vector on zero-padded copies); returns N and the loss and hit
    // accumulators.
    private static (int N, Vector<T> Loss, Vector<T> Hits) SoftmaxColumns<TC>(ref T s, int lds, ref T y, int ldy, int N,
        Vector<T> scale,
        ref T d, int ldd, int block) where TC : struct, IBlock
    {
        int V = Vector<T>.Count, n = 0;
        Vector<T> lossV = default, hitsV = default;
        // The rounding errors δ_k of s_k − m for one block's columns, from SoftmaxBlock's first pass to its third: a
        // buffer of the thread's, made at its first call (a stackalloc would be cleared on every call, which cost as
        // much as the work on a hundred columns).
        int ldr = block * V;
        t_rounding ??= new T[120 * V]; // the largest C·block for C ≤ 4 (2·60 and 4·30) vectors
        ref T r = ref MemoryMarshal.GetArrayDataReference(t_rounding);
        while (n + V <= N)
        {
            int end = n + Math.Min(block, (N - n) / V) * V;
            (Vector<T> u, lossV, hitsV) = SoftmaxBlock<TC>(ref s, lds, ref y, ldy, n, end, scale, ref d, ldd,
                ref r, ldr, lossV, hitsV);
            lossV += LogOnePlus(u);
            n = end;
        }
        if (n < N)
        {
            // The last r < V columns as one more vector, through the same code: copied into zero-padded
            // vectors on the stack (nothing past column N − 1 of S, Y or dS is read or written), and only
            // the r real lanes kept. A padded lane has s = y = 0: finite, no hit, and its loss is masked off.
            // So a column gets the same bits wherever it falls.
            int rest = N - n;
            Span<T> tail = stackalloc T[3 * TC.Count * V];
            tail.Clear();
            ref T ts = ref MemoryMarshal.GetReference(tail), ty = ref Unsafe.Add(ref ts, TC.Count * V);
            ref T td = ref Unsafe.Add(ref ty, TC.Count * V);
            for (int k = 0; k < TC.Count; k++)
            {
                Copy(ref Unsafe.Add(ref s, k * lds + n), ref Unsafe.Add(ref ts, k * V), rest);
                Copy(ref Unsafe.Add(ref y, k * ldy + n), ref Unsafe.Add(ref ty, k * V), rest);
            }
            var (u, tailLoss, tailHits) = SoftmaxBlock<TC>(ref ts, V, ref ty, V, 0, V, scale, ref td, V, ref r, ldr,
                default, default);
            Vector<T> real = Vector.LessThan(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(rest)));
            lossV += (tailLoss + LogOnePlus(u)) & real;
            hitsV += tailHits & real;
            for (int k = 0; k < TC.Count; k++)
                Copy(ref Unsafe.Add(ref td, k * V), ref Unsafe.Add(ref d, k * ldd + n), rest);
            n = N;
        }
        return (n, lossV, hitsV);
    }

    // destination[0..count) = source[0..count).
    private static void Copy(ref T source, ref T destination, int count) =>
        MemoryMarshal.CreateReadOnlySpan(ref source, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));

    /// <summary>
    /// Copies the n columns of X (<paramref name="rows"/> rows, leading dimension <paramref name="ld"/>) into Xpad
    /// (leading dimension <paramref name="ldw"/>) and zeros columns n..nv−1, so that a sweep over whole vectors can
    /// run on it: the fused sweep and the network's separate forward kernels both do.
    /// </summary>
    internal static void PadColumns(ReadOnlySpan<T> X, int ld, int rows, int n, int nv, Span<T> Xpad, int ldw)
    {
        for (int d = 0; d < rows; d++)
        {
            X.Slice(d * ld, n).CopyTo(Xpad.Slice(d * ldw, n));
            Xpad.Slice(d * ldw + n, nv - n).Clear();
        }
    }

    // Columns n .. end−1 (whole vectors) of SoftmaxColumns, returning u = Π(1 + t) − 1 over them and the updated
    // accumulators, in three passes over the block: (1) m, the hit test, Σ_k y_k (m − s_k), s_k − m parked in dS and
    // its rounding error δ_k in r; (2) exp of each dS row in place, one exponential per loop iteration; (3) σ, dS and
    // u. With three or four exponentials in one loop body the JIT runs out of the sixteen vector registers and spills
    // and re-broadcasts the polynomial's constants every column; one per loop keeps them in registers.
    // No call inside (the log is the caller's); every per-class vector is a plain local.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Vector<T> U, Vector<T> Loss, Vector<T> Hits) SoftmaxBlock<TC>(ref T s, int lds, ref T y, int ldy,
        int n, int end, Vector<T> scale, ref T d, int ldd, ref T r, int ldr, Vector<T> lossV, Vector<T> hitsV)
        where TC : struct, IBlock
    {
        int V = Vector<T>.Count;
        Vector<T> u = Vector<T>.Zero, one = Vector<T>.One, minusOne = -one;
        ref T r1 = ref Unsafe.Add(ref r, TC.Count > 1 ? ldr : 0);
        ref T r2 = ref Unsafe.Add(ref r, TC.Count > 2 ? 2 * ldr : 0), r3 = ref Unsafe.Add(ref r,
            TC.Count > 3 ? 3 * ldr : 0);
        for (int i = n; i < end; i += V)
        {
            Vector<T> s0 = Load(ref s, i);
            Vector<T> s1 = TC.Count > 1 ? Load(ref s, lds + i) : default;
            Vector<T> s2 = TC.Count > 2 ? Load(ref s, 2 * lds + i) : default;
            Vector<T> s3 = TC.Count > 3 ? Load(ref s, 3 * lds + i) : default;
            Vector<T> m = s0;
            if (TC.Count > 1) m = Vector.MaxNative(m, s1);
            if (TC.Count > 2) m = Vector.MaxNative(m, s2);
            if (TC.Count > 3) m = Vector.MaxNative(m, s3);
            Vector<T> y0 = Load(ref y, i);
            Vector<T> y1 = TC.Count > 1 ? Load(ref y, ldy + i) : default;
            Vector<T> y2 = TC.Count > 2 ? Load(ref y, 2 * ldy + i) : default;
            Vector<T> y3 = TC.Count > 3 ? Load(ref y, 3 * ldy + i) : default;
            Vector<T> d0 = s0 - m, d1 = s1 - m, d2 = s2 - m, d3 = s3 - m;
            Store(d0, ref d, i);
            if (TC.Count > 1) Store(d1, ref d, ldd + i);
            if (TC.Count > 2) Store(d2, ref d, 2 * ldd + i);
            if (TC.Count > 3) Store(d3, ref d, 3 * ldd + i);
            // ℓ contribution without ln(1 + t): Σ_k y_k (m − s_k) = −Σ_k y_k d_k (m − s_k rounds to exactly −d_k),
            // summed apart and then subtracted from the running sum, so the loop carries one addition from column
            // vector to column vector instead of C dependent multiply-adds. For one-hot y (every label the library
            // builds), the class sum is −(m − s_c) exactly (the other terms are 0·d_k = ±0 exactly, d_k ≤ 0), so the
            // running sum gets the same single rounding as from + (m − s_c).
            Vector<T> ys = y0 * d0;
            if (TC.Count > 1) ys = Fma(y1, d1, ys);
            if (TC.Count > 2) ys = Fma(y2, d2, ys);
            if (TC.Count > 3) ys = Fma(y3, d3, ys);
            lossV -= ys;
            // The predicted class a is the first k with s_k = m; a hit when its y_k is 1.
            Vector<T> max0 = Vector.Equals(s0, m), found = max0, hit = max0 & y0;
            Vector<T> max1 = default, max2 = default, max3 = default;
            if (TC.Count > 1) { max1 = Vector.AndNot(Vector.Equals(s1, m), found); hit |= max1 & y1; found |= max1; }
            if (TC.Count > 2) { max2 = Vector.AndNot(Vector.Equals(s2, m), found); hit |= max2 & y2; found |= max2; }
            if (TC.Count > 3) { max3 = Vector.AndNot(Vector.Equals(s3, m), found); hit |= max3 & y3; }
            hitsV += Vector.ConditionalSelect(Vector.Equals(hit, one), one, Vector<T>.Zero);
            // For t: δ_k, with s_k − m = d_k + δ_k exactly, so that exp(s_k − m) = e_k(1 + δ_k); −1 for a (whose δ_a is
            // +0, so OR-ing in the bits of −1 gives −1), whose e_a(1 + δ_a) = 1 − 1 = 0 then leaves it out of t.
            int at = i - n;
            Store(Rounding(s0, m, d0) | (max0 & minusOne), ref r, at);
            if (TC.Count > 1) Store(Rounding(s1, m, d1) | (max1 & minusOne), ref r1, at);
            if (TC.Count > 2) Store(Rounding(s2, m, d2) | (max2 & minusOne), ref r2, at);
            if (TC.Count > 3) Store(Rounding(s3, m, d3) | (max3 & minusOne), ref r3, at);
        }
        for (int k = 0; k < TC.Count; k++) ExpInPlace(ref Unsafe.Add(ref d, k * ldd + n), end - n);
        for (int i = n; i < end; i += V)
        {
            Vector<T> e0 = Load(ref d, i);
            Vector<T> e1 = TC.Count > 1 ? Load(ref d, ldd + i) : default;
            Vector<T> e2 = TC.Count > 2 ? Load(ref d, 2 * ldd + i) : default;
            Vector<T> e3 = TC.Count > 3 ? Load(ref d, 3 * ldd + i) : default;
            Vector<T> sum = e0 + e1 + e2 + e3; // the unused classes add zero vectors
            Vector<T> inv = one / sum;
            Store((e0 * inv - Load(ref y, i)) * scale, ref d, i);
            if (TC.Count > 1) Store((e1 * inv - Load(ref y, ldy + i)) * scale, ref d, ldd + i);
            if (TC.Count > 2) Store((e2 * inv - Load(ref y, 2 * ldy + i)) * scale, ref d, 2 * ldd + i);
            if (TC.Count > 3) Store((e3 * inv - Load(ref y, 3 * ldy + i)) * scale, ref d, 3 * ldd + i);
            // t = Σ_{k≠a} exp(s_k − m), then u ← u(1 + t) + t.
            int at = i - n;
            Vector<T> t = Fma(e0, Load(ref r, at), e0);
            if (TC.Count > 1) t += Fma(e1, Load(ref r1, at), e1);
            if (TC.Count > 2) t += Fma(e2, Load(ref r2, at), e2);
            if (TC.Count > 3) t += Fma(e3, Load(ref r3, at), e3);
            u = Fma(u, one + t, t);
        }
        return (u, lossV, hitsV);
    }

    // The rounding error of d = s − m: s − m = d + δ exactly (Knuth's TwoSum of s and −m, any magnitudes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Rounding(Vector<T> s, Vector<T> m, Vector<T> d)
    {
        Vector<T> bv = d - s, av = d - bv;
        return (s - av) - (m + bv);
    }

    // a + b as the rounded sum and its rounding error (Knuth's TwoSum).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<T> Sum, Vector<T> Error) TwoSum(Vector<T> a, Vector<T> b)
    {
        Vector<T> sum = a + b, bv = sum - a, av = sum - bv;
        return (sum, (a - av) + (b - bv));
    }

    // ln(1 + u) for u ≥ 0, lane by lane (the vector form of ScalarKernels.LogOnePlus): w = 1 + u rounds away the digits
    // of u below one unit of the last place of 1, so with 1 + u = w + c exactly (TwoSum), ln(1 + u) = ln w + c/w to
    // within (c/w)²/2. For a tiny u, w = 1 and the result is c = u.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LogOnePlus(Vector<T> u)
    {
        var (w, c) = TwoSum(Vector<T>.One, u);
        return Log(w) + c / w;
    }

    // p[i] = exp(p[i]) for i < count (a multiple of the vector width), arguments never positive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExpInPlace(ref T p, int count)
    {
        nuint V = (nuint)Vector<T>.Count, end = (nuint)count, i = 0;
        // Two vectors at a time on 512 bits where the processor has them: the same bits, but twice the exponentials
        // in flight in the scheduler, which is what limits this loop (see VectorMath.Wide).
        if (VectorMath.Wide<T>())
            for (; i + 2 * V <= end; i += 2 * V) VectorMath.ExpNonPositive(Vector512.LoadUnsafe(ref p,
                i)).StoreUnsafe(ref p, i);
        for (; i < end; i += V) VectorMath.ExpNonPositive(Vector.LoadUnsafe(ref p, i)).StoreUnsafe(ref p, i);
    }

    /// <inheritdoc />
    public static void ActivationForward(Activation f, ReadOnlySpan<T> Z, Span<T> Hh, int ld, int R, int N)
    {
        KernelArgs.Matrix(Z.Length, R, N, ld, nameof(Z));
        KernelArgs.Matrix(Hh.Length, R, N, ld, nameof(Hh));
        int V = Vector<T>.Count;
        ref T z = ref MemoryMarshal.GetReference(Z);
        ref T h = ref MemoryMarshal.GetReference(Hh);
        for (int r = 0; r < R; r++)
        {
            int row = r * ld, n = 0;
            switch (f)
            {
                case Activation.Relu:
                    for (; n + V <= N; n += V) Store(Vector.Max(Load(ref z, row + n), Vector<T>.Zero), ref h, row + n);
                    // NaN stays NaN, as Vector.Max keeps it in the body (an overflowing row must not become h = 0).
                    for (; n < N; n++) { T v = z.At(row + n); h.At(row + n) = v > T.Zero || T.IsNaN(v) ? v : T.Zero; }
                    break;
                case Activation.Tanh:
                    // VectorMath.Tanh (within 1e-15 of Math.Tanh, relative); the tail goes through it too, one
                    // value per vector, so a column's h does not depend on where the vectors start.
                    for (; n + V <= N; n += V) Store(VectorMath.Tanh(Load(ref z, row + n)), ref h, row + n);
                    for (; n < N; n++) h.At(row + n) = VectorMath.Tanh(new Vector<T>(z.At(row + n)))[0];
                    break;
                default:
                    Z.Slice(row, N).CopyTo(Hh.Slice(row, N));
                    break;
            }
        }
    }

    /// <inheritdoc />
    public static void ActivationBackward(Activation f, ReadOnlySpan<T> Hh, int ld, int R, int N, Span<T> dHh)
    {
        KernelArgs.Matrix(Hh.Length, R, N, ld, nameof(Hh));
        KernelArgs.Matrix(dHh.Length, R, N, ld, nameof(dHh));
        if (f == Activation.Identity) return;
        int V = Vector<T>.Count;
        ref T h = ref MemoryMarshal.GetReference(Hh);
        ref T d = ref MemoryMarshal.GetReference(dHh);
        for (int r = 0; r < R; r++)
        {
            int row = r * ld, n = 0;
            if (f == Activation.Tanh)
            {
                for (; n + V <= N; n += V)
                {
                    Vector<T> hv = Load(ref h, row + n);
                    Store(Load(ref d, row + n) * (Vector<T>.One - hv * hv), ref d, row + n);
                }
                for (; n < N; n++) { T hv = h.At(row + n); d.At(row + n) *= T.One - hv * hv; }
            }
            else
            {
                for (; n + V <= N; n += V)
                {
                    Vector<T> mask = Vector.GreaterThan(Load(ref h, row + n), Vector<T>.Zero);
                    Store(Load(ref d, row + n) * Vector.ConditionalSelect(mask, Vector<T>.One, Vector<T>.Zero), ref d,
                        row + n);
                }
                for (; n < N; n++) d.At(row + n) *= h.At(row + n) > T.Zero ? T.One : T.Zero;
            }
        }
    }

    /// <inheritdoc />
    public static void Update(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        if (mu != T.Zero) KernelArgs.Vector(v.Length, theta.Length, nameof(v));
        int V = Vector<T>.Count, n = 0, L = theta.Length;
        ref T t = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T vr = ref MemoryMarshal.GetReference(v);
        Vector<T> etaV = new(eta), muV = new(mu), l2V = new(l2);
        bool momentum = mu != T.Zero;
        for (; n + V <= L; n += V)
        {
            Vector<T> tv = Load(ref t, n);
            Vector<T> step = Load(ref gr, n) + l2V * tv;
            if (momentum)
            {
                step = muV * Load(ref vr, n) + step;
                Store(step, ref vr, n);
            }
            Store(tv - etaV * step, ref t, n);
        }
        for (; n < L; n++)
        {
            T step = gr.At(n) + l2 * t.At(n);
            if (momentum)
            {
                step = mu * vr.At(n) + step;
                vr.At(n) = step;
            }
            t.At(n) -= eta * step;
        }
    }

    /// <inheritdoc />
    public static void UpdateNesterov(Span<T> theta, ReadOnlySpan<T> g, Span<T> v, T eta, T mu, T l2)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        KernelArgs.Vector(v.Length, theta.Length, nameof(v));
        int V = Vector<T>.Count, n = 0, L = theta.Length;
        ref T t = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T vr = ref MemoryMarshal.GetReference(v);
        Vector<T> etaV = new(eta), muV = new(mu), l2V = new(l2);
        for (; n + V <= L; n += V)
        {
            Vector<T> tv = Load(ref t, n);
            Vector<T> step = Load(ref gr, n) + l2V * tv;
            Vector<T> velocity = muV * Load(ref vr, n) + step;
            Store(velocity, ref vr, n);
            Store(tv - etaV * (step + muV * velocity), ref t, n);
        }
        for (; n < L; n++)
        {
            T step = gr.At(n) + l2 * t.At(n);
            T velocity = mu * vr.At(n) + step;
            vr.At(n) = velocity;
            t.At(n) -= eta * (step + mu * velocity);
        }
    }

    /// <inheritdoc />
    public static void UpdateAdam(Span<T> theta, ReadOnlySpan<T> g, Span<T> m, Span<T> r, in AdamStep<T> step)
    {
        KernelArgs.Vector(g.Length, theta.Length, nameof(g));
        KernelArgs.Vector(m.Length, theta.Length, nameof(m));
        KernelArgs.Vector(r.Length, theta.Length, nameof(r));
        int V = Vector<T>.Count, n = 0, L = theta.Length;
        ref T t = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T mr = ref MemoryMarshal.GetReference(m);
        ref T rr = ref MemoryMarshal.GetReference(r);
        T negativeStep = -step.StepSize;
        Vector<T> l2 = new(step.L2), decay = new(step.Decay), beta1 = new(step.Beta1), w1 = new(step.OneMinusBeta1),
            beta2 = new(step.Beta2), w2 = new(step.OneMinusBeta2), size = new(negativeStep),
                c2 = new(step.CorrectionSqrt),
            eps = new(step.Epsilon);
        for (; n + V <= L; n += V)
        {
            Vector<T> tv = Load(ref t, n);
            Vector<T> gv = Load(ref gr, n) + l2 * tv;
            Vector<T> mv = beta1 * Load(ref mr, n) + w1 * gv;
            Vector<T> rv = beta2 * Load(ref rr, n) + w2 * gv * gv;
            Store(mv, ref mr, n);
            Store(rv, ref rr, n);
            Vector<T> denominator = Vector.SquareRoot(rv) / c2 + eps;
            Store(tv * decay + size * mv / denominator, ref t, n);
        }
        for (; n < L; n++)
        {
            T gi = gr.At(n) + step.L2 * t.At(n);
            T decayed = t.At(n) * step.Decay;
            T mi = step.Beta1 * mr.At(n) + step.OneMinusBeta1 * gi;
            T ri = step.Beta2 * rr.At(n) + step.OneMinusBeta2 * gi * gi;
            mr.At(n) = mi;
            rr.At(n) = ri;
            t.At(n) = decayed + negativeStep * mi / (T.Sqrt(ri) / step.CorrectionSqrt + step.Epsilon);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Load(ref T source, int offset) => Vector.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(Vector<T> value, ref T destination, int offset) => value.StoreUnsafe(ref destination,
        (nuint)offset);

    /// <summary>a·b + c with a single rounding (one FMA instruction where the CPU has it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Fma(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(double)) return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T,
            double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T,
            float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }

    /// <summary>c − a·b with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> FmaNegated(Vector<T> a, Vector<T> b, Vector<T> c) => FmaVariant(a, b, c, subtract: false);

    /// <summary>a·b − c with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> FmaSubtract(Vector<T> a, Vector<T> b, Vector<T> c) => FmaVariant(a, b, c, subtract: true);

    // Vector.FusedMultiplyAdd(−a, b, c) and (a, b, −c) give the same bits as these, but the JIT flips the sign with
    // an instruction of its own (and a constant load) inside the loop; x86's negated multiply-add and
    // multiply-subtract take the sign in the one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> FmaVariant(Vector<T> a, Vector<T> b, Vector<T> c, bool subtract)
    {
        if (Fma256)
        {
            if (typeof(T) == typeof(float))
            {
                Vector256<float> x = a.As<T, float>().AsVector256(), y = b.As<T, float>().AsVector256(), z = c.As<T,
                    float>().AsVector256();
                return (subtract ? System.Runtime.Intrinsics.X86.Fma.MultiplySubtract(x, y,
                    z) : System.Runtime.Intrinsics.X86.Fma.MultiplyAddNegated(x, y, z)).AsVector().As<float, T>();
            }
            if (typeof(T) == typeof(double))
            {
                Vector256<double> x = a.As<T, double>().AsVector256(), y = b.As<T, double>().AsVector256(), z = c.As<T,
                    double>().AsVector256();
                return (subtract ? System.Runtime.Intrinsics.X86.Fma.MultiplySubtract(x, y,
                    z) : System.Runtime.Intrinsics.X86.Fma.MultiplyAddNegated(x, y, z)).AsVector().As<double, T>();
            }
        }
        return subtract ? Fma(a, b, -c) : Fma(-a, b, c);
    }

    // Inlined by force: in a kernel as large as the fused sweep's forward block the JIT runs out of its inlining
    // budget and left this a call inside the tanh loop, where every call spills the live vector registers
    // (3.5 % of a float64 tanh run's samples in the getter alone without AVX-512).
    private static bool Fma256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => System.Runtime.Intrinsics.X86.Fma.IsSupported && Vector<T>.Count * Unsafe.SizeOf<T>() == 32;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Log(Vector<T> x)
    {
        if (typeof(T) == typeof(double)) return Vector.Log(x.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector.Log(x.As<T, float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }
}

/// <summary>A compile-time block height: the JIT specializes each kernel for each struct, so the
/// guarded accumulators of unused rows disappear from the machine code.</summary>
internal interface IBlock
{
    static abstract int Count { get; }
}

internal readonly struct One : IBlock { public static int Count => 1; }
internal readonly struct Two : IBlock { public static int Count => 2; }
internal readonly struct Three : IBlock { public static int Count => 3; }
internal readonly struct Four : IBlock { public static int Count => 4; }

internal static class RefExtensions
{
    /// <summary>The element <paramref name="offset"/> places after <paramref name="origin"/> (no bounds
    /// check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T At<T>(ref this T origin, int offset) where T : struct => ref Unsafe.Add(ref origin, offset);
}
