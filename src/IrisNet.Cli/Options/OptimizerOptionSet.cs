using System.CommandLine;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;
using OptimizerKind = IrisNet.Training.Optimizer;

namespace IrisNet.Cli.Options;

/// <summary>
/// The optimizer and learning-rate schedule options of train and cv (and the optimizer's of lr-find):
/// each sets one <see cref="TrainingOptions"/> property. An option given for an optimizer or schedule
/// that does not read it is refused, so a mistyped combination never trains silently without it.
/// </summary>
public sealed class OptimizerOptionSet
{
    private static readonly TrainingOptions Defaults = new();

    public TrainingOption<string> Optimizer { get; } =
        new("--optimizer", nameof(TrainingOptions.Optimizer),
            (o, v) => o with { Optimizer = ModelOptionSet.Parse<OptimizerKind>(v) })
        {
            Description = "Update rule: sgd (with --momentum), nesterov, adam or adamw (torch.optim's semantics)",
            DefaultValueFactory = _ => Names.Of(Defaults.Optimizer),
        };

    public TrainingOption<double> Beta1 { get; } =
        new("--beta1", nameof(TrainingOptions.Beta1), (o, v) => o with { Beta1 = v })
        {
            Description = "Adam/AdamW: decay β1 of the first moment, in [0, 1)",
            DefaultValueFactory = _ => Defaults.Beta1,
        };

    public TrainingOption<double> Beta2 { get; } =
        new("--beta2", nameof(TrainingOptions.Beta2), (o, v) => o with { Beta2 = v })
        {
            Description = "Adam/AdamW: decay β2 of the second moment, in [0, 1)",
            DefaultValueFactory = _ => Defaults.Beta2,
        };

    public TrainingOption<double> Epsilon { get; } =
        new("--epsilon", nameof(TrainingOptions.Epsilon), (o, v) => o with { Epsilon = v })
        {
            Description = "Adam/AdamW: ε added to √r̂ in the denominator, > 0",
            DefaultValueFactory = _ => Defaults.Epsilon,
        };

    public TrainingOption<double> WeightDecay { get; } =
        new("--weight-decay", nameof(TrainingOptions.WeightDecay), (o, v) => o with { WeightDecay = v })
        {
            Description = "AdamW: decoupled weight decay λ_w on A and B, θ ← θ(1 − ηλ_w) (--l2 adds λθ to the "
                + "gradient instead)",
            DefaultValueFactory = _ => Defaults.WeightDecay,
        };

    public TrainingOption<string> Schedule { get; } =
        new("--lr-schedule", nameof(TrainingOptions.LrSchedule),
            (o, v) => o with { LrSchedule = ModelOptionSet.Parse<LearningRateSchedule>(v) })
        {
            Description = "Learning rate per epoch: constant, step (--lr-step-size, --lr-gamma), exponential "
                + "(--lr-gamma), cosine (--lr-min, --lr-t-max) or plateau (train only: reduce on the loss of the " +
                    "validation rows "
                + "the validation fraction sets aside)",
            DefaultValueFactory = _ => Names.Of(Defaults.LrSchedule),
        };

    public TrainingOption<int> StepSize { get; } =
        new("--lr-step-size", nameof(TrainingOptions.LrStepSize), (o, v) => o with { LrStepSize = v })
        {
            Description = "step: epochs k between two multiplications by γ (required with step)",
            DefaultValueFactory = _ => Defaults.LrStepSize,
            HelpName = "EPOCHS",
        };

    public TrainingOption<double?> Gamma { get; } =
        new("--lr-gamma", nameof(TrainingOptions.LrGamma), (o, v) => o with { LrGamma = v })
        {
            Description = "step and exponential: factor γ in (0, 1] [default for step: 0.1]",
        };

    public TrainingOption<double> LrMin { get; } =
        new("--lr-min", nameof(TrainingOptions.LrMin), (o, v) => o with { LrMin = v })
        {
            Description = "cosine and plateau: the lowest learning rate η_min",
            DefaultValueFactory = _ => Defaults.LrMin,
        };

    public TrainingOption<int> TMax { get; } =
        new("--lr-t-max", nameof(TrainingOptions.LrTMax), (o, v) => o with { LrTMax = v })
        {
            Description = "cosine: epochs T from η down to η_min; 0 = every epoch after the warm-up",
            DefaultValueFactory = _ => Defaults.LrTMax,
            HelpName = "EPOCHS",
        };

    public TrainingOption<int> WarmupEpochs { get; } =
        new("--warmup-epochs", nameof(TrainingOptions.WarmupEpochs), (o, v) => o with { WarmupEpochs = v })
        {
            Description = "Linear warm-up: W epochs rising from f₀·η to η before the schedule, which then counts "
                + "from 0; 0 = none",
            DefaultValueFactory = _ => Defaults.WarmupEpochs,
            HelpName = "W",
        };

    public TrainingOption<double> WarmupStartFactor { get; } =
        new("--warmup-start-factor", nameof(TrainingOptions.WarmupStartFactor),
            (o, v) => o with { WarmupStartFactor = v })
        {
            Description = "The warm-up's first factor f₀ of η, in (0, 1] (1/3 by default, as torch's LinearLR)",
            DefaultValueFactory = _ => Defaults.WarmupStartFactor,
        };

    public TrainingOption<double> PlateauFactor { get; } =
        new("--plateau-factor", nameof(TrainingOptions.PlateauFactor), (o, v) => o with { PlateauFactor = v })
        {
            Description = "plateau: factor applied to the rate, in (0, 1)",
            DefaultValueFactory = _ => Defaults.PlateauFactor,
        };

