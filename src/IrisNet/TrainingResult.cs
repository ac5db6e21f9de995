using System.Diagnostics;
using System.Numerics;
using IrisNet.Kernels;

namespace IrisNet;

/// <summary>What a training run produced.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(Model model, EpochMetrics[] history, Evaluation train, Evaluation? test, bool interrupted, double seconds)
    {
        Model = model;
        History = history;
        FinalTrain = train;
        FinalTest = test;
        Interrupted = interrupted;
        TrainSeconds = seconds;
    }

    /// <summary>The trained model (weights after the last update; always finite).</summary>
    public Model Model { get; }

    /// <summary>One row per completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>Metrics of the final weights on the training rows.</summary>
    public Evaluation FinalTrain { get; }

    /// <summary>Metrics of the final weights on the test rows, or null without a test split.</summary>
    public Evaluation? FinalTest { get; }

    /// <summary>True when cancellation stopped training before the last epoch.</summary>
    public bool Interrupted { get; }

    /// <summary>Seconds spent in the training loop alone (no loading, evaluation or writing).</summary>
    public double TrainSeconds { get; }

    /// <summary>Completed epochs.</summary>
    public int EpochsRun => History.Count;

    /// <summary>Training-loop microseconds per completed epoch.</summary>
    public double MicrosecondsPerEpoch => EpochsRun > 0 ? TrainSeconds * 1e6 / EpochsRun : 0;
}
