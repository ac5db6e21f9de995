using System.Numerics;
using BenchmarkDotNet.Attributes;
using IrisNet.Kernels;
using IrisNet.Reference;

namespace IrisNet.Bench;

/// <summary>
/// Each kernel of one Iris-sized training step (N = 120 samples, D = 4, H = 16, C = 3), vector
/// against its scalar twin, with the shapes it has in the epoch. <c>FusedSweep</c> is the vector
/// path's whole forward and backward pass for one chunk (what the separate kernels above add up to,
/// softmax included; the final lane reduction and the update are not in it), <c>FusedSweepTanh</c> the
/// same with the tanh activation.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class Kernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int N = 120, D = 4, H = 16, C = 3;
    private T[] _A = [], _a = [], _B = [], _Bt = [], _b = [], _X = [], _Y = [], _Z = [], _S = [], _dS = [], _dH = [],
        _gA = [], _gB = [], _g = [], _v = [], _lanes = [], _db = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        T[] R(int n) => Enumerable.Range(0, n).Select(_ => T.CreateChecked(rng.NextDouble() * 2 - 1)).ToArray();
        (_A, _a, _B, _Bt, _b, _X, _Z, _S, _dS, _dH) = (R(H * D), R(H), R(C * H), R(H * C), R(C), R(D * N), R(H * N),
            R(C * N), R(C * N), R(H * N));
        _Y = new T[C * N];
        for (int n = 0; n < N; n++) _Y[rng.Next(C) * N + n] = T.One;
        (_gA, _gB, _g, _v) = (new T[H * D], new T[C * H], R(H * D), new T[H * D]);
        (_lanes, _db) = (new T[FusedSweep<T>.LaneLength(Shape)], new T[C]);
    }

    private static readonly NetworkShape Shape = new(D, H, C, true, Activation.Identity),
        TanhShape = Shape with { Activation = Activation.Tanh };

    [Benchmark] public void MatMul_Z_Vector() => VectorKernels<T>.MatMul(_A, _a, _X, N, H, D, N, _Z, N);
    [Benchmark] public void MatMul_Z_Scalar() => ScalarKernels<T>.MatMul(_A, _a, _X, N, H, D, N, _Z, N);
    [Benchmark] public void MatMul_S_Vector() => VectorKernels<T>.MatMul(_B, _b, _Z, N, C, H, N, _S, N);
    [Benchmark] public void MatMul_S_Scalar() => ScalarKernels<T>.MatMul(_B, _b, _Z, N, C, H, N, _S, N);
    [Benchmark]
    public T Softmax_Vector() => VectorKernels<T>.SoftmaxCrossEntropy(_S, N, _Y, N, C, N, T.One, _dS,
        N).LossSum;
    [Benchmark]
    public T Softmax_Scalar() => ScalarKernels<T>.SoftmaxCrossEntropy(_S, N, _Y, N, C, N, T.One, _dS,
        N).LossSum;
    [Benchmark] public void Gram_dB_Vector() => VectorKernels<T>.MatMulTransposedAdd(_dS, N, _Z, N, C, H, N, _gB);
    [Benchmark] public void Gram_dB_Scalar() => ScalarKernels<T>.MatMulTransposedAdd(_dS, N, _Z, N, C, H, N, _gB);
    [Benchmark] public void MatMul_dH_Vector() => VectorKernels<T>.MatMul(_Bt, [], _dS, N, H, C, N, _dH, N);
    [Benchmark] public void MatMul_dH_Scalar() => ScalarKernels<T>.MatMul(_Bt, [], _dS, N, H, C, N, _dH, N);
    [Benchmark] public void Gram_dA_Vector() => VectorKernels<T>.MatMulTransposedAdd(_dH, N, _X, N, H, D, N, _gA);
    [Benchmark] public void Gram_dA_Scalar() => ScalarKernels<T>.MatMulTransposedAdd(_dH, N, _X, N, H, D, N, _gA);
    [Benchmark] public void RowSums_Vector() => VectorKernels<T>.RowSumsAdd(_dH, N, H, N, _a);
    [Benchmark] public void RowSums_Scalar() => ScalarKernels<T>.RowSumsAdd(_dH, N, H, N, _a);
    [Benchmark] public void Tanh_Vector() => VectorKernels<T>.ActivationForward(Activation.Tanh, _Z, _dH, N, H, N);
    [Benchmark] public void Tanh_Scalar() => ScalarKernels<T>.ActivationForward(Activation.Tanh, _Z, _dH, N, H, N);
    [Benchmark] public void Relu_Vector() => VectorKernels<T>.ActivationForward(Activation.Relu, _Z, _dH, N, H, N);
    [Benchmark]
    public T FusedSweep_Vector() => FusedSweep<T>.Chunk(Shape, _A, _a, _B, _b, _X, _Y, N, N, T.One, _Z, _S,
        _dS, _dH, N, _lanes, true, _db).LossSum;
    [Benchmark]
    public T FusedSweepTanh_Vector() => FusedSweep<T>.Chunk(TanhShape, _A, _a, _B, _b, _X, _Y, N, N, T.One,
        _Z, _S, _dS, _dH, N, _lanes, true, _db).LossSum;
    [Benchmark]
    public void Update_Vector() => VectorKernels<T>.Update(_A, _g, _v, T.CreateChecked(1e-9), T.Zero,
        T.Zero);
    [Benchmark]
    public void Update_Scalar() => ScalarKernels<T>.Update(_A, _g, _v, T.CreateChecked(1e-9), T.Zero,
        T.Zero);
}
