using System.CommandLine;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;

namespace IrisNet.Cli.Options;

/// <summary>
/// The optimizer and learning-rate schedule options of train and cv (and the optimizer's of lr-find):
/// each maps to one <see cref="TrainingOptions"/> property. An option given for an optimizer or schedule
/// that does not read it is refused, so a mistyped combination never trains silently without it.
/// </summary>
public sealed class OptimizerOptionSet
{
    private static readonly TrainingOptions Defaults = new();

    public Option<string> Optimizer { get; } = new("--optimizer") { Description = "Update rule: sgd (with --momentum), nesterov, adam or adamw (torch.optim's semantics)", DefaultValueFactory = _ => Names.Of(Defaults.Optimizer) };
    public Option<double> Beta1 { get; } = new("--beta1") { Description = "Adam/AdamW: decay β1 of the first moment, in [0, 1)", DefaultValueFactory = _ => Defaults.Beta1 };
    public Option<double> Beta2 { get; } = new("--beta2") { Description = "Adam/AdamW: decay β2 of the second moment, in [0, 1)", DefaultValueFactory = _ => Defaults.Beta2 };
    public Option<double> Epsilon { get; } = new("--epsilon") { Description = "Adam/AdamW: ε added to √r̂ in the denominator, > 0", DefaultValueFactory = _ => Defaults.Epsilon };
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW: decoupled weight decay λ_w on A and B, θ ← θ(1 − ηλ_w) (--l2 adds λθ to the gradient instead)", DefaultValueFactory = _ => Defaults.WeightDecay };
    public Option<string> Schedule { get; } = new("--lr-schedule") { Description = "Learning rate per epoch: constant, step (--lr-step-size, --lr-gamma), exponential (--lr-gamma), cosine (--lr-min, --lr-t-max) or plateau (reduce on the validation loss; needs --validation-fraction)", DefaultValueFactory = _ => Names.Of(Defaults.LrSchedule) };
    public Option<int> StepSize { get; } = new("--lr-step-size") { Description = "step: epochs k between two multiplications by γ", HelpName = "EPOCHS" };
    public Option<double?> Gamma { get; } = new("--lr-gamma") { Description = "step and exponential: factor γ in (0, 1] [default for step: 0.1]" };
    public Option<double> LrMin { get; } = new("--lr-min") { Description = "cosine and plateau: the lowest learning rate η_min", DefaultValueFactory = _ => Defaults.LrMin };
    public Option<int> TMax { get; } = new("--lr-t-max") { Description = "cosine: epochs T from η down to η_min [default: every epoch after the warm-up]", HelpName = "EPOCHS" };
    public Option<int> WarmupEpochs { get; } = new("--warmup-epochs") { Description = "Linear warm-up: W epochs rising from f₀·η to η before the schedule, which then counts from 0; 0 = none", DefaultValueFactory = _ => Defaults.WarmupEpochs, HelpName = "W" };
    public Option<double> WarmupStartFactor { get; } = new("--warmup-start-factor") { Description = "The warm-up's first factor f₀ of η, in (0, 1] [default: 1/3, as torch's LinearLR]" };
    public Option<double> PlateauFactor { get; } = new("--plateau-factor") { Description = "plateau: factor applied to the rate, in (0, 1)", DefaultValueFactory = _ => Defaults.PlateauFactor };
    public Option<int> PlateauPatience { get; } = new("--plateau-patience") { Description = "plateau: epochs without improvement before a reduction", DefaultValueFactory = _ => Defaults.PlateauPatience, HelpName = "EPOCHS" };
    public Option<double> PlateauThreshold { get; } = new("--plateau-threshold") { Description = "plateau: relative improvement that counts (better means below best·(1 − threshold))", DefaultValueFactory = _ => Defaults.PlateauThreshold };
    public Option<int> PlateauCooldown { get; } = new("--plateau-cooldown") { Description = "plateau: epochs after a reduction before bad epochs count again", DefaultValueFactory = _ => Defaults.PlateauCooldown, HelpName = "EPOCHS" };

    public OptimizerOptionSet()
    {
        ModelOptionSet.OneOf<IrisNet.Training.Optimizer>(Optimizer);
        ModelOptionSet.OneOf<LearningRateSchedule>(Schedule);
    }

    /// <summary>The flag of each <see cref="TrainingOptions"/> property these options set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = Map(new OptimizerOptionSet());

    private static Dictionary<string, string> Map(OptimizerOptionSet s) => new(StringComparer.Ordinal)
    {
        [nameof(TrainingOptions.Optimizer)] = s.Optimizer.Name,
        [nameof(TrainingOptions.Beta1)] = s.Beta1.Name,
        [nameof(TrainingOptions.Beta2)] = s.Beta2.Name,
        [nameof(TrainingOptions.Epsilon)] = s.Epsilon.Name,
        [nameof(TrainingOptions.WeightDecay)] = s.WeightDecay.Name,
        [nameof(TrainingOptions.LrSchedule)] = s.Schedule.Name,
        [nameof(TrainingOptions.LrStepSize)] = s.StepSize.Name,
        [nameof(TrainingOptions.LrGamma)] = s.Gamma.Name,
        [nameof(TrainingOptions.LrMin)] = s.LrMin.Name,
        [nameof(TrainingOptions.LrTMax)] = s.TMax.Name,
        [nameof(TrainingOptions.WarmupEpochs)] = s.WarmupEpochs.Name,
        [nameof(TrainingOptions.WarmupStartFactor)] = s.WarmupStartFactor.Name,
        [nameof(TrainingOptions.PlateauFactor)] = s.PlateauFactor.Name,
        [nameof(TrainingOptions.PlateauPatience)] = s.PlateauPatience.Name,
        [nameof(TrainingOptions.PlateauThreshold)] = s.PlateauThreshold.Name,
        [nameof(TrainingOptions.PlateauCooldown)] = s.PlateauCooldown.Name,
        // The parameters of LearningRateFinder.Run, for irisnet lr-find.
        ["StartLearningRate"] = "--start-lr",
        ["EndLearningRate"] = "--end-lr",
        ["Steps"] = "--steps",
    };

