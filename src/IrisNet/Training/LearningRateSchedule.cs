using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.Training;

/// <summary>
/// How the learning rate changes from epoch to epoch (docs/derivation.md, Eqs. 23–28), with the
/// semantics of torch.optim.lr_scheduler; stepped once per epoch, never per mini-batch. Each
/// member's name (files and command line) is its attribute.
/// </summary>
[JsonConverter(typeof(NameConverter<LearningRateSchedule>))]
public enum LearningRateSchedule
{
    /// <summary>η every epoch (Eq. 23).</summary>
    [JsonStringEnumMemberName("constant")]
    Constant,

    /// <summary>η γ^⌊e/k⌋: multiplied by γ every k epochs (Eq. 24; StepLR).</summary>
    [JsonStringEnumMemberName("step")]
    Step,

    /// <summary>η γ^e: multiplied by γ every epoch (Eq. 25; ExponentialLR).</summary>
    [JsonStringEnumMemberName("exponential")]
    Exponential,

    /// <summary>η_min + (η − η_min)(1 + cos(π e/T))/2: half a cosine from η down to η_min over T epochs (Eq. 26;
    /// CosineAnnealingLR).</summary>
    [JsonStringEnumMemberName("cosine")]
    Cosine,

    /// <summary>Multiplied by a factor when the validation loss stops improving (Eq. 28; ReduceLROnPlateau). Needs a
    /// validation set.</summary>
    [JsonStringEnumMemberName("plateau")]
    Plateau,
}
