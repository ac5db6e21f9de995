using System.Text.Json;

namespace IrisNet.Tests;

/// <summary>
/// irisnet explain on a trained model: every Iris row explains without NaN, every finite difference
/// either agrees with its analytic value or carries a note, and the training step is shown.
/// </summary>
public sealed class ExplainTests() : TempDirectoryTest("explain")
{
    /// <summary>
    /// The model of `train --epochs 1000 --test-fraction 0`, whose probabilities fall below 10⁻⁵ on
    /// most rows: an absolute step ε = 10⁻⁵ in ∂ℓ/∂ŷ took ln of a negative number there.
    /// </summary>
    [Fact]
    public void Every_Iris_row_of_a_trained_model_explains_without_NaN()
    {
        Dataset iris = Repo.Iris();
        var options = new TrainingOptions { Epochs = 1000, TestFraction = 0 };
        Model model = Trainer.Train(iris, null, options).Model;
        InitialWeights w = model.ToInitialWeights();
        int tiny = 0;
        for (int n = 0; n < iris.Count; n++)
        {
            double[] x = iris.Features[n].Select((v, d) => model.Standardization.Apply(v, d)).ToArray();
            Explanation e = Explainer.Explain(model.Shape, w, x, iris.Labels[n], iris.FeatureNames, iris.ClassNames,
                options);
            double[] yhat = e.Forward.Single(q => q.Equation == 4).Value;
            if (yhat.Min() < 1e-5) tiny++;
            foreach (Quantity q in e.Forward.Concat(e.Backward).Concat(e.Shortcut).Concat(e.Step.Quantities))
            {
                Assert.All(q.Value, v => Assert.True(double.IsFinite(v), $"row {n + 1}: {q.Symbol} has {v}"));
                if (q.Numeric is not null) Assert.All(q.Numeric, v => Assert.True(double.IsFinite(v),
                    $"row {n + 1}: {q.Symbol} estimate {v}"));
            }
            // The step relative to ŷ keeps every ∂ℓ/∂ŷ difference inside the domain and accurate: no note.
            Quantity dYhat = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂ŷ", StringComparison.Ordinal));
            if (dYhat.NotedEntries > 0) Assert.Fail($"row {n + 1}: {dYhat.Notes!.First(t => t is not null)}");
            foreach (Quantity q in e.Backward)
            {
                // The analytic ∂ℓ/∂ŷ_k = −1/ŷ_k of the observed class is large when ŷ_k is small: compare relatively.
                double scale = q.Value.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
                Assert.True(q.MaxAbsDifference <= 1e-6 * Math.Max(1, scale),
                    $"row {n + 1}: {q.Symbol} differs by {q.MaxAbsDifference}");
            }
            Assert.True(double.IsFinite(e.Step.LossAfter));
        }
        Assert.True(tiny > 50,
            $"only {tiny} rows have a probability below 1e-5; the test would not exercise the old failure");
    }

    [Fact]
    public void A_difference_across_a_ReLU_kink_gets_a_note_instead_of_a_misleading_difference()
    {
        // z = A x + a = 0 exactly: ReLU's derivative does not exist there, and the central difference
        // averages the slopes 0 and ∂ℓ/∂h = −1.
        var shape = new NetworkShape(1, 1, 2, true, Activation.Relu);
        var w = new InitialWeights([[0.0]], [0.0], [[1.0], [-1.0]], [0.0, 0.0]);
        Explanation e = Explainer.Explain(shape, w, [1.0], 0, ["x"], ["c0", "c1"]);
        Quantity dz = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂z", StringComparison.Ordinal));
        Assert.Equal(0.0, dz.Value[0]);
        Assert.Equal(-0.5, dz.Numeric![0], 1e-5);
        Assert.Contains("kink", dz.Notes![0], StringComparison.Ordinal);
        Assert.Equal(0.0, dz.MaxAbsDifference);
        Quantity ds = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂s", StringComparison.Ordinal));
        Assert.Equal(0, ds.NotedEntries);
    }

