using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.Training;

/// <summary>
/// The update rule of a training step (docs/derivation.md, Eqs. 16–22), with torch.optim's semantics:
/// each member's name (files and command line) is its attribute; <see cref="Names"/> reads it.
/// </summary>
[JsonConverter(typeof(NameConverter<Optimizer>))]
public enum Optimizer
{
    /// <summary>Gradient descent, with momentum μ when it is not 0 (Eq. 16; torch.optim.SGD).</summary>
    [JsonStringEnumMemberName("sgd")]
    Sgd,

    /// <summary>Nesterov momentum: the step looks ahead along the velocity (Eq. 17; SGD with nesterov=True). Needs μ
    /// &gt; 0.</summary>
    [JsonStringEnumMemberName("nesterov")]
    Nesterov,

    /// <summary>Adam: bias-corrected first and second moments of the gradient (Eqs. 18–21; torch.optim.Adam).</summary>
    [JsonStringEnumMemberName("adam")]
    Adam,

    /// <summary>AdamW: Adam with decoupled weight decay θ ← θ(1 − ηλ_w) before the step (Eq. 22;
    /// torch.optim.AdamW).</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}
