using IrisNet.Reference;

namespace IrisNet.Tracing;

/// <summary>
/// The <see cref="Mistake"/> variants: for each, the one equation it swaps (<see cref="EquationsOf"/> and
/// <see cref="UpdateOf"/>, each the reference's members with one overridden) and its name and one-line
/// description, as <c>irisnet diff</c> prints them.
/// </summary>
public static class MistakeCatalogue
{
    /// <summary>Every mistake diff tests, in the order it reports them.</summary>
    public static IReadOnlyList<Mistake> All { get; } = Enum.GetValues<Mistake>().Where(m => m
        != Mistake.None).ToArray();

    /// <summary>A short stable name (used in tests and JSON).</summary>
    public static string Key(Mistake m) => m switch
    {
        Mistake.None => "none",
        Mistake.DiagonalSoftmax => "diagonal-softmax",
        Mistake.SummedLoss => "summed-loss",
        Mistake.TransposedB => "transposed-B",
        Mistake.NoActivationDerivative => "no-activation-derivative",
        Mistake.ActivationDerivativeOfH => "activation-derivative-of-h",
        Mistake.L2OnBiases => "l2-on-biases",
        Mistake.MomentumAverage => "momentum-average",
        Mistake.UpdateSign => "update-sign",
        Mistake.BiasGradientWrongAxis => "bias-gradient-wrong-axis",
        Mistake.LabelsNotOneHot => "labels-not-one-hot",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    /// <summary>What the variant computes, with the equation it breaks.</summary>
    public static string Describe(Mistake m) => m switch
    {
        Mistake.None => "the reference",
        Mistake.DiagonalSoftmax =>
            "diagonal-only softmax Jacobian (6): ∂ŷ_r/∂s_r = ŷ_r(1 − ŷ_r) alone gives dS = −Y(1 − Ŷ)/N, 0 for every " +
            "class but the observed one; use dS = (Ŷ − Y)/N (7)",
        Mistake.SummedLoss =>
            "missing 1/N (14): the loss and dS are summed over the batch instead of averaged; use L = (1/N) Σ ℓ_n " +
            "and dS = (Ŷ − Y)/N",
        Mistake.TransposedB => "B transposed in dH (9): dH = dS Bᵀ (per sample B ds); use dH = dS B (per sample Bᵀ ds)",
        Mistake.NoActivationDerivative => "activation derivative left out (10): dZ = dH; use dZ = dH ⊙ f′(Z)",
        Mistake.ActivationDerivativeOfH =>
            "activation derivative applied to h instead of z (10): dZ = dH ⊙ f′(H); use f′(Z) (for tanh, 1 − H², " +
            "which is f′(z))",
        Mistake.L2OnBiases =>
            "L2 applied to the biases (15): weight decay λ added to the gradients of a and b; decay only A and B",
        Mistake.MomentumAverage => "momentum as an exponential average (16): v ← μv + (1 − μ)g; use v ← μv + g",
        Mistake.UpdateSign => "sign error in the update (16): θ ← θ + ηv; use θ ← θ − ηv",
        Mistake.BiasGradientWrongAxis =>
            "bias gradient summed over the wrong axis (12): one number per sample; sum dS and dZ over the samples " +
            "(the rows)",
        Mistake.LabelsNotOneHot =>
            "labels not one-hot (5): Y holds the class index in every column; use Y_nk = 1 for the observed class k, " +
            "0 otherwise",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    /// <summary>
    /// The equations (1)–(14) as <paramref name="m"/> computes them: <see cref="Equations.Derived"/>, or for a
    /// mistake of the forward or backward pass the same members with the one it gets wrong replaced.
    /// </summary>
    public static Equations EquationsOf(Mistake m) => m switch
    {
        Mistake.DiagonalSoftmax => new DiagonalSoftmax(),
        Mistake.SummedLoss => new SummedLoss(),
        Mistake.TransposedB => new TransposedB(),
        Mistake.NoActivationDerivative => new NoActivationDerivative(),
        Mistake.ActivationDerivativeOfH => new ActivationDerivativeOfH(),
        Mistake.BiasGradientWrongAxis => new BiasGradientWrongAxis(),
        Mistake.LabelsNotOneHot => new LabelsNotOneHot(),
        _ => Equations.Derived,
    };

    /// <summary>
    /// The update (15)–(16) with η, μ and λ as <paramref name="m"/> computes it: <see cref="GradientDescent"/>, or
    /// for a mistake of the update the same members with the one it gets wrong replaced.
    /// </summary>
    public static GradientDescent UpdateOf(Mistake m, double eta, double mu, double lambda) => m switch
    {
        Mistake.L2OnBiases => new L2OnBiases(eta, mu, lambda),
        Mistake.MomentumAverage => new MomentumAverage(eta, mu, lambda),
        Mistake.UpdateSign => new UpdateSign(eta, mu, lambda),
        _ => new GradientDescent(eta, mu, lambda),
    };

    // (7) from the diagonal of the Jacobian (6) alone: ∂ℓ/∂s_r = −y_r(1 − ŷ_r), 0 for every class but the observed one.
    private sealed class DiagonalSoftmax : Equations
    {
        public override double[][] dS(double[][] Yhat, double[][] Y)
        {
            double weight = SampleWeight(Yhat.Length);
            return Yhat.Select((yhat, n) => yhat.Select((p, k) => -Y[n][k] * (1 - p) * weight).ToArray()).ToArray();
        }
    }

    // (14) without the 1/N: L = Σ_n ℓ_n and dS = Ŷ − Y.
    private sealed class SummedLoss : Equations
    {
        public override double SampleWeight(int N) => 1;
    }

    // (9) with B where Bᵀ belongs: dh_i = Σ_j ds_j B_ij, per sample B ds (only H = C fits).
    private sealed class TransposedB : Equations
    {
        public override double[][] dH(double[][] dS, double[][] B)
        {
            if (B.Length != B[0].Length)
                throw new ArgumentException($"B is {B.Length}×{B[0].Length}: only a square B fits dS B transposed.");
            return dS.Select(ds => B.Select(row => row.Select((v, j) => ds[j] * v).Sum()).ToArray()).ToArray();
        }
    }

    // (10) without f′: dZ = dH.
    private sealed class NoActivationDerivative : Equations
    {
        public override double[][] dZ(Activation f, double[][] dH, double[][] Z) => dH;
    }

    // (10) with f′ at h = f(z) instead of z: dZ = dH ⊙ f′(H).
    private sealed class ActivationDerivativeOfH : Equations
    {
        public override double[][] dZ(Activation f, double[][] dH, double[][] Z) => base.dZ(f, dH, H(f, Z));
    }

    // (12) summed over the wrong axis: for each sample over its classes or hidden units, N numbers.
    private sealed class BiasGradientWrongAxis : Equations
    {
        public override double[] SumOverSamples(double[][] G) => G.Select(row => row.Sum()).ToArray();
    }

    // (5) with the class index in place of the one-hot row: y_k = label for every k.
    private sealed class LabelsNotOneHot : Equations
    {
        public override double[][] Y(IReadOnlyList<int> labels, int C) =>
            labels.Select(label => Enumerable.Repeat((double)label, C).ToArray()).ToArray();
    }

    // (15) applied to the biases as well: g = ∂L/∂θ + λθ for a and b too.
    private sealed class L2OnBiases(double eta, double mu, double lambda) : GradientDescent(eta, mu, lambda)
    {
        public override double Gradient(double dTheta, double theta, bool bias) => dTheta + Lambda * theta;
    }

    // (16) with momentum as an exponential average: v ← μ v + (1 − μ) g.
    private sealed class MomentumAverage(double eta, double mu, double lambda) : GradientDescent(eta, mu, lambda)
    {
        public override double Velocity(double v, double g) => Mu * v + (1 - Mu) * g;
    }

    // (16) with the sign of the step flipped: Δθ = +η v.
    private sealed class UpdateSign(double eta, double mu, double lambda) : GradientDescent(eta, mu, lambda)
    {
        public override double Update(double v) => Eta * v;
    }
}
