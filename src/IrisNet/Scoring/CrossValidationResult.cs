namespace IrisNet.Scoring;

/// <summary>
/// What repeated stratified k-fold cross-validation produced. Every figure except <see cref="Seconds"/>
/// and the folds' own seconds is computed in (repeat, fold) order on one thread, so it is bit-identical
/// whatever number of threads trained the folds.
/// </summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(int folds, int repeats, int rows, IReadOnlyList<FoldResult> results,
        CurveBand? trainLoss,
        CurveBand? heldOutLoss, Evaluation pooled, bool interrupted, double seconds)
    {
        FoldCount = folds;
        Repeats = repeats;
        Rows = rows;
        Folds = results;
        TrainLoss = trainLoss;
        HeldOutLoss = heldOutLoss;
        Pooled = pooled;
        Interrupted = interrupted;
        Seconds = seconds;
        double[] accuracy = results.Select(f => f.HeldOut.Accuracy).ToArray();
        double[] loss = results.Select(f => f.HeldOut.Loss).ToArray();
        (MeanAccuracy, AccuracySd) = CrossValidation.MeanAndSd(accuracy);
        (MeanLoss, LossSd) = CrossValidation.MeanAndSd(loss);
        (AccuracyLow, AccuracyHigh) = CrossValidation.WilsonInterval(pooled.Accuracy, rows);
    }

    /// <summary>K, folds per repeat.</summary>
    public int FoldCount { get; }

    /// <summary>R, repeats (partitions) requested.</summary>
    public int Repeats { get; }

    /// <summary>N, the rows of the dataset; each is held out once per completed repeat.</summary>
    public int Rows { get; }

    /// <summary>The completed folds in (repeat, fold) order.</summary>
    public IReadOnlyList<FoldResult> Folds { get; }

    /// <summary>Train loss per epoch across the completed folds, or null when none completed.</summary>
    public CurveBand? TrainLoss { get; }

    /// <summary>Held-out loss per epoch (at each epoch's starting weights, as in metrics.csv) across the completed
    /// folds, or null.</summary>
    public CurveBand? HeldOutLoss { get; }

    /// <summary>
    /// Every held-out prediction of the final weights of every completed fold, pooled: the confusion
    /// matrix is the sum of the folds' matrices and the loss is the mean cross-entropy over all of them.
    /// </summary>
    public Evaluation Pooled { get; }

    /// <summary>Mean held-out accuracy over the completed folds (each fold weighted equally).</summary>
    public double MeanAccuracy { get; }

    /// <summary>Sample standard deviation (divisor K·R − 1) of the folds' held-out accuracies; 0 with one
    /// fold.</summary>
    public double AccuracySd { get; }

    /// <summary>Mean held-out cross-entropy over the completed folds.</summary>
    public double MeanLoss { get; }

    /// <summary>Sample standard deviation of the folds' held-out losses.</summary>
    public double LossSd { get; }

    /// <summary>
    /// Lower end of the 95 % Wilson score interval for accuracy: p̂ is the pooled held-out accuracy and
    /// n is <see cref="Rows"/>, the number of distinct rows (repeats predict the same rows again, so they
    /// do not count as new evidence).
    /// </summary>
    public double AccuracyLow { get; }

    /// <summary>Upper end of the 95 % Wilson score interval (see <see cref="AccuracyLow"/>).</summary>
    public double AccuracyHigh { get; }

    /// <summary>True when cancellation stopped the run: only the folds before the first unfinished one are
    /// counted.</summary>
    public bool Interrupted { get; }

    /// <summary>Wall-clock seconds of the whole cross-validation (timing only).</summary>
    public double Seconds { get; }
}
