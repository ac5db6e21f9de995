namespace IrisNet.Tracing;

/// <summary>The names and one-line descriptions of the <see cref="Mistake"/> variants, as <c>irisnet diff</c> prints them.</summary>
public static class MistakeCatalogue
{
    /// <summary>Every mistake diff tests, in the order it reports them.</summary>
    public static IReadOnlyList<Mistake> All { get; } = Enum.GetValues<Mistake>().Where(m => m != Mistake.None).ToArray();

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
        Mistake.DiagonalSoftmax => "diagonal-only softmax Jacobian (6): ∂ŷ_r/∂s_r = ŷ_r(1 − ŷ_r) alone gives dS = −Y(1 − Ŷ)/N, 0 for every class but the observed one; use dS = (Ŷ − Y)/N (7)",
        Mistake.SummedLoss => "missing 1/N (14): the loss and dS are summed over the batch instead of averaged; use L = (1/N) Σ ℓ_n and dS = (Ŷ − Y)/N",
        Mistake.TransposedB => "B transposed in dH (9): dH = dS Bᵀ (per sample B ds); use dH = dS B (per sample Bᵀ ds)",
        Mistake.NoActivationDerivative => "activation derivative left out (10): dZ = dH; use dZ = dH ⊙ f′(Z)",
        Mistake.ActivationDerivativeOfH => "activation derivative applied to h instead of z (10): dZ = dH ⊙ f′(H); use f′(Z) (for tanh, 1 − H², which is f′(z))",
        Mistake.L2OnBiases => "L2 applied to the biases (15): weight decay λ added to the gradients of a and b; decay only A and B",
        Mistake.MomentumAverage => "momentum as an exponential average (16): v ← μv + (1 − μ)g; use v ← μv + g",
        Mistake.UpdateSign => "sign error in the update (16): θ ← θ + ηv; use θ ← θ − ηv",
        Mistake.BiasGradientWrongAxis => "bias gradient summed over the wrong axis (12): one number per sample; sum dS and dZ over the samples (the rows)",
        Mistake.LabelsNotOneHot => "labels not one-hot (5): Y holds the class index in every column; use Y_nk = 1 for the observed class k, 0 otherwise",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };
}
