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

    /// <summary>Validation fraction of each class of the training rows (early stopping), 0 when off. Absent before
    /// format version 3.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Early-stopping patience in epochs, 0 when off. Absent before format version 3.</summary>
    public int Patience { get; init; }

    /// <summary>The smallest validation-loss decrease that counts as better. Absent before format version 3.</summary>
    public double MinDelta { get; init; }

    // The fields below with a default other than 0 have setters, not init: System.Text.Json fills init-only
    // properties through the constructor and gives an absent one default(T), not its initializer's value.

    /// <summary>The update rule. Absent before format version 4, which means SGD.</summary>
    public Optimizer Optimizer { get; init; }

    /// <summary>Adam's β1. Absent before format version 4.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam's β2. Absent before format version 4.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Adam's ε. Absent before format version 4.</summary>
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>AdamW's decoupled weight decay λ_w. Absent before format version 4.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>The learning-rate schedule. Absent before format version 4, which means constant.</summary>
    public LearningRateSchedule LrSchedule { get; init; }

    /// <summary>The step schedule's k. Absent before format version 4.</summary>
    public int LrStepSize { get; init; }

    /// <summary>The step and exponential schedules' γ, absent when not given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LrGamma { get; init; }

    /// <summary>The cosine and plateau schedules' floor η_min. Absent before format version 4.</summary>
    public double LrMin { get; init; }

    /// <summary>The cosine schedule's T, 0 for every epoch after the warm-up. Absent before format version 4.</summary>
    public int LrTMax { get; init; }

    /// <summary>Linear warm-up epochs W. Absent before format version 4.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>The warm-up's first factor f₀. Absent before format version 4.</summary>
    public double WarmupStartFactor { get; set; } = 1.0 / 3;

    /// <summary>The plateau schedule's factor. Absent before format version 4.</summary>
    public double PlateauFactor { get; set; } = 0.1;

    /// <summary>The plateau schedule's patience. Absent before format version 4.</summary>
    public int PlateauPatience { get; set; } = 10;

    /// <summary>The plateau schedule's relative threshold. Absent before format version 4.</summary>
    public double PlateauThreshold { get; set; } = 1e-4;

    /// <summary>The plateau schedule's cooldown. Absent before format version 4.</summary>
    public int PlateauCooldown { get; init; }

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
        Optimizer = o.Optimizer,
        Beta1 = o.Beta1,
        Beta2 = o.Beta2,
        Epsilon = o.Epsilon,
        WeightDecay = o.WeightDecay,
        LrSchedule = o.LrSchedule,
        LrStepSize = o.LrStepSize,
        LrGamma = o.LrGamma,
        LrMin = o.LrMin,
        LrTMax = o.LrTMax,
        WarmupEpochs = o.WarmupEpochs,
        WarmupStartFactor = o.WarmupStartFactor,
        PlateauFactor = o.PlateauFactor,
        PlateauPatience = o.PlateauPatience,
        PlateauThreshold = o.PlateauThreshold,
        PlateauCooldown = o.PlateauCooldown,
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
        Optimizer = Optimizer,
        Beta1 = Beta1,
        Beta2 = Beta2,
        Epsilon = Epsilon,
        WeightDecay = WeightDecay,
        LrSchedule = LrSchedule,
        LrStepSize = LrStepSize,
        LrGamma = LrGamma,
        LrMin = LrMin,
        LrTMax = LrTMax,
        WarmupEpochs = WarmupEpochs,
        WarmupStartFactor = WarmupStartFactor,
        PlateauFactor = PlateauFactor,
        PlateauPatience = PlateauPatience,
        PlateauThreshold = PlateauThreshold,
        PlateauCooldown = PlateauCooldown,
        Seed = Seed,
        Precision = Precision,
        Standardize = Standardize == StandardizationKind.ZScore,
        Threads = Threads,
    };
}
