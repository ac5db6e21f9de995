using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using IrisNet.Cli.Output;
using IrisNet.Models;

namespace IrisNet.Cli.Runs;

/// <summary>
/// summary.json, written and read back (by <c>plot</c>) through <see cref="CliJsonContext"/>: what ran,
/// on what data, how it ended. A null member is not written; a member that may be absent has a default,
/// so reading requires exactly what is always written.
/// </summary>
public sealed record SummaryFile
{
    public required string IrisnetVersion { get; init; }

    /// <summary>running, completed, interrupted or failed.</summary>
    public required string Status { get; init; }

    public string? Error { get; init; }

    /// <summary>The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP).</summary>
    public string? Signal { get; init; }

    /// <summary>Why training ended: completed, early_stopping, interrupted, diverged, write_failed.</summary>
    public string? StopReason { get; init; }

    public int? StoppedEpoch { get; init; }

    public int? BestEpoch { get; init; }

    /// <summary>UTC start time, ISO 8601 with milliseconds.</summary>
    public string? Started { get; init; }

    /// <summary>UTC time the run's files were complete; absent while running.</summary>
    public string? Finished { get; init; }

    public required SummaryOptions Options { get; init; }

    public required ulong Seed { get; init; }

    public required DataBlock Data { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The final weights' scores; absent when no model was produced.</summary>
    public FinalBlock? Final { get; init; }

    public required TimingBlock Timing { get; init; }

    /// <summary>Files of the run directory that exist, complete, in the order written.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>The run's options, as in model.json's "training" block, with the logging option and the --init
    /// file.</summary>
    public sealed record SummaryOptions : TrainingBlock
    {
        [SetsRequiredMembers]
        public SummaryOptions(TrainingBlock options, int logEvery, string? init) : base(options)
        {
            LogEvery = logEvery;
            Init = init;
        }

        /// <summary>The constructor summary.json is read with.</summary>
        [JsonConstructor]
        public SummaryOptions()
        {
        }

        [JsonPropertyOrder(1)]
        public required int LogEvery { get; init; }

        /// <summary>The --init file, written as null without one.</summary>
        [JsonPropertyOrder(2)]
        [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
        public required string? Init { get; init; }
    }

    /// <summary>The data file, its hash and how it was split (validation rows only with early stopping).</summary>
    public sealed record DataBlock(string File, string Sha256, int Rows, int TrainRows, int TestRows,
        int? ValidationRows, string Label)
    {
        /// <summary>The constructor summary.json is read with: validation_rows may be absent.</summary>
        [JsonConstructor]
        public DataBlock(string file, string sha256, int rows, int trainRows, int testRows, string label,
            int? validationRows = null)
            : this(file, sha256, rows, trainRows, testRows, validationRows, label)
        {
        }
    }

    /// <summary>Scores of the final weights on the training rows and, with a split, the test and validation
    /// rows.</summary>
    public sealed record FinalBlock(EvaluationJson Train, EvaluationJson? Test = null,
        EvaluationJson? Validation = null);

    /// <summary>Completed epochs, the training loop's time, and the first epoch apart from the steady median.</summary>
    public sealed record TimingBlock(int Epochs, double TrainSeconds, double MicrosecondsPerEpoch,
        double? FirstEpochMicroseconds = null, double? SteadyMedianMicrosecondsPerEpoch = null);
}
