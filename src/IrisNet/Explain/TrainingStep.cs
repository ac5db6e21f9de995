namespace IrisNet.Explain;

/// <summary>One update step of the chosen optimizer on the explained sample (a batch of N = 1), from zero
/// state.</summary>
/// <param name="LearningRate">η.</param>
/// <param name="Momentum">μ; the velocity starts at 0, so μv adds nothing on this first step.</param>
/// <param name="L2">λ, applied to A and B only.</param>
/// <param name="Quantities">
/// For each tensor θ, in equation order: g = ∂ℓ/∂θ (+ λθ), then the rule's state (v; or m, r and the
/// bias-corrected m̂, r̂), Δθ and the weights after the step.
/// </param>
/// <param name="LossBefore">ℓ of the sample before the step.</param>
/// <param name="LossAfter">ℓ of the sample with the weights after the step.</param>
public sealed record TrainingStep(double LearningRate, double Momentum, double L2, IReadOnlyList<Quantity> Quantities,
    double LossBefore, double LossAfter)
{
    /// <summary>The optimizer and its parameters, in words (SGD's Eqs. 15–16 unless another was chosen).</summary>
    public string Rule { get; init; } = "gradient descent, Eqs. 15–16";
}
