using System.Numerics;
using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// A NaN in one sample's input goes through every path the same way, for every activation: that sample's
/// z, h (ReLU of NaN is NaN), s, ŷ and ℓ are NaN, so are the batch loss and every entry of every weight gradient
/// (each sums over the samples), and every other sample's forward values stay finite. A path that turned
/// NaN into a number (TraceComputation's old ReLU, z &gt; 0 ? z : 0, made h = 0) would hide an overflowing row.
/// </summary>
public class NaNTests
{
    private const int N = 6, D = 4, H = 5, C = 3, Bad = 2;

    public static TheoryData<Activation> Activations() => [Activation.Identity, Activation.Tanh, Activation.Relu];

    [Theory]
    [MemberData(nameof(Activations))]
    public void The_reference_keeps_NaN_in_its_sample_and_every_sum(Activation f)
    {
        var (data, w) = Problem();
        double[][] Y = Equations.Derived.Y(data.Labels, C);
        var (fw, g) = ReferenceNetwork.ForwardBackward(w.ToParameters(), f, data.Features, Y);
        AssertRows(fw.Z, "Z"); AssertRows(fw.H, "H"); AssertRows(fw.S, "S"); AssertRows(fw.Yhat, "Ŷ");
        AssertRows(fw.Losses.Select(l => new[] { l }).ToArray(), "ℓ");
        Assert.True(double.IsNaN(fw.L));
        AssertAllNaN(g.dA.SelectMany(r => r), "dA"); AssertAllNaN(g.dB.SelectMany(r => r), "dB");
        AssertAllNaN(g.dHiddenBias!, "da"); AssertAllNaN(g.dOutputBias!, "db");
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void The_trace_records_the_same_NaN(Activation f)
    {
        var (data, w) = Problem();
        int[][] batches = [[.. Enumerable.Range(0, N)]];
        TraceStep step = TraceComputation.Run(w, data.Features, data.Labels, new TraceSettings(f, 0.1), batches)[0];
        foreach (string name in new[] { "Z", "H", "S", "Yhat" }) AssertRows(Rows(step.Find(name)!), name);
        Assert.True(double.IsNaN(step.Find("L")!.Values[0]));
        foreach (string name in new[] { "dA", "dB", "da", "db", "A_after", "B_after" })
            AssertAllNaN(step.Find(name)!.Values, name);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Explain_shows_NaN_for_the_sample(Activation f)
    {
        var (data, w) = Problem();
        Explanation e = Explainer.Explain(new NetworkShape(D, H, C, true, f), w, data.Features[Bad], data.Labels[Bad],
            data.FeatureNames, data.ClassNames);
        Assert.True(double.IsNaN(e.Loss));
        foreach (Quantity q in e.Forward.Skip(1)) AssertAllNaN(q.Value, q.Symbol);
        AssertAllNaN(e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂A", StringComparison.Ordinal)).Value, "∂ℓ/∂A");
        Explanation fine = Explainer.Explain(new NetworkShape(D, H, C, true, f), w, data.Features[0], data.Labels[0],
            data.FeatureNames, data.ClassNames);
        Assert.True(double.IsFinite(fine.Loss));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void The_fast_path_keeps_the_same_NaN_in_both_precisions(Activation f)
    {
        Check<double, VectorKernels<double>>(f, KernelPath.Fused);
        Check<double, VectorKernels<double>>(f, KernelPath.Separate);
        Check<double, ScalarKernels<double>>(f, KernelPath.Separate);
        Check<float, VectorKernels<float>>(f, KernelPath.Fused);
        Check<float, VectorKernels<float>>(f, KernelPath.Separate);
        Check<float, ScalarKernels<float>>(f, KernelPath.Separate);
    }

    private static void Check<T, TK>(Activation f, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        var (data, w) = Problem();
        string what = $"{typeof(TK).Name} {path}";
        using var net = new Network<T, TK>(new NetworkShape(D, H, C, true, f), N, 1, path);
        Trainer.Load(w, net);
        var (X, Y) = FeatureMajor.Build<T>(data, Standardization.None(D));
        Assert.True(double.IsNaN(net.Forward(X, Y, 0, N, N).LossSum), $"{what}: loss");
        Assert.True(double.IsNaN(net.ForwardBackward(X, Y, 0, N, N).LossSum), $"{what}: loss");
        foreach (var (name, _, gradient, _, _) in net.Tensors())
            AssertAllNaN(gradient.Select(v => double.CreateChecked(v)), $"{what} d{name}");
        var P = new T[C * N];
        net.Predict(X, N, N, P);
        double[][] yhat = Enumerable.Range(0, N)
            .Select(n => Enumerable.Range(0, C).Select(k => double.CreateChecked(P[k * N + n])).ToArray()).ToArray();
        AssertRows(yhat, $"{what} ŷ");
    }

    // Random rows (row Bad with a NaN feature) and weights.
    private static (Dataset Data, InitialWeights W) Problem()
    {
        Dataset data = RandomData.Make(N, D, C, seed: 4);
        data.Features[Bad][1] = double.NaN;
        return (data, GradientTests.RandomWeights(D, H, C, true, seed: 9));
    }

    // Row Bad all NaN, every other row finite.
    private static void AssertRows(double[][] m, string what)
    {
        for (int n = 0; n < m.Length; n++)
        {
            if (n == Bad) AssertAllNaN(m[n], $"{what} row {n}");
            else Assert.True(m[n].All(double.IsFinite), $"{what} row {n}: {string.Join(", ", m[n])}");
        }
    }

    private static void AssertAllNaN(IEnumerable<double> values, string what) =>
        Assert.True(values.Any() && values.All(double.IsNaN), $"{what}: {string.Join(", ", values)}");

    private static double[][] Rows(TraceTensor t) =>
        Enumerable.Range(0, t.Shape[0]).Select(r => t.Values.AsSpan(r * t.Shape[1], t.Shape[1]).ToArray()).ToArray();
}
