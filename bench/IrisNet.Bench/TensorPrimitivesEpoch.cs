using System.Numerics;
using BenchmarkDotNet.Attributes;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Bench;

/// <summary>
/// The answer to "why hand-written kernels?": the same full-batch Iris epoch (N = 120, D = 4, H = 16,
/// C = 3, biases on, plain gradient descent) written the natural way with System.Numerics.Tensors'
/// TensorPrimitives, one library call per row of each matrix, against IrisNet's own network, for each
/// activation. Both use the feature-major layout (X is D×N, a row per feature), so each call runs over
/// the N samples, which is what TensorPrimitives is fastest at.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class TensorPrimitivesEpoch<T> where T : unmanaged, IFloatingPointIeee754<T>, IRootFunctions<T>,
    IExponentialFunctions<T>,
    ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
{
    private const int Hidden = 16;
    private Network<T, VectorKernels<T>> _net = null!;
    private Network<T, VectorKernels<T>>.Velocity _velocity = null!;
    private T[] _X = [], _Y = [];
    private int _N, _D, _C;
    private readonly T _eta = T.CreateChecked(1e-6);

    // The TensorPrimitives version's parameters, gradients and work rows.
    private T[] _A = [], _a = [], _B = [], _b = [], _dA = [], _da = [], _dB = [], _db = [];
    private T[] _Z = [], _Hh = [], _S = [], _P = [], _dS = [], _dHh = [], _m = [], _sum = [], _tmp = [];

    [Params(Activation.Identity, Activation.Tanh, Activation.Relu)]
    public Activation Activation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Dataset iris = CsvLoader.LoadLabelled(Path.Combine(AppContext.BaseDirectory, "iris.csv"));
        var (train, _) = iris.SplitStratified(0.2, 42);
        _N = train.Count; _D = train.FeatureCount; _C = train.ClassCount;
        (_X, _Y) = FeatureMajor.Build<T>(train, Standardization.Fit(train));
        var shape = new NetworkShape(_D, Hidden, _C, true, Activation);
        InitialWeights w = Trainer.Initialize(shape, 42);
        _net = new Network<T, VectorKernels<T>>(shape, _N);
        Trainer.Load(w, _net);
        _velocity = new Network<T, VectorKernels<T>>.Velocity(shape);
        _A = (T[])_net.A.Clone(); _a = (T[])_net.HiddenBias.Clone(); _B = (T[])_net.B.Clone(); _b =
            (T[])_net.OutputBias.Clone();
        _dA = new T[_A.Length]; _da = new T[_a.Length]; _dB = new T[_B.Length]; _db = new T[_b.Length];
        _Z = new T[Hidden * _N]; _Hh = new T[Hidden * _N]; _dHh = new T[Hidden * _N];
        _S = new T[_C * _N]; _P = new T[_C * _N]; _dS = new T[_C * _N];
        _m = new T[_N]; _sum = new T[_N]; _tmp = new T[_N];
        // The baseline must compute the same epoch: compare its gradients with IrisNet's once.
        T[] A0 = (T[])_A.Clone(), a0 = (T[])_a.Clone(), B0 = (T[])_B.Clone(), b0 = (T[])_b.Clone();
        TensorPrimitivesStep();
        _net.ForwardBackward(_X, _Y, 0, _N, _N);
        Same(_dA, _net.dA, "dA"); Same(_da, _net.dHiddenBias, "da"); Same(_dB, _net.dB, "dB"); Same(_db,
            _net.dOutputBias, "db");
        A0.CopyTo(_A, 0); a0.CopyTo(_a, 0); B0.CopyTo(_B, 0); b0.CopyTo(_b, 0);
    }

    private static void Same(T[] mine, T[] reference, string name)
    {
        double scale = reference.Max(v => Math.Abs(double.CreateChecked(v)));
        double tolerance = (typeof(T) == typeof(float) ? 1e-4 : 1e-10) * Math.Max(scale, 1e-30);
        for (int i = 0; i < mine.Length; i++)
        {
            if (Math.Abs(double.CreateChecked(mine[i] - reference[i])) > tolerance)
                throw new
                    InvalidOperationException($"The TensorPrimitives epoch's {name}[{i}] = {mine[i]} differs from " +
                    $"IrisNet's {reference[i]}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark(Baseline = true)]
    public double IrisNet()
    {
        var (loss, _) = _net.ForwardBackward(_X, _Y, 0, _N, _N);
        _net.Step(_eta, T.Zero, T.Zero, _velocity);
        return loss;
    }

    [Benchmark]
    public double TensorPrimitives() => TensorPrimitivesStep();

    /// <summary>One epoch with TensorPrimitives: forward (Eqs. 1–5), backward (7–13), update (15).</summary>
    public double TensorPrimitivesStep()
    {
        int N = _N, D = _D, C = _C, H = Hidden;
        Span<T> X = _X, Y = _Y, Z = _Z, Hh = _Hh, S = _S, P = _P, dS = _dS, dHh = _dHh;
        // Z = A X + a, Hh = f(Z)
        for (int i = 0; i < H; i++)
        {
            Span<T> z = Z.Slice(i * N, N);
            z.Fill(_a[i]);
            for (int d = 0; d < D; d++) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(X.Slice(d * N, N),
                _A[i * D + d], z, z);
        }
        switch (Activation)
        {
            case Activation.Tanh: System.Numerics.Tensors.TensorPrimitives.Tanh(Z, Hh); break;
            case Activation.Relu: System.Numerics.Tensors.TensorPrimitives.Max(Z, T.Zero, Hh); break;
            default: Z.CopyTo(Hh); break;
        }
        // S = B Hh + b
        for (int k = 0; k < C; k++)
        {
            Span<T> s = S.Slice(k * N, N);
            s.Fill(_b[k]);
            for (int i = 0; i < H; i++) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Hh.Slice(i * N, N),
                _B[k * H + i], s, s);
        }
        // Ŷ = softmax(S) per sample (column), L = −(1/N) Σ y ln ŷ
        Span<T> m = _m, sum = _sum, tmp = _tmp;
        S[..N].CopyTo(m);
        for (int k = 1; k < C; k++) System.Numerics.Tensors.TensorPrimitives.Max(m, S.Slice(k * N, N), m);
        sum.Clear();
        for (int k = 0; k < C; k++)
        {
            Span<T> p = P.Slice(k * N, N);
            System.Numerics.Tensors.TensorPrimitives.Subtract(S.Slice(k * N, N), m, p);
            System.Numerics.Tensors.TensorPrimitives.Exp(p, p);
            System.Numerics.Tensors.TensorPrimitives.Add(sum, p, sum);
        }
        T loss = T.Zero;
        for (int k = 0; k < C; k++)
        {
            Span<T> p = P.Slice(k * N, N);
            System.Numerics.Tensors.TensorPrimitives.Divide(p, sum, p);
            System.Numerics.Tensors.TensorPrimitives.Log(p, tmp);
            loss -= System.Numerics.Tensors.TensorPrimitives.Dot(Y.Slice(k * N, N), tmp);
        }
        // dS = (Ŷ − Y)/N; dB = dS Hhᵀ, db = Σ_n dS
        T invN = T.One / T.CreateChecked(N);
        System.Numerics.Tensors.TensorPrimitives.Subtract(P, Y[..(C * N)], dS);
        System.Numerics.Tensors.TensorPrimitives.Multiply(dS, invN, dS);
        for (int k = 0; k < C; k++)
        {
            ReadOnlySpan<T> ds = dS.Slice(k * N, N);
            _db[k] = System.Numerics.Tensors.TensorPrimitives.Sum(ds);
            for (int i = 0; i < H; i++) _dB[k * H + i] = System.Numerics.Tensors.TensorPrimitives.Dot(ds,
                Hh.Slice(i * N, N));
        }
        // dHh = Bᵀ dS; dZ = dHh ⊙ f′(Z) (kept in dHh)
        for (int i = 0; i < H; i++)
        {
            Span<T> dh = dHh.Slice(i * N, N);
            System.Numerics.Tensors.TensorPrimitives.Multiply(dS[..N], _B[i], dh);
            for (int k = 1; k < C; k++) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(dS.Slice(k * N, N),
                _B[k * H + i], dh, dh);
        }
        switch (Activation)
        {
            case Activation.Tanh:
                // f′ = 1 − h²: dZ = dHh − dHh ⊙ Hh ⊙ Hh
                for (int i = 0; i < H; i++)
                {
                    Span<T> dh = dHh.Slice(i * N, N), t = tmp[..N];
                    ReadOnlySpan<T> h = Hh.Slice(i * N, N);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(h, h, t);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(t, dh, t);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(dh, t, dh);
                }
                break;
            case Activation.Relu:
                // f′ = [z > 0]: ReLU(z)/z is not defined at 0, so mask through the sign: max(sign z, 0).
                for (int i = 0; i < H; i++)
                {
                    Span<T> dh = dHh.Slice(i * N, N), t = tmp[..N];
                    ReadOnlySpan<T> z = Z.Slice(i * N, N);
                    for (int n = 0; n < N; n++) t[n] = z[n] > T.Zero ? T.One : T.Zero;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(dh, t, dh);
                }
                break;
        }
        // dA = dZ Xᵀ, da = Σ_n dZ
        for (int i = 0; i < H; i++)
        {
            ReadOnlySpan<T> dz = dHh.Slice(i * N, N);
            _da[i] = System.Numerics.Tensors.TensorPrimitives.Sum(dz);
            for (int d = 0; d < D; d++) _dA[i * D + d] = System.Numerics.Tensors.TensorPrimitives.Dot(dz, X.Slice(d * N,
                N));
        }
        // θ ← θ − η ∂L/∂θ
        T minusEta = -_eta;
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_dA, minusEta, _A, _A);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_da, minusEta, _a, _a);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_dB, minusEta, _B, _B);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_db, minusEta, _b, _b);
        return double.CreateChecked(loss);
    }
}
