namespace IrisNet;

/// <summary>
/// The hidden activation f applied to z = A x + a, giving h = f(z). The network of the sources (docs/derivation.md, References) uses the
/// identity (h = A x); tanh and ReLU make the network non-linear.
/// </summary>
public enum Activation
{
    /// <summary>f(z) = z, f′(z) = 1 (Eqs. 2 and 13 of docs/derivation.md).</summary>
    Identity,

    /// <summary>f(z) = tanh z, f′(z) = 1 − tanh² z = 1 − h² (Eq. 13).</summary>
    Tanh,

    /// <summary>f(z) = max(0, z), f′(z) = 1 for z &gt; 0 and 0 otherwise, including z = 0 (Eq. 13).</summary>
    Relu,
}