    /// <summary>Adds the optimizer options and, with <paramref name="schedule"/>, the schedule's.</summary>
    public void AddTo(Command command, bool schedule = true)
    {
        foreach (Option o in new Option[] { Optimizer, Beta1, Beta2, Epsilon, WeightDecay }) command.Options.Add(o);
        if (!schedule) return;
        foreach (Option o in new Option[] { Schedule, StepSize, Gamma, LrMin, TMax, WarmupEpochs, WarmupStartFactor, PlateauFactor, PlateauPatience, PlateauThreshold, PlateauCooldown })
            command.Options.Add(o);
    }

    /// <summary>Removes the schedule's options from <paramref name="command"/> (lr-find chooses every step's rate itself).</summary>
    public void RemoveSchedule(Command command)
    {
        foreach (Option o in new Option[] { Schedule, StepSize, Gamma, LrMin, TMax, WarmupEpochs, WarmupStartFactor, PlateauFactor, PlateauPatience, PlateauThreshold, PlateauCooldown })
            command.Options.Remove(o);
    }

    /// <summary>
    /// <paramref name="o"/> with the optimizer and schedule options as given (an option the command does not
    /// offer keeps the library default). Refuses an option given for an optimizer or schedule that ignores it.
    /// </summary>
    /// <exception cref="OptionException">An option does not apply to the chosen optimizer or schedule.</exception>
    public TrainingOptions Apply(TrainingOptions o, ParseResult p)
    {
        T Get<T>(Option<T> option, T fallback) => p.GetResult(option) is null ? fallback : p.GetValue(option)!;
        var optimizer = Names.TryParse(Get(Optimizer, Names.Of(Defaults.Optimizer)), out IrisNet.Training.Optimizer op) ? op : Defaults.Optimizer;
        var schedule = Names.TryParse(Get(Schedule, Names.Of(Defaults.LrSchedule)), out LearningRateSchedule sc) ? sc : Defaults.LrSchedule;
        bool adam = optimizer is IrisNet.Training.Optimizer.Adam or IrisNet.Training.Optimizer.AdamW;
        string opName = Names.Of(optimizer), scName = Names.Of(schedule);
        void Only(Option option, bool applies, string readers, string instead)
        {
            if (applies || p.GetResult(option) is not { Implicit: false }) return;
            throw new OptionException(option.Name, $"applies to {readers} only, not to {instead}; drop it or choose an optimizer or schedule that reads it.");
        }
        Only(Beta1, adam, "adam and adamw", $"--optimizer {opName}");
        Only(Beta2, adam, "adam and adamw", $"--optimizer {opName}");
        Only(Epsilon, adam, "adam and adamw", $"--optimizer {opName}");
        if (p.GetResult(WeightDecay) is { Implicit: false } && optimizer != IrisNet.Training.Optimizer.AdamW)
            throw new OptionException(WeightDecay.Name, $"is AdamW's decoupled decay and does not apply to --optimizer {opName}; use --optimizer adamw, or --l2 to add λθ to the gradient.");
        Only(StepSize, schedule == LearningRateSchedule.Step, "--lr-schedule step", $"--lr-schedule {scName}");
        Only(Gamma, schedule is LearningRateSchedule.Step or LearningRateSchedule.Exponential, "--lr-schedule step and exponential", $"--lr-schedule {scName}");
        Only(LrMin, schedule is LearningRateSchedule.Cosine or LearningRateSchedule.Plateau, "--lr-schedule cosine and plateau", $"--lr-schedule {scName}");
        Only(TMax, schedule == LearningRateSchedule.Cosine, "--lr-schedule cosine", $"--lr-schedule {scName}");
        Only(WarmupStartFactor, Get(WarmupEpochs, 0) > 0, "a warm-up (--warmup-epochs)", "a run without one");
        foreach (Option option in new Option[] { PlateauFactor, PlateauPatience, PlateauThreshold, PlateauCooldown })
            Only(option, schedule == LearningRateSchedule.Plateau, "--lr-schedule plateau", $"--lr-schedule {scName}");
        return o with
        {
            Optimizer = optimizer,
            Beta1 = Get(Beta1, Defaults.Beta1),
            Beta2 = Get(Beta2, Defaults.Beta2),
            Epsilon = Get(Epsilon, Defaults.Epsilon),
            WeightDecay = Get(WeightDecay, Defaults.WeightDecay),
            LrSchedule = schedule,
            LrStepSize = Get(StepSize, Defaults.LrStepSize),
            LrGamma = Get(Gamma, Defaults.LrGamma),
            LrMin = Get(LrMin, Defaults.LrMin),
            LrTMax = Get(TMax, Defaults.LrTMax),
            WarmupEpochs = Get(WarmupEpochs, Defaults.WarmupEpochs),
            WarmupStartFactor = p.GetResult(WarmupStartFactor) is { Implicit: false } ? p.GetValue(WarmupStartFactor) : Defaults.WarmupStartFactor,
            PlateauFactor = Get(PlateauFactor, Defaults.PlateauFactor),
            PlateauPatience = Get(PlateauPatience, Defaults.PlateauPatience),
            PlateauThreshold = Get(PlateauThreshold, Defaults.PlateauThreshold),
            PlateauCooldown = Get(PlateauCooldown, Defaults.PlateauCooldown),
        };
    }
}
