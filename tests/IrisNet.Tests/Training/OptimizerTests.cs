using System.Text.Json.Nodes;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// The update rules (Eqs. 17–22) against values computed here from the textbook statements, the
/// schedules (Eqs. 23–28) against their definitions, the option checks, and the files that record them.
/// </summary>
public sealed class OptimizerTests
{
    private static readonly NetworkShape Shape = new(2, 3, 2, true, Activation.Identity);

    /// <summary>A network whose gradients are set by hand (no data): θ and g are the same every step.</summary>
    private static Network<double, ScalarKernels<double>> Net(double[] gA, double[] ga, double[] gB, double[] gb)
    {
        var net = new Network<double, ScalarKernels<double>>(Shape, 1);
        for (int i = 0; i < net.A.Length; i++) net.A[i] = 0.3 * i - 0.5;
        for (int i = 0; i < net.B.Length; i++) net.B[i] = 0.2 - 0.15 * i;
        for (int i = 0; i < net.HiddenBias.Length; i++) net.HiddenBias[i] = 0.1 * i;
        gA.CopyTo(net.dA, 0); ga.CopyTo(net.dHiddenBias, 0); gB.CopyTo(net.dB, 0); gb.CopyTo(net.dOutputBias, 0);
        return net;
    }

    private static readonly double[] GA = [0.5, -0.25, 1e-3, 2, -1, 0.125], Ga = [0.3, -0.7, 1e-9], GB = [-0.4, 0.9, 0,
        0.05, -2, 1], Gb = [0.6, -0.6];

    [Theory]
    [InlineData(Optimizer.Adam, 0.0)]
    [InlineData(Optimizer.Adam, 0.01)]
    [InlineData(Optimizer.AdamW, 0.0)]
    public void Adam_and_AdamW_follow_the_bias_corrected_moments_step_by_step(Optimizer optimizer, double l2)
    {
        // Kingma and Ba's Algorithm 1 written out per element (ε outside the square root of r̂), with
        // AdamW's θ(1 − ηλ_w) first; L2 and the decoupled decay on A and B only.
        var o = new TrainingOptions
        {
            Optimizer = optimizer,
            LearningRate = 0.05,
            Beta1 = 0.8,
            Beta2 = 0.95,
            Epsilon = 1e-6,
            L2 = l2,
            WeightDecay = 0.1
        };
        using var net = Net(GA, Ga, GB, Gb);
        var state = new OptimizerState<double>(Shape, optimizer);
        double[][] theta = [(double[])net.A.Clone(), (double[])net.HiddenBias.Clone(), (double[])net.B.Clone(),
            (double[])net.OutputBias.Clone()];
        double[][] grad = [GA, Ga, GB, Gb];
        bool[] weight = [true, false, true, false];
        double[][] m = [.. theta.Select(x => new double[x.Length])], r = [.. theta.Select(x => new double[x.Length])];
        for (int t = 1; t <= 5; t++)
        {
            state.Step(net, o, o.LearningRate);
            for (int k = 0; k < 4; k++)
                for (int i = 0; i < theta[k].Length; i++)
                {
                    double g = grad[k][i] + (weight[k] ? l2 * theta[k][i] : 0);
                    if (optimizer == Optimizer.AdamW && weight[k]) theta[k][i] *= 1 - o.LearningRate * o.WeightDecay;
                    m[k][i] = o.Beta1 * m[k][i] + (1 - o.Beta1) * g;
                    r[k][i] = o.Beta2 * r[k][i] + (1 - o.Beta2) * g * g;
                    double mHat = m[k][i] / (1 - Math.Pow(o.Beta1, t)), rHat = r[k][i] / (1 - Math.Pow(o.Beta2, t));
                    theta[k][i] -= o.LearningRate * mHat / (Math.Sqrt(rHat) + o.Epsilon);
                }
            Assert.Equal(t, state.Steps);
            double[][] actual = [net.A, net.HiddenBias, net.B, net.OutputBias];
            for (int k = 0; k < 4; k++)
                for (int i = 0; i < theta[k].Length; i++)
                    Assert.True(Math.Abs(actual[k][i] - theta[k][i]) <= 1e-15 * Math.Max(1, Math.Abs(theta[k][i])),
                        $"step {t}, tensor {k}[{i}]: {actual[k][i]:R} against {theta[k][i]:R}");
            Assert.Equal(m[0][1], state.FirstMoment.A[1], 1e-17);
            Assert.Equal(r[2][4], state.SecondMoment.B[4], 1e-17);
        }
    }

    [Fact]
    public void Nesterov_steps_along_the_gradient_plus_the_looked_ahead_velocity()
    {
        var o = new TrainingOptions { Optimizer = Optimizer.Nesterov, LearningRate = 0.1, Momentum = 0.9, L2 = 0.01 };
        using var net = Net(GA, Ga, GB, Gb);
        var state = new OptimizerState<double>(Shape, Optimizer.Nesterov);
        double a0 = net.A[3], b0 = net.HiddenBias[1], v = 0, vb = 0;
        for (int t = 1; t <= 4; t++)
        {
            state.Step(net, o, o.LearningRate);
            double g = GA[3] + 0.01 * a0;
            v = 0.9 * v + g;
            a0 -= 0.1 * (g + 0.9 * v);
            vb = 0.9 * vb + Ga[1]; // biases: no L2
            b0 -= 0.1 * (Ga[1] + 0.9 * vb);
            Assert.Equal(a0, net.A[3], 1e-15);
            Assert.Equal(b0, net.HiddenBias[1], 1e-15);
            Assert.Equal(v, state.Velocity.A[3], 1e-15);
        }
    }

