using System.Text.Json;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// Eqs. 15–16 pinned over several steps with momentum and L2 set: the reference implementation
/// and the network on each path reproduce weights and losses computed once, independently, by
/// Fixtures/update-steps/make_fixture.py (plain Python from docs/derivation.md). Momentum as an
/// exponential average, or L2 applied to the biases, changes the weights after the first step.
/// </summary>
public class UpdateStepTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(Repo.Root, "tests", "IrisNet.Tests", "Fixtures", "update-steps", "update-steps.json"))).RootElement;

    public static TheoryData<string> Activations() => ["identity", "tanh"];

    [Theory]
    [MemberData(nameof(Activations))]
    public void Reference_steps_reproduce_the_independent_fixture(string activation)
    {
        var (f, X, Y, steps) = Case(activation);
        ReferenceNetwork.Parameters w = Initial(), v = w.Zero();
        foreach (JsonElement step in steps)
        {
            var (forward, g) = ReferenceNetwork.ForwardBackward(w, f, X, Y);
            Assert.Equal(step.GetProperty("loss_before").GetDouble(), forward.L, 1e-14);
            ReferenceNetwork.StepResult r = ReferenceNetwork.Step(w, g, v, Eta, Mu, Lambda);
            AssertWeights(step, r.Weights);
            // The update is the change of every parameter, and v the velocity it came from.
            AssertClose(r.Weights.Zip(w, (after, before) => after - before), r.Update, 1e-15);
            AssertClose(r.Velocity.Map(x => -Eta * x), r.Update, 0);
            (w, v) = (r.Weights, r.Velocity);
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Network_steps_reproduce_the_independent_fixture_on_every_path(string activation)
    {
        var (f, X, Y, steps) = Case(activation);
        Run<ScalarKernels<double>>(KernelPath.Separate);
        Run<VectorKernels<double>>(KernelPath.Separate);
        Run<VectorKernels<double>>(KernelPath.Fused);

        void Run<TK>(KernelPath path) where TK : struct, IKernels<double>
        {
            int N = X.Length, D = X[0].Length, H = Initial().A.Length, C = Y[0].Length;
            using var net = new Network<double, TK>(new NetworkShape(D, H, C, true, f), N, threads: 1, path);
            Trainer.Load(Initial().ToInitialWeights(), net);
            var velocity = new Network<double, TK>.Velocity(net.Shape);
            var data = new Dataset(["x1", "x2"], ["c0", "c1", "c2"], X, Labels);
            var (Xf, Yf) = FeatureMajor.Build<double>(data, Standardization.None(D));
            foreach (JsonElement step in steps)
            {
                double loss = net.ForwardBackward(Xf, Yf, 0, N, N).LossSum / N;
                Assert.Equal(step.GetProperty("loss_before").GetDouble(), loss, 1e-14);
                net.Step(Eta, Mu, Lambda, velocity);
                var after = new ReferenceNetwork.Parameters(Rows(net.A, H, D), net.HiddenBias, Rows(net.B, C, H), net.OutputBias);
                AssertWeights(step, after);
            }
        }
    }

    /// <summary>Without momentum the step is plain gradient descent, θ ← θ − η(∂L/∂θ + λθ), worked out here.</summary>
    [Fact]
    public void Without_momentum_the_step_is_plain_gradient_descent()
    {
        var w = new ReferenceNetwork.Parameters([[2.0]], [3.0], [[-1.0]], [0.5]);
        var g = new ReferenceNetwork.Gradients([], [[0.25]], [-0.5], [], [], [[1.0]], [0.75]);
        ReferenceNetwork.StepResult r = ReferenceNetwork.Step(w, g, null, eta: 0.1, mu: 0, lambda: 0.5);
        Assert.Equal(2.0 - 0.1 * (1.0 + 0.5 * 2.0), r.Weights.A[0][0], 1e-15);
        Assert.Equal(3.0 - 0.1 * 0.75, r.Weights.HiddenBias![0], 1e-15);
        Assert.Equal(-1.0 - 0.1 * (0.25 + 0.5 * -1.0), r.Weights.B[0][0], 1e-15);
        Assert.Equal(0.5 - 0.1 * -0.5, r.Weights.OutputBias![0], 1e-15);
    }

    private static double Eta => Fixture.GetProperty("eta").GetDouble();

    private static double Mu => Fixture.GetProperty("mu").GetDouble();

    private static double Lambda => Fixture.GetProperty("lambda").GetDouble();

    private static int[] Labels => Fixture.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static (Activation F, double[][] X, double[][] Y, JsonElement[] Steps) Case(string activation)
    {
        JsonElement run = Fixture.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("activation").GetString() == activation);
        Activation f = activation == "tanh" ? Activation.Tanh : Activation.Identity;
        double[][] X = Matrix(Fixture.GetProperty("X"));
        JsonElement[] steps = run.GetProperty("steps").EnumerateArray().ToArray();
        Assert.True(steps.Length >= 3);
        return (f, X, ReferenceNetwork.OneHot(Labels, 3), steps);
    }

    private static ReferenceNetwork.Parameters Initial() => new(Matrix(Fixture.GetProperty("A")), Vector(Fixture.GetProperty("a")),
        Matrix(Fixture.GetProperty("B")), Vector(Fixture.GetProperty("b")));

    private static void AssertWeights(JsonElement step, ReferenceNetwork.Parameters actual)
    {
        var expected = new ReferenceNetwork.Parameters(Matrix(step.GetProperty("A")), Vector(step.GetProperty("a")),
            Matrix(step.GetProperty("B")), Vector(step.GetProperty("b")));
        AssertClose(expected, actual, 1e-13);
    }

    private static void AssertClose(ReferenceNetwork.Parameters expected, ReferenceNetwork.Parameters actual, double tolerance)
    {
        static IEnumerable<(string, double)> Flat(ReferenceNetwork.Parameters p) =>
            p.A.SelectMany((r, i) => r.Select((v, d) => ($"A[{i},{d}]", v)))
                .Concat(p.HiddenBias!.Select((v, i) => ($"a[{i}]", v)))
                .Concat(p.B.SelectMany((r, j) => r.Select((v, i) => ($"B[{j},{i}]", v))))
                .Concat(p.OutputBias!.Select((v, j) => ($"b[{j}]", v)));
        foreach (var ((name, e), (_, a)) in Flat(expected).Zip(Flat(actual)))
            Assert.True(Math.Abs(e - a) <= tolerance, $"{name}: expected {e:R}, got {a:R}");
        Assert.Equal(Flat(expected).Count(), Flat(actual).Count());
    }

    private static double[][] Matrix(JsonElement e) => e.EnumerateArray().Select(Vector).ToArray();

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[][] Rows(double[] flat, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * cols, cols).ToArray()).ToArray();
}
