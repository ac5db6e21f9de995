using System.Text.Json.Serialization;

namespace IrisNet.Cli.Output;

/// <summary><c>predict --json</c>: the classes, then per row its features and either a prediction or an
/// error.</summary>
public sealed record PredictOutput(IReadOnlyList<string> Classes, IReadOnlyList<PredictOutput.Row> Predictions)
{
    /// <summary>One row: the predicted class and every probability, or, when they are not finite, the error
    /// instead.</summary>
    public sealed record Row(
        int Number,
        double[] Features,
        string? Class,
        Dictionary<string, double>? Probabilities,
        string? Error)
    {
        [JsonPropertyName("row")]
        public int Number { get; init; } = Number;
    }
}