    [Fact]
    public void The_state_is_copied_whole_and_a_copy_resumes_the_same_steps()
    {
        var o = new TrainingOptions { Optimizer = Optimizer.Adam, LearningRate = 0.05 };
        using var one = Net(GA, Ga, GB, Gb);
        using var two = Net(GA, Ga, GB, Gb);
        var state = new OptimizerState<double>(Shape, Optimizer.Adam);
        for (int t = 0; t < 3; t++) state.Step(one, o, 0.05);
        var copy = new OptimizerState<double>(Shape, Optimizer.Adam);
        state.CopyTo(copy);
        one.A.CopyTo(two.A, 0); one.B.CopyTo(two.B, 0); one.HiddenBias.CopyTo(two.HiddenBias,
            0); one.OutputBias.CopyTo(two.OutputBias, 0);
        state.Step(one, o, 0.05);
        copy.Step(two, o, 0.05);
        Assert.Equal(4, copy.Steps);
        Assert.Equal(one.A, two.A);
        Assert.Equal(one.OutputBias, two.OutputBias);
        Assert.Empty(state.Velocity.A); // Adam keeps no velocity
    }

    [Fact]
    public void The_fixed_schedules_are_their_closed_forms_after_the_warm_up()
    {
        TrainingOptions o = new() { LearningRate = 0.8, Epochs = 20 };
        double Rate(TrainingOptions x, int e) => LearningRateScheduler.RateAt(x, e);
        Assert.All(Enumerable.Range(0, 20), e => Assert.Equal(0.8, Rate(o, e)));
        var step = o with { LrSchedule = LearningRateSchedule.Step, LrStepSize = 3, LrGamma = 0.5 };
        Assert.Equal([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2], Enumerable.Range(0, 7).Select(e => Rate(step, e)));
        Assert.Equal(0.08, Rate(step with { LrGamma = null }, 3), 1e-16); // torch's default γ = 0.1
        var exp = o with { LrSchedule = LearningRateSchedule.Exponential, LrGamma = 0.9 };
        Assert.Equal(0.8 * 0.9 * 0.9 * 0.9, Rate(exp, 3), 1e-15);
        var cos = o with { LrSchedule = LearningRateSchedule.Cosine, LrMin = 0.1, LrTMax = 10 };
        Assert.Equal(0.8, Rate(cos, 0));
        Assert.Equal(0.45, Rate(cos, 5), 1e-16);
        Assert.Equal(0.1, Rate(cos, 10), 1e-16);
        Assert.Equal(0.45, Rate(cos with { LrTMax = 0 }, 10), 1e-16); // T defaults to the epochs: 20
        // Warm-up from 0.1·η over W = 4 epochs, then the schedule counts from 0.
        var warm = step with { WarmupEpochs = 4, WarmupStartFactor = 0.1 };
        Assert.Equal([0.08, 0.26, 0.44, 0.62, 0.8, 0.8, 0.8, 0.4], Enumerable.Range(0,
            8).Select(e => Math.Round(Rate(warm, e), 14)));
        var warmCos = cos with { WarmupEpochs = 4, LrTMax = 0 };
        Assert.Equal(0.45, Rate(warmCos, 4 + 8), 1e-16); // T = 20 − 4 = 16: half-way at 8 epochs past the warm-up
    }

    [Fact]
    public void Reduce_on_plateau_waits_patience_bad_epochs_then_cools_down_and_stops_at_the_floor()
    {
        var o = new TrainingOptions
        {
            LearningRate = 1,
            LrSchedule = LearningRateSchedule.Plateau,
            ValidationFraction = 0.2,
            PlateauPatience = 2,
            PlateauFactor = 0.5,
            PlateauCooldown = 1,
            PlateauThreshold = 0.1,
            LrMin = 0.3,
        };
        var s = new LearningRateScheduler(o);
        // Epoch 1's loss is that of the initial weights: not observed (were it, 0.5 would be the best and the
        // first reduction would come an epoch early). Then 1.0 (best), 0.95 (not 10 % better:
        // bad 1), 0.95 (bad 2), 0.95 (bad 3 > 2: halve, cooldown 1), 0.95 (cooldown: not counted), 0.95 (bad 1),
        // 0.95 (2), 0.95 (3: 0.25 would be below the floor 0.3: 0.3), then the floor holds.
        double[] losses = [0.5, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
        double[] expected = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3];
        Assert.Equal(expected, losses.Select(l => s.BeginEpoch(l)));
        Assert.Equal(13, s.Epoch);
        Assert.Equal(1.0, s.Plateau.Best);
        var fresh = new LearningRateScheduler(o) { Epoch = s.Epoch, Plateau = s.Plateau };
        Assert.Equal(s.BeginEpoch(0.95), fresh.BeginEpoch(0.95)); // the state is the two plain values
    }

