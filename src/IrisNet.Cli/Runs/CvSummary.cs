using System.Text.Json;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// The summary.json of irisnet cv. Everything but "timing" depends only on the data, the options
/// and the seed, never on --threads. The file's shape is <see cref="CvSummaryFile"/>.
/// </summary>
public static class CvSummary
{
    /// <summary>How the folds were drawn (<see cref="CrossValidation.Partition"/>), with the stream's number.</summary>
    public static string Partition =>
        $"stratified; SplitMix64 stream {(ulong)RandomStream.Folds} (folds) of the seed, every repeat in turn: the " +
            $"rows of each class shuffled, then dealt to the folds in turn";

    /// <summary>
    /// The summary.json text: <paramref name="done"/> are the completed folds, <paramref name="r"/> the result
    /// when the folds ended without error, <paramref name="signal"/> the signal that interrupted them, and
    /// <paramref name="files"/> the run's files that exist, complete (null while running).
    /// </summary>
    public static string Json(string status, string? error, string? signal, TrainingOptions options, string? initFile,
        DataSource source,
        int folds, int repeats, int threads, IReadOnlyList<FoldResult> done, CrossValidationResult? r,
            IReadOnlyList<string>? files)
    {
        var file = new CvSummaryFile(Program.Version, "cv", status, error, signal,
            CvSummaryFile.CvOptions.From(options, initFile),
            options.Seed,
            new CvSummaryFile.CrossValidationBlock(folds, repeats, Partition, done.Count),
            new CvSummaryFile.CvDataBlock(source.Name, source.Sha256, source.Data.Count, source.Data.LabelName),
            source.Data.FeatureNames, source.Data.ClassNames,
            done.Select(f => new CvSummaryFile.FoldBlock(f.Repeat, f.Fold, f.Train.Count, f.HeldOut.Count, f.Epochs,
                f.Train.Loss, f.Train.Accuracy, f.HeldOut.Loss, f.HeldOut.Accuracy)).ToArray(),
            r is not null && r.Folds.Count > 0 ? HeldOut(r) : null,
            new CvSummaryFile.CvTimingBlock(threads, r?.Seconds ?? 0, done.Sum(f => f.Seconds)),
            files);
        return JsonSerializer.Serialize(file, CliJsonContext.Default.CvSummaryFile) + "\n";
    }

    private static CvSummaryFile.HeldOutBlock HeldOut(CrossValidationResult r)
    {
        EvaluationJson pooled = EvaluationJson.From(r.Pooled);
        return new CvSummaryFile.HeldOutBlock(r.MeanAccuracy, r.AccuracySd, r.MeanLoss, r.LossSd,
            new CvSummaryFile.IntervalBlock("wilson score interval on the pooled held-out accuracy, n = distinct rows",
                r.Rows, r.AccuracyLow, r.AccuracyHigh),
            new CvSummaryFile.PooledBlock(r.Pooled.Count, r.Pooled.Loss, r.Pooled.Accuracy, pooled.Confusion,
                pooled.ConfusionCells, pooled.PerClass));
    }
}
