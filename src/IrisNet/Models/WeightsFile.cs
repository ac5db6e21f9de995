using System.Text.Json.Serialization;

namespace IrisNet.Models;

/// <summary>
/// A plain weights file for <c>--init</c>: "A" and "B", "a" and "b" with biases, and optionally the
/// "features" and "classes" the rows and columns belong to (then they are matched by name).
/// </summary>
internal sealed record WeightsFile
{
    [JsonPropertyName("A")]
    public required double[][] Hidden { get; init; }

    [JsonPropertyName("a")]
    public double[]? HiddenBias { get; init; }

    [JsonPropertyName("B")]
    public required double[][] Output { get; init; }

    [JsonPropertyName("b")]
    public double[]? OutputBias { get; init; }

    public string[]? Features { get; init; }

    public string[]? Classes { get; init; }
}