    /// <summary>Eqs. 15–16 on the one sample, checked against a step written out here, and ℓ falls for a small
    /// η.</summary>
    [Fact]
    public void The_training_step_shows_every_update_and_the_loss_before_and_after()
    {
        Dataset iris = Repo.Iris();
        var shape = new NetworkShape(4, 5, 3, true, Activation.Tanh);
        InitialWeights w = GradientTests.RandomWeights(4, 5, 3, true, seed: 4);
        Standardization st = Standardization.Fit(iris);
        double[] x = iris.Features[70].Select((v, d) => st.Apply(v, d)).ToArray();
        var options = new TrainingOptions { LearningRate = 1e-3, Momentum = 0.9, L2 = 0.5 };
        Explanation e = Explainer.Explain(shape, w, x, iris.Labels[70], iris.FeatureNames, iris.ClassNames, options);

        Assert.Equal(1e-3, e.Step.LearningRate);
        Assert.Equal(e.Loss, e.Step.LossBefore);
        Assert.True(e.Step.LossAfter < e.Step.LossBefore);
        double[] dA = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂A", StringComparison.Ordinal)).Value;
        double[] A = w.A.SelectMany(r => r).ToArray();
        double[] gA = e.Step.Quantities.Single(q => q.Symbol.StartsWith("g_A", StringComparison.Ordinal)).Value;
        double[] newA = e.Step.Quantities.Single(q => q.Symbol == "A + ΔA").Value;
        for (int i = 0; i < A.Length; i++)
        {
            Assert.Equal(dA[i] + 0.5 * A[i], gA[i], 1e-15);                // (15) with λ
            Assert.Equal(A[i] - 1e-3 * (dA[i] + 0.5 * A[i]), newA[i], 1e-15); // (16) from v = 0
        }
        double[] db = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂b", StringComparison.Ordinal)).Value;
        double[] newb = e.Step.Quantities.Single(q => q.Symbol == "b + Δb").Value;
        for (int j = 0; j < 3; j++) Assert.Equal(w.OutputBias![j] - 1e-3 * db[j], newb[j], 1e-15); // no λ on biases
        // First order: Δℓ ≈ −η ‖g‖², with g the gradient without λ (the loss has no penalty term).
        double expected = -1e-3 * e.Step.Quantities.Where(q => q.Symbol.StartsWith("g_", StringComparison.Ordinal))
            .Zip(new[] { "∂ℓ/∂A", "∂ℓ/∂a", "∂ℓ/∂B", "∂ℓ/∂b" }.Select(s => e.Backward.Single(q => q.Symbol.StartsWith(s,
                StringComparison.Ordinal)).Value))
            .Sum(p => p.First.Value.Zip(p.Second, (g, d) => g * d).Sum());
        Assert.Equal(expected, e.Step.LossAfter - e.Step.LossBefore, Math.Abs(expected) * 0.05);
    }

