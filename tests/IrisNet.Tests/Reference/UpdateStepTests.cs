using System.Text.Json;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// Eqs. 15–16 pinned over several steps against values computed once, independently, by
/// Fixtures/update-steps/make_fixture.py (plain Python from docs/derivation.md, no code shared with src/):
/// the loss before each step, the gradient g with its L2 term, the velocity v, the change Δθ = −η v and the
/// weights after it, for the identity and tanh with biases, momentum and L2, ReLU without biases, and plain
/// gradient descent (μ = 0). The reference's update, the trace and the network on every path must reproduce
/// them; momentum as an exponential average, L2 on the biases or a flipped sign each changes them from the
/// first step on.
/// </summary>
public class UpdateStepTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "update-steps",
            "update-steps.json"))).RootElement;

    private const double Tolerance = 1e-13;

    /// <summary>The fixture's runs by index: identity, tanh, ReLU without biases, identity without momentum.</summary>
    public static TheoryData<int> Runs() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Runs))]
    public void Reference_steps_reproduce_the_independent_fixture(int index)
    {
        Run run = Case(index);
        Parameters w = run.Start;
        Parameters? v = null;
        foreach (JsonElement step in run.Steps)
        {
            var (forward, g) = ReferenceNetwork.ForwardBackward(w, run.F, run.X, run.Y);
            Assert.Equal(step.GetProperty("loss_before").GetDouble(), forward.L, 1e-14);
            StepResult r = ReferenceNetwork.Step(w, g, v, run.Eta, run.Mu, run.Lambda);
            AssertClose(Tensors(step.GetProperty("g")), r.Gradient, "g");
            AssertClose(Tensors(step.GetProperty("v")), r.Velocity, "v");
            AssertClose(Tensors(step.GetProperty("delta")), r.Update, "Δθ");
            AssertClose(Tensors(step), r.Weights, "θ after");
            (w, v) = (r.Weights, r.Velocity);
        }
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_trace_records_the_fixture_steps_under_their_names(int index)
    {
        Run run = Case(index);
        int N = run.X.Length;
        int[][] batches = run.Steps.Select(_ => Enumerable.Range(0, N).ToArray()).ToArray();
        IReadOnlyList<TraceStep> trace = TraceComputation.Run(run.Start.ToInitialWeights(), run.X, run.Labels,
            new TraceSettings(run.F, run.Eta, run.Mu, run.Lambda), batches);
        Assert.Equal(run.Steps.Length, trace.Count);
        for (int k = 0; k < trace.Count; k++)
        {
            JsonElement step = run.Steps[k];
            Assert.Equal(step.GetProperty("loss_before").GetDouble(), trace[k].Find("L")!.Values[0], 1e-14);
            AssertClose(Tensors(step.GetProperty("g")), Recorded(trace[k], "gA", "ga", "gB", "gb"), $"step {k + 1} g");
            AssertClose(Tensors(step.GetProperty("v")), Recorded(trace[k], "vA", "va", "vB", "vb"), $"step {k + 1} v");
            Parameters after = Recorded(trace[k], "A_after", "a_after", "B_after", "b_after");
            AssertClose(Tensors(step), after, $"step {k + 1} θ after");
            if (run.Start.HiddenBias is not null) continue;
            foreach (string name in new[] { "db", "da", "ga", "gb", "va", "vb", "a_after", "b_after" })
                Assert.Null(trace[k].Find(name));
        }
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Network_steps_reproduce_the_independent_fixture_on_every_path(int index)
    {
        Run run = Case(index);
        Check<ScalarKernels<double>>(KernelPath.Separate);
        Check<VectorKernels<double>>(KernelPath.Separate);
        Check<VectorKernels<double>>(KernelPath.Fused);

        void Check<TK>(KernelPath path) where TK : struct, IKernels<double>
        {
            int N = run.X.Length, D = run.X[0].Length, H = run.Start.A.Length, C = run.Y[0].Length;
            bool bias = run.Start.HiddenBias is not null;
            using var net = new Network<double, TK>(new NetworkShape(D, H, C, bias, run.F), N, threads: 1, path);
            Trainer.Load(run.Start.ToInitialWeights(), net);
            var velocity = new Network<double, TK>.Velocity(net.Shape);
            var data = new Dataset(["x1", "x2"], ["c0", "c1", "c2"], run.X, run.Labels);
            var (Xf, Yf) = FeatureMajor.Build<double>(data, Standardization.None(D));
            foreach (JsonElement step in run.Steps)
            {
                double loss = net.ForwardBackward(Xf, Yf, 0, N, N).LossSum / N;
                Assert.Equal(step.GetProperty("loss_before").GetDouble(), loss, 1e-14);
                net.Step(run.Eta, run.Mu, run.Lambda, velocity);
                var after = new Parameters(Rows(net.A, H, D), bias ? net.HiddenBias : null, Rows(net.B, C, H),
                    bias ? net.OutputBias : null);
                AssertClose(Tensors(step), after, $"{typeof(TK).Name} {path} θ after");
            }
        }
    }

    private sealed record Run(Activation F, double Eta, double Mu, double Lambda, double[][] X, int[] Labels,
        double[][] Y, Parameters Start, JsonElement[] Steps);

    private static Run Case(int index)
    {
        JsonElement run = Fixture.GetProperty("runs")[index];
        Activation f = run.GetProperty("activation").GetString() switch
        {
            "tanh" => Activation.Tanh,
            "relu" => Activation.Relu,
            _ => Activation.Identity,
        };
        bool bias = run.GetProperty("bias").GetBoolean();
        int[] labels = Fixture.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var start = new Parameters(Matrix(Fixture.GetProperty("A")), bias ? Vector(Fixture.GetProperty("a")) : null,
            Matrix(Fixture.GetProperty("B")), bias ? Vector(Fixture.GetProperty("b")) : null);
        JsonElement[] steps = run.GetProperty("steps").EnumerateArray().ToArray();
        Assert.True(steps.Length >= 3);
        double Number(string name) => run.GetProperty(name).GetDouble();
        return new Run(f, Number("eta"), Number("mu"), Number("lambda"), Matrix(Fixture.GetProperty("X")), labels,
            Equations.Derived.Y(labels, 3), start, steps);
    }

    // The tensors A, a, B, b of a fixture object (a and b absent without biases).
    private static Parameters Tensors(JsonElement e) => new(Matrix(e.GetProperty("A")),
        e.TryGetProperty("a", out JsonElement a) ? Vector(a) : null, Matrix(e.GetProperty("B")),
        e.TryGetProperty("b", out JsonElement b) ? Vector(b) : null);

    private static Parameters Recorded(TraceStep step, string A, string a, string B, string b)
    {
        TraceTensor tA = step.Find(A)!, tB = step.Find(B)!;
        return new Parameters(Rows(tA.Values, tA.Shape[0], tA.Shape[1]), step.Find(a)?.Values,
            Rows(tB.Values, tB.Shape[0], tB.Shape[1]), step.Find(b)?.Values);
    }

    private static void AssertClose(Parameters expected, Parameters actual, string what)
    {
        static IEnumerable<(string, double)> Flat(Parameters p) =>
            p.A.SelectMany((r, i) => r.Select((v, d) => ($"A[{i},{d}]", v)))
                .Concat((p.HiddenBias ?? []).Select((v, i) => ($"a[{i}]", v)))
                .Concat(p.B.SelectMany((r, j) => r.Select((v, i) => ($"B[{j},{i}]", v))))
                .Concat((p.OutputBias ?? []).Select((v, j) => ($"b[{j}]", v)));
        Assert.Equal(Flat(expected).Select(e => e.Item1), Flat(actual).Select(e => e.Item1));
        foreach (var ((name, e), (_, a)) in Flat(expected).Zip(Flat(actual)))
            Assert.True(Math.Abs(e - a) <= Tolerance, $"{what} {name}: expected {e:R}, got {a:R}");
    }

    private static double[][] Matrix(JsonElement e) => e.EnumerateArray().Select(Vector).ToArray();

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[][] Rows(double[] flat, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * cols, cols).ToArray()).ToArray();
}
