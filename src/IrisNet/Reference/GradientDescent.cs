namespace IrisNet.Reference;

/// <summary>
/// The update of docs/derivation.md, Eqs. 15–16: gradient descent with learning rate η, momentum μ and
/// L2 weight decay λ on the weights A and B, one member per equation, applied entry by entry to every
/// tensor by <see cref="Step"/>. Another update rule (an optimizer such as Adam) would be another set of
/// members like these, with its own state in place of v; a known mistake of the update is a subclass
/// that overrides one member.
/// <code>
/// (15) g = ∂L/∂θ + λθ for A and B, g = ∂L/∂θ for a and b
/// (16) v ← μ v + g (v = 0 at the start),  Δθ = −η v,  θ ← θ + Δθ
/// </code>
/// </summary>
/// <param name="eta">η, the learning rate.</param>
/// <param name="mu">μ, the momentum (0 for plain gradient descent).</param>
/// <param name="lambda">λ, the L2 weight decay on A and B.</param>
public class GradientDescent(double eta, double mu, double lambda)
{
    /// <summary>η, the learning rate.</summary>
    public double Eta => eta;

    /// <summary>μ, the momentum.</summary>
    public double Mu => mu;

    /// <summary>λ, the weight decay.</summary>
    public double Lambda => lambda;

    /// <summary>
    /// (15) g = ∂L/∂θ + λθ for an entry of a weight matrix (A, B), the gradient of J = L + (λ/2)(‖A‖² + ‖B‖²);
    /// a bias (a, b) is not decayed: g = ∂L/∂θ.
    /// </summary>
    public virtual double Gradient(double dTheta, double theta, bool bias) => bias ? dTheta : dTheta + lambda * theta;

    /// <summary>(16) v ← μ v + g: the plain sum, not the average μ v + (1 − μ) g.</summary>
    public virtual double Velocity(double v, double g) => mu * v + g;

    /// <summary>(16) Δθ = −η v, the change of θ.</summary>
    public virtual double Update(double v) => -eta * v;

    /// <summary>
    /// The change of θ from the step's gradient g and new velocity v: (16) Δθ = −η v here;
    /// <see cref="Nesterov"/> looks ahead, (17) Δθ = −η (g + μ v).
    /// </summary>
    public virtual double Change(double g, double v) => Update(v);

    /// <summary>One step of Eqs. 15–16 on every tensor of <paramref name="w"/>.</summary>
    /// <param name="w">The weights before the step.</param>
    /// <param name="dTheta">∂L/∂θ for each tensor (<see cref="Gradients.dTheta"/>).</param>
    /// <param name="velocity">v before the step, or null for zeros (the first step).</param>
    public StepResult Step(Parameters w, Parameters dTheta, Parameters? velocity)
    {
        Parameters g = dTheta.Zip(w, (d, t) => Gradient(d, t, bias: false), (d, t) => Gradient(d, t, bias: true));
        Parameters v = (velocity ?? w.Zero()).Zip(g, Velocity);
        Parameters update = g.Zip(v, Change);
        return new StepResult(g, v, update, w.Zip(update, (t, u) => t + u));
    }
}