    /// <summary>
    /// Adam's and AdamW's first step from zero moments, written out here: m̂ = g and r̂ = g², so every entry of
    /// Δθ is −η g/(|g| + ε) (about ±η), and AdamW shrinks A and B by 1 − ηλ_w first; the bias corrections are
    /// shown as 1 − β1 and 1 − β2.
    /// </summary>
    [Theory]
    [InlineData(Optimizer.Adam)]
    [InlineData(Optimizer.AdamW)]
    public void The_adam_step_shows_the_moments_the_bias_corrections_and_the_step(Optimizer optimizer)
    {
        Dataset iris = Repo.Iris();
        var shape = new NetworkShape(4, 5, 3, true, Activation.Tanh);
        InitialWeights w = GradientTests.RandomWeights(4, 5, 3, true, seed: 4);
        Standardization st = Standardization.Fit(iris);
        double[] x = iris.Features[70].Select((v, d) => st.Apply(v, d)).ToArray();
        var options = new TrainingOptions
        {
            Optimizer = optimizer,
            LearningRate = 1e-2,
            Beta1 = 0.8,
            Beta2 = 0.99,
            Epsilon = 1e-3,
            WeightDecay = 0.5,
        };
        Explanation e = Explainer.Explain(shape, w, x, iris.Labels[70], iris.FeatureNames, iris.ClassNames, options);
        Quantity Q(string symbol) => e.Step.Quantities.Single(q => q.Symbol.StartsWith(symbol,
            StringComparison.Ordinal));
        double[] dA = e.Backward.Single(q => q.Symbol.StartsWith("∂ℓ/∂A", StringComparison.Ordinal)).Value;
        double[] A = w.A.SelectMany(r => r).ToArray();
        double[] m = Q("m_A").Value, r = Q("r_A").Value, mHat = Q("m̂_A").Value, rHat = Q("r̂_A").Value;
        double[] delta = Q("ΔA").Value, after = Q(optimizer == Optimizer.AdamW ? "A(1 − ηλ_w)" : "A + ΔA").Value;
        Assert.Equal([18, 19, 20, 20, 21, 22], new[] { "m_A", "r_A", "m̂_A", "r̂_A", "ΔA",
            "A" }.Select(s => Q(s).Equation));
        double shrink = optimizer == Optimizer.AdamW ? 1 - 1e-2 * 0.5 : 1;
        for (int i = 0; i < A.Length; i++)
        {
            Assert.Equal(0.2 * dA[i], m[i], 1e-15);                     // (18) from m = 0
            Assert.Equal(0.01 * dA[i] * dA[i], r[i], 1e-15);            // (19) from r = 0
            Assert.Equal(dA[i], mHat[i], 1e-14);                        // (20) c₁ = 1 − β1
            Assert.Equal(dA[i] * dA[i], rHat[i], 1e-14);                // (20) c₂ = 1 − β2
            Assert.Equal(-1e-2 * dA[i] / (Math.Abs(dA[i]) + 1e-3), delta[i], 1e-14); // (21) ε outside the root
            Assert.Equal(A[i] * shrink + delta[i], after[i], 1e-15);    // (22)
        }
        Assert.Contains(optimizer == Optimizer.AdamW ? "AdamW" : "Adam", e.Step.Rule, StringComparison.Ordinal);
        Assert.True(e.Step.LossAfter < e.Step.LossBefore);
    }

    [Fact]
    public void Explain_json_on_a_trained_model_exits_0_with_the_step_and_without_NaN()
    {
        Assert.Equal(0, Cli.Run(_dir, "train", "--epochs", "1000", "--test-fraction", "0", "--out", "r",
            "--quiet").ExitCode);
        Cli.Result r = Cli.Run(_dir, "explain", "--model", "r/model.json", "--sample", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("NaN", r.Stdout, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement step = doc.RootElement.GetProperty("training_step");
        Assert.Equal(0.1, step.GetProperty("learning_rate").GetDouble());
        Assert.True(step.GetProperty("loss_after").GetDouble() < step.GetProperty("loss_before").GetDouble());
        Assert.Contains(step.GetProperty("quantities").EnumerateArray(),
            q => q.GetProperty("symbol").GetString() == "B + ΔB");

        // The model's label column is found by name in another CSV (here the first column), without --label.
        string[] lines = File.ReadAllLines(Repo.IrisCsv);
        File.WriteAllLines(Path.Combine(_dir, "other.csv"), lines.Select(l
            =>
        { string[] c = l.Split(','); return string.Join(',', c[^1..].Concat(c[..^1])); }).Take(20));
        Cli.Result other = Cli.Run(_dir, "explain", "--model", "r/model.json", "--data", "other.csv", "--sample", "3");
        Assert.True(other.ExitCode == 0, other.Stderr);
        Assert.Contains("class 'setosa'", other.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", other.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run(_dir, "explain", "--model", "r/model.json", "--hidden", "3").ExitCode);
    }
}
