using System.Numerics;
using System.Text.Json;
using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace IrisNet.Tests;

/// <summary>
/// Eq. 5 to the last digit: every path's ℓ against the exact cross-entropy of the same logits, computed once
/// in 50-digit decimal arithmetic by Fixtures/loss/make_fixture.py (no code shared with src/) over confident,
/// unconfident, wrong, tied and extreme logits (±700, spreads of 2·10⁶, 10¹⁵ with gaps of ¼, exp near its
/// underflow) for C = 2..8. Float64: within 10⁻¹⁵ of the exact value, relative, plus (C − 1)·e⁻⁷⁰⁸ ≈ (C − 1)·3.3·10⁻³⁰⁸
/// absolute (the vector exponential returns 0 below e⁻⁷⁰⁸, so each of the C − 1 terms of t may lose that much, which
/// matters only where ℓ itself is below the range of normal doubles); float32 logits: within 5·10⁻⁷ (about 8 units
/// of float32 rounding) of the exact loss of the float32 logits, plus (C − 1)·e⁻⁸⁷. A batch's loss sum is held to the
/// exact sum within that plus the rounding of summing N positive terms, 2Nu.
/// </summary>
public class LossTests(ITestOutputHelper output)
{
    // Float64 and float32: the relative tolerance, the absolute one per term of t (e⁻⁷⁰⁸ and e⁻⁸⁷ rounded up) and the
    // unit roundoff u.
    private static readonly Bounds Float64 = new(1e-15, 3.31e-308, Math.Pow(2, -53));
    private static readonly Bounds Float32 = new(5e-7, 1.66e-38, Math.Pow(2, -24));

