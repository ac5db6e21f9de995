using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// <see cref="TraceComputation"/> writes the documented step out again, with switches for the known
/// mistakes; without a mistake it must be <see cref="ReferenceNetwork"/>, quantity for quantity, over several
/// steps with momentum, L2 and biases (they sum z and s in another order, so to rounding).
/// </summary>
public class TraceReferenceTests
{
    [Theory]
    [InlineData(Activation.Identity, true)]
    [InlineData(Activation.Tanh, true)]
    [InlineData(Activation.Relu, false)]
    public void Without_a_mistake_the_trace_is_the_reference_step_for_step(Activation f, bool bias)
    {
        const int D = 3, H = 5, C = 4, N = 11, Steps = 4;
        const double Eta = 0.3, Mu = 0.8, Lambda = 0.05;
        var rng = new Random(11);
        double[][] X = Enumerable.Range(0, N).Select(_ => Enumerable.Range(0, D).Select(_ => rng.NextDouble() * 4 - 2).ToArray()).ToArray();
        int[] labels = Enumerable.Range(0, N).Select(n => n % C).ToArray();
        double[][] Rows(int r, int c) => Enumerable.Range(0, r).Select(_ => Enumerable.Range(0, c).Select(_ => rng.NextDouble() - 0.5).ToArray()).ToArray();
        var start = new InitialWeights(Rows(H, D), bias ? Rows(1, H)[0] : null, Rows(C, H), bias ? Rows(1, C)[0] : null);
        int[][] batches = [[.. Enumerable.Range(0, N)], [0, 2, 4, 6, 8, 10], [1, 3, 5], [.. Enumerable.Range(0, N).Reverse()]];

        IReadOnlyList<TraceStep> trace = TraceComputation.Run(start, X, labels, new TraceSettings(f, Eta, Mu, Lambda), batches);
        Assert.Equal(Steps, trace.Count);

        ReferenceNetwork.Parameters w = ReferenceNetwork.Parameters.From(start);
        ReferenceNetwork.Parameters? v = null;
        for (int k = 0; k < Steps; k++)
        {
            double[][] Xb = batches[k].Select(n => X[n]).ToArray();
            double[][] Y = ReferenceNetwork.OneHot(batches[k].Select(n => labels[n]).ToArray(), C);
            var (forward, g) = ReferenceNetwork.ForwardBackward(w, f, Xb, Y);
            ReferenceNetwork.StepResult step = ReferenceNetwork.Step(w, g, v, Eta, Mu, Lambda);
            TraceStep t = trace[k];
            void Same(string name, IEnumerable<double> expected)
            {
                double[] e = expected.ToArray(), a = t.Find(name)!.Values;
                Assert.Equal(e.Length, a.Length);
                for (int i = 0; i < e.Length; i++)
                    Assert.True(Math.Abs(e[i] - a[i]) <= 1e-13 * Math.Max(1, Math.Abs(e[i])), $"step {k + 1} {name}[{i}]: reference {e[i]:R}, trace {a[i]:R}");
            }
            static IEnumerable<double> Flat(double[][] m) => m.SelectMany(r => r);
            Same("Z", Flat(forward.Z)); Same("H", Flat(forward.H)); Same("S", Flat(forward.S)); Same("Yhat", Flat(forward.Yhat));
            Same("L", [forward.L]);
            Same("dS", Flat(g.dS)); Same("dB", Flat(g.dB)); Same("dH", Flat(g.dH)); Same("dZ", Flat(g.dZ)); Same("dA", Flat(g.dA));
            Same("gA", Flat(step.Gradient.A)); Same("gB", Flat(step.Gradient.B));
            Same("vA", Flat(step.Velocity.A)); Same("vB", Flat(step.Velocity.B));
            Same("A_after", Flat(step.Weights.A)); Same("B_after", Flat(step.Weights.B));
            if (bias)
            {
                Same("db", g.dOutputBias!); Same("da", g.dHiddenBias!);
                Same("ga", step.Gradient.HiddenBias!); Same("gb", step.Gradient.OutputBias!);
                Same("va", step.Velocity.HiddenBias!); Same("vb", step.Velocity.OutputBias!);
                Same("a_after", step.Weights.HiddenBias!); Same("b_after", step.Weights.OutputBias!);
            }
            else Assert.Null(t.Find("db"));
            w = step.Weights;
            v = step.Velocity;
        }
    }
}
