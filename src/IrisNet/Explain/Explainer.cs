using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Explain;

/// <summary>
/// Computes, for one standardized sample x with label c, every quantity of docs/derivation.md
/// with plain loops in float64 — deliberately not the batch kernels, so it can be read line by
/// line — and a central finite difference for each derivative, taken on the function that
/// derivative belongs to (for example ∂L/∂ŷ perturbs ŷ in ℓ(ŷ) = −Σ y ln ŷ); then one training
/// step on the sample with <see cref="ReferenceNetwork.Step"/>.
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
    /// <summary>Explains one step of <paramref name="weights"/> on sample <paramref name="x"/> (already standardized).</summary>
    /// <param name="shape">D, H, C, bias and activation.</param>
    /// <param name="weights">The weights to explain.</param>
    /// <param name="x">The standardized sample, D entries.</param>
    /// <param name="label">Its class index.</param>
    /// <param name="featureNames">D names, for the tables.</param>
    /// <param name="classNames">C names.</param>
    /// <param name="training">η, μ and λ of the step (defaults: <see cref="TrainingOptions"/>'s).</param>
    /// <param name="epsilon">The finite-difference step.</param>
    public static Explanation Explain(NetworkShape shape, InitialWeights weights, double[] x, int label,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, TrainingOptions? training = null, double epsilon = 1e-5)
    {
        training ??= new TrainingOptions();
        int D = shape.D, H = shape.H, C = shape.C;
        weights.Validate(D, C, shape.Bias, null);
        if (x.Length != D) throw new ArgumentException($"x has {x.Length} entries; D = {D}.", nameof(x));
        if ((uint)label >= (uint)C) throw new ArgumentOutOfRangeException(nameof(label));
        double[] A = weights.A.SelectMany(r => r).ToArray(), B = weights.B.SelectMany(r => r).ToArray();
        double[] a = weights.HiddenBias ?? new double[H], b = weights.OutputBias ?? new double[C];
        double[] y = new double[C];
        y[label] = 1;
        string[] hidden = Enumerable.Range(1, H).Select(i => $"h{i}").ToArray();
        string[] features = featureNames.ToArray(), classes = classNames.ToArray();
        string[] one = [""];

        double[] z = Affine(A, a, x, H, D);                                             // (1)
        double[] h = z.Select(v => F(shape.Activation, v)).ToArray();                  // (2)
        double[] s = Affine(B, b, h, C, H);                                             // (3)
        double[] yhat = Softmax(s);                                                     // (4)
        double loss = CrossEntropy(s, y);                                               // (5)

        // Analytic chain-rule factors.
        double[] dYhat = yhat.Select((p, k) => -y[k] / p).ToArray();                    // (5) ∂ℓ/∂ŷ
        var jacobian = new double[C * C];                                               // (6) Diag(ŷ) − ŷŷᵀ
        for (int k = 0; k < C; k++)
            for (int j = 0; j < C; j++) jacobian[k * C + j] = yhat[k] * ((k == j ? 1 : 0) - yhat[j]);
        double[] dS = yhat.Select((p, k) => p - y[k]).ToArray();                        // (7) ŷ − y
        double[] dB = Outer(dS, h);                                                     // (8)
        double[] dH = new double[H];                                                    // (9) Bᵀ(ŷ − y)
        for (int i = 0; i < H; i++)
            for (int j = 0; j < C; j++) dH[i] += B[j * H + i] * dS[j];
        double[] dZ = dH.Select((g, i) => g * FPrime(shape.Activation, z[i])).ToArray(); // (10)
        double[] dA = Outer(dZ, x);                                                     // (11)

        // Finite differences, each on the function its derivative belongs to.
        double Whole(double[] A2, double[] a2, double[] B2, double[] b2) =>
            CrossEntropy(Affine(B2, b2, Affine(A2, a2, x, H, D).Select(v => F(shape.Activation, v)).ToArray(), C, H), y);
        // ℓ(ŷ) = −Σ_{k: y_k ≠ 0} y_k ln ŷ_k (the terms with y_k = 0 are 0 whatever ŷ_k is), differenced
        // with the relative step ε·ŷ_k, which keeps ŷ_k ± step inside (0, ∞).
        var (nYhat, yhatNotes) = Numeric(yhat, p => -Enumerable.Range(0, C).Where(k => y[k] != 0).Sum(k => y[k] * Math.Log(p[k])),
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
                return Softmax(moved);
            }, C, _ => epsilon);
            for (int k = 0; k < C; k++)
            {
                nJacobian[k * C + j] = d[k];
                jacobianNotes[k * C + j] = notes[k];
            }
        }
        var (nS, sNotes) = Numeric(s, v => CrossEntropy(v, y), _ => epsilon);
        var (nB, bNotes) = Numeric(B, v => Whole(A, a, v, b), _ => epsilon);
        var (nH, hNotes) = Numeric(h, v => CrossEntropy(Affine(B, b, v, C, H), y), _ => epsilon);
        var (nZ, zNotes) = Numeric(z, v => CrossEntropy(Affine(B, b, v.Select(t => F(shape.Activation, t)).ToArray(), C, H), y), _ => epsilon);
        var (nA, aNotes) = Numeric(A, v => Whole(v, a, B, b), _ => epsilon);
        string central = $"central difference, step ε = {epsilon:0.#E+0}";
        string relative = $"central difference, step ε·ŷ_k with ε = {epsilon:0.#E+0} (relative to ŷ_k, so it stays inside the domain of ln)";

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
            new(8, "∂ℓ/∂B = (ŷ − y) hᵀ", C, H, classes, hidden, dB, nB, bNotes, central),
        };
        if (shape.Bias)
        {
            var (nb, nbNotes) = Numeric(b, v => Whole(A, a, B, v), _ => epsilon);
            backward.Add(new(12, "∂ℓ/∂b = ŷ − y", C, 1, classes, one, dS, nb, nbNotes, central));
        }
        backward.Add(new(9, "∂ℓ/∂h = Bᵀ(ŷ − y)", H, 1, hidden, one, dH, nH, hNotes, central));
        backward.Add(new(10, "∂ℓ/∂z = ∂ℓ/∂h ⊙ f′(z)", H, 1, hidden, one, dZ, nZ, zNotes, central));
        backward.Add(new(11, "∂ℓ/∂A = (∂ℓ/∂z) xᵀ", H, D, hidden, features, dA, nA, aNotes, central));
        if (shape.Bias)
        {
            var (na, naNotes) = Numeric(a, v => Whole(A, v, B, b), _ => epsilon);
            backward.Add(new(12, "∂ℓ/∂a = ∂ℓ/∂z", H, 1, hidden, one, dZ, na, naNotes, central));
        }

        // The diagonal-only shortcut: ∂ℓ/∂s_r ≈ −y_r(1 − ŷ_r), carried through (8)–(11).
        double[] shortS = yhat.Select((p, k) => -y[k] * (1 - p)).ToArray();
        double[] shortH = new double[H];
        for (int i = 0; i < H; i++)
            for (int j = 0; j < C; j++) shortH[i] += B[j * H + i] * shortS[j];
        double[] shortZ = shortH.Select((g, i) => g * FPrime(shape.Activation, z[i])).ToArray();
        var shortcut = new List<Quantity>
        {
            new(7, "∂ℓ/∂s (diagonal only) = −y(1 − ŷ)", C, 1, classes, one, shortS, dS),
            new(8, "∂ℓ/∂B (diagonal only)", C, H, classes, hidden, Outer(shortS, h), dB),
            new(11, "∂ℓ/∂A (diagonal only)", H, D, hidden, features, Outer(shortZ, x), dA),
        };
        return new Explanation(shape, label, loss, forward, backward, shortcut, Step(shape, weights, x, y, training, hidden, features, classes));
    }

    // One step of Eqs. 15–16 on this sample alone (N = 1) from zero velocity, with the reference implementation.
    private static TrainingStep Step(NetworkShape shape, InitialWeights weights, double[] x, double[] y, TrainingOptions o,
        string[] hidden, string[] features, string[] classes)
    {
        var w = ReferenceNetwork.Parameters.From(weights);
        if (!shape.Bias) w = w with { HiddenBias = null, OutputBias = null };
        double[][] X = [x], Y = [y];
        var (before, g) = ReferenceNetwork.ForwardBackward(w, shape.Activation, X, Y);
        ReferenceNetwork.StepResult r = ReferenceNetwork.Step(w, g, null, o.LearningRate, o.Momentum, o.L2);
        double after = ReferenceNetwork.Forward(r.Weights, shape.Activation, X, Y).L;
        string[] one = [""];
        var list = new List<Quantity>();
        void Tensor(string name, string gradient, Func<ReferenceNetwork.Parameters, double[]?> pick, int rows, int cols, string[] rowLabels, string[] colLabels)
        {
            if (pick(w) is null) return;
            list.Add(new(15, $"g_{name} = {gradient}", rows, cols, rowLabels, colLabels, pick(r.Gradient)!, null));
            list.Add(new(16, $"v_{name} = μ·0 + g_{name}", rows, cols, rowLabels, colLabels, pick(r.Velocity)!, null));
            list.Add(new(16, $"Δ{name} = −η v_{name}", rows, cols, rowLabels, colLabels, pick(r.Update)!, null));
            list.Add(new(16, $"{name} + Δ{name}", rows, cols, rowLabels, colLabels, pick(r.Weights)!, null));
        }
        static double[] Flat(double[][] m) => m.SelectMany(row => row).ToArray();
        Tensor("A", "∂ℓ/∂A + λA", p => Flat(p.A), shape.H, shape.D, hidden, features);
        Tensor("a", "∂ℓ/∂a", p => p.HiddenBias, shape.H, 1, hidden, one);
        Tensor("B", "∂ℓ/∂B + λB", p => Flat(p.B), shape.C, shape.H, classes, hidden);
        Tensor("b", "∂ℓ/∂b", p => p.OutputBias, shape.C, 1, classes, one);
        return new TrainingStep(o.LearningRate, o.Momentum, o.L2, list, before.L, after);
    }

    private static double F(Activation f, double z) => f switch { Activation.Tanh => Math.Tanh(z), Activation.Relu => Math.Max(0, z), _ => z };

    private static double FPrime(Activation f, double z) => f switch
    {
        Activation.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        Activation.Relu => z > 0 ? 1 : 0,
        _ => 1,
    };

    private static double[] Affine(double[] W, double[] bias, double[] v, int rows, int cols)
    {
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = bias[r];
            for (int c = 0; c < cols; c++) sum += W[r * cols + c] * v[c];
            result[r] = sum;
        }
        return result;
    }

    private static double[] Softmax(double[] s)
    {
        double m = s.Max();
        double[] e = s.Select(v => Math.Exp(v - m)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double CrossEntropy(double[] s, double[] y)
    {
        double m = s.Max();
        double logSum = Math.Log(s.Sum(v => Math.Exp(v - m)));
        return Enumerable.Range(0, s.Length).Sum(k => y[k] * (m + logSum - s[k]));
    }

    private static double[] Outer(double[] u, double[] v)
    {
        var result = new double[u.Length * v.Length];
        for (int i = 0; i < u.Length; i++)
            for (int j = 0; j < v.Length; j++) result[i * v.Length + j] = u[i] * v[j];
        return result;
    }

    private static (double[] Estimate, string?[] Notes) Numeric(double[] at, Func<double[], double> f, Func<int, double> step)
    {
        var (d, notes) = Numeric(at, v => [f(v)], 1, step);
        return (d, notes);
    }

    // Central differences of the vector function f (outputs entries) with respect to each entry i
    // of at, estimate[o·|at| + i] — or, for a scalar function, estimate[i]. Two checks decide
    // whether an entry can be trusted: the central difference with twice the step (their gap is
    // about three times the truncation error), and the one-sided slopes on either side (they part
    // at a kink such as ReLU's z = 0, where the central difference averages two slopes).
    private static (double[] Estimate, string?[] Notes) Numeric(double[] at, Func<double[], double[]> f, int outputs, Func<int, double> step)
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
                    notes[k] = $"inaccurate by nature here: steps {e:0.#E+0} and {2 * e:0.#E+0} disagree by {3 * truncation:0.#E+0} (the function bends too fast for the step)";
                else if (kink > 1e-6 + 1e-3 * Math.Abs(d1))
                    notes[k] = $"inaccurate by nature here: the slopes on either side differ by {kink:0.#E+0} (a kink, such as ReLU at z = 0, where the derivative does not exist)";
            }
        }
        return (estimate, notes);
    }

    // f at at ± e in entry i, with the steps actually taken after rounding.
    private static (double[] Plus, double[] Minus, double Up, double Down) Evaluate(double[] at, Func<double[], double[]> f, int i, double e)
    {
        double[] plus = (double[])at.Clone(), minus = (double[])at.Clone();
        plus[i] += e;
        minus[i] -= e;
        return (f(plus), f(minus), plus[i] - at[i], at[i] - minus[i]);
    }
}
