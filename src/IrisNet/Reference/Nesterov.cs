namespace IrisNet.Reference;

/// <summary>
/// Nesterov momentum as torch.optim.SGD(nesterov=True) takes it, docs/derivation.md Eq. 17: the velocity
/// of Eq. 16, and a step along the gradient plus the velocity looked ahead once more.
/// <code>
/// (15) g = ∂L/∂θ + λθ for A and B, g = ∂L/∂θ for a and b
/// (17) v ← μ v + g,  Δθ = −η (g + μ v),  θ ← θ + Δθ
/// </code>
/// </summary>
/// <param name="eta">η, the learning rate.</param>
/// <param name="mu">μ, the momentum.</param>
/// <param name="lambda">λ, the L2 weight decay on A and B.</param>
public class Nesterov(double eta, double mu, double lambda) : GradientDescent(eta, mu, lambda)
{
    /// <summary>(17) Δθ = −η (g + μ v), with v the velocity after this step's update.</summary>
    public override double Change(double g, double v) => -Eta * (g + Mu * v);
}
