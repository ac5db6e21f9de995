using IrisNet.Models;
using IrisNet.Scoring;

namespace IrisNet.Training;

/// <summary>What a training run produced. Its size does not grow with the number of epochs.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(Model model, EpochMetrics[] history, int epochsRun, Evaluation train, Evaluation? test,
        Evaluation? validation,
        TrainingStop stop, int? bestEpoch, EpochTiming timing)
    {
        Model = model;
        History = history;
        EpochsRun = epochsRun;
        FinalTrain = train;
        FinalTest = test;
        FinalValidation = validation;
        Stop = stop;
        BestEpoch = bestEpoch;
        Timing = timing;
    }

    /// <summary>
    /// The trained model: the weights after the last update, or with early stopping the weights the
    /// best epoch's validation loss measured (always finite).
    /// </summary>
    public Model Model { get; }

    /// <summary>
    /// The loss and accuracy curves, bounded: one row per epoch for runs of up to
    /// <see cref="MetricsSeries.DefaultCapacity"/> epochs, a min/max-preserving downsampling beyond
    /// (see <see cref="MetricsSeries"/>); the last row is always the last epoch. Every row is passed to
    /// the trainer's per-epoch callback.
    /// </summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>Metrics of the final weights on the rows they were fitted on (the training rows minus any validation
    /// set).</summary>
    public Evaluation FinalTrain { get; }

    /// <summary>Metrics of the final weights on the test rows, or null without a test split.</summary>
    public Evaluation? FinalTest { get; }

    /// <summary>Metrics of the final weights on the validation rows, or null without a validation set.</summary>
    public Evaluation? FinalValidation { get; }

    /// <summary>Why training ended.</summary>
    public TrainingStop Stop { get; }

    /// <summary>True when cancellation stopped training before the last epoch.</summary>
    public bool Interrupted => Stop == TrainingStop.Interrupted;

    /// <summary>With early stopping, the epoch whose starting weights had the lowest validation loss and were kept;
    /// otherwise null.</summary>
    public int? BestEpoch { get; }

    /// <summary>Epoch durations: the first apart, the steady median, the total.</summary>
    public EpochTiming Timing { get; }

    /// <summary>Seconds spent in the training loop alone (no loading, evaluation or writing).</summary>
    public double TrainSeconds => Timing.TotalSeconds;

    /// <summary>Completed epochs.</summary>
    public int EpochsRun { get; }

    /// <summary>Training-loop microseconds per completed epoch (the mean, first epoch included).</summary>
    public double MicrosecondsPerEpoch => EpochsRun > 0 ? TrainSeconds * 1e6 / EpochsRun : 0;
}
