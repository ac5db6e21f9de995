using IrisNet.Reference;
using IrisNet.Tracing;
using IrisNet.Training;

namespace IrisNet.Explain;

/// <summary>
/// Computes, for one standardized sample x with label c, every quantity of docs/derivation.md with the
/// reference's own members (<see cref="Equations"/>, through <see cref="ReferenceNetwork"/> on a batch of one)
/// and a central finite difference for each derivative, taken on the function that derivative belongs to
/// (for example ∂ℓ/∂ŷ perturbs ŷ in ℓ(ŷ) = −Σ y ln ŷ, <see cref="Equations.CrossEntropy"/>); then one
/// training step on the sample with <see cref="ReferenceNetwork.Step"/>.
/// </summary>
/// <remarks>
/// Each finite difference is taken twice, with steps ε and 2ε. Its truncation error grows as the
/// step squared, so the two differ by about three times the error of the first; where they differ
/// by more than 10⁻⁸ + 10⁻⁴·|estimate|, or where the one-sided slopes on either side differ by more
/// than 10⁻⁶ + 10⁻³·|estimate| (a kink such as ReLU at z = 0), the entry gets a note instead of
/// counting as a check. ∂ℓ/∂ŷ_k = −y_k/ŷ_k
/// is differenced with a step relative to ŷ_k, ε·ŷ_k: an absolute ε would leave the domain of
/// ln once ŷ_k &lt; ε, and its truncation error, about ε²/ŷ_k³, would swamp the value long before.
/// </remarks>
public static class Explainer
{
    /// <summary>Explains one step of <paramref name="weights"/> on sample <paramref name="x"/> (already
    /// standardized).</summary>
    /// <param name="shape">D, H, C, bias and activation.</param>
    /// <param name="weights">The weights to explain.</param>
    /// <param name="x">The standardized sample, D entries.</param>
    /// <param name="label">Its class index.</param>
    /// <param name="featureNames">D names, for the tables.</param>
    /// <param name="classNames">C names.</param>
    /// <param name="training">η, μ and λ of the step (defaults: <see cref="TrainingOptions"/>'s).</param>
    /// <param name="epsilon">The finite-difference step.</param>
    public static Explanation Explain(NetworkShape shape, InitialWeights weights, double[] x, int label,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, TrainingOptions? training = null,
            double epsilon = 1e-5)
    {
        training ??= new TrainingOptions();
        int D = shape.D, H = shape.H, C = shape.C;
        Activation f = shape.Activation;
        weights.Validate(D, C, shape.Bias, null);
        if (x.Length != D) throw new ArgumentException($"x has {x.Length} entries; D = {D}.", nameof(x));
        if ((uint)label >= (uint)C) throw new ArgumentOutOfRangeException(nameof(label));
        Equations e = Equations.Derived;
        Parameters w = weights.ToParameters();
        if (!shape.Bias) w = w with { HiddenBias = null, OutputBias = null };
        double[][] X = [x], Y = e.Y([label], C);
        double[] y = Y[0];
        string[] hidden = Enumerable.Range(1, H).Select(i => $"h{i}").ToArray();
        string[] features = featureNames.ToArray(), classes = classNames.ToArray();
        string[] one = [""];

        // (1)–(5) and (7)–(12) on a batch of one sample, where L = ℓ and dS = ŷ − y.
        ForwardPass fw = ReferenceNetwork.Forward(w, f, X, Y);
        Gradients g = ReferenceNetwork.Backward(w, f, X, Y, fw);
        double[] z = fw.Z[0], h = fw.H[0], s = fw.S[0], yhat = fw.Yhat[0], dS = g.dS[0];
        double loss = fw.Losses[0];
        double[] dYhat = Equations.dYhat(yhat, y);                                     // (5) ∂ℓ/∂ŷ = −y/ŷ
        double[] jacobian = Equations.SoftmaxJacobian(yhat);                           // (6) Diag(ŷ) − ŷŷᵀ

        // Finite differences, each on the function its derivative belongs to.
        double Whole(Parameters p) => ReferenceNetwork.Forward(p, f, X, Y).L;
        double LossOfH(double[] hv) => Equations.Loss(e.S([hv], w)[0], y);
        // ℓ(ŷ), differenced with the relative step ε·ŷ_k, which keeps ŷ_k ± step inside (0, ∞).
        var (nYhat, yhatNotes) = Numeric(yhat, p => Equations.CrossEntropy(p, y),
            k => yhat[k] > 0 ? epsilon * yhat[k] : epsilon);
        for (int k = 0; k < C; k++)
        {
            if (y[k] != 0 && yhat[k] == 0)
            {
                dYhat[k] = double.NegativeInfinity;
                yhatNotes[k] = "ŷ rounded to 0, so −y/ŷ is −∞ and has no finite difference";
                nYhat[k] = double.NegativeInfinity;
            }
        }
        var nJacobian = new double[C * C];
        var jacobianNotes = new string?[C * C];
        for (int j = 0; j < C; j++)
        {
            int column = j;
            var (d, notes) = Numeric([s[j]], v =>
            {
                double[] moved = (double[])s.Clone();
                moved[column] = v[0];
                return Equations.Softmax(moved);
            }, C, _ => epsilon);
            for (int k = 0; k < C; k++)
            {
                nJacobian[k * C + j] = d[k];
                jacobianNotes[k * C + j] = notes[k];
            }
        }
        var (nS, sNotes) = Numeric(s, v => Equations.Loss(v, y), _ => epsilon);
        var (nB, bNotes) = Numeric(Flat(w.B), v => Whole(w with { B = Rows(v, C, H) }), _ => epsilon);
        var (nH, hNotes) = Numeric(h, LossOfH, _ => epsilon);
        var (nZ, zNotes) = Numeric(z, v => LossOfH(e.H(f, [v])[0]), _ => epsilon);
        var (nA, aNotes) = Numeric(Flat(w.A), v => Whole(w with { A = Rows(v, H, D) }), _ => epsilon);
        string central = $"central difference, step ε = {epsilon:0.#E+0}";
        string relative =
            $"central difference, step ε·ŷ_k with ε = {epsilon:0.#E+0} (relative to ŷ_k, so it stays inside the " +
            $"domain of ln)";

        var forward = new List<Quantity>
        {
            new(1, "x", D, 1, features, one, x, null),
            new(1, "z = A x + a", H, 1, hidden, one, z, null),
            new(2, "h = f(z)", H, 1, hidden, one, h, null),
            new(3, "s = B h + b", C, 1, classes, one, s, null),
            new(4, "ŷ = softmax(s)", C, 1, classes, one, yhat, null),
            new(5, "ℓ = −Σ y ln ŷ", 1, 1, ["ℓ"], one, [loss], null),
        };
        var backward = new List<Quantity>
        {
            new(5, "∂ℓ/∂ŷ = −y/ŷ", C, 1, classes, one, dYhat, nYhat, yhatNotes, relative),
            new(6, "∂ŷ/∂s = Diag(ŷ) − ŷŷᵀ", C, C, classes, classes, jacobian, nJacobian, jacobianNotes, central),
            new(7, "∂ℓ/∂s = ŷ − y", C, 1, classes, one, dS, nS, sNotes, central),
            new(8, "∂ℓ/∂B = (ŷ − y) hᵀ", C, H, classes, hidden, Flat(g.dB), nB, bNotes, central),
        };
        if (shape.Bias)
        {
            var (nb, nbNotes) = Numeric(w.OutputBias!, v => Whole(w with { OutputBias = v }), _ => epsilon);
            backward.Add(new(12, "∂ℓ/∂b = ŷ − y", C, 1, classes, one, g.dOutputBias!, nb, nbNotes, central));
        }
        backward.Add(new(9, "∂ℓ/∂h = Bᵀ(ŷ − y)", H, 1, hidden, one, g.dH[0], nH, hNotes, central));
        backward.Add(new(10, "∂ℓ/∂z = ∂ℓ/∂h ⊙ f′(z)", H, 1, hidden, one, g.dZ[0], nZ, zNotes, central));
        backward.Add(new(11, "∂ℓ/∂A = (∂ℓ/∂z) xᵀ", H, D, hidden, features, Flat(g.dA), nA, aNotes, central));
        if (shape.Bias)
        {
            var (na, naNotes) = Numeric(w.HiddenBias!, v => Whole(w with { HiddenBias = v }), _ => epsilon);
            backward.Add(new(12, "∂ℓ/∂a = ∂ℓ/∂z", H, 1, hidden, one, g.dHiddenBias!, na, naNotes, central));
        }

        // The diagonal-only shortcut, ∂ℓ/∂s_r ≈ −y_r(1 − ŷ_r), carried through (8)–(11): the backward pass with the
        // one equation that diff's diagonal-softmax mistake swaps.
        Equations diagonalOnly = MistakeCatalogue.EquationsOf(Mistake.DiagonalSoftmax);
        Gradients shortcut = ReferenceNetwork.Backward(w, f, X, Y, fw, diagonalOnly);
        var shortcuts = new List<Quantity>
        {
            new(7, "∂ℓ/∂s (diagonal only) = −y(1 − ŷ)", C, 1, classes, one, shortcut.dS[0], dS),
            new(8, "∂ℓ/∂B (diagonal only)", C, H, classes, hidden, Flat(shortcut.dB), Flat(g.dB)),
            new(11, "∂ℓ/∂A (diagonal only)", H, D, hidden, features, Flat(shortcut.dA), Flat(g.dA)),
        };
        TrainingStep step = Step(shape, w, X, Y, training, hidden, features, classes);
        return new Explanation(shape, label, loss, forward, backward, shortcuts, step);
    }

