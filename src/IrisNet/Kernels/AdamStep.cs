using System.Numerics;

namespace IrisNet.Kernels;

/// <summary>
/// The numbers one Adam or AdamW step applies to every element of a tensor (docs/derivation.md,
/// Eqs. 18–22), computed once per step in float64 in the order torch.optim.Adam computes them:
/// bias corrections c₁ = 1 − β1^t and c₂ = 1 − β2^t, the step size η/c₁ and √c₂.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public readonly struct AdamStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>λ, the L2 coefficient added to the gradient, g′ = g + λθ (Eq. 15); 0 for biases.</summary>
    public T L2 { get; init; }

    /// <summary>1 − ηλ_w, AdamW's decoupled decay factor of θ (Eq. 22); 1 for Adam and for biases.</summary>
    public T Decay { get; init; }

    /// <summary>β1, the first moment's decay.</summary>
    public T Beta1 { get; init; }

    /// <summary>1 − β1, the weight of g in m (Eq. 18).</summary>
    public T OneMinusBeta1 { get; init; }

    /// <summary>β2, the second moment's decay.</summary>
    public T Beta2 { get; init; }

    /// <summary>1 − β2, the weight of g² in r (Eq. 19).</summary>
    public T OneMinusBeta2 { get; init; }

    /// <summary>η / (1 − β1^t), the step size with the first moment's bias correction folded in (Eqs. 20,
    /// 21).</summary>
    public T StepSize { get; init; }

    /// <summary>√(1 − β2^t), the square root of the second moment's bias correction (Eqs. 20, 21).</summary>
    public T CorrectionSqrt { get; init; }

    /// <summary>ε, added to √r̂ (Eq. 21).</summary>
    public T Epsilon { get; init; }

    /// <summary>
    /// The numbers of step <paramref name="t"/> (1 for the first step) at learning rate <paramref name="eta"/>:
    /// c₁ = 1 − β1^t, c₂ = 1 − β2^t, step size η/c₁, √c₂, and with AdamW 1 − ηλ_w.
    /// </summary>
    public static AdamStep<T> For(double eta, double beta1, double beta2, double epsilon, double l2,
        double decoupledDecay, long t)
    {
        double c1 = 1 - Math.Pow(beta1, t), c2 = 1 - Math.Pow(beta2, t);
        return new AdamStep<T>
        {
            L2 = T.CreateChecked(l2),
            Decay = T.CreateChecked(1 - eta * decoupledDecay),
            Beta1 = T.CreateChecked(beta1),
            OneMinusBeta1 = T.CreateChecked(1 - beta1),
            Beta2 = T.CreateChecked(beta2),
            OneMinusBeta2 = T.CreateChecked(1 - beta2),
            StepSize = T.CreateChecked(eta / c1),
            CorrectionSqrt = T.CreateChecked(Math.Sqrt(c2)),
            Epsilon = T.CreateChecked(epsilon),
        };
    }

    /// <summary>The same step for a bias: no L2 and no decoupled decay (biases are never decayed).</summary>
    public AdamStep<T> WithoutDecay() => this with { L2 = T.Zero, Decay = T.One };
}
