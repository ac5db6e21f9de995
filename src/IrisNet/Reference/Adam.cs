namespace IrisNet.Reference;

/// <summary>
/// Adam and AdamW as torch.optim evaluates them, docs/derivation.md Eqs. 18–22, one member per equation,
/// applied entry by entry to every tensor by <see cref="Step"/>. The state is the first moment m, the
/// second moment r (not v: v is the velocity of Eq. 16) and the step count t, all zero at the start.
/// <code>
/// (15) g = ∂L/∂θ + λθ for A and B (Adam's L2), g = ∂L/∂θ for a and b
/// (18) m ← β1 m + (1 − β1) g
/// (19) r ← β2 r + (1 − β2) g²
/// (20) c₁ = 1 − β1^t,  c₂ = 1 − β2^t   (t = 1 at the first step)
/// (21) Δθ = −(η / c₁) m / (√r / √c₂ + ε)   (= −η m̂ / (√r̂ + ε), m̂ = m / c₁, r̂ = r / c₂)
/// (22) AdamW: θ ← θ (1 − η λ_w) + Δθ for A and B; Adam: θ ← θ + Δθ
/// </code>
/// </summary>
/// <param name="eta">η, the learning rate.</param>
/// <param name="beta1">β1, the first moment's decay.</param>
/// <param name="beta2">β2, the second moment's decay.</param>
/// <param name="epsilon">ε, added to √r̂ outside the square root.</param>
/// <param name="lambda">λ, L2 weight decay added to the gradient of A and B (Eq. 15).</param>
/// <param name="decoupled">λ_w, AdamW's decoupled weight decay of A and B (Eq. 22); 0 for Adam.</param>
public class Adam(double eta, double beta1, double beta2, double epsilon, double lambda, double decoupled)
{
    /// <summary>η, the learning rate.</summary>
    public double Eta => eta;

    /// <summary>β1, the first moment's decay.</summary>
    public double Beta1 => beta1;

    /// <summary>β2, the second moment's decay.</summary>
    public double Beta2 => beta2;

    /// <summary>ε, added to √r̂.</summary>
    public double Epsilon => epsilon;

    /// <summary>λ, the L2 weight decay in the gradient.</summary>
    public double Lambda => lambda;

    /// <summary>λ_w, the decoupled weight decay (AdamW).</summary>
    public double DecoupledDecay => decoupled;

    /// <summary>(15) g = ∂L/∂θ + λθ for an entry of A or B; a bias is not decayed: g = ∂L/∂θ.</summary>
    public virtual double Gradient(double dTheta, double theta, bool bias) => bias ? dTheta : dTheta + lambda * theta;

    /// <summary>(18) m ← β1 m + (1 − β1) g, the first moment.</summary>
    public virtual double FirstMoment(double m, double g) => beta1 * m + (1 - beta1) * g;

    /// <summary>(19) r ← β2 r + (1 − β2) g², the second moment (the square taken after the weighting).</summary>
    public virtual double SecondMoment(double r, double g) => beta2 * r + (1 - beta2) * g * g;

    /// <summary>(20) c₁ = 1 − β1^t and c₂ = 1 − β2^t, the bias corrections of step t (t = 1 first).</summary>
    public virtual (double C1, double C2) BiasCorrections(long t) => (1 - Math.Pow(beta1, t), 1 - Math.Pow(beta2, t));

    /// <summary>(21) Δθ = −(η / c₁) m / (√r / √c₂ + ε): ε outside the square root, as torch adds it.</summary>
    public virtual double Update(double m, double r, double c1, double c2) =>
        -(eta / c1) * m / (Math.Sqrt(r) / Math.Sqrt(c2) + epsilon);

    /// <summary>(22) θ (1 − η λ_w) for an entry of A or B (AdamW; θ itself when λ_w = 0); a bias keeps θ.</summary>
    public virtual double Decay(double theta, bool bias) => bias ? theta : theta * (1 - eta * decoupled);

    /// <summary>Step <paramref name="t"/> of Eqs. 15 and 18–22 on every tensor of <paramref name="w"/>.</summary>
    /// <param name="w">The weights before the step.</param>
    /// <param name="dTheta">∂L/∂θ for each tensor (<see cref="Gradients.dTheta"/>).</param>
    /// <param name="m">m before the step, or null for zeros (the first step).</param>
    /// <param name="r">r before the step, or null for zeros.</param>
    /// <param name="t">The step's number, 1 for the first.</param>
    public AdamStepResult Step(Parameters w, Parameters dTheta, Parameters? m, Parameters? r, long t)
    {
        Parameters g = dTheta.Zip(w, (d, x) => Gradient(d, x, bias: false), (d, x) => Gradient(d, x, bias: true));
        Parameters m1 = (m ?? w.Zero()).Zip(g, FirstMoment);
        Parameters r1 = (r ?? w.Zero()).Zip(g, SecondMoment);
        var (c1, c2) = BiasCorrections(t);
        Parameters update = m1.Zip(r1, (mi, ri) => Update(mi, ri, c1, c2));
        Parameters decayed = w.Zip(w, (x, _) => Decay(x, bias: false), (x, _) => Decay(x, bias: true));
        return new AdamStepResult(g, m1, r1, t, c1, c2, update, decayed.Zip(update, (x, u) => x + u));
    }
}

/// <summary>What one step of <see cref="Adam"/> computed, each quantity with its equation.</summary>
/// <param name="Gradient">(15) g, the gradient with L2.</param>
/// <param name="FirstMoment">(18) m after the step.</param>
/// <param name="SecondMoment">(19) r after the step.</param>
/// <param name="Step">t, the step's number (1 first).</param>
/// <param name="C1">(20) c₁ = 1 − β1^t.</param>
/// <param name="C2">(20) c₂ = 1 − β2^t.</param>
/// <param name="Update">(21) Δθ.</param>
/// <param name="Weights">(22) θ (1 − η λ_w) + Δθ, the weights after the step.</param>
public sealed record AdamStepResult(Parameters Gradient, Parameters FirstMoment, Parameters SecondMoment, long Step,
    double C1, double C2, Parameters Update, Parameters Weights);
