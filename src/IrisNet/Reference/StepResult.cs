namespace IrisNet.Reference;

/// <summary>One update step (Eqs. 15, 16) of <see cref="GradientDescent"/>.</summary>
/// <param name="Gradient">g: the gradient with the L2 term, ∂L/∂θ + λθ for A and B, ∂L/∂θ for a and b (Eq. 15).</param>
/// <param name="Velocity">v after the step, μ v + g (Eq. 16); equal to g without momentum.</param>
/// <param name="Update">Δθ = −η v, the change of each parameter (Eq. 16).</param>
/// <param name="Weights">θ + Δθ, the weights after the step.</param>
public sealed record StepResult(Parameters Gradient, Parameters Velocity, Parameters Update, Parameters Weights);
