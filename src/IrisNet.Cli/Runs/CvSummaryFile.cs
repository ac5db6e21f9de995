using System.Text.Json.Serialization;
using IrisNet.Cli.Output;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Models;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// The summary.json of <c>irisnet cv</c>, written through <see cref="CliJsonContext"/>. Everything
/// but <c>timing</c> depends only on the data, the options and the seed, never on --threads.
/// </summary>
public sealed record CvSummaryFile(string IrisnetVersion, string Command, string Status,
    string? Error,
    string? Signal,
    CvSummaryFile.CvOptions Options, ulong Seed, CvSummaryFile.CrossValidationBlock CrossValidation,
        CvSummaryFile.CvDataBlock Data,
    IReadOnlyList<string> Features, IReadOnlyList<string> Classes, IReadOnlyList<CvSummaryFile.FoldBlock> Folds,
    CvSummaryFile.HeldOutBlock? Heldout,
    CvSummaryFile.CvTimingBlock Timing,
    IReadOnlyList<string>? Files)
{
    /// <summary>The constructor summary.json is read with (plot --confusion): the members left out when null are
    /// optional.</summary>
    [JsonConstructor]
    public CvSummaryFile(string irisnetVersion, string command, string status, CvOptions options, ulong seed,
        CrossValidationBlock crossValidation, CvDataBlock data, IReadOnlyList<string> features,
            IReadOnlyList<string> classes,
        IReadOnlyList<FoldBlock> folds, CvTimingBlock timing, string? error = null, string? signal = null,
        HeldOutBlock? heldout = null, IReadOnlyList<string>? files = null)
        : this(irisnetVersion, command, status, error, signal, options, seed, crossValidation, data, features, classes,
            folds,
            heldout, timing, files)
    {
    }

    /// <summary>
    /// Each fold's training options under model.json's names, and the --init file. A fold has no test
    /// fraction (the held-out fold is its test set) and trains on one thread (--threads is the folds at
    /// once, in <c>timing</c>), so test_fraction and threads are left out.
    /// </summary>
    public sealed record CvOptions(int Hidden, Activation Activation, bool Bias,
        [property: JsonPropertyName("lr")] double LearningRate, int Epochs, int BatchSize, double Momentum, double L2,
        double ValidationFraction, int Patience, double MinDelta, ulong Seed, Precision Precision,
        StandardizationKind Standardize, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Init)
    {
        /// <summary>The block for <paramref name="o"/> and the weights file <paramref name="init"/>.</summary>
        public static CvOptions From(TrainingOptions o, string? init)
        {
            TrainingBlock b = TrainingBlock.From(o);
            return new(b.Hidden, b.Activation, b.Bias, b.LearningRate, b.Epochs, b.BatchSize, b.Momentum, b.L2,
                b.ValidationFraction, b.Patience, b.MinDelta, b.Seed, b.Precision, b.Standardize, init);
        }
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
    /// <see cref="EvaluationJson"/>: whole up to <see cref="ConfusionDigest.DenseLimit"/> classes, else its nonzero
    /// cells.
    /// </summary>
    public sealed record PooledBlock(int Predictions, double Loss, double Accuracy,
        int[][]? Confusion,
        int[][]? ConfusionCells,
        Dictionary<string, EvaluationJson.ClassScores> PerClass)
    {
        /// <summary>The constructor summary.json is read with (plot --confusion): one of confusion and confusion_cells
        /// is absent.</summary>
        [JsonConstructor]
        public PooledBlock(int predictions, double loss, double accuracy, Dictionary<string,
            EvaluationJson.ClassScores> perClass,
            int[][]? confusion = null, int[][]? confusionCells = null)
            : this(predictions, loss, accuracy, confusion, confusionCells, perClass)
        {
        }
    }

    /// <summary>Threads, the whole run's seconds and the folds' training seconds.</summary>
    public sealed record CvTimingBlock(int Threads, double Seconds, double TrainSeconds);
}
