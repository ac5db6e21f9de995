using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// The fast path's optimizer steps (Network.Step, StepNesterov, StepAdam through OptimizerState) give,
/// from the same weights and gradients, bit for bit the weights and state of the reference members
/// (GradientDescent, Nesterov, Adam: Eqs. 15–22), with the vector and the scalar kernels and on one or
/// three threads.
/// </summary>
public sealed class OptimizerReferenceTests
{
    public static TheoryData<Optimizer, double, int, bool> Cases()
    {
        var cases = new TheoryData<Optimizer, double, int, bool>();
        foreach (Optimizer o in Enum.GetValues<Optimizer>())
        {
            foreach (double l2 in new[] { 0.0, 0.01 })
            {
                cases.Add(o, l2, 1, true);
                cases.Add(o, l2, 3, true);
                cases.Add(o, l2, 1, false);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_fast_step_is_the_reference_step_bit_for_bit(Optimizer optimizer, double l2, int threads,
        bool vector)
    {
        if (vector) Run<VectorKernels<double>>(optimizer, l2, threads);
        else Run<ScalarKernels<double>>(optimizer, l2, threads);
    }

    private static void Run<TK>(Optimizer optimizer, double l2, int threads) where TK : struct, IKernels<double>
    {
        const int N = 37;
        Dataset data = RandomData.Make(N, 4, 3, seed: 11);
        var shape = new NetworkShape(4, 5, 3, true, Activation.Tanh);
        using var net = new Network<double, TK>(shape, N, threads);
        Trainer.Load(Trainer.Initialize(shape, 7), net);
        var (X, Y) = FeatureMajor.Build<double>(data, Standardization.Fit(data));
        var o = new TrainingOptions
        {
            Optimizer = optimizer,
            LearningRate = 0.05,
            Momentum = optimizer == Optimizer.Nesterov ? 0.9 : 0.5,
            L2 = l2,
            Beta1 = 0.8,
            Beta2 = 0.95,
            Epsilon = 1e-6,
            WeightDecay = 0.1,
        };
        var state = new OptimizerState<double>(shape, optimizer);
        var velocity = new ParameterBuffers<double>(shape);
        var sgd = new GradientDescent(o.LearningRate, o.Momentum, l2);
        var nesterov = new Nesterov(o.LearningRate, o.Momentum, l2);
        var adam = new Adam(o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, l2,
            optimizer == Optimizer.AdamW ? o.WeightDecay : 0);
        Parameters? v = null, m = null, r = null;
        for (int t = 1; t <= 6; t++)
        {
            net.ForwardBackward(X, Y, 0, N, N);
            Parameters w = Of(shape, net.A, net.HiddenBias, net.B, net.OutputBias);
            Parameters dTheta = Of(shape, net.dA, net.dHiddenBias, net.dB, net.dOutputBias);
            Parameters expected;
            switch (optimizer)
            {
                case Optimizer.Sgd:
                    StepResult s = sgd.Step(w, dTheta, v);
                    (v, expected) = (s.Velocity, s.Weights);
                    net.Step(o.LearningRate, o.Momentum, l2, velocity);
                    Same(v, Of(shape, velocity.A, velocity.HiddenBias, velocity.B, velocity.OutputBias), "v", t);
                    break;
                case Optimizer.Nesterov:
                    StepResult n = nesterov.Step(w, dTheta, v);
                    (v, expected) = (n.Velocity, n.Weights);
                    state.Step(net, o, o.LearningRate);
                    ParameterBuffers<double> sv = state.Velocity;
                    Same(v, Of(shape, sv.A, sv.HiddenBias, sv.B, sv.OutputBias), "v", t);
                    break;
                default:
                    AdamStepResult a = adam.Step(w, dTheta, m, r, t);
                    (m, r, expected) = (a.FirstMoment, a.SecondMoment, a.Weights);
                    state.Step(net, o, o.LearningRate);
                    Assert.Equal(t, state.Steps);
                    ParameterBuffers<double> fm = state.FirstMoment, sm = state.SecondMoment;
                    Same(m, Of(shape, fm.A, fm.HiddenBias, fm.B, fm.OutputBias), "m", t);
                    Same(r, Of(shape, sm.A, sm.HiddenBias, sm.B, sm.OutputBias), "r", t);
                    break;
            }
            Same(expected, Of(shape, net.A, net.HiddenBias, net.B, net.OutputBias), "θ", t);
        }
    }

    private static Parameters Of(NetworkShape s, double[] A, double[] a, double[] B, double[] b) => new(
        [.. Enumerable.Range(0, s.H).Select(h => A[(h * s.D)..((h + 1) * s.D)])], (double[])a.Clone(),
        [.. Enumerable.Range(0, s.C).Select(c => B[(c * s.H)..((c + 1) * s.H)])], (double[])b.Clone());

    private static void Same(Parameters expected, Parameters actual, string what, int t)
    {
        double[] e = Flat(expected), x = Flat(actual);
        Assert.Equal(e.Length, x.Length);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(x[i]),
                $"step {t}, {what}[{i}]: fast {x[i]:R}, reference {e[i]:R}");
        }
    }

    private static double[] Flat(Parameters p) =>
        [.. p.A.SelectMany(row => row), .. p.HiddenBias!, .. p.B.SelectMany(row => row), .. p.OutputBias!];
}
