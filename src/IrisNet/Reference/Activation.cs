using System.Text.Json.Serialization;

namespace IrisNet.Reference;

/// <summary>
/// The hidden activation f applied to z = A x + a, giving h = f(z). The network of the sources (docs/derivation.md,
/// References) uses the identity (h = A x); tanh and ReLU make the network non-linear. Each member's name (files and
/// command line) is its attribute; IrisNet.Models.Names reads it, and the JSON contexts of the files convert it
/// by that name (the converter is theirs, so the reference names nothing else of the library).
/// </summary>
public enum Activation
{
    /// <summary>f(z) = z, f′(z) = 1 (Eqs. 2 and 13 of docs/derivation.md).</summary>
    [JsonStringEnumMemberName("identity")]
    Identity,

    /// <summary>f(z) = tanh z, f′(z) = 1 − tanh² z = 1 − h² (Eq. 13).</summary>
    [JsonStringEnumMemberName("tanh")]
    Tanh,

    /// <summary>f(z) = max(0, z), f′(z) = 1 for z &gt; 0 and 0 otherwise, including z = 0 (Eq. 13).</summary>
    [JsonStringEnumMemberName("relu")]
    Relu,
}