    // One step of the options' optimizer on this sample alone (N = 1) from zero state, with the reference
    // members: Eqs. 15–16 (SGD), 17 (Nesterov) or 15 and 18–22 (Adam, AdamW) at step t = 1.
    private static TrainingStep Step(NetworkShape shape, Parameters w, double[][] X, double[][] Y, TrainingOptions o,
        string[] hidden, string[] features, string[] classes)
    {
        var (before, g) = ReferenceNetwork.ForwardBackward(w, shape.Activation, X, Y);
        string[] one = [""];
        var list = new List<Quantity>();
        var tensors = new (string Name, string Gradient, Func<Parameters, double[]?> Pick, int Rows, int Cols,
            string[] RowLabels, string[] ColLabels)[]
        {
            ("A", "∂ℓ/∂A + λA", p => Flat(p.A), shape.H, shape.D, hidden, features),
            ("a", "∂ℓ/∂a", p => p.HiddenBias, shape.H, 1, hidden, one),
            ("B", "∂ℓ/∂B + λB", p => Flat(p.B), shape.C, shape.H, classes, hidden),
            ("b", "∂ℓ/∂b", p => p.OutputBias, shape.C, 1, classes, one),
        };
        void Add(int equation, Func<string, string> symbol, Parameters value)
        {
            foreach (var t in tensors)
            {
                if (t.Pick(w) is null) continue;
                list.Add(new(equation, symbol(t.Name), t.Rows, t.Cols, t.RowLabels, t.ColLabels, t.Pick(value)!, null));
            }
        }
        void AddGradient(Parameters value)
        {
            foreach (var t in tensors)
            {
                if (t.Pick(w) is null) continue;
                list.Add(new(15, $"g_{t.Name} = {t.Gradient}", t.Rows, t.Cols, t.RowLabels, t.ColLabels, t.Pick(value)!,
                    null));
            }
        }
        Parameters after;
        string rule;
        switch (o.Optimizer)
        {
            case Optimizer.Adam or Optimizer.AdamW:
                {
                    double decay = o.Optimizer == Optimizer.AdamW ? o.WeightDecay : 0;
                    var adam = new Adam(o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.L2, decay);
                    AdamStepResult r = adam.Step(w, g.dTheta, null, null, 1);
                    AddGradient(r.Gradient);
                    Add(18, n => $"m_{n} = β1·0 + (1 − β1) g_{n}", r.FirstMoment);
                    Add(19, n => $"r_{n} = β2·0 + (1 − β2) g_{n}²", r.SecondMoment);
                    Add(20, n => $"m̂_{n} = m_{n} / c₁", r.FirstMoment.Map(m => m / r.C1));
                    Add(20, n => $"r̂_{n} = r_{n} / c₂", r.SecondMoment.Map(v => v / r.C2));
                    Add(21, n => $"Δ{n} = −η m̂_{n} / (√r̂_{n} + ε)", r.Update);
                    Add(22, n => decay > 0 && n is "A" or "B" ? $"{n}(1 − ηλ_w) + Δ{n}" : $"{n} + Δ{n}", r.Weights);
                    after = r.Weights;
                    rule = $"{(decay > 0 ? "AdamW" : "Adam")}, Eqs. 15, 18–22 at step t = 1: β1 = {R(o.Beta1)}, "
                        + $"β2 = {R(o.Beta2)}, ε = {R(o.Epsilon)}, bias corrections c₁ = 1 − β1 = {G(r.C1)} and "
                        + $"c₂ = 1 − β2 = {G(r.C2)} (m and r start at 0, so m̂ = g and r̂ = g²: each entry moves by " +
                            $"about η "
                        + "on this first step, whatever the size of its gradient)"
                        + (decay > 0 ? $", decoupled decay λ_w = {R(decay)} on A and B" : "");
                    break;
                }
            case Optimizer.Nesterov:
                {
                    StepResult r = new Nesterov(o.LearningRate, o.Momentum, o.L2).Step(w, g.dTheta, null);
                    AddGradient(r.Gradient);
                    Add(17, n => $"v_{n} = μ·0 + g_{n}", r.Velocity);
                    Add(17, n => $"Δ{n} = −η (g_{n} + μ v_{n})", r.Update);
                    Add(17, n => $"{n} + Δ{n}", r.Weights);
                    after = r.Weights;
                    rule = $"Nesterov, Eq. 17: μ = {R(o.Momentum)} (v starts at 0; the look-ahead μv counts already)";
                    break;
                }
            default:
                {
                    StepResult r = ReferenceNetwork.Step(w, g, null, o.LearningRate, o.Momentum, o.L2);
                    AddGradient(r.Gradient);
                    Add(16, n => $"v_{n} = μ·0 + g_{n}", r.Velocity);
                    Add(16, n => $"Δ{n} = −η v_{n}", r.Update);
                    Add(16, n => $"{n} + Δ{n}", r.Weights);
                    after = r.Weights;
                    rule = $"gradient descent, Eqs. 15–16: μ = {R(o.Momentum)} (v starts at 0, so μv adds nothing on a "
                        + "first step)";
                    break;
                }
        }
        double lossAfter = ReferenceNetwork.Forward(after, shape.Activation, X, Y).L;
        return new TrainingStep(o.LearningRate, o.Momentum, o.L2, list, before.L, lossAfter) { Rule = rule };
    }

