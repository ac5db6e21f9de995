using System.Numerics;
using System.Runtime.CompilerServices;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.FastPath;

/// <summary>
/// The two-layer network over a batch, with its hand-written backward pass.
/// <code>
/// forward                              (Eq.)   backward, in reverse order           (Eq.)
/// Z  = A X + a        (H×N)            (1)     dS = (Ŷ − Y) / N        (C×N)         (7, 14)
/// Hh = f(Z)           (H×N)            (2)     dB = dS Hhᵀ, db = Σ_n dS (C×H, C)     (8, 12)
/// S  = B Hh + b       (C×N)            (3)     dHh = Bᵀ dS             (H×N)         (9)
/// Ŷ  = softmax(S) per column           (4)     dZ = dHh ⊙ f′(Z)        (H×N)         (10, 13)
/// L  = −(1/N) Σ_n Σ_k Y_kn ln Ŷ_kn     (5)     dA = dZ Xᵀ, da = Σ_n dZ (H×D, H)      (11, 12)
/// </code>
/// Equation numbers are those of docs/derivation.md.
/// Storage is feature-major: X is D×N, so column n is sample n and the document's sample-major
/// matrices (N×D, N×C) are stored transposed. In the document's row notation dS = (Ŷ − Y)/N is N×C
/// and dB = dSᵀ H; the buffer here holds that dS transposed, so the same product reads dS Hhᵀ.
/// Gradients are overwritten by each <see cref="ForwardBackward"/> (no separate zero-grad step).
/// </summary>
/// <remarks>
/// The batch is processed in chunks of columns that fit in cache; chunks are grouped into a fixed
/// number of partitions that depends on N only. Each partition accumulates its own gradient, and the
/// partitions are summed in index order, so the result is bit-identical for any thread count.
/// Every buffer is allocated in the constructor: a training step allocates nothing.
/// The <see cref="KernelPath"/> given to the constructor chooses how a chunk is computed:
/// <see cref="KernelPath.Separate"/> runs the steps listed above one kernel call each;
/// <see cref="KernelPath.Fused"/> (the default, used by <see cref="Trainer"/>) runs them as
/// <see cref="FusedSweep{T}"/> — the same equations in two sweeps over the chunk — when the kernels
/// are vectorized and D ≤ 4, C ≤ 4 (Iris; any activation), and as separate steps otherwise.
/// <see cref="Path"/> tells which one runs. The readable version of the same pass, one sample-major
/// loop per equation, is <see cref="ReferenceNetwork"/>; every path is tested against it.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TK">The kernels: <see cref="VectorKernels{T}"/> or <see cref="ScalarKernels{T}"/>.</typeparam>
public sealed class Network<T, TK> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
    where TK : struct, IKernels<T>
{
    private readonly Partition[] _partitions;
    private readonly WorkerPool _pool;
    private readonly Action<int> _runPartition;
    private readonly T[] _Bt;
    private readonly T[] _zeroA, _zeroB;
    private readonly int _chunk, _ldw;
    private readonly bool _fused;

    // The current pass, read by the partition workers.
    private T[] _X = [], _Y = [];
    private int _offset, _ld, _N, _partitionCount;
    private T _scale;
    private bool _backward, _predict; // _predict: no labels (Y = 0, scale 1), for Predict and PredictClasses
    private T[]? _probabilities; // Predict's output, C×N with leading dimension N: each chunk's ŷ is copied there
    private int[]? _classes;     // PredictClasses' output

    /// <summary>Creates the network with zero weights and buffers for batches of up to <paramref name="maxBatch"/>
    /// samples.</summary>
    /// <param name="shape">D, H, C, bias and activation.</param>
    /// <param name="maxBatch">The largest N that <see cref="ForwardBackward"/> will be given.</param>
    /// <param name="threads">Threads used for a pass (1 = the calling thread only).</param>
    /// <param name="path">Separate kernel calls, or the fused sweep where it applies (see <see
    /// cref="KernelPath"/>).</param>
    public Network(NetworkShape shape, int maxBatch, int threads = 1, KernelPath path = KernelPath.Fused)
    {
        if (shape.D <= 0 || shape.H <= 0 || shape.C <= 0) throw new ArgumentOutOfRangeException(nameof(shape),
            "D, H and C must be positive.");
        if (maxBatch <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatch),
            "The batch must hold at least one sample.");
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), "At least one thread is needed.");
        Shape = shape;
        int D = shape.D, H = shape.H, C = shape.C;
        A = new T[H * D]; HiddenBias = new T[shape.Bias ? H : 0];
        B = new T[C * H]; OutputBias = new T[shape.Bias ? C : 0];
        dA = new T[H * D]; dHiddenBias = new T[HiddenBias.Length];
        dB = new T[C * H]; dOutputBias = new T[OutputBias.Length];
        _Bt = new T[H * C];
        _zeroA = shape.Bias ? [] : new T[H];
        _zeroB = shape.Bias ? [] : new T[C];
        _fused = path == KernelPath.Fused && TK.Vectorized && FusedSweep<T>.Supports(shape);
        Path = _fused ? KernelPath.Fused : KernelPath.Separate;
        _chunk = ChunkSize(H, maxBatch, _fused);
        _ldw = WorkStride(_chunk);
        int maxPartitions = PartitionCount(maxBatch);
        _partitions = new Partition[maxPartitions];
        for (int p = 0; p < maxPartitions; p++) _partitions[p] = new Partition(shape, _ldw, _fused,
            p == 0 ? this : null);
        _pool = new WorkerPool(Math.Min(threads, maxPartitions));
        _runPartition = RunPartition;
    }

    /// <summary>D, H, C, bias and activation.</summary>
    public NetworkShape Shape { get; }

    /// <summary>The path a pass takes: <see cref="KernelPath.Fused"/> only when it was asked for and applies.</summary>
    public KernelPath Path { get; }

    /// <summary>A, H×D row-major: z = A x + a.</summary>
    public T[] A { get; }

    /// <summary>a, H entries (empty without biases).</summary>
    public T[] HiddenBias { get; }

    /// <summary>B, C×H row-major: s = B h + b.</summary>
    public T[] B { get; }

    /// <summary>b, C entries (empty without biases).</summary>
    public T[] OutputBias { get; }

    /// <summary>∂L/∂A of the last <see cref="ForwardBackward"/>, H×D.</summary>
    public T[] dA { get; }

    /// <summary>∂L/∂a, H entries.</summary>
    public T[] dHiddenBias { get; }

    /// <summary>∂L/∂B, C×H.</summary>
    public T[] dB { get; }

    /// <summary>∂L/∂b, C entries.</summary>
    public T[] dOutputBias { get; }

    /// <summary>The four parameter tensors with their gradients, in the order A, a, B, b (biases only when
    /// on).</summary>
    public IEnumerable<(string Name, T[] Value, T[] Gradient, int Rows, int Cols)> Tensors()
    {
        yield return ("A", A, dA, Shape.H, Shape.D);
        if (Shape.Bias) yield return ("a", HiddenBias, dHiddenBias, Shape.H, 1);
        yield return ("B", B, dB, Shape.C, Shape.H);
        if (Shape.Bias) yield return ("b", OutputBias, dOutputBias, Shape.C, 1);
    }

    /// <summary>
    /// Forward pass (Eqs. 1–5) and backward pass (Eqs. 7–14) over the N columns of
    /// X (D×N) and Y (C×N one-hot), both with leading dimension <paramref name="ld"/>, starting at
    /// column <paramref name="offset"/>. Overwrites dA, da, dB, db with the gradient of the mean loss.
    /// </summary>
    /// <returns>Σ_n ℓ_n (the summed, not averaged, loss) and the number of correct predictions.</returns>
    public (double LossSum, int Correct) ForwardBackward(T[] X, T[] Y, int offset, int ld, int N) =>
        Run(X, Y, offset, ld, N, backward: true);

    /// <summary>The forward pass alone (Eqs. 1–5): Σ_n ℓ_n and the correct count; gradients are left as they
    /// were.</summary>
    public (double LossSum, int Correct) Forward(T[] X, T[] Y, int offset, int ld, int N) =>
        Run(X, Y, offset, ld, N, backward: false);

    /// <summary>
    /// Class probabilities ŷ (C×N, leading dimension N) for the N columns of X: the network's own forward
    /// pass (the one <see cref="Forward"/> runs, fused or separate) with labels 0 and scale 1, whose dS output
    /// is then exactly ŷ, copied out chunk by chunk; its buffers are chunk-sized, never C×N or H×N.
    /// </summary>
    public void Predict(T[] X, int ld, int N, T[] probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probabilities.Length, Shape.C * N);
        _probabilities = probabilities;
        try
        {
            Run(X, [], 0, ld, N, backward: false, predict: true);
        }
        finally
        {
            _probabilities = null;
        }
    }

    /// <summary>
    /// The predicted class of each of the N columns of X: the first maximal ŷ_k, as <see cref="Predict"/>
    /// computes ŷ, without a C×N probability matrix.
    /// </summary>
    public void PredictClasses(T[] X, int ld, int N, int[] classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes.Length, N);
        _classes = classes;
        try
        {
            Run(X, [], 0, ld, N, backward: false, predict: true);
        }
        finally
        {
            _classes = null;
        }
    }

    /// <summary>
    /// One gradient-descent step on every tensor with the gradients of the last backward pass
    /// (Eqs. 15, 16): θ ← θ − η(∇θ + λθ), or with momentum v ← μv + ∇θ + λθ, θ ← θ − ηv.
    /// L2 (λ) applies to the weights A and B, never to the biases a and b.
    /// </summary>
    public void Step(T eta, T mu, T l2, ParameterBuffers<T> velocity)
    {
        TK.Update(A, dA, velocity.A, eta, mu, l2);
        TK.Update(B, dB, velocity.B, eta, mu, l2);
        if (Shape.Bias)
        {
            TK.Update(HiddenBias, dHiddenBias, velocity.HiddenBias, eta, mu, T.Zero);
            TK.Update(OutputBias, dOutputBias, velocity.OutputBias, eta, mu, T.Zero);
        }
    }

    /// <summary>
    /// One Nesterov-momentum step on every tensor (Eqs. 15, 17): g′ = ∇θ + λθ, v ← μv + g′,
    /// θ ← θ − η(g′ + μv). λ applies to A and B, never to the biases.
    /// </summary>
    public void StepNesterov(T eta, T mu, T l2, ParameterBuffers<T> velocity)
    {
        TK.UpdateNesterov(A, dA, velocity.A, eta, mu, l2);
        TK.UpdateNesterov(B, dB, velocity.B, eta, mu, l2);
        if (Shape.Bias)
        {
            TK.UpdateNesterov(HiddenBias, dHiddenBias, velocity.HiddenBias, eta, mu, T.Zero);
            TK.UpdateNesterov(OutputBias, dOutputBias, velocity.OutputBias, eta, mu, T.Zero);
        }
    }

    /// <summary>
    /// One Adam or AdamW step on every tensor (Eqs. 18–22) with the moments m and r. The L2 term and
    /// AdamW's decoupled decay apply to A and B only; the biases take <see cref="AdamStep{T}.WithoutDecay"/>.
    /// </summary>
    public void StepAdam(in AdamStep<T> step, ParameterBuffers<T> m, ParameterBuffers<T> r)
    {
        TK.UpdateAdam(A, dA, m.A, r.A, step);
        TK.UpdateAdam(B, dB, m.B, r.B, step);
        if (Shape.Bias)
        {
            AdamStep<T> bias = step.WithoutDecay();
            TK.UpdateAdam(HiddenBias, dHiddenBias, m.HiddenBias, r.HiddenBias, bias);
            TK.UpdateAdam(OutputBias, dOutputBias, m.OutputBias, r.OutputBias, bias);
        }
    }

    /// <summary>Momentum buffers v, one per parameter tensor, zero at the start.</summary>
    public sealed class Velocity(NetworkShape shape) : ParameterBuffers<T>(shape);

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();

    /// <summary>
    /// Columns per chunk: a power of two between 64 and 2048, never more than the batch, such that
    /// one H×chunk buffer takes about 256 KiB for the fused sweep (its only H×chunk buffer, Hh, is
    /// written by sweep 1 and read back by sweep 2, so it must stay in the 1 MiB L2 cache; a long
    /// chunk spreads the per-chunk work over more columns) and 128 KiB for the separate kernels
    /// (three such buffers: Z, Hh, dHh). Not 512 KiB: the L2 cache is indexed by physical address,
    /// and the 4 KiB pages of a half-cache buffer land unevenly on its sets, so part of Hh was
    /// evicted between the sweeps (at N = 150,000, H = 256, 512 KiB chunks took up to 1.5 times as
    /// long per epoch as 256 KiB ones on the project's machine while it was busy, and never less).
    /// Depends on H, the element size, the batch and the path only — never on the thread count.
    /// </summary>
    internal static int ChunkSize(int H, int maxBatch, bool fused)
    {
        long target = (fused ? 256 : 128) * 1024 / ((long)H * Unsafe.SizeOf<T>());
        int chunk = 64;
        while (chunk * 2L <= target && chunk < NetworkLimits.MaxChunk) chunk *= 2;
        return Math.Min(chunk, maxBatch);
    }

    /// <summary>
    /// The leading dimension of the work buffers (Hh, S, dS, Xpad) for chunks of <paramref name="chunk"/>
    /// columns: the chunk padded to whole vectors, which the fused sweep needs for its last vector, then to
    /// whole 64-byte cache lines, so that with each buffer starting on a line (see AlignedBuffer) no
    /// vector of a row straddles two lines, and then to an odd number of lines. The odd count matters
    /// when the chunk is a power of two: rows 16 KiB apart (2,048 float64 columns) all fall into the same
    /// set of the 64-set L1 data cache, so the sweep's stores of h for 16 hidden units at one column evict
    /// one another; an odd number of lines spreads consecutive rows over every set (bench/notes.md has
    /// the measurement). Only the buffers' layout depends on it, never which columns
    /// a chunk holds, so no result does.
    /// </summary>
    internal static int WorkStride(int chunk)
    {
        int unit = Math.Max(Vector<T>.Count, AlignedBuffer<T>.Bytes / Unsafe.SizeOf<T>());
        int units = (chunk + unit - 1) / unit;
        if (units % 2 == 0) units++;
        return units * unit;
    }

    /// <summary>
    /// Partitions for N columns: 1 below 8,192 samples, otherwise the largest power of two up to 8
    /// with at least 4,096 samples each. A function of N alone, so the reduction order — and with it
    /// every bit of the result — does not depend on the thread count.
    /// </summary>
    internal static int PartitionCount(int N)
    {
        int p = 1;
        while (p < NetworkLimits.MaxPartitions && (long)N / (p * 2) >= 4096) p *= 2;
        return p;
    }

    private (double LossSum, int Correct) Run(T[] X, T[] Y, int offset, int ld, int N, bool backward,
        bool predict = false)
    {
        int D = Shape.D, C = Shape.C, H = Shape.H;
        ArgumentOutOfRangeException.ThrowIfNegative(N);
        if (N > 0)
        {
            KernelArgs.Matrix(X.Length - offset, D, N, ld, nameof(X));
            if (!predict) KernelArgs.Matrix(Y.Length - offset, C, N, ld, nameof(Y));
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PartitionCount(N), _partitions.Length, nameof(N));
        if (backward && !_fused)
        {
            // Bᵀ (H×C), so that dHh = Bᵀ dS runs through the same MatMul kernel as the forward pass.
            for (int j = 0; j < C; j++)
                for (int i = 0; i < H; i++) _Bt[i * C + j] = B[j * H + i];
        }
        _X = X; _Y = Y; _offset = offset; _ld = ld; _N = N; _backward = backward; _predict = predict;
        _scale = predict ? T.One : N > 0 ? T.One / T.CreateChecked(N) : T.Zero;
        _partitionCount = PartitionCount(N);
        _pool.Run(_partitionCount, _runPartition);

        // Sum the partitions in index order (partition 0 accumulates straight into dA, da, dB, db).
        double loss = 0;
        int correct = 0;
        for (int p = 0; p < _partitionCount; p++)
        {
            Partition part = _partitions[p];
            loss += double.CreateChecked(part.Loss);
            correct += part.Correct;
            if (p > 0 && backward)
            {
                Add(part.dA, dA); Add(part.dHiddenBias, dHiddenBias); Add(part.dB, dB); Add(part.dOutputBias,
                    dOutputBias);
            }
        }
        _X = _Y = [];
        return (loss, correct);
    }

    private static void Add(T[] source, T[] destination)
    {
        for (int i = 0; i < source.Length; i++) destination[i] += source[i];
    }

    // One partition: columns [start, end) in chunks, accumulating into the partition's gradient.
    private void RunPartition(int p)
    {
        Partition part = _partitions[p];
        int D = Shape.D, H = Shape.H, C = Shape.C, nc = _chunk, ldw = _ldw;
        long start = (long)_N * p / _partitionCount, end = (long)_N * (p + 1) / _partitionCount;
        if (_backward) part.Clear();
        T loss = T.Zero;
        int correct = 0;
        if (_fused)
        {
            // The vector hot path: the same equations in two sweeps per chunk (see FusedSweep); a forward-only
            // pass (test and validation loss) runs the first sweep alone, whose z and s are the separate kernels' bits.
            ReadOnlySpan<T> a0 = Shape.Bias ? HiddenBias : _zeroA, b0 = Shape.Bias ? OutputBias : _zeroB;
            for (long c0 = start; c0 < end; c0 += nc)
            {
                int n = (int)Math.Min(nc, end - c0);
                ReadOnlySpan<T> X = _X.AsSpan(_offset + (int)c0), Y;
                int ld = _ld;
                if (_predict)
                {
                    // No labels: zeros with the work buffers' leading dimension, which X then shares (a padded copy).
                    int nv = (n + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;
                    VectorKernels<T>.PadColumns(X, _ld, D, n, nv, part.Xpad, ldw);
                    X = part.Xpad;
                    Y = part.NoLabels;
                    ld = ldw;
                }
                else Y = _Y.AsSpan(_offset + (int)c0);
                var (l, k) = FusedSweep<T>.Chunk(Shape, A, a0, B, b0, X, Y, ld, n, _scale,
                    part.Hh, part.S, part.dS, part.Xpad, ldw, part.Lanes, first: c0 == start, part.dOutputBias,
                        _backward);
                loss += l;
                correct += k;
                Predicted(part.dS, ldw, (int)c0, n);
            }
            if (_backward && end > start) FusedSweep<T>.ReduceLanes(Shape, part.Lanes, part.dA, part.dHiddenBias,
                part.dB);
            part.Loss = loss;
            part.Correct = correct;
            return;
        }
        bool identity = Shape.Activation == Activation.Identity;
        // with the identity, Hh is Z; dZ overwrites dH in place
        Span<T> Z = part.Z, Hh = part.Hh, dH = part.dHZ, dZ = part.dHZ;
        for (long c0 = start; c0 < end; c0 += nc)
        {
            int n = (int)Math.Min(nc, end - c0);
            ReadOnlySpan<T> X = _X.AsSpan(_offset + (int)c0);
            ReadOnlySpan<T> Y = _predict ? part.NoLabels : _Y.AsSpan(_offset + (int)c0);
            int ldy = _predict ? ldw : _ld;
            // (1)–(3) over whole vectors: columns that do not fill the last one are swept from a zero-padded
            // copy of X, so the kernels never fall back to scalar code (each column's z and s are the same
            // bits either way). The padded columns' z, h and s are computed and then ignored: the softmax and
            // every backward kernel take the n real columns only.
            ReadOnlySpan<T> Xs = X;
            int ldx = _ld, nv = n;
            if (TK.Vectorized && n % Vector<T>.Count != 0)
            {
                nv = (n + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;
                VectorKernels<T>.PadColumns(X, _ld, D, n, nv, part.Xpad, ldw);
                Xs = part.Xpad;
                ldx = ldw;
            }
            // (1) Z = A X + a
            TK.MatMul(A, HiddenBias, Xs, ldx, H, D, nv, Z, ldw);
            if (!identity) TK.ActivationForward(Shape.Activation, Z, Hh, ldw, H, nv);           // (2) Hh = f(Z)
            // (3) S = B Hh + b
            TK.MatMul(B, OutputBias, Hh, ldw, C, H, nv, part.S, ldw);
            var (l, k) = TK.SoftmaxCrossEntropy(part.S, ldw, Y, ldy, C, n, _scale, part.dS, ldw); // (4, 5, 7) Ŷ, ℓ, dS
            loss += l;
            correct += k;
            Predicted(part.dS, ldw, (int)c0, n);
            if (!_backward) continue;
            TK.MatMulTransposedAdd(part.dS, ldw, Hh, ldw, C, H, n, part.dB);                   // (8) dB += dS Hhᵀ
            // (12) db += Σ_n dS
            if (Shape.Bias) TK.RowSumsAdd(part.dS, ldw, C, n, part.dOutputBias);
            TK.MatMul(_Bt, [], part.dS, ldw, H, C, n, dH, ldw);                                  // (9) dHh = Bᵀ dS
            // (10, 13) dZ = dHh ⊙ f′, in place
            TK.ActivationBackward(Shape.Activation, Hh, ldw, H, n, dZ);
            TK.MatMulTransposedAdd(dZ, ldw, X, _ld, H, D, n, part.dA);                          // (11) dA += dZ Xᵀ
            // (12) da += Σ_n dZ
            if (Shape.Bias) TK.RowSumsAdd(dZ, ldw, H, n, part.dHiddenBias);
        }
        part.Loss = loss;
        part.Correct = correct;
    }

    // For Predict and PredictClasses: the chunk's ŷ (dS with Y = 0 and scale 1), C×n, for columns c0..c0+n−1.
    private void Predicted(ReadOnlySpan<T> yhat, int ldw, int c0, int n)
    {
        int C = Shape.C;
        if (_probabilities is T[] P)
        {
            for (int k = 0; k < C; k++) yhat.Slice(k * ldw, n).CopyTo(P.AsSpan(k * _N + c0, n));
        }
        if (_classes is int[] classes)
        {
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int k = 1; k < C; k++)
                    if (yhat[k * ldw + i] > yhat[best * ldw + i]) best = k;
                classes[c0 + i] = best;
            }
        }
    }

    private sealed class Partition
    {
        private readonly AlignedBuffer<T> _hh, _z, _dHZ, _s, _dS, _xpad, _lanes;
        private readonly int _C, _ldw;
        private T[]? _noLabels;

        public Partition(NetworkShape s, int chunk, bool fused, Network<T, TK>? owner)
        {
            _C = s.C;
            _ldw = chunk;
            _xpad = new AlignedBuffer<T>(TK.Vectorized ? s.D * chunk : 0);
            _lanes = new AlignedBuffer<T>(fused ? FusedSweep<T>.LaneLength(s) : 0);
            // The fused sweep stores h only (z, dh and dz stay in its registers), forward-only passes
            // included; the separate kernels need Z as well, except for the identity, where h is z.
            _hh = new AlignedBuffer<T>(s.H * chunk);
            _z = fused || s.Activation == Activation.Identity ? _hh : new AlignedBuffer<T>(s.H * chunk);
            _dHZ = new AlignedBuffer<T>(fused ? 0 : s.H * chunk);
            _s = new AlignedBuffer<T>(s.C * chunk);
            _dS = new AlignedBuffer<T>(s.C * chunk);
            // Partition 0 writes straight into the network's gradient arrays.
            dA = owner?.dA ?? new T[s.H * s.D];
            dHiddenBias = owner?.dHiddenBias ?? new T[s.Bias ? s.H : 0];
            dB = owner?.dB ?? new T[s.C * s.H];
            dOutputBias = owner?.dOutputBias ?? new T[s.Bias ? s.C : 0];
        }

        /// <summary>z = A x + a for the separate kernels (the same buffer as Hh on the fused path and for the
        /// identity).</summary>
        public Span<T> Z => _z.Span;

        /// <summary>h = f(z); the same buffer as Z for the identity.</summary>
        public Span<T> Hh => _hh.Span;

        /// <summary>∂L/∂h, then overwritten in place by ∂L/∂z (separate kernels only).</summary>
        public Span<T> dHZ => _dHZ.Span;
        public Span<T> S => _s.Span;
        public Span<T> dS => _dS.Span;
        public Span<T> Xpad => _xpad.Span;
        public Span<T> Lanes => _lanes.Span;

        /// <summary>Labels 0 for a chunk (C rows of the work stride), made at the first prediction.</summary>
        public ReadOnlySpan<T> NoLabels => _noLabels ??= new T[_C * _ldw];
        public T[] dA { get; }
        public T[] dHiddenBias { get; }
        public T[] dB { get; }
        public T[] dOutputBias { get; }
        public T Loss { get; set; }
        public int Correct { get; set; }

        public void Clear()
        {
            // Through spans: Array.Clear(Array) works out the element size at run time on every call.
            dA.AsSpan().Clear(); dHiddenBias.AsSpan().Clear(); dB.AsSpan().Clear(); dOutputBias.AsSpan().Clear();
        }
    }
}