    public TrainingOption<int> PlateauPatience { get; } =
        new("--plateau-patience", nameof(TrainingOptions.PlateauPatience), (o, v) => o with { PlateauPatience = v })
        {
            Description = "plateau: epochs without improvement before a reduction",
            DefaultValueFactory = _ => Defaults.PlateauPatience,
            HelpName = "EPOCHS",
        };

    public TrainingOption<double> PlateauThreshold { get; } =
        new("--plateau-threshold", nameof(TrainingOptions.PlateauThreshold),
            (o, v) => o with { PlateauThreshold = v })
        {
            Description = "plateau: relative improvement that counts (better means below best·(1 − threshold))",
            DefaultValueFactory = _ => Defaults.PlateauThreshold,
        };

    public TrainingOption<int> PlateauCooldown { get; } =
        new("--plateau-cooldown", nameof(TrainingOptions.PlateauCooldown), (o, v) => o with { PlateauCooldown = v })
        {
            Description = "plateau: epochs after a reduction before bad epochs count again",
            DefaultValueFactory = _ => Defaults.PlateauCooldown,
            HelpName = "EPOCHS",
        };

    public OptimizerOptionSet()
    {
        ModelOptionSet.OneOf<OptimizerKind>(Optimizer);
        ModelOptionSet.OneOf<LearningRateSchedule>(Schedule);
        Option<double>[] numbers = [Beta1, Beta2, Epsilon, WeightDecay, LrMin, WarmupStartFactor, PlateauFactor,
            PlateauThreshold];
        foreach (Option<double> number in numbers) UsageErrors.DecimalPointsOnly(number);
    }

    private IEnumerable<ITrainingOption> OptimizerOptions => [Optimizer, Beta1, Beta2, Epsilon, WeightDecay];

    private IEnumerable<ITrainingOption> ScheduleOptions =>
    [
        Schedule, StepSize, Gamma, LrMin, TMax, WarmupEpochs, WarmupStartFactor, PlateauFactor, PlateauPatience,
        PlateauThreshold, PlateauCooldown,
    ];

    /// <summary>Every option of the set, each bound to its <see cref="TrainingOptions"/> property.</summary>
    public IEnumerable<ITrainingOption> All => [.. OptimizerOptions, .. ScheduleOptions];

    /// <summary>Adds the optimizer options and, with <paramref name="schedule"/>, the schedule's.</summary>
    public void AddTo(Command command, bool schedule = true)
    {
        foreach (Option o in OptimizerOptions.Cast<Option>()) command.Options.Add(o);
        if (!schedule) return;
        foreach (Option o in ScheduleOptions.Cast<Option>()) command.Options.Add(o);
    }

    /// <summary>
    /// Removes the schedule's options from <paramref name="command"/> (lr-find chooses every step's rate
    /// itself).
    /// </summary>
    public void RemoveSchedule(Command command)
    {
        foreach (Option o in ScheduleOptions.Cast<Option>()) command.Options.Remove(o);
    }

    /// <summary>Removes the plateau schedule's options from <paramref name="command"/> (cv sets no validation rows
    /// aside).</summary>
    public void RemovePlateau(Command command)
    {
        foreach (Option o in new Option[] { PlateauFactor, PlateauPatience, PlateauThreshold, PlateauCooldown })
            command.Options.Remove(o);
    }

    /// <summary>
    /// Refuses an option given on the command line for an optimizer or schedule of <paramref name="o"/>
    /// that ignores it.
    /// </summary>
    /// <exception cref="OptionException">An option does not apply to the chosen optimizer or schedule.</exception>
    public void CheckApplies(TrainingOptions o, ParseResult p)
    {
        bool adam = o.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW;
        string opName = Names.Of(o.Optimizer), scName = Names.Of(o.LrSchedule);
        void Only(Option option, bool applies, string readers, string instead)
        {
            if (applies || p.GetResult(option) is not { Implicit: false }) return;
            throw new OptionException(option.Name, $"applies to {readers} only, not to {instead}; drop it or "
                + "choose an optimizer or schedule that reads it.");
        }
        string optimizerFlag = $"{Optimizer.Name} {opName}", scheduleFlag = $"{Schedule.Name} {scName}";
        Only(Beta1, adam, "adam and adamw", optimizerFlag);
        Only(Beta2, adam, "adam and adamw", optimizerFlag);
        Only(Epsilon, adam, "adam and adamw", optimizerFlag);
        if (p.GetResult(WeightDecay) is { Implicit: false } && o.Optimizer != OptimizerKind.AdamW)
        {
            throw new OptionException(WeightDecay.Name, $"is AdamW's decoupled decay and does not apply to "
                + $"{optimizerFlag}; use {Optimizer.Name} adamw, or --l2 to add λθ to the gradient.");
        }
        Only(StepSize, o.LrSchedule == LearningRateSchedule.Step, $"{Schedule.Name} step", scheduleFlag);
        Only(Gamma, o.LrSchedule is LearningRateSchedule.Step or LearningRateSchedule.Exponential,
            $"{Schedule.Name} step and exponential", scheduleFlag);
        Only(LrMin, o.LrSchedule is LearningRateSchedule.Cosine or LearningRateSchedule.Plateau,
            $"{Schedule.Name} cosine and plateau", scheduleFlag);
        Only(TMax, o.LrSchedule == LearningRateSchedule.Cosine, $"{Schedule.Name} cosine", scheduleFlag);
        Only(WarmupStartFactor, o.WarmupEpochs > 0, $"a warm-up ({WarmupEpochs.Name})", "a run without one");
        foreach (Option option in new Option[] { PlateauFactor, PlateauPatience, PlateauThreshold, PlateauCooldown })
            Only(option, o.LrSchedule == LearningRateSchedule.Plateau, $"{Schedule.Name} plateau", scheduleFlag);
    }
}
