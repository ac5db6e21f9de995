namespace IrisNet.Scoring;

/// <summary>One cross-validation fold: which rows it held out and how the trained model did.</summary>
/// <param name="Repeat">1-based repeat (partition) number.</param>
/// <param name="Fold">1-based fold number within the repeat.</param>
/// <param name="HeldOutRows">Indices into the full dataset of the rows this fold held out, ascending.</param>
/// <param name="Train">The final weights on the fold's training rows.</param>
/// <param name="HeldOut">The final weights on the held-out rows.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Seconds">Seconds in the training loop (timing only; not part of the result's identity).</param>
public sealed record FoldResult(int Repeat, int Fold, int[] HeldOutRows, Evaluation Train, Evaluation HeldOut,
    int Epochs, double Seconds);
