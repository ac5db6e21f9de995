using IrisNet.FastPath;

namespace IrisNet.Reference;

/// <summary>
/// The reference implementation of docs/derivation.md over a batch: the forward pass (1)–(5), the
/// backward pass (7)–(12) and the update step (15)–(16), each a sequence of the members of
/// <see cref="Equations"/> (and <see cref="GradientDescent"/>) in the order of the document, over
/// sample-major arrays in float64. Nothing here is tuned; every fast path of the library
/// (<see cref="Network{T, TK}"/> with separate kernels or the fused sweep, on any number of threads) is
/// tested against it. Each pass takes an optional <see cref="Equations"/> variant (by default
/// <see cref="Equations.Derived"/>): <c>irisnet trace</c> and <c>diff</c> run a known mistake that way.
/// </summary>
public static class ReferenceNetwork
{
    /// <summary>
    /// The forward pass, Eqs. 1–5, over the rows of <paramref name="X"/> (N×D) with labels
    /// <paramref name="Y"/> (N×C, one-hot).
    /// </summary>
    public static ForwardPass Forward(Parameters w, Activation f, double[][] X, double[][] Y,
        Equations? equations = null)
    {
        Equations e = equations ?? Equations.Derived;
        w.CheckShapes(X.Length == 0 ? w.A[0].Length : X[0].Length);
        double[][] Z = e.Z(X, w);            // (1) Z = X Aᵀ + 1aᵀ
        double[][] H = e.H(f, Z);            // (2) H = f(Z)
        double[][] S = e.S(H, w);            // (3) S = H Bᵀ + 1bᵀ
        double[][] Yhat = e.Yhat(S);         // (4) Ŷ = softmax of each row
        double[] losses = e.Losses(S, Y);    // (5) ℓ_n = −Σ_k y_k ln ŷ_k
        return new ForwardPass(Z, H, S, Yhat, losses, e.L(losses));
    }

    /// <summary>
    /// The backward pass, Eqs. 7–12 with the mean of Eq. 14: dS = (Ŷ − Y)/N, then <see cref="BackwardFrom"/>.
    /// </summary>
    public static Gradients Backward(Parameters w, Activation f, double[][] X, double[][] Y, ForwardPass forward,
        Equations? equations = null)
    {
        Equations e = equations ?? Equations.Derived;
        return BackwardFrom(w, f, X, forward, e.dS(forward.Yhat, Y), e);    // (7, 14) dS = (Ŷ − Y)/N
    }

    /// <summary>
    /// Eqs. 8–12 from a given dS = ∂L/∂S (N×C), in reverse order of the forward pass. <see cref="Backward"/>
    /// passes the dS of Eq. 7; a caller studying another dS may pass its own.
    /// </summary>
    public static Gradients BackwardFrom(Parameters w, Activation f, double[][] X, ForwardPass forward, double[][] dS,
        Equations? equations = null)
    {
        Equations e = equations ?? Equations.Derived;
        double[][] dB = e.dB(dS, forward.H);                                   // (8)  dB = dSᵀ H
        double[]? db = w.OutputBias is null ? null : e.SumOverSamples(dS);     // (12) db = Σ_n dS_n
        double[][] dH = e.dH(dS, w.B);                                         // (9)  dH = dS B
        double[][] dZ = e.dZ(f, dH, forward.Z);                                // (10) dZ = dH ⊙ f′(Z)
        double[][] dA = e.dA(dZ, X);                                           // (11) dA = dZᵀ X
        double[]? da = w.HiddenBias is null ? null : e.SumOverSamples(dZ);     // (12) da = Σ_n dZ_n
        return new Gradients(dS, dB, db, dH, dZ, dA, da);
    }

    /// <summary>The forward and backward pass together.</summary>
    public static (ForwardPass Forward, Gradients Gradients) ForwardBackward(Parameters w, Activation f,
        double[][] X, double[][] Y, Equations? equations = null)
    {
        ForwardPass forward = Forward(w, f, X, Y, equations);
        return (forward, Backward(w, f, X, Y, forward, equations));
    }

    /// <summary>
    /// One update, Eqs. 15–16, with <see cref="GradientDescent"/>: for every tensor θ of <paramref name="w"/>,
    /// g = ∂L/∂θ + λθ for the weights A and B (the biases a and b get no λ term), v ← μ v + g, θ ← θ − η v.
    /// With μ = 0 this is θ ← θ − η g.
    /// </summary>
    /// <param name="w">The weights before the step.</param>
    /// <param name="gradients">∂L/∂θ from <see cref="Backward"/>.</param>
    /// <param name="velocity">v before the step (<see cref="Parameters.Zero"/> at the start), or null for
    /// zeros.</param>
    /// <param name="eta">η, the learning rate.</param>
    /// <param name="mu">μ, the momentum (0 for none).</param>
    /// <param name="lambda">λ, the L2 weight decay on A and B.</param>
    public static StepResult Step(Parameters w, Gradients gradients, Parameters? velocity, double eta, double mu,
        double lambda) => new GradientDescent(eta, mu, lambda).Step(w, gradients.dTheta, velocity);
}
