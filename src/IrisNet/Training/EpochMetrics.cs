namespace IrisNet.Training;

/// <summary>One row of the loss curve.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy of the epoch's forward passes (before its updates).</param>
/// <param name="TrainAccuracy">Fraction of training rows classified correctly in those passes.</param>
/// <param name="TestLoss">Mean cross-entropy on the test rows at the epoch's starting weights, or null without a test
/// split.</param>
/// <param name="TestAccuracy">Test accuracy at the same weights, or null.</param>
/// <param name="ValidationLoss">Mean cross-entropy on the validation rows at the epoch's starting weights, or null
/// without a validation set.</param>
/// <param name="ValidationAccuracy">Validation accuracy at the same weights, or null.</param>
/// <param name="LearningRate">The step size η the epoch's updates used, or null where it is not recorded.</param>
public readonly record struct EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double? TestLoss,
    double? TestAccuracy,
    double? ValidationLoss = null, double? ValidationAccuracy = null, double? LearningRate = null);