    private static readonly Case[] Cases = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "loss", "losses.json"))).RootElement
        .GetProperty("cases").EnumerateArray().Select(Case.Read).ToArray();

    // The cases whose logits float32 holds, with those logits rounded to float32 and their own exact losses.
    private static readonly Case[] Cases32 = Cases.Where(c => c.S32 is not null).Select(c => c.As32()).ToArray();

    [Fact]
    public void The_fixture_covers_every_class_count_and_the_extremes()
    {
        Assert.Equal(Enumerable.Range(2, 7), Cases.Select(c => c.S.Length).Distinct().Order());
        Assert.Contains(Cases, c => c.Exact < 1e-300);
        Assert.Contains(Cases, c => c.Exact > 1e6);
        Assert.Contains(Cases, c => c.S.Max() - c.S.Min() >= 1400);
        Assert.True(Cases.Count(c => c.What == "confident") >= 80);
        Assert.True(Cases32.Length > 300);
    }

    [Fact]
    public void The_reference_loss_is_exact_to_the_last_digit()
    {
        Report("Equations.Loss", Cases.Select(c => (c, Equations.Loss(c.S, c.Y))), Float64);
    }

    /// <summary>The scalar kernels' ℓ, generic over T, is the reference's in float64, bit for bit.</summary>
    [Fact]
    public void The_scalar_kernels_loss_is_the_reference_loss_bit_for_bit()
    {
        foreach (Case c in Cases)
        {
            int a = Equations.ArgMax(c.S);
            Assert.Equal(Equations.Loss(c.S, c.Y), ScalarKernels<double>.Loss(c.S, 1, c.Y, 1, c.S.Length, 0, a));
        }
    }

    [Fact]
    public void Explain_and_trace_take_the_reference_loss()
    {
        var explained = new List<(Case, double)>();
        var traced = new List<(Case, double)>();
        foreach (Case c in Cases)
        {
            int C = c.S.Length;
            // One input and one hidden unit with B = 0, so that s = b exactly.
            double[][] B = Enumerable.Range(0, C).Select(_ => new[] { 0.0 }).ToArray();
            var w = new InitialWeights([[0.0]], [0.0], B, c.S);
            string[] classes = Enumerable.Range(0, C).Select(k => $"c{k}").ToArray();
            var shape = new NetworkShape(1, 1, C, true, Activation.Identity);
            explained.Add((c, Explainer.Explain(shape, w, [0.0], c.K, ["x"], classes).Loss));
            var settings = new TraceSettings(Activation.Identity, 0.1);
            TraceStep step = TraceComputation.Run(w, [[0.0]], [c.K], settings, [[0]])[0];
            traced.Add((c, step.Find("L")!.Values[0]));
        }
        Report("Explainer", explained, Float64);
        Report("TraceComputation", traced, Float64);
    }

    [Fact]
    public void The_kernels_loss_is_exact_to_the_last_digit_column_by_column_float64()
    {
        Report("ScalarKernels<double>", Cases.Select(c => (c, Column<double, ScalarKernels<double>>(c))), Float64);
        Report("VectorKernels<double>", Cases.Select(c => (c, Column<double, VectorKernels<double>>(c))), Float64);
    }

    [Fact]
    public void The_kernels_loss_is_exact_to_the_last_digit_column_by_column_float32()
    {
        Report("ScalarKernels<float>", Cases32.Select(c => (c, Column<float, ScalarKernels<float>>(c))), Float32);
        Report("VectorKernels<float>", Cases32.Select(c => (c, Column<float, VectorKernels<float>>(c))), Float32);
    }

    /// <summary>
    /// The network's own forward pass (fused for C ≤ 4, separate kernels above) on logits set through its weights:
    /// each case as one column with s = b, and every case of a class count as one batch with s = x (A = B = I).
    /// </summary>
    [Fact]
    public void The_network_loss_is_exact_to_the_last_digit_in_both_precisions()
    {
        foreach (KernelPath path in Enum.GetValues<KernelPath>())
        {
            Report($"Network<double> {path}, one column", Cases.Select(c => (c, OneColumn<double>(c, path))), Float64);
            Report($"Network<float> {path}, one column", Cases32.Select(c => (c, OneColumn<float>(c, path))), Float32);
            foreach (Case[] batch in Cases.GroupBy(c => c.S.Length).Select(g => g.ToArray()))
                CheckBatch($"Network<double> {path}", batch, Batch<double>(batch, path), Float64);
            foreach (Case[] batch in Cases32.GroupBy(c => c.S.Length).Select(g => g.ToArray()))
                CheckBatch($"Network<float> {path}", batch, Batch<float>(batch, path), Float32);
        }
    }

    /// <summary>
    /// Every class count's cases as one batch, and its cases with ℓ &lt; 10⁻⁴ alone (a small Σℓ, where a cancellation
    /// would show).
    /// </summary>
    [Fact]
    public void The_kernels_batch_loss_sum_is_exact_to_the_rounding_of_the_sum()
    {
        foreach (Case[] batch in Batches(Cases))
        {
            CheckBatch("ScalarKernels<double>", batch, KernelBatch<double, ScalarKernels<double>>(batch), Float64);
            CheckBatch("VectorKernels<double>", batch, KernelBatch<double, VectorKernels<double>>(batch), Float64);
        }
        foreach (Case[] batch in Batches(Cases32))
        {
            CheckBatch("ScalarKernels<float>", batch, KernelBatch<float, ScalarKernels<float>>(batch), Float32);
            CheckBatch("VectorKernels<float>", batch, KernelBatch<float, VectorKernels<float>>(batch), Float32);
        }

        static IEnumerable<Case[]> Batches(Case[] cases) => cases.GroupBy(c => c.S.Length)
            .Concat(cases.Where(c => c.Exact is > 0 and < 1e-4).GroupBy(c => c.S.Length)).Select(g => g.ToArray());
    }

    private sealed record Bounds(double Tolerance, double Floor, double U);

    // Logits s with the observed class K, and the exact loss Exact + ExactLow; S32 the logits rounded to float32.
    private sealed record Case(string What, double[] S, int K, double Exact, double ExactLow, double[]? S32,
        double Exact32, double ExactLow32)
    {
        public double[] Y => Enumerable.Range(0, S.Length).Select(j => j == K ? 1.0 : 0).ToArray();

        public Case As32() => this with { S = S32!, Exact = Exact32, ExactLow = ExactLow32 };

        public static Case Read(JsonElement e)
        {
            static double[] Numbers(JsonElement a) => a.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double[] s = Numbers(e.GetProperty("s")), loss = Numbers(e.GetProperty("loss"));
            double[]? loss32 = e.TryGetProperty("loss32", out JsonElement l32) ? Numbers(l32) : null;
            double[]? s32 = loss32 is null ? null : s.Select(v => (double)(float)v).ToArray();
            return new Case(e.GetProperty("what").GetString()!, s, e.GetProperty("k").GetInt32(), loss[0], loss[1], s32,
                loss32?[0] ?? double.NaN, loss32?[1] ?? 0);
        }
    }

    // ℓ of one column through a kernel's SoftmaxCrossEntropy.
    private static double Column<T, TK>(Case c)
        where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        int C = c.S.Length;
        T[] S = c.S.Select(T.CreateChecked).ToArray(), Y = c.Y.Select(T.CreateChecked).ToArray(), dS = new T[C];
        return double.CreateChecked(TK.SoftmaxCrossEntropy(S, 1, Y, 1, C, 1, T.One, dS, 1).LossSum);
    }

    // Σ_n ℓ_n of the cases' columns (C×N feature-major) through a kernel.
    private static double KernelBatch<T, TK>(Case[] batch)
        where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        int N = batch.Length, C = batch[0].S.Length;
        T[] S = new T[C * N], Y = new T[C * N], dS = new T[C * N];
        for (int n = 0; n < N; n++)
        {
            for (int j = 0; j < C; j++) S[j * N + n] = T.CreateChecked(batch[n].S[j]);
            Y[batch[n].K * N + n] = T.One;
        }
        return double.CreateChecked(TK.SoftmaxCrossEntropy(S, N, Y, N, C, N, T.One, dS, N).LossSum);
    }

    // ℓ of one sample through the network, with B = 0 and b = s.
    private static double OneColumn<T>(Case c, KernelPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int C = c.S.Length;
        var shape = new NetworkShape(1, 1, C, true, Activation.Identity);
        using var net = new Network<T, VectorKernels<T>>(shape, 1, 1, path);
        for (int j = 0; j < C; j++) net.OutputBias[j] = T.CreateChecked(c.S[j]);
        T[] X = [T.Zero], Y = c.Y.Select(T.CreateChecked).ToArray();
        return net.Forward(X, Y, 0, 1, 1).LossSum;
    }

    // Σ_n ℓ_n through the network with D = H = C, A = B = I and no biases, so that s = x.
    private static double Batch<T>(Case[] batch, KernelPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int N = batch.Length, C = batch[0].S.Length;
        var shape = new NetworkShape(C, C, C, false, Activation.Identity);
        using var net = new Network<T, VectorKernels<T>>(shape, N, 1, path);
        for (int j = 0; j < C; j++) net.A[j * C + j] = net.B[j * C + j] = T.One;
        string[] names = Enumerable.Range(0, C).Select(j => $"c{j}").ToArray();
        var data = new Dataset(names, names, batch.Select(c => c.S).ToArray(), batch.Select(c => c.K).ToArray());
        var (X, Y) = FeatureMajor.Build<T>(data, Standardization.None(C));
        return net.Forward(X, Y, 0, N, N).LossSum;
    }

    // |computed − exact| with exact = hi + lo, to well below one unit in the last place of hi.
    private static double Error(double computed, double hi, double lo) => Math.Abs((computed - hi) - lo);

    private void Report(string path, IEnumerable<(Case Case, double Loss)> results, Bounds bounds)
    {
        double worst = 0;
        int count = 0;
        foreach (var (c, loss) in results)
        {
            double error = Error(loss, c.Exact, c.ExactLow);
            string logits = string.Join(", ", c.S.Select(v => v.ToString("R")));
            Assert.True(error <= bounds.Tolerance * Math.Abs(c.Exact) + (c.S.Length - 1) * bounds.Floor,
                $"{path}, {c.What} [{logits}], class {c.K}: ℓ = {loss:R}, exact {c.Exact:R}, error {error:E2}");
            // The largest relative error where ℓ is large enough for one to be measured.
            if (Math.Abs(c.Exact) >= bounds.Floor / bounds.Tolerance) worst = Math.Max(worst, error / c.Exact);
            count++;
        }
        Assert.True(count > 0);
        output.WriteLine($"{path}: largest relative error {worst:E2} over {count} cases");
    }

    private void CheckBatch(string path, Case[] batch, double sum, Bounds bounds)
    {
        // The exact Σ_n ℓ_n in double-double (compensated), far below a unit in the last place.
        double hi = 0, lo = 0;
        foreach (Case c in batch)
        {
            double s = hi + c.Exact, bv = s - hi;
            lo += (hi - (s - bv)) + (c.Exact - bv) + c.ExactLow;
            hi = s;
        }
        int N = batch.Length, C = batch[0].S.Length;
        double error = Error(sum, hi, lo);
        Assert.True(error <= (bounds.Tolerance + 2 * N * bounds.U) * Math.Abs(hi) + N * (C - 1) * bounds.Floor,
            $"{path}, C = {C}, N = {N}: Σℓ = {sum:R}, exact {hi:R}, relative error {error / hi:E2}");
        output.WriteLine($"{path}, C = {C}, N = {N}: relative error of Σℓ {error / hi:E2}");
    }
}
