using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>What summary.json records.</summary>
public sealed record SummaryInput(
    string Status, string? Error, TrainingOptions Options, string? InitFile, string DataName, string DataSha256,
    int Rows, int TrainRows, int TestRows, string LabelName, IReadOnlyList<string> FeatureNames,
        IReadOnlyList<string> ClassNames,
    Evaluation? Train, Evaluation? Test, int Epochs, double TrainSeconds)
{
    /// <summary>metrics.csv holds every this-many-th epoch (and the last).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>When the run started (UTC).</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When the run's files were complete (UTC); null while running.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP), or null.</summary>
    public string? Signal { get; init; }

    /// <summary>Rows of the validation set carved out of the training rows (0 without one).</summary>
    public int ValidationRows { get; init; }

    /// <summary>Scores of the final weights on the validation rows, or null.</summary>
    public Evaluation? Validation { get; init; }

    /// <summary>Why training ended: completed, early_stopping, interrupted, diverged; null while running.</summary>
    public string? StopReason { get; init; }

    /// <summary>With early stopping, the epoch whose weights were kept.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The last epoch that ran.</summary>
    public int? StoppedEpoch { get; init; }

    /// <summary>Seconds of epoch 1 (compilation and cold caches included).</summary>
    public double? FirstEpochSeconds { get; init; }

    /// <summary>Median seconds of epochs 2, 3, … (from a log-spaced histogram, within 0.5 %).</summary>
    public double? SteadyMedianSeconds { get; init; }

    /// <summary>Files of the run directory that exist, complete, in the order written.</summary>
    public IReadOnlyList<string>? Files { get; init; }
}
