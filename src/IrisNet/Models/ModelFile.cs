using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Reference;

namespace IrisNet.Models;

/// <summary>
/// model.json exactly as written and read: <see cref="ModelJsonContext"/> maps it, strictly (every
/// required field present, no unknown or repeated field, names and numbers of the right kind).
/// What JSON cannot say (lengths that follow from D, H and C; finite numbers) <see cref="ModelJson"/> checks.
/// A null member (a, b without biases; data, split and training of older files) is not written.
/// </summary>
internal sealed record ModelFile
{
    public required string Format { get; init; }

    public required int Version { get; init; }

    public required Precision Precision { get; init; }

    public required Activation Activation { get; init; }

    public required bool Bias { get; init; }

    [JsonPropertyName("D")]
    public required int D { get; init; }

    [JsonPropertyName("H")]
    public required int H { get; init; }

    [JsonPropertyName("C")]
    public required int C { get; init; }

    public required string[] Features { get; init; }

    public required string[] Classes { get; init; }

    public required string Label { get; init; }

    public required StandardizationBlock Standardization { get; init; }

    /// <summary>A, H rows of D numbers.</summary>
    [JsonPropertyName("A")]
    public required double[][] Hidden { get; init; }

    /// <summary>a, H numbers, present only with biases.</summary>
    [JsonPropertyName("a")]
    public double[]? HiddenBias { get; init; }

    /// <summary>B, C rows of H numbers.</summary>
    [JsonPropertyName("B")]
    public required double[][] Output { get; init; }

    /// <summary>b, C numbers, present only with biases.</summary>
    [JsonPropertyName("b")]
    public double[]? OutputBias { get; init; }

    public TrainingData? Data { get; init; }

    public DataSplit? Split { get; init; }

    public TrainingBlock? Training { get; init; }
}