    [Theory]
    [InlineData("Beta2", "--beta2 1", "outside [0, 1)")]
    [InlineData("Epsilon", "--epsilon 0", "not a positive finite ε")]
    [InlineData("LrStepSize", "step without k", "give k")]
    [InlineData("LrGamma", "exponential without γ", "give γ")]
    [InlineData("LrGamma", "γ = 1.5", "outside (0, 1]")]
    [InlineData("LrSchedule", "plateau without validation", "add a validation fraction")]
    [InlineData("Momentum", "adam with momentum", "decays by β1")]
    [InlineData("Momentum", "nesterov without momentum", "needs a momentum")]
    [InlineData("LrMin", "cosine floor above η", "could never lower it")]
    [InlineData("WarmupStartFactor", "start factor 0", "outside (0, 1]")]
    [InlineData("WarmupEpochs", "warm-up as long as the run", "leave none")]
    [InlineData("PlateauFactor", "factor 1", "outside (0, 1)")]
    [InlineData("WeightDecay", "ηλ_w ≥ 1", "flip or zero")]
    public void Each_bad_optimizer_or_schedule_option_is_refused_with_its_property(string property, string what,
        string message)
    {
        var d = new TrainingOptions();
        TrainingOptions o = what switch
        {
            "--beta2 1" => d with { Optimizer = Optimizer.Adam, Beta2 = 1 },
            "--epsilon 0" => d with { Optimizer = Optimizer.Adam, Epsilon = 0 },
            "step without k" => d with { LrSchedule = LearningRateSchedule.Step },
            "exponential without γ" => d with { LrSchedule = LearningRateSchedule.Exponential },
            "γ = 1.5" => d with { LrSchedule = LearningRateSchedule.Exponential, LrGamma = 1.5 },
            "plateau without validation" => d with { LrSchedule = LearningRateSchedule.Plateau },
            "adam with momentum" => d with { Optimizer = Optimizer.Adam, Momentum = 0.9 },
            "nesterov without momentum" => d with { Optimizer = Optimizer.Nesterov },
            "cosine floor above η" => d with { LrSchedule = LearningRateSchedule.Cosine, LrMin = 0.2 },
            "start factor 0" => d with { WarmupEpochs = 5, WarmupStartFactor = 0 },
            "warm-up as long as the run" => d with { WarmupEpochs = d.Epochs },
            "factor 1" => d with { PlateauFactor = 1 },
            _ => d with { Optimizer = Optimizer.AdamW, LearningRate = 10, WeightDecay = 0.1 },
        };
        var e = Assert.Throws<OptionException>(o.Validate);
        Assert.Equal(property, e.Option);
        Assert.Contains(message, e.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Detail);
    }

    [Fact]
    public void
        Model_json_version_4_records_the_optimizer_and_schedule_and_older_versions_read_as_sgd_at_a_constant_rate()
    {
        var options = new TrainingOptions
        {
            Epochs = 30,
            Hidden = 4,
            Optimizer = Optimizer.AdamW,
            LearningRate = 0.01,
            Beta1 = 0.85,
            WeightDecay = 0.02,
            LrSchedule = LearningRateSchedule.Cosine,
            LrMin = 1e-4,
            WarmupEpochs = 3,
            WarmupStartFactor = 0.2,
        };
        var (train, test) = Repo.Iris().SplitStratified(options.TestFraction, options.Seed);
        string json = ModelJson.Serialize(Trainer.Train(train, test, options).Model);
        JsonObject root = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(4, (int)root["version"]!);
        JsonObject t = root["training"]!.AsObject();
        Assert.Equal("adamw", (string)t["optimizer"]!);
        Assert.Equal("cosine", (string)t["lr_schedule"]!);
        Assert.Equal(0.02, (double)t["weight_decay"]!);
        Assert.False(t.ContainsKey("lr_gamma")); // not given
        TrainingOptions back = ModelJson.Parse(json, "m.json").Options!;
        Assert.Equal(options with { Threads = back.Threads }, back with { Threads = back.Threads });

        root["version"] = 3;
        foreach (string f in new[] { "optimizer", "beta1", "beta2", "epsilon", "weight_decay", "lr_schedule",
            "lr_step_size", "lr_min", "lr_t_max",
            "warmup_epochs", "warmup_start_factor", "plateau_factor", "plateau_patience", "plateau_threshold",
                "plateau_cooldown" })
            t.Remove(f);
        TrainingOptions v3 = ModelJson.Parse(root.ToJsonString(), "v3.json").Options!;
        Assert.Equal((Optimizer.Sgd, LearningRateSchedule.Constant, 0), (v3.Optimizer, v3.LrSchedule, v3.WarmupEpochs));

        t["optimizer"] = "adagrad";
        var e = Assert.Throws<ModelFileException>(() => ModelJson.Parse(root.ToJsonString(), "bad.json"));
        Assert.Contains("training.optimizer", e.Message, StringComparison.Ordinal);
    }
}
