using IrisNet.Data;

namespace IrisNet.Models;

/// <summary>model.json's "standardization": the kind and, per feature, μ and σ.</summary>
internal sealed record StandardizationBlock
{
    public required StandardizationKind Kind { get; init; }

    public required double[] Mean { get; init; }

    public required double[] Scale { get; init; }
}
