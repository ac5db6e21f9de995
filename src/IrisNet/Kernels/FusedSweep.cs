using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using IrisNet.FastPath;
using IrisNet.Reference;

namespace IrisNet.Kernels;

/// <summary>
/// The forward and backward pass over one chunk of columns in two sweeps instead of nine kernel
/// calls: the vector hot path for D ≤ 4 inputs, C ≤ 4 classes and any activation (Iris is D = 4, C = 3). It computes
/// exactly the products of <see cref="Network{T, TK}"/>'s separate kernels, (1)–(14) of docs/derivation.md, in a
/// different order.
/// <code>
/// sweep 1, samples outer, hidden units inner     sweep 2, hidden units outer, samples inner
///  for a pair of sample vectors (x, s in regs):   for each pair of hidden units (sums in regs):
///   for j: z_j = a_j + Σ_d A_jd x_d      (1)       for each sample vector, for both units j:
///          h_j = f(z_j), kept in Hh      (2)         dh_j = Σ_c B_cj dS_c             (9)
///          (tanh: VectorMath.Tanh)
///          s_c += B_cj h_j               (3)         dB_cj += dS_c h_j                (8)
///  then, per chunk: softmax and dS       (4,5,7)      dz_j = dh_j ⊙ f′(z_j)           (10, 13)
///                                                     dA_jd += dz_j x_d, da_j += dz_j (11, 12)
/// </code>
/// Nothing H×N is read back more than once: h is written once in sweep 1 (into Hh) and read once
/// in sweep 2; z, dh and dz live only in registers and never exist as arrays. Each multiply-add the FLOP count
/// 2·N·H·(2D + 3C) counts is done once, and every vector loaded feeds several of them (sweep 1: one weight broadcast
/// feeds two sample vectors; sweep 2: with two hidden units per pass, the D vectors x and the C vectors dS feed
/// both units' operations, and each h_j feeds C + 1 of its own).
/// </summary>
/// <remarks>
/// The gradient sums of sweep 2 are kept per vector lane in <c>lanes</c> (one vector per gradient
/// entry) across all chunks of a partition, and reduced to scalars once, by
/// <see cref="ReduceLanes"/>: a horizontal sum per entry per chunk would cost as much as the work
/// of a short chunk. The first chunk of a pass starts the sums at zero, so the buffer is never cleared. The forward
/// values z and s are bit-identical to the separate kernels' (same fused multiply-adds in the same order); the gradient
/// sums differ only in summation order. A chunk whose column count is not a multiple of the vector width is copied into
/// a zero-padded block first; the padded columns get dS = 0, so they add nothing to any gradient.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal static class FusedSweep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True when the fused sweep handles the shape (D ≤ 4, C ≤ 4; identity, ReLU or tanh).</summary>
    public static bool Supports(NetworkShape shape) =>
        shape.D is >= 1 and <= 4 && shape.C is >= 1 and <= 4 && shape.Activation is Activation.Identity or
            Activation.Relu or Activation.Tanh;

    /// <summary>Elements of the per-lane gradient buffer: one vector for each entry of dA, dB and da.</summary>
    public static int LaneLength(NetworkShape shape) => shape.H * (shape.D + shape.C + 1) * Vector<T>.Count;

    /// <summary>
    /// One chunk of n columns: forward pass, loss and dS into the work buffers, and with
    /// <paramref name="backward"/> (otherwise the lanes and db are left alone) gradient sums added
    /// into <paramref name="lanes"/> (or written there, for the <paramref name="first"/> chunk of a
    /// pass, whatever the buffer held) and Σ_n dS into <paramref name="db"/> (when it is not empty).
    /// Work buffers: Hh (H rows), S and dS (C rows), Xpad (D rows), all with leading dimension
    /// <paramref name="ldw"/> ≥ n rounded up to the vector width. <paramref name="a"/> and
    /// <paramref name="b"/> must hold H and C entries (zeros for a network without biases).
    /// </summary>
    public static (T LossSum, int Correct) Chunk(NetworkShape shape, ReadOnlySpan<T> A, ReadOnlySpan<T> a,
        ReadOnlySpan<T> B, ReadOnlySpan<T> b,
        ReadOnlySpan<T> X, ReadOnlySpan<T> Y, int ld, int n, T scale,
        Span<T> Hh, Span<T> S, Span<T> dS, Span<T> Xpad, int ldw, Span<T> lanes, bool first, Span<T> db,
            bool backward = true)
    {
        int D = shape.D, H = shape.H, C = shape.C, V = Vector<T>.Count;
        int vectors = (n + V - 1) / V;
        if (n == 0) return (T.Zero, 0);
        if (!Supports(shape)) throw new
            ArgumentException("The fused sweep needs D ≤ 4, C ≤ 4 and the identity, ReLU or tanh activation.",
            nameof(shape));
        KernelArgs.Vector(A.Length, H * D, nameof(A));
        KernelArgs.Vector(a.Length, H, nameof(a));
        KernelArgs.Vector(B.Length, C * H, nameof(B));
        KernelArgs.Vector(b.Length, C, nameof(b));
        KernelArgs.Matrix(X.Length, D, n, ld, nameof(X));
        KernelArgs.Matrix(Y.Length, C, n, ld, nameof(Y));
        if (ldw < vectors * V) throw new ArgumentOutOfRangeException(nameof(ldw),
            $"The work buffers' leading dimension must be at least {vectors * V}.");
        KernelArgs.Matrix(Hh.Length, H, vectors * V, ldw, nameof(Hh));
        KernelArgs.Matrix(S.Length, C, vectors * V, ldw, nameof(S));
        KernelArgs.Matrix(dS.Length, C, vectors * V, ldw, nameof(dS));
        KernelArgs.Vector(lanes.Length, LaneLength(shape), nameof(lanes));

        // Columns that do not fill the last vector: sweep a zero-padded copy of X instead.
        ReadOnlySpan<T> Xs = X;
        int ldx = ld;
        if (n % V != 0)
        {
            KernelArgs.Matrix(Xpad.Length, D, vectors * V, ldw, nameof(Xpad));
            VectorKernels<T>.PadColumns(X, ld, D, n, vectors * V, Xpad, ldw);
            Xs = Xpad;
            ldx = ldw;
        }

        var sweep = new Sweep(A, a, B, b, Xs, Hh, S, dS, lanes, H, ldx, ldw, vectors, first);
        Activation f = shape.Activation;

        Dispatch(D, C, f, Part.Forward, sweep);
        // (4, 5, 7) on the n real columns; for the backward sweep, the padded columns of dS are then zeroed.
        var (loss, correct) = VectorKernels<T>.SoftmaxCrossEntropy(S, ldw, Y, ld, C, n, scale, dS, ldw);
        if (!backward) return (loss, correct);
        for (int c = 0; c < C; c++) dS.Slice(c * ldw + n, vectors * V - n).Clear();
        if (!db.IsEmpty) VectorKernels<T>.RowSumsAdd(dS, ldw, C, n, db);                       // (12) db += Σ_n dS
        Dispatch(D, C, f, Part.Backward, sweep);
        return (loss, correct);
    }

    /// <summary>
    /// Adds the per-lane sums to the gradient: dA[j, d], dB[c, j] and (when not empty) da[j] each
    /// get the sum of their vector's lanes. Overwrites <paramref name="lanes"/> (its first entries
    /// end up holding the sums), so the next pass must start with a <c>first</c> chunk.
    /// </summary>
    public static void ReduceLanes(NetworkShape shape, Span<T> lanes, Span<T> dA, Span<T> da, Span<T> dB)
    {
        int D = shape.D, H = shape.H, C = shape.C;
        KernelArgs.Vector(lanes.Length, LaneLength(shape), nameof(lanes));
        KernelArgs.Vector(dA.Length, H * D, nameof(dA));
        KernelArgs.Vector(dB.Length, C * H, nameof(dB));
        if (!da.IsEmpty) KernelArgs.Vector(da.Length, H, nameof(da));
        SumLanes(lanes, H * (D + C + 1));
        // The sums lie unit by unit (D for dA, C for dB, one for da); lengths are checked above, so the
        // scatter runs on references without a bounds check per entry.
        ref T l = ref MemoryMarshal.GetReference(lanes), gA = ref MemoryMarshal.GetReference(dA),
            gB = ref MemoryMarshal.GetReference(dB);
        ref T ga = ref MemoryMarshal.GetReference(da);
        bool bias = !da.IsEmpty;
        for (int j = 0; j < H; j++)
        {
            for (int d = 0; d < D; d++) Unsafe.Add(ref gA, d) += Unsafe.Add(ref l, d);
            for (int c = 0; c < C; c++) Unsafe.Add(ref gB, c * H + j) += Unsafe.Add(ref l, D + c);
            if (bias) Unsafe.Add(ref ga, j) += Unsafe.Add(ref l, D + C);
            gA = ref Unsafe.Add(ref gA, D);
            l = ref Unsafe.Add(ref l, D + C + 1);
        }
    }

    // lanes[e] = Σ_l lanes[e·V + l] for e < count, in place (entry e is read before anything at or
    // after e·V is written). With AVX, V vectors at a time: horizontal adds and a swap of 128-bit
    // halves transpose-and-sum them into one vector of V sums, instead of V separate reductions.
    private static void SumLanes(Span<T> lanes, int count)
    {
        int V = Vector<T>.Count, e = 0;
        ref T l = ref MemoryMarshal.GetReference(lanes);
        if (Avx.IsSupported && Vector<T>.Count * Unsafe.SizeOf<T>() == 32)
        {
            for (; e + V <= count; e += V)
            {
                ref T g = ref Unsafe.Add(ref l, e * V);
                if (typeof(T) == typeof(double))
                {
                    ref double q = ref Unsafe.As<T, double>(ref g);
                    Vector256<double> t0 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q), Vector256.LoadUnsafe(ref q,
                        4));
                    Vector256<double> t1 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q, 8), Vector256.LoadUnsafe(ref q,
                        12));
                    Vector256<double> sum = Avx.Permute2x128(t0, t1, 0x20) + Avx.Permute2x128(t0, t1, 0x31);
                    sum.StoreUnsafe(ref Unsafe.As<T, double>(ref Unsafe.Add(ref l, e)));
                }
                else
                {
                    ref float q = ref Unsafe.As<T, float>(ref g);
                    Vector256<float> t0 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q), Vector256.LoadUnsafe(ref q,
                        8));
                    Vector256<float> t1 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q, 16), Vector256.LoadUnsafe(ref q,
                        24));
                    Vector256<float> t2 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q, 32), Vector256.LoadUnsafe(ref q,
                        40));
                    Vector256<float> t3 = Avx.HorizontalAdd(Vector256.LoadUnsafe(ref q, 48), Vector256.LoadUnsafe(ref q,
                        56));
                    Vector256<float> u0 = Avx.HorizontalAdd(t0, t1), u1 = Avx.HorizontalAdd(t2, t3);
                    Vector256<float> sum = Avx.Permute2x128(u0, u1, 0x20) + Avx.Permute2x128(u0, u1, 0x31);
                    sum.StoreUnsafe(ref Unsafe.As<T, float>(ref Unsafe.Add(ref l, e)));
                }
            }
        }
        for (; e < count; e++) Unsafe.Add(ref l, e) = Vector.Sum(Vector.LoadUnsafe(ref l, (nuint)(e * V)));
    }

    private enum Part { Forward, Backward }

    /// <summary>
    /// Everything one chunk's sweeps read and write: references to the first element of each
    /// operand (row-major, rows <c>H</c>, <c>Ldx</c> or <c>Ldw</c> apart) and the chunk's sizes.
    /// </summary>
    private readonly ref struct Sweep
    {
        public readonly ref T A, a, B, b;        // weights and biases (biases: zeros when off)
        public readonly ref T X, Hh, S, dS;      // X (D rows), h (H rows), s and dS (C rows)
        public readonly ref T Lanes;             // per-lane gradient sums
        public readonly int H, Ldx, Ldw, Vectors;
        public readonly bool First;

        public Sweep(ReadOnlySpan<T> A, ReadOnlySpan<T> a, ReadOnlySpan<T> B, ReadOnlySpan<T> b, ReadOnlySpan<T> X,
            Span<T> Hh, Span<T> S, Span<T> dS, Span<T> lanes, int H, int ldx, int ldw, int vectors, bool first)
        {
            this.A = ref MemoryMarshal.GetReference(A);
            this.a = ref MemoryMarshal.GetReference(a);
            this.B = ref MemoryMarshal.GetReference(B);
            this.b = ref MemoryMarshal.GetReference(b);
            this.X = ref MemoryMarshal.GetReference(X);
            this.Hh = ref MemoryMarshal.GetReference(Hh);
            this.S = ref MemoryMarshal.GetReference(S);
            this.dS = ref MemoryMarshal.GetReference(dS);
            Lanes = ref MemoryMarshal.GetReference(lanes);
            this.H = H;
            Ldx = ldx;
            Ldw = ldw;
            Vectors = vectors;
            First = first;
        }
    }

    // The shape becomes type arguments, so each of the 48 (D, C, f) combinations gets its own machine
    // code with every per-feature and per-class vector in a register.
    private static void Dispatch(int D, int C, Activation f, Part part, in Sweep sw)
    {
        switch (D)
        {
            case 1: DispatchC<One>(C, f, part, sw); break;
            case 2: DispatchC<Two>(C, f, part, sw); break;
            case 3: DispatchC<Three>(C, f, part, sw); break;
            default: DispatchC<Four>(C, f, part, sw); break;
        }
    }

    private static void DispatchC<TD>(int C, Activation f, Part part, in Sweep sw) where TD : struct, IBlock
    {
        switch (C)
        {
            case 1: DispatchF<TD, One>(f, part, sw); break;
            case 2: DispatchF<TD, Two>(f, part, sw); break;
            case 3: DispatchF<TD, Three>(f, part, sw); break;
            default: DispatchF<TD, Four>(f, part, sw); break;
        }
    }

    private static void DispatchF<TD, TC>(Activation f, Part part, in Sweep sw) where TD : struct,
        IBlock where TC : struct, IBlock
    {
        switch (f)
        {
            case Activation.Relu: Run<TD, TC, ReluKind>(part, sw); break;
            case Activation.Tanh: Run<TD, TC, TanhKind>(part, sw); break;
            default: Run<TD, TC, LinearKind>(part, sw); break;
        }
    }

    private static void Run<TD, TC, TF>(Part part, in Sweep sw) where TD : struct, IBlock where TC : struct,
        IBlock where TF : struct, IActivationKind
    {
        if (part == Part.Forward) Forward<TD, TC, TF>(sw);
        else Backward<TD, TC, TF>(sw);
    }

    // Sweep 1: Hh = f(A X + a) and S = B Hh + b, two sample vectors at a time (the pair block), then
    // one for an odd last vector (the same block with its second vector switched off). x_d and s_c
    // stay in registers while j runs over all H hidden units.
    private static void Forward<TD, TC, TF>(in Sweep sw)
        where TD : struct, IBlock where TC : struct, IBlock where TF : struct, IActivationKind
    {
        nuint v = (nuint)Vector<T>.Count, end = (nuint)(sw.Vectors * Vector<T>.Count), n = 0;
        for (; n + 2 * v <= end; n += 2 * v) ForwardBlock<TD, TC, TF, Two>(sw, n);
        if (n < end) ForwardBlock<TD, TC, TF, One>(sw, n);
    }

    // The sample vectors at columns n (and n + V when TP is Two): z_j is summed bias first, then
    // d = 0..D−1, and s_c bias first, then j = 0..H−1 — the order of VectorKernels.MatMul, so both
    // agree bit for bit. Every row is addressed from its own base reference, so the loops do no
    // index arithmetic; the second vector's lines vanish from the machine code when TP is One.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardBlock<TD, TC, TF, TP>(in Sweep sw, nuint n)
        where TD : struct, IBlock where TC : struct, IBlock where TF : struct, IActivationKind where TP : struct, IBlock
    {
        int H = sw.H, ldx = sw.Ldx, ldw = sw.Ldw, D = TD.Count;
        bool pair = TP.Count > 1;
        nuint v1 = (nuint)Vector<T>.Count;
        ref T x = ref sw.X, s = ref sw.S, B = ref sw.B, b = ref sw.b;
        ref T x1 = ref Row(ref x, TD.Count > 1 ? ldx : 0), x2 = ref Row(ref x, TD.Count > 2 ? 2 * ldx : 0),
            x3 = ref Row(ref x, TD.Count > 3 ? 3 * ldx : 0);
        ref T s1 = ref Row(ref s, TC.Count > 1 ? ldw : 0), s2 = ref Row(ref s, TC.Count > 2 ? 2 * ldw : 0),
            s3 = ref Row(ref s, TC.Count > 3 ? 3 * ldw : 0);
        ref T B1 = ref Row(ref B, TC.Count > 1 ? H : 0), B2 = ref Row(ref B, TC.Count > 2 ? 2 * H : 0),
            B3 = ref Row(ref B, TC.Count > 3 ? 3 * H : 0);
        Vector<T> b0 = new(b), b1 = TC.Count > 1 ? new(b.At(1)) : default;
        Vector<T> b2 = TC.Count > 2 ? new(b.At(2)) : default, b3 = TC.Count > 3 ? new(b.At(3)) : default;

        Vector<T> x00 = Vector.LoadUnsafe(ref x, n), x01 = pair ? Vector.LoadUnsafe(ref x, n + v1) : default;
        Vector<T> x10 = TD.Count > 1 ? Vector.LoadUnsafe(ref x1, n) : default,
            x11 = TD.Count > 1 && pair ? Vector.LoadUnsafe(ref x1, n + v1) : default;
        Vector<T> x20 = TD.Count > 2 ? Vector.LoadUnsafe(ref x2, n) : default,
            x21 = TD.Count > 2 && pair ? Vector.LoadUnsafe(ref x2, n + v1) : default;
        Vector<T> x30 = TD.Count > 3 ? Vector.LoadUnsafe(ref x3, n) : default,
            x31 = TD.Count > 3 && pair ? Vector.LoadUnsafe(ref x3, n + v1) : default;
        Vector<T> s00 = b0, s01 = b0, s10 = b1, s11 = b1, s20 = b2, s21 = b2, s30 = b3, s31 = b3;
        ref T hj = ref Unsafe.Add(ref sw.Hh, n);
        ref T Aj = ref sw.A;
        for (nint j = 0; j < H; j++)
        {
            Vector<T> aj = new(Unsafe.Add(ref sw.a, j)), wd = new(Aj);
            Vector<T> z0 = Fma(wd, x00, aj), z1 = pair ? Fma(wd, x01, aj) : default;                // (1)
            if (TD.Count > 1)
            {
                wd = new(Unsafe.Add(ref Aj, 1)); z0 = Fma(wd, x10, z0); if (pair) z1 = Fma(wd, x11,
                z1);
            }
            if (TD.Count > 2)
            {
                wd = new(Unsafe.Add(ref Aj, 2)); z0 = Fma(wd, x20, z0); if (pair) z1 = Fma(wd, x21,
                z1);
            }
            if (TD.Count > 3)
            {
                wd = new(Unsafe.Add(ref Aj, 3)); z0 = Fma(wd, x30, z0); if (pair) z1 = Fma(wd, x31,
                z1);
            }
            if (TF.Relu) { z0 = Vector.Max(z0, Vector<T>.Zero); if (pair) z1 = Vector.Max(z1, Vector<T>.Zero); } // (2)
            z0.StoreUnsafe(ref hj);
            if (pair) z1.StoreUnsafe(ref hj, v1);
            hj = ref Unsafe.Add(ref hj, ldw);
            Aj = ref Unsafe.Add(ref Aj, D);
            if (TF.Tanh) continue; // h and s in the loop below
            Vector<T> c = new(Unsafe.Add(ref B, j));                                                  // (3)
            s00 = Fma(c, z0, s00); if (pair) s01 = Fma(c, z1, s01);
            if (TC.Count > 1)
            {
                c = new(Unsafe.Add(ref B1, j)); s10 = Fma(c, z0, s10); if (pair) s11 = Fma(c, z1,
                s11);
            }
            if (TC.Count > 2)
            {
                c = new(Unsafe.Add(ref B2, j)); s20 = Fma(c, z0, s20); if (pair) s21 = Fma(c, z1,
                s21);
            }
            if (TC.Count > 3)
            {
                c = new(Unsafe.Add(ref B3, j)); s30 = Fma(c, z0, s30); if (pair) s31 = Fma(c, z1,
                s31);
            }
        }
        if (TF.Tanh && pair && VectorMath.Wide<T>())
        {
            TanhWide<TC>(sw, n);
            return;
        }
        // tanh without 512-bit vectors: h_j = tanh z_j in place over the block's z (a loop whose iterations do not
        // depend on each other, so the processor overlaps the long tanh chains of several), then s as above from h.
        // With 16 vector registers (AVX2), the software-pipelined loop that kept two tanh in flight beside the 2C
        // sums of s ran out of registers and was slower than this loop (bench/notes.md has the figures).
        if (TF.Tanh)
        {
            hj = ref Unsafe.Add(ref sw.Hh, n);
            for (nint j = 0; j < H; j++)
            {
                VectorMath.Tanh(Vector.LoadUnsafe(ref hj)).StoreUnsafe(ref hj);                         // (2)
                if (pair) VectorMath.Tanh(Vector.LoadUnsafe(ref hj, v1)).StoreUnsafe(ref hj, v1);
                hj = ref Unsafe.Add(ref hj, ldw);
            }
            hj = ref Unsafe.Add(ref sw.Hh, n);
            for (nint j = 0; j < H; j++)
            {
                Vector<T> z0 = Vector.LoadUnsafe(ref hj), z1 = pair ? Vector.LoadUnsafe(ref hj, v1) : default;
                hj = ref Unsafe.Add(ref hj, ldw);
                Vector<T> c = new(Unsafe.Add(ref B, j));                                                  // (3)
                s00 = Fma(c, z0, s00); if (pair) s01 = Fma(c, z1, s01);
                if (TC.Count > 1)
                {
                    c = new(Unsafe.Add(ref B1, j)); s10 = Fma(c, z0, s10); if (pair) s11 = Fma(c, z1,
                    s11);
                }
                if (TC.Count > 2)
                {
                    c = new(Unsafe.Add(ref B2, j)); s20 = Fma(c, z0, s20); if (pair) s21 = Fma(c, z1,
                    s21);
                }
                if (TC.Count > 3)
                {
                    c = new(Unsafe.Add(ref B3, j)); s30 = Fma(c, z0, s30); if (pair) s31 = Fma(c, z1,
                    s31);
                }
            }
        }
        s00.StoreUnsafe(ref s, n); if (pair) s01.StoreUnsafe(ref s, n + v1);
        if (TC.Count > 1) { s10.StoreUnsafe(ref s1, n); if (pair) s11.StoreUnsafe(ref s1, n + v1); }
        if (TC.Count > 2) { s20.StoreUnsafe(ref s2, n); if (pair) s21.StoreUnsafe(ref s2, n + v1); }
        if (TC.Count > 3) { s30.StoreUnsafe(ref s3, n); if (pair) s31.StoreUnsafe(ref s3, n + v1); }
    }

    // The tanh loop of a pair block (columns n to n + 2V − 1) on 512-bit vectors, where the processor has them
    // (VectorMath.Wide): the two sample vectors' z_j are contiguous in Hh's row j, so one 512-bit vector holds
    // both, and s_c's two accumulators become one. Each lane gets the same operations in the same order as in
    // the loop above, so h and s are the same bits; the gain is in the scheduler (see VectorMath.Wide).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TanhWide<TC>(in Sweep sw, nuint n) where TC : struct, IBlock
    {
        int H = sw.H, ldw = sw.Ldw;
        ref T s = ref sw.S, B = ref sw.B, b = ref sw.b;
        ref T s1 = ref Row(ref s, TC.Count > 1 ? ldw : 0), s2 = ref Row(ref s, TC.Count > 2 ? 2 * ldw : 0),
            s3 = ref Row(ref s, TC.Count > 3 ? 3 * ldw : 0);
        ref T B1 = ref Row(ref B, TC.Count > 1 ? H : 0), B2 = ref Row(ref B, TC.Count > 2 ? 2 * H : 0),
            B3 = ref Row(ref B, TC.Count > 3 ? 3 * H : 0);
        Vector512<T> S0 = Vector512.Create(b), S1 = TC.Count > 1 ? Vector512.Create(b.At(1)) : default;
        Vector512<T> S2 = TC.Count > 2 ? Vector512.Create(b.At(2)) : default,
            S3 = TC.Count > 3 ? Vector512.Create(b.At(3)) : default;
        ref T hj = ref Unsafe.Add(ref sw.Hh, n);
        TanhParts512<T> t = VectorMath.TanhStart(Vector512.LoadUnsafe(ref hj));
        for (nint j = 0; j < H; j++)
        {
            Vector512<T> h = VectorMath.TanhFinish(t);                                               // (2)
            if (j + 1 < H) t = VectorMath.TanhStart(Vector512.LoadUnsafe(ref hj, (nuint)ldw));
            h.StoreUnsafe(ref hj);
            hj = ref Unsafe.Add(ref hj, ldw);
            S0 = Fma(Vector512.Create(Unsafe.Add(ref B, j)), h, S0);                                  // (3)
            if (TC.Count > 1) S1 = Fma(Vector512.Create(Unsafe.Add(ref B1, j)), h, S1);
            if (TC.Count > 2) S2 = Fma(Vector512.Create(Unsafe.Add(ref B2, j)), h, S2);
            if (TC.Count > 3) S3 = Fma(Vector512.Create(Unsafe.Add(ref B3, j)), h, S3);
        }
        S0.StoreUnsafe(ref s, n);
        if (TC.Count > 1) S1.StoreUnsafe(ref s1, n);
        if (TC.Count > 2) S2.StoreUnsafe(ref s2, n);
        if (TC.Count > 3) S3.StoreUnsafe(ref s3, n);
    }

    // Sweep 2: for each hidden unit j, one pass over the chunk's sample vectors with its D + C + 1
    // gradient sums in registers (loaded from and stored back to the lane buffer once per chunk);
    // with 32 vector registers, two units per pass (BackwardPair), the last unit of an odd H alone.
    // dh_j = Σ_c B_cj dS_c is summed over c = 0..C−1 as VectorKernels.MatMul sums Bᵀ dS.
    private static void Backward<TD, TC, TF>(in Sweep sw)
        where TD : struct, IBlock where TC : struct, IBlock where TF : struct, IActivationKind
    {
        int V = Vector<T>.Count, H = sw.H, ldx = sw.Ldx, ldw = sw.Ldw;
        int stride = (TD.Count + TC.Count + 1) * V;
        ref T x = ref sw.X, dS = ref sw.dS, B = ref sw.B;
        ref T x1 = ref Row(ref x, TD.Count > 1 ? ldx : 0), x2 = ref Row(ref x, TD.Count > 2 ? 2 * ldx : 0),
            x3 = ref Row(ref x, TD.Count > 3 ? 3 * ldx : 0);
        ref T dS1 = ref Row(ref dS, TC.Count > 1 ? ldw : 0), dS2 = ref Row(ref dS, TC.Count > 2 ? 2 * ldw : 0),
            dS3 = ref Row(ref dS, TC.Count > 3 ? 3 * ldw : 0);
        nuint v1 = (nuint)V, count = (nuint)(sw.Vectors * V);
        ref T hj = ref sw.Hh;
        ref T L = ref sw.Lanes;
        int j = 0;
        if (PairedUnits)
        {
            for (; j + 2 <= H; j += 2)
            {
                BackwardPair<TD, TC, TF>(sw, j, ref L);
                hj = ref Unsafe.Add(ref hj, 2 * ldw);
                L = ref Unsafe.Add(ref L, 2 * stride);
            }
        }
        for (; j < H; j++)
        {
            ref T LB = ref Unsafe.Add(ref L, TD.Count * V);
            ref T La = ref Unsafe.Add(ref LB, TC.Count * V);
            Vector<T> gA0 = default, gA1 = default, gA2 = default, gA3 = default, gB0 = default, gB1 = default,
                gB2 = default, gB3 = default, ga = default;
            if (!sw.First)
            {
                gA0 = Load(ref L, 0);
                if (TD.Count > 1) gA1 = Load(ref L, V);
                if (TD.Count > 2) gA2 = Load(ref L, 2 * V);
                if (TD.Count > 3) gA3 = Load(ref L, 3 * V);
                gB0 = Load(ref LB, 0);
                if (TC.Count > 1) gB1 = Load(ref LB, V);
                if (TC.Count > 2) gB2 = Load(ref LB, 2 * V);
                if (TC.Count > 3) gB3 = Load(ref LB, 3 * V);
                ga = Load(ref La, 0);
            }
            Vector<T> c0 = new(B.At(j));
            Vector<T> c1 = TC.Count > 1 ? new(B.At(H + j)) : default;
            Vector<T> c2 = TC.Count > 2 ? new(B.At(2 * H + j)) : default;
            Vector<T> c3 = TC.Count > 3 ? new(B.At(3 * H + j)) : default;
            for (nuint n = 0; n < count; n += v1)
            {
                Vector<T> h = Vector.LoadUnsafe(ref hj, n);
                Vector<T> dS0 = Vector.LoadUnsafe(ref dS, n);
                Vector<T> dh = dS0 * c0;                                                          // (9)
                gB0 = Fma(dS0, h, gB0);                                                           // (8)
                if (TC.Count > 1)
                {
                    Vector<T> e = Vector.LoadUnsafe(ref dS1, n); dh = Fma(e, c1, dh); gB1 = Fma(e, h,
                    gB1);
                }
                if (TC.Count > 2)
                {
                    Vector<T> e = Vector.LoadUnsafe(ref dS2, n); dh = Fma(e, c2, dh); gB2 = Fma(e, h,
                    gB2);
                }
                if (TC.Count > 3)
                {
                    Vector<T> e = Vector.LoadUnsafe(ref dS3, n); dh = Fma(e, c3, dh); gB3 = Fma(e, h,
                    gB3);
                }
                Vector<T> dz = Dz<TF>(dh, h);                                                     // (10, 13)
                ga += dz;                                                                         // (12)
                gA0 = Fma(dz, Vector.LoadUnsafe(ref x, n), gA0);                                  // (11)
                if (TD.Count > 1) gA1 = Fma(dz, Vector.LoadUnsafe(ref x1, n), gA1);
                if (TD.Count > 2) gA2 = Fma(dz, Vector.LoadUnsafe(ref x2, n), gA2);
                if (TD.Count > 3) gA3 = Fma(dz, Vector.LoadUnsafe(ref x3, n), gA3);
            }
            Store(gA0, ref L, 0);
            if (TD.Count > 1) Store(gA1, ref L, V);
            if (TD.Count > 2) Store(gA2, ref L, 2 * V);
            if (TD.Count > 3) Store(gA3, ref L, 3 * V);
            Store(gB0, ref LB, 0);
            if (TC.Count > 1) Store(gB1, ref LB, V);
            if (TC.Count > 2) Store(gB2, ref LB, 2 * V);
            if (TC.Count > 3) Store(gB3, ref LB, 3 * V);
            Store(ga, ref La, 0);
            hj = ref Unsafe.Add(ref hj, ldw);
            L = ref Unsafe.Add(ref L, stride);
        }
    }

    // Two hidden units per pass need 2(D + C + 1) sums and 2C weights in registers, which is more
    // than 16 vector registers hold: only where there are 32 (AVX-512VL; Vector<T> stays 256-bit).
    private static bool PairedUnits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.VL.IsSupported;
    }

    // Units j and j + 1 (p and q below) in one pass over the sample vectors: each load of x and dS
    // feeds both units' multiply-adds. Every sum is accumulated in the same order as in the
    // one-unit loop of Backward, so the result is bit for bit the same.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardPair<TD, TC, TF>(in Sweep sw, int j, ref T L0)
        where TD : struct, IBlock where TC : struct, IBlock where TF : struct, IActivationKind
    {
        int V = Vector<T>.Count, H = sw.H, ldx = sw.Ldx, ldw = sw.Ldw;
        int stride = (TD.Count + TC.Count + 1) * V;
        ref T x = ref sw.X, dS = ref sw.dS, B = ref sw.B;
        ref T x1 = ref Row(ref x, TD.Count > 1 ? ldx : 0), x2 = ref Row(ref x, TD.Count > 2 ? 2 * ldx : 0),
            x3 = ref Row(ref x, TD.Count > 3 ? 3 * ldx : 0);
        ref T dS1 = ref Row(ref dS, TC.Count > 1 ? ldw : 0), dS2 = ref Row(ref dS, TC.Count > 2 ? 2 * ldw : 0),
            dS3 = ref Row(ref dS, TC.Count > 3 ? 3 * ldw : 0);
        nuint v1 = (nuint)V, count = (nuint)(sw.Vectors * V);
        ref T hP = ref Unsafe.Add(ref sw.Hh, j * ldw), hQ = ref Unsafe.Add(ref hP, ldw);
        ref T LP = ref L0, LQ = ref Unsafe.Add(ref L0, stride);
        ref T LBP = ref Unsafe.Add(ref LP, TD.Count * V), LBQ = ref Unsafe.Add(ref LQ, TD.Count * V);
        ref T LaP = ref Unsafe.Add(ref LBP, TC.Count * V), LaQ = ref Unsafe.Add(ref LBQ, TC.Count * V);
        Vector<T> pA0 = default, pA1 = default, pA2 = default, pA3 = default, pB0 = default, pB1 = default,
            pB2 = default, pB3 = default, pa = default;
        Vector<T> qA0 = default, qA1 = default, qA2 = default, qA3 = default, qB0 = default, qB1 = default,
            qB2 = default, qB3 = default, qa = default;
        if (!sw.First)
        {
            pA0 = Load(ref LP, 0); qA0 = Load(ref LQ, 0);
            if (TD.Count > 1) { pA1 = Load(ref LP, V); qA1 = Load(ref LQ, V); }
            if (TD.Count > 2) { pA2 = Load(ref LP, 2 * V); qA2 = Load(ref LQ, 2 * V); }
            if (TD.Count > 3) { pA3 = Load(ref LP, 3 * V); qA3 = Load(ref LQ, 3 * V); }
            pB0 = Load(ref LBP, 0); qB0 = Load(ref LBQ, 0);
            if (TC.Count > 1) { pB1 = Load(ref LBP, V); qB1 = Load(ref LBQ, V); }
            if (TC.Count > 2) { pB2 = Load(ref LBP, 2 * V); qB2 = Load(ref LBQ, 2 * V); }
            if (TC.Count > 3) { pB3 = Load(ref LBP, 3 * V); qB3 = Load(ref LBQ, 3 * V); }
            pa = Load(ref LaP, 0); qa = Load(ref LaQ, 0);
        }
        Vector<T> cp0 = new(B.At(j)), cq0 = new(B.At(j + 1));
        Vector<T> cp1 = TC.Count > 1 ? new(B.At(H + j)) : default, cq1 = TC.Count > 1 ? new(B.At(H + j + 1)) : default;
        Vector<T> cp2 = TC.Count > 2 ? new(B.At(2 * H + j)) : default,
            cq2 = TC.Count > 2 ? new(B.At(2 * H + j + 1)) : default;
        Vector<T> cp3 = TC.Count > 3 ? new(B.At(3 * H + j)) : default,
            cq3 = TC.Count > 3 ? new(B.At(3 * H + j + 1)) : default;
        for (nuint n = 0; n < count; n += v1)
        {
            Vector<T> hp = Vector.LoadUnsafe(ref hP, n), hq = Vector.LoadUnsafe(ref hQ, n);
            Vector<T> e = Vector.LoadUnsafe(ref dS, n);
            Vector<T> dp = e * cp0, dq = e * cq0;                                                   // (9)
            pB0 = Fma(e, hp, pB0); qB0 = Fma(e, hq, qB0);                                           // (8)
            if (TC.Count > 1)
            {
                e = Vector.LoadUnsafe(ref dS1, n); dp = Fma(e, cp1, dp); dq = Fma(e, cq1,
                dq); pB1 = Fma(e, hp, pB1); qB1 = Fma(e, hq, qB1);
            }
            if (TC.Count > 2)
            {
                e = Vector.LoadUnsafe(ref dS2, n); dp = Fma(e, cp2, dp); dq = Fma(e, cq2,
                dq); pB2 = Fma(e, hp, pB2); qB2 = Fma(e, hq, qB2);
            }
            if (TC.Count > 3)
            {
                e = Vector.LoadUnsafe(ref dS3, n); dp = Fma(e, cp3, dp); dq = Fma(e, cq3,
                dq); pB3 = Fma(e, hp, pB3); qB3 = Fma(e, hq, qB3);
            }
            Vector<T> zp = Dz<TF>(dp, hp), zq = Dz<TF>(dq, hq);                                     // (10, 13)
            pa += zp; qa += zq;                                                                     // (12)
            Vector<T> xv = Vector.LoadUnsafe(ref x, n);
            pA0 = Fma(zp, xv, pA0); qA0 = Fma(zq, xv, qA0);                                         // (11)
            if (TD.Count > 1) { xv = Vector.LoadUnsafe(ref x1, n); pA1 = Fma(zp, xv, pA1); qA1 = Fma(zq, xv, qA1); }
            if (TD.Count > 2) { xv = Vector.LoadUnsafe(ref x2, n); pA2 = Fma(zp, xv, pA2); qA2 = Fma(zq, xv, qA2); }
            if (TD.Count > 3) { xv = Vector.LoadUnsafe(ref x3, n); pA3 = Fma(zp, xv, pA3); qA3 = Fma(zq, xv, qA3); }
        }
        Store(pA0, ref LP, 0); Store(qA0, ref LQ, 0);
        if (TD.Count > 1) { Store(pA1, ref LP, V); Store(qA1, ref LQ, V); }
        if (TD.Count > 2) { Store(pA2, ref LP, 2 * V); Store(qA2, ref LQ, 2 * V); }
        if (TD.Count > 3) { Store(pA3, ref LP, 3 * V); Store(qA3, ref LQ, 3 * V); }
        Store(pB0, ref LBP, 0); Store(qB0, ref LBQ, 0);
        if (TC.Count > 1) { Store(pB1, ref LBP, V); Store(qB1, ref LBQ, V); }
        if (TC.Count > 2) { Store(pB2, ref LBP, 2 * V); Store(qB2, ref LBQ, 2 * V); }
        if (TC.Count > 3) { Store(pB3, ref LBP, 3 * V); Store(qB3, ref LBQ, 3 * V); }
        Store(pa, ref LaP, 0); Store(qa, ref LaQ, 0);
    }

    // (10, 13) dz = dh ⊙ f′(z), from h = f(z): for ReLU f′(z) = 1 exactly where h = max(0, z) > 0, else 0, and
    // dh·f′ is a product (as in the separate kernels), so a NaN dh stays NaN where f′ = 0; for tanh f′(z) = 1 − h²,
    // so dz = dh − (dh·h)·h (two instructions: a multiply and a negated multiply-add); identity: dz = dh.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Dz<TF>(Vector<T> dh, Vector<T> h) where TF : struct, IActivationKind =>
        TF.Relu ? dh * Vector.ConditionalSelect(Vector.GreaterThan(h, Vector<T>.Zero), Vector<T>.One, Vector<T>.Zero)
        : TF.Tanh ? VectorKernels<T>.FmaNegated(dh * h, h, dh) : dh;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Row(ref T origin, int offset) => ref Unsafe.Add(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load(ref T source, int offset) => VectorKernels<T>.Load(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<T> value, ref T destination, int offset) => VectorKernels<T>.Store(value,
        ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma(Vector<T> a, Vector<T> b, Vector<T> c) => VectorKernels<T>.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T,
            double>()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T,
            float>()).As<float, T>();
        throw new NotSupportedException($"{typeof(T)} is not float or double.");
    }
}

/// <summary>The hidden activation as a type argument, so the fused sweep's loops carry no branch on it.</summary>
internal interface IActivationKind
{
    static abstract bool Relu { get; }
    static abstract bool Tanh { get; }
}

internal readonly struct LinearKind : IActivationKind
{
    public static bool Relu => false; public static bool Tanh
    => false;
}
internal readonly struct ReluKind : IActivationKind
{
    public static bool Relu => true; public static bool Tanh
    => false;
}
internal readonly struct TanhKind : IActivationKind
{
    public static bool Relu => false; public static bool Tanh
    => true;
}
