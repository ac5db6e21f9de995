using IrisNet.Explain;
using IrisNet.Reference;

namespace IrisNet.Tests;

/// <summary>
/// A second implementation of the forward and backward pass of docs/derivation.md, Eqs. 1–14, written here
/// from the formulas and sharing no code with src/ (only the <see cref="Activation"/> names): flat row-major
/// arrays, one sample at a time, the loss in its log-sum-exp form m + ln Σ_j exp(s_j − m) − s_c. The
/// library is held against it. With <c>DiagonalOnly</c> it makes the mistake the second reference document
/// asks about: it keeps only the diagonal ŷ_r(1 − ŷ_r) of the softmax Jacobian, so ∂L/∂s_r = −y_r(1 − ŷ_r)/N,
/// and runs the rest of the backward pass from there.
/// </summary>
internal sealed class IndependentNetwork(int D, int H, int C, bool bias, Activation f)
{
    public double[] A = new double[H * D], HiddenBias = new double[bias ? H : 0];
    public double[] B = new double[C * H], OutputBias = new double[bias ? C : 0];
    public double[] dA = new double[H * D], dHiddenBias = new double[bias ? H : 0];
    public double[] dB = new double[C * H], dOutputBias = new double[bias ? C : 0];
    public bool DiagonalOnly { get; init; }

    /// <summary>
    /// Mean cross-entropy L over the rows; fills dA, da, dB, db with ∂L/∂θ when <paramref name="gradient"/> is set.
    /// </summary>
    public double Loss(double[][] X, int[] labels, bool gradient)
    {
        int N = X.Length;
        if (gradient) foreach (double[] g in new[] { dA, dHiddenBias, dB, dOutputBias }) Array.Clear(g);
        double total = 0;
        double[] z = new double[H], h = new double[H], s = new double[C], p = new double[C], ds = new double[C];
        for (int n = 0; n < N; n++)
        {
            double[] x = X[n];
            for (int i = 0; i < H; i++)
            {
                z[i] = bias ? HiddenBias[i] : 0;
                for (int d = 0; d < D; d++) z[i] += A[i * D + d] * x[d];
                h[i] = f switch { Activation.Tanh => Math.Tanh(z[i]), Activation.Relu => Math.Max(0, z[i]), _ => z[i] };
            }
            double m = double.NegativeInfinity, sigma = 0;
            for (int j = 0; j < C; j++)
            {
                s[j] = bias ? OutputBias[j] : 0;
                for (int i = 0; i < H; i++) s[j] += B[j * H + i] * h[i];
                m = Math.Max(m, s[j]);
            }
            for (int j = 0; j < C; j++) sigma += Math.Exp(s[j] - m);
            for (int j = 0; j < C; j++) p[j] = Math.Exp(s[j] - m) / sigma;
            total += m + Math.Log(sigma) - s[labels[n]];
            if (!gradient) continue;
            for (int j = 0; j < C; j++)
            {
                double y = j == labels[n] ? 1 : 0;
                ds[j] = (DiagonalOnly ? -y * (1 - p[j]) : p[j] - y) / N;
                for (int i = 0; i < H; i++) dB[j * H + i] += ds[j] * h[i];
                if (bias) dOutputBias[j] += ds[j];
            }
            for (int i = 0; i < H; i++)
            {
                double dh = 0;
                for (int j = 0; j < C; j++) dh += ds[j] * B[j * H + i];
                double fPrime = f switch
                {
                    Activation.Tanh => 1 - h[i] * h[i],
                    Activation.Relu => z[i] > 0 ? 1 : 0,
                    _ => 1,
                };
                double dz = dh * fPrime;
                for (int d = 0; d < D; d++) dA[i * D + d] += dz * x[d];
                if (bias) dHiddenBias[i] += dz;
            }
        }
        return total / N;
    }

    /// <summary>The four tensors with their gradients, for <see cref="GradientCheck"/>.</summary>
    public List<ParameterTensor> Tensors()
    {
        var list = new List<ParameterTensor> { new("A", A, dA) };
        if (bias) list.Add(new("a", HiddenBias, dHiddenBias));
        list.Add(new("B", B, dB));
        if (bias) list.Add(new("b", OutputBias, dOutputBias));
        return list;
    }
}
