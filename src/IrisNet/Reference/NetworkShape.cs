namespace IrisNet.Reference;

/// <summary>The sizes of the network: D inputs, H hidden units, C classes, and whether biases are on.</summary>
/// <param name="D">Features per sample.</param>
/// <param name="H">Hidden units.</param>
/// <param name="C">Classes.</param>
/// <param name="Bias">True for h = f(A x + a), s = B h + b; false for the sources' h = f(A x), s = B h
/// (docs/derivation.md, References).</param>
/// <param name="Activation">The hidden activation f.</param>
public readonly record struct NetworkShape(int D, int H, int C, bool Bias, Activation Activation)
{
    /// <summary>Number of trainable parameters: H·D + C·H, plus H + C with biases.</summary>
    public long ParameterCount => (long)H * D + (long)C * H + (Bias ? H + C : 0);
}
