namespace IrisNet.Reference;

/// <summary>Every quantity of the backward pass, each the derivative of the mean loss L.</summary>
/// <param name="dS">∂L/∂S = (Ŷ − Y)/N, N×C (Eqs. 7, 14).</param>
/// <param name="dB">∂L/∂B = dSᵀ H, C×H (Eq. 8).</param>
/// <param name="dOutputBias">db = ∂L/∂b = Σ_n dS, C, or null without biases (Eq. 12).</param>
/// <param name="dH">∂L/∂H = dS B, N×H (Eq. 9).</param>
/// <param name="dZ">∂L/∂Z = dH ⊙ f′(Z), N×H (Eqs. 10, 13).</param>
/// <param name="dA">∂L/∂A = dZᵀ X, H×D (Eq. 11).</param>
/// <param name="dHiddenBias">da = ∂L/∂a = Σ_n dZ, H, or null without biases (Eq. 12).</param>
public sealed record Gradients(double[][] dS, double[][] dB, double[]? dOutputBias, double[][] dH, double[][] dZ,
    double[][] dA, double[]? dHiddenBias)
{
    /// <summary>∂L/∂θ for the four parameter tensors θ = A, a, B, b, shaped like them.</summary>
    public Parameters dTheta => new(dA, dHiddenBias, dB, dOutputBias);
}
