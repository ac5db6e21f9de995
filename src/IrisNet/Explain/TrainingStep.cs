namespace IrisNet.Explain;

/// <summary>One update step on the explained sample (a batch of N = 1), from zero velocity.</summary>
/// <param name="LearningRate">η.</param>
/// <param name="Momentum">μ; the velocity starts at 0, so μv adds nothing on this first step.</param>
/// <param name="L2">λ, applied to A and B only.</param>
/// <param name="Quantities">For each tensor θ: g = ∂ℓ/∂θ (+ λθ), v = μ·0 + g, Δθ = −η v and θ + Δθ.</param>
/// <param name="LossBefore">ℓ of the sample before the step.</param>
/// <param name="LossAfter">ℓ of the sample with the weights after the step.</param>
public sealed record TrainingStep(double LearningRate, double Momentum, double L2, IReadOnlyList<Quantity> Quantities, double LossBefore, double LossAfter);
