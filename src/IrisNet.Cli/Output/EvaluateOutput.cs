using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace IrisNet.Cli.Output;

/// <summary>
/// <c>evaluate --json</c>: which model, which data, which rows were scored (the split and how many),
/// then everything the table shows: loss, accuracy, confusion matrix and per-class precision, recall and F1.
/// </summary>
public sealed record EvaluateOutput : EvaluationJson
{
    [SetsRequiredMembers]
    public EvaluateOutput(EvaluationJson scores, IReadOnlyList<string> classes, string model, string data,
        string sha256, string split) : base(scores)
    {
        Classes = classes;
        Model = model;
        Data = data;
        Sha256 = sha256;
        Split = split;
    }

    [JsonPropertyOrder(-4)]
    public string Model { get; init; }

    [JsonPropertyOrder(-3)]
    public string Data { get; init; }

    [JsonPropertyOrder(-2)]
    public string Sha256 { get; init; }

    /// <summary>test, train or all: the rows that were scored.</summary>
    [JsonPropertyOrder(-1)]
    public string Split { get; init; }

    /// <summary>The class names, the order of the confusion matrix's rows and columns.</summary>
    public IReadOnlyList<string> Classes { get; init; }
}
