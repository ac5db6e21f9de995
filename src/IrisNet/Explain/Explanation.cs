using IrisNet.Reference;

namespace IrisNet.Explain;

/// <summary>The walk-through of one observation and one training step.</summary>
public sealed class Explanation
{
    internal Explanation(NetworkShape shape, int label, double loss, IReadOnlyList<Quantity> forward,
        IReadOnlyList<Quantity> backward,
        IReadOnlyList<Quantity> shortcut, TrainingStep step)
    {
        Shape = shape;
        Label = label;
        Loss = loss;
        Forward = forward;
        Backward = backward;
        Shortcut = shortcut;
        Step = step;
    }

    /// <summary>D, H, C, bias and activation.</summary>
    public NetworkShape Shape { get; }

    /// <summary>The observed class index.</summary>
    public int Label { get; }

    /// <summary>ℓ, the sample's cross-entropy.</summary>
    public double Loss { get; }

    /// <summary>x, z, h, s, ŷ and ℓ (Eqs. 1–5).</summary>
    public IReadOnlyList<Quantity> Forward { get; }

    /// <summary>Every chain-rule factor with its finite-difference estimate (Eqs. 5–12).</summary>
    public IReadOnlyList<Quantity> Backward { get; }

    /// <summary>The diagonal-only shortcut's ∂L/∂s, ∂L/∂B and ∂L/∂A, each "Numeric" holding the correct value for
    /// contrast.</summary>
    public IReadOnlyList<Quantity> Shortcut { get; }

    /// <summary>One gradient-descent step on this sample alone (Eqs. 15, 16) and its effect on ℓ.</summary>
    public TrainingStep Step { get; }
}
