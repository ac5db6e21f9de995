using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace IrisNet.Cli;

/// <summary>summary.json, written through <see cref="CliJsonContext"/>: what ran, on what data, how it ended.</summary>
public sealed record SummaryFile
{
    public required string IrisnetVersion { get; init; }

    /// <summary>completed, interrupted or failed.</summary>
    public required string Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    public required SummaryOptions Options { get; init; }

    public required ulong Seed { get; init; }

    public required DataBlock Data { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The final weights' scores; absent when no model was produced.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FinalBlock? Final { get; init; }

    public required TimingBlock Timing { get; init; }

    /// <summary>The run's options, as in model.json's "training" block, and the --init file.</summary>
    public sealed record SummaryOptions : TrainingBlock
    {
        [SetsRequiredMembers]
        public SummaryOptions(TrainingBlock options, string? init) : base(options) => Init = init;

        [JsonPropertyOrder(1)]
        public string? Init { get; init; }
    }

    /// <summary>The data file, its hash and how it was split.</summary>
    public sealed record DataBlock(string File, string Sha256, int Rows, int TrainRows, int TestRows, string Label);

    /// <summary>Scores of the final weights on the training rows and, with a split, the test rows.</summary>
    public sealed record FinalBlock(EvaluationJson Train, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationJson? Test);

    /// <summary>Completed epochs and the training loop's time.</summary>
    public sealed record TimingBlock(int Epochs, double TrainSeconds, double MicrosecondsPerEpoch);
}
