using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using IrisNet.Cli.Output;
using IrisNet.Models;

namespace IrisNet.Cli.Runs;

/// <summary>summary.json, written through <see cref="CliJsonContext"/>: what ran, on what data, how it ended.</summary>
public sealed record SummaryFile
{
    public required string IrisnetVersion { get; init; }

    /// <summary>running, completed, interrupted or failed.</summary>
    public required string Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Signal { get; init; }

    /// <summary>Why training ended: completed, early_stopping, interrupted, diverged, write_failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StoppedEpoch { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BestEpoch { get; init; }

    /// <summary>UTC start time, ISO 8601 with milliseconds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Started { get; init; }

    /// <summary>UTC time the run's files were complete; absent while running.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Finished { get; init; }

    public required SummaryOptions Options { get; init; }

    public required ulong Seed { get; init; }

    public required DataBlock Data { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The final weights' scores; absent when no model was produced.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FinalBlock? Final { get; init; }

    public required TimingBlock Timing { get; init; }

    /// <summary>Files of the run directory that exist, complete, in the order written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>The run's options, as in model.json's "training" block, with the logging option and the --init file.</summary>
    public sealed record SummaryOptions : TrainingBlock
    {
        [SetsRequiredMembers]
        public SummaryOptions(TrainingBlock options, int logEvery, string? init) : base(options)
        {
            LogEvery = logEvery;
            Init = init;
        }

        [JsonPropertyOrder(1)]
        public int LogEvery { get; init; }

        [JsonPropertyOrder(2)]
        public string? Init { get; init; }
    }

    /// <summary>The data file, its hash and how it was split.</summary>
    public sealed record DataBlock(string File, string Sha256, int Rows, int TrainRows, int TestRows,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ValidationRows, string Label);

    /// <summary>Scores of the final weights on the training rows and, with a split, the test and validation rows.</summary>
    public sealed record FinalBlock(EvaluationJson Train, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationJson? Test,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationJson? Validation);

    /// <summary>Completed epochs, the training loop's time, and the first epoch apart from the steady median.</summary>
    public sealed record TimingBlock(int Epochs, double TrainSeconds, double MicrosecondsPerEpoch,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? FirstEpochMicroseconds,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? SteadyMedianMicrosecondsPerEpoch);
}
