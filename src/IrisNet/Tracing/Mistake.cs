namespace IrisNet.Tracing;

/// <summary>
/// A known backpropagation mistake, each the reference computation (<see cref="TraceComputation"/>) with
/// one equation swapped for its wrong version (<see cref="MistakeCatalogue.EquationsOf"/>,
/// <see cref="MistakeCatalogue.UpdateOf"/>). <c>irisnet diff</c> reruns each variant on the user's own
/// weights and data and names every one that reproduces the first quantity that disagrees.
/// The equation numbers are those of docs/derivation.md.
/// </summary>
public enum Mistake
{
    /// <summary>The reference itself: no mistake.</summary>
    None,

    /// <summary>
    /// (6)–(7) with only the diagonal of the softmax Jacobian, ∂ŷ_r/∂s_r = ŷ_r(1 − ŷ_r): then
    /// ∂ℓ/∂s_r = −y_r(1 − ŷ_r), so dS = −Y ⊙ (1 − Ŷ)/N, which is 0 for every class but the observed one.
    /// </summary>
    DiagonalSoftmax,

    /// <summary>(14) without the 1/N: the loss summed over the batch, L = Σ_n ℓ_n, and dS = Ŷ − Y (5, 7).</summary>
    SummedLoss,

    /// <summary>(9) with B where Bᵀ belongs: dH_ni = Σ_j dS_nj B_ij (per sample B ds instead of Bᵀ ds); only possible
    /// when H = C.</summary>
    TransposedB,

    /// <summary>(10) without the activation derivative: dZ = dH.</summary>
    NoActivationDerivative,

    /// <summary>(10) with f′ evaluated at h instead of z: dZ = dH ⊙ f′(H) (for tanh, 1 − tanh²(h) instead of 1 −
    /// h²).</summary>
    ActivationDerivativeOfH,

    /// <summary>(15) applied to the biases as well: the gradients of a and b get + λa and + λb.</summary>
    L2OnBiases,

    /// <summary>(16) with momentum as an exponential average, v ← μv + (1 − μ)g, instead of v ← μv + g.</summary>
    MomentumAverage,

    /// <summary>(16) with the sign of the step flipped: θ ← θ + ηv.</summary>
    UpdateSign,

    /// <summary>(12) with the bias gradients summed over the wrong axis: per sample over classes (db_n = Σ_k dS_nk) and
    /// hidden units (da_n = Σ_i dZ_ni), giving N numbers.</summary>
    BiasGradientWrongAxis,

    /// <summary>(5) and (7) with the class index in place of the one-hot row: Y_nk = label_n for every k.</summary>
    LabelsNotOneHot,
}
