using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.FastPath;
using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Models;

/// <summary>
/// The "training" block of model.json (and the "options" of summary.json): every
/// <see cref="TrainingOptions"/> value under its file name. Property names are those of
/// <see cref="TrainingOptions"/>, so an error about a property can be reported with its field.
/// </summary>
public record TrainingBlock
{
    /// <summary>Hidden units H.</summary>
    public required int Hidden { get; init; }

    /// <summary>The hidden activation.</summary>
    public required Activation Activation { get; init; }

    /// <summary>Biases on.</summary>
    public required bool Bias { get; init; }

    /// <summary>η.</summary>
    [JsonPropertyName("lr")]
    public required double LearningRate { get; init; }

    /// <summary>Epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Mini-batch size, 0 for full batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>μ.</summary>
    public required double Momentum { get; init; }

    /// <summary>λ.</summary>
    public required double L2 { get; init; }

    /// <summary>Test fraction of each class.</summary>
    public required double TestFraction { get; init; }

    /// <summary>Validation fraction of each class of the training rows (early stopping), 0 when off. Absent before format version 3.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Early-stopping patience in epochs, 0 when off. Absent before format version 3.</summary>
    public int Patience { get; init; }

    /// <summary>The smallest validation-loss decrease that counts as better. Absent before format version 3.</summary>
    public double MinDelta { get; init; }

    /// <summary>The seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Precision.</summary>
    public required Precision Precision { get; init; }

    /// <summary>The standardization kind.</summary>
    public required StandardizationKind Standardize { get; init; }

    /// <summary>Threads.</summary>
    public required int Threads { get; init; }

    /// <summary>The block for <paramref name="o"/>.</summary>
    public static TrainingBlock From(TrainingOptions o) => new()
    {
        Hidden = o.Hidden,
        Activation = o.Activation,
        Bias = o.Bias,
        LearningRate = o.LearningRate,
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        Momentum = o.Momentum,
        L2 = o.L2,
        TestFraction = o.TestFraction,
        ValidationFraction = o.ValidationFraction,
        Patience = o.Patience,
        MinDelta = o.MinDelta,
        Seed = o.Seed,
        Precision = o.Precision,
        Standardize = o.Standardize ? StandardizationKind.ZScore : StandardizationKind.None,
        Threads = o.Threads,
    };

    /// <summary>The options this block records (not yet validated).</summary>
    public TrainingOptions ToOptions() => new()
    {
        Hidden = Hidden,
        Activation = Activation,
        Bias = Bias,
        LearningRate = LearningRate,
        Epochs = Epochs,
        BatchSize = BatchSize,
        Momentum = Momentum,
        L2 = L2,
        TestFraction = TestFraction,
        ValidationFraction = ValidationFraction,
        Patience = Patience,
        MinDelta = MinDelta,
        Seed = Seed,
        Precision = Precision,
        Standardize = Standardize == StandardizationKind.ZScore,
        Threads = Threads,
    };
}
