using System.Reflection;
using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.Reference;

namespace IrisNet.Tests;

/// <summary>
/// The library's <see cref="ReferenceNetwork"/> implementation behind flat row-major arrays, which the
/// gradient check perturbs in place. With <c>DiagonalOnly</c> it makes the mistake the second
/// reference document asks about: it keeps only the diagonal ŷ_r(1 − ŷ_r) of the softmax Jacobian,
/// so ∂L/∂s_r = −y_r(1 − ŷ_r)/N, and runs the rest of the backward pass from there.
/// </summary>
internal sealed class ReferenceNet(int D, int H, int C, bool bias, Activation f)
{
    public double[] A = new double[H * D], HiddenBias = new double[bias ? H : 0], B = new double[C * H], OutputBias = new double[bias ? C : 0];
    public double[] dA = new double[H * D], dHiddenBias = new double[bias ? H : 0], dB = new double[C * H], dOutputBias = new double[bias ? C : 0];
    public bool DiagonalOnly { get; init; }

    /// <summary>The current values as the reference's parameters (copies).</summary>
    public ReferenceNetwork.Parameters Parameters => new(Rows(A, H, D), bias ? (double[])HiddenBias.Clone() : null, Rows(B, C, H), bias ? (double[])OutputBias.Clone() : null);

    /// <summary>Mean cross-entropy over the rows; fills dA, da, dB, db when <paramref name="gradient"/> is set.</summary>
    public double Loss(double[][] X, int[] labels, bool gradient)
    {
        ReferenceNetwork.Parameters w = Parameters;
        double[][] Y = ReferenceNetwork.OneHot(labels, C);
        ReferenceNetwork.ForwardPass forward = ReferenceNetwork.Forward(w, f, X, Y);
        if (!gradient) return forward.L;
        int N = X.Length;
        ReferenceNetwork.Gradients g = DiagonalOnly
            ? ReferenceNetwork.BackwardFrom(w, f, X, forward, forward.Yhat.Select((p, n) => p.Select((q, k) => -Y[n][k] * (1 - q) / N).ToArray()).ToArray())
            : ReferenceNetwork.Backward(w, f, X, Y, forward);
        g.dA.SelectMany(r => r).ToArray().CopyTo(dA, 0);
        g.dB.SelectMany(r => r).ToArray().CopyTo(dB, 0);
        if (bias)
        {
            g.dHiddenBias!.CopyTo(dHiddenBias, 0);
            g.dOutputBias!.CopyTo(dOutputBias, 0);
        }
        return forward.L;
    }

    public List<ParameterTensor> Tensors()
    {
        var list = new List<ParameterTensor> { new("A", A, dA) };
        if (bias) list.Add(new("a", HiddenBias, dHiddenBias));
        list.Add(new("B", B, dB));
        if (bias) list.Add(new("b", OutputBias, dOutputBias));
        return list;
    }

    private static double[][] Rows(double[] flat, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * cols, cols).ToArray()).ToArray();
}
