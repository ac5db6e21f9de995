using IrisNet.Training;

namespace IrisNet.Errors;

/// <summary>The loss became NaN or infinite: training stopped, and no model was produced.</summary>
public sealed class TrainingDivergedException : IrisNetException
{
    /// <summary>Creates the error for the 1-based <paramref name="epoch"/>.</summary>
    public TrainingDivergedException(int epoch, double learningRate, IReadOnlyList<EpochMetrics> history)
        : base($"training diverged at epoch {epoch}: the loss is not finite. Try a smaller learning rate than " +
            $"{learningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.")
    {
        Epoch = epoch;
        LearningRate = learningRate;
        History = history;
    }

    /// <summary>η, the learning rate that diverged.</summary>
    public double LearningRate { get; }

    /// <summary>The 1-based epoch whose loss was not finite.</summary>
    public int Epoch { get; }

    /// <summary>The curves of the epochs before it (all finite), bounded like <see
    /// cref="TrainingResult.History"/>.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }
}
