namespace IrisNet;

/// <summary>
/// Computes, for one standardized sample x with label c, every quantity of docs/derivation.md
/// with plain loops in float64 — deliberately not the batch kernels, so it can be read line by
/// line — and a central finite difference for each derivative, taken on the function that
/// derivative belongs to (for example ∂L/∂ŷ perturbs ŷ in ℓ(ŷ) = −Σ y ln ŷ).
/// </summary>
public static class Explainer
{
    /// <summary>Explains one step of <paramref name="weights"/> on sample <paramref name="x"/> (already standardized).</summary>
    public static Explanation Explain(NetworkShape shape, InitialWeights weights, double[] x, int label,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, double epsilon = 1e-5)
    {
        int D = shape.D, H = shape.H, C = shape.C;
        weights.Validate(D, C, shape.Bias, null);
        if (x.Length != D) throw new ArgumentException($"x has {x.Length} entries; D = {D}.", nameof(x));
        if ((uint)label >= (uint)C) throw new ArgumentOutOfRangeException(nameof(label));
        double[] A = weights.A.SelectMany(r => r).ToArray(), B = weights.B.SelectMany(r => r).ToArray();
        double[] a = weights.a ?? new double[H], b = weights.b ?? new double[C];
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
        double[] nYhat = Numeric(yhat, p => -Enumerable.Range(0, C).Sum(k => y[k] * Math.Log(p[k])), epsilon);
        var nJacobian = new double[C * C];
        for (int j = 0; j < C; j++)
        {
            double[] plus = (double[])s.Clone(), minus = (double[])s.Clone();
            plus[j] += epsilon;
            minus[j] -= epsilon;
            double[] p1 = Softmax(plus), p0 = Softmax(minus);
            for (int k = 0; k < C; k++) nJacobian[k * C + j] = (p1[k] - p0[k]) / (2 * epsilon);
        }
        double[] nS = Numeric(s, v => CrossEntropy(v, y), epsilon);
        double[] nB = Numeric(B, v => Whole(A, a, v, b), epsilon);
        double[] nH = Numeric(h, v => CrossEntropy(Affine(B, b, v, C, H), y), epsilon);
        double[] nZ = Numeric(z, v => CrossEntropy(Affine(B, b, v.Select(t => F(shape.Activation, t)).ToArray(), C, H), y), epsilon);
        double[] nA = Numeric(A, v => Whole(v, a, B, b), epsilon);

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
            new(5, "∂ℓ/∂ŷ = −y/ŷ", C, 1, classes, one, dYhat, nYhat),
            new(6, "∂ŷ/∂s = Diag(ŷ) − ŷŷᵀ", C, C, classes, classes, jacobian, nJacobian),
            new(7, "∂ℓ/∂s = ŷ − y", C, 1, classes, one, dS, nS),
            new(8, "∂ℓ/∂B = (ŷ − y) hᵀ", C, H, classes, hidden, dB, nB),
        };
        if (shape.Bias) backward.Add(new(12, "∂ℓ/∂b = ŷ − y", C, 1, classes, one, dS, Numeric(b, v => Whole(A, a, B, v), epsilon)));
        backward.Add(new(9, "∂ℓ/∂h = Bᵀ(ŷ − y)", H, 1, hidden, one, dH, nH));
        backward.Add(new(10, "∂ℓ/∂z = ∂ℓ/∂h ⊙ f′(z)", H, 1, hidden, one, dZ, nZ));
        backward.Add(new(11, "∂ℓ/∂A = (∂ℓ/∂z) xᵀ", H, D, hidden, features, dA, nA));
        if (shape.Bias) backward.Add(new(12, "∂ℓ/∂a = ∂ℓ/∂z", H, 1, hidden, one, dZ, Numeric(a, v => Whole(A, v, B, b), epsilon)));

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
        return new Explanation(shape, label, loss, forward, backward, shortcut);
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

    private static double[] Numeric(double[] at, Func<double[], double> f, double epsilon)
    {
        var result = new double[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            double[] plus = (double[])at.Clone(), minus = (double[])at.Clone();
            plus[i] += epsilon;
            minus[i] -= epsilon;
            result[i] = (f(plus) - f(minus)) / (2 * epsilon);
        }
        return result;
    }
}