    private static string G(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static string R(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static double[] Flat(double[][] m) => m.SelectMany(row => row).ToArray();

    private static double[][] Rows(double[] flat, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * cols, cols).ToArray()).ToArray();

    private static (double[] Estimate, string?[] Notes) Numeric(double[] at, Func<double[], double> f, Func<int,
        double> step)
    {
        var (d, notes) = Numeric(at, v => [f(v)], 1, step);
        return (d, notes);
    }

    // Central differences of the vector function f (outputs entries) with respect to each entry i
    // of at, estimate[o·|at| + i] — or, for a scalar function, estimate[i]. Two checks decide
    // whether an entry can be trusted: the central difference with twice the step (their gap is
    // about three times the truncation error), and the one-sided slopes on either side (they part
    // at a kink such as ReLU's z = 0, where the central difference averages two slopes).
    private static (double[] Estimate, string?[] Notes) Numeric(double[] at, Func<double[], double[]> f, int outputs,
        Func<int, double> step)
    {
        int n = at.Length;
        var estimate = new double[outputs * n];
        var notes = new string?[outputs * n];
        double[] f0 = f(at);
        for (int i = 0; i < n; i++)
        {
            double e = step(i);
            var (p1, m1, up, down) = Evaluate(at, f, i, e);
            var (p2, m2, up2, down2) = Evaluate(at, f, i, 2 * e);
            for (int o = 0; o < outputs; o++)
            {
                int k = outputs == 1 ? i : o * n + i;
                double d1 = (p1[o] - m1[o]) / (up + down), d2 = (p2[o] - m2[o]) / (up2 + down2);
                double forward = (p1[o] - f0[o]) / up, backward = (f0[o] - m1[o]) / down;
                double truncation = Math.Abs(d2 - d1) / 3, kink = Math.Abs(forward - backward);
                estimate[k] = double.IsFinite(d1) ? d1 : 0;
                if (!double.IsFinite(d1) || !double.IsFinite(d2))
                    notes[k] = "no finite difference: the function is not finite within the step";
                else if (truncation > 1e-8 + 1e-4 * Math.Abs(d1))
                    notes[k] =
                        $"inaccurate by nature here: steps {e:0.#E+0} and {2 * e:0.#E+0} disagree by " +
                        $"{3 * truncation:0.#E+0} (the function bends too fast for the step)";
                else if (kink > 1e-6 + 1e-3 * Math.Abs(d1))
                    notes[k] =
                        $"inaccurate by nature here: the slopes on either side differ by {kink:0.#E+0} (a kink, such " +
                        $"as ReLU at z = 0, where the derivative does not exist)";
            }
        }
        return (estimate, notes);
    }

    // f at at ± e in entry i, with the steps actually taken after rounding.
    private static (double[] Plus, double[] Minus, double Up, double Down) Evaluate(double[] at, Func<double[],
        double[]> f, int i, double e)
    {
        double[] plus = (double[])at.Clone(), minus = (double[])at.Clone();
        plus[i] += e;
        minus[i] -= e;
        return (f(plus), f(minus), plus[i] - at[i], at[i] - minus[i]);
    }
}
