namespace IrisNet.Explain;

/// <summary>A parameter tensor for the gradient check: its values (perturbed in place) and its analytic
/// gradient.</summary>
/// <param name="Name">A, a, B or b.</param>
/// <param name="Values">θ, read and restored by the check.</param>
/// <param name="Gradient">∂J/∂θ as computed by the backward pass under test.</param>
public sealed record ParameterTensor(string Name, double[] Values, double[] Gradient);
