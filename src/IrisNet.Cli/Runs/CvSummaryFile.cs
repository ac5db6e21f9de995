using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using IrisNet.Cli.Output;
using IrisNet.Models;

namespace IrisNet.Cli.Runs;

/// <summary>
/// The summary.json of <c>irisnet cv</c>, written through <see cref="CliJsonContext"/>. Everything
/// but <c>timing</c> depends only on the data, the options and the seed, never on --threads.
/// </summary>
public sealed record CvSummaryFile(string IrisnetVersion, string Command, string Status,
    string? Error,
    CvSummaryFile.CvOptions Options, ulong Seed, CvSummaryFile.CrossValidationBlock CrossValidation, CvSummaryFile.CvDataBlock Data,
    IReadOnlyList<string> Features, IReadOnlyList<string> Classes, IReadOnlyList<CvSummaryFile.FoldBlock> Folds,
    CvSummaryFile.HeldOutBlock? Heldout,
    CvSummaryFile.CvTimingBlock Timing)
{
    /// <summary>Each fold's training options (test_fraction 0: the held-out fold is the test set; threads 1: folds run one thread each) and the --init file.</summary>
    public sealed record CvOptions : TrainingBlock
    {
        [SetsRequiredMembers]
        public CvOptions(TrainingBlock options, string? init) : base(options) => Init = init;

        /// <summary>The --init file, written as null without one.</summary>
        [JsonPropertyOrder(2)]
        [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
        public string? Init { get; init; }
    }

    /// <summary>K, the repeats, how the folds were drawn and how many completed.</summary>
    public sealed record CrossValidationBlock(int Folds, int Repeats, string Partition, int CompletedFolds);

    /// <summary>The data file, its hash, its rows and label column.</summary>
    public sealed record CvDataBlock(string File, string Sha256, int Rows, string Label);

    /// <summary>One fold's final scores on its training and held-out rows.</summary>
    public sealed record FoldBlock(int Repeat, int Fold, int TrainRows, int HeldoutRows, int Epochs, double TrainLoss,
        double TrainAccuracy, double HeldoutLoss, double HeldoutAccuracy);

    /// <summary>The held-out scores: mean and spread over folds, the interval, and the pooled predictions.</summary>
    public sealed record HeldOutBlock(double AccuracyMean, double AccuracySd, double LossMean, double LossSd,
        [property: JsonPropertyName("accuracy_interval_95")] IntervalBlock AccuracyInterval95, PooledBlock Pooled);

    /// <summary>A 95 % interval for the pooled accuracy and how it was computed.</summary>
    public sealed record IntervalBlock(string Method, int N, double Low, double High);

    /// <summary>
    /// Every held-out prediction of every fold taken together; the confusion matrix as in
    /// <see cref="EvaluationJson"/>: whole up to <see cref="ConfusionDigest.DenseLimit"/> classes, else its nonzero cells.
    /// </summary>
    public sealed record PooledBlock(int Predictions, double Loss, double Accuracy,
        int[][]? Confusion,
        int[][]? ConfusionCells,
        Dictionary<string, EvaluationJson.ClassScores> PerClass);

    /// <summary>Threads, the whole run's seconds and the folds' training seconds.</summary>
    public sealed record CvTimingBlock(int Threads, double Seconds, double TrainSeconds);
}
