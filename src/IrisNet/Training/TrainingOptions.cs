using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// Everything that determines a training run besides the data. Same data, same options (seed
/// included) give bit-identical weights and loss curves. Errors name the property; the command line maps each to its
/// option.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>H, hidden units (<c>--hidden</c>).</summary>
    public int Hidden { get; init; } = 16;

    /// <summary>The hidden activation f (<c>--activation</c>).</summary>
    public Activation Activation { get; init; } = Activation.Identity;

    /// <summary>Biases a and b on (<c>--bias</c>). Off gives the sources' exact network (docs/derivation.md,
    /// References), which stalls near 85 % on Iris.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>η, the learning rate (<c>--lr</c>).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Number of epochs (<c>--epochs</c>).</summary>
    public int Epochs { get; init; } = 1000;

    /// <summary>Mini-batch size; 0 means full batch (<c>--batch-size</c>).</summary>
    public int BatchSize { get; init; }

    /// <summary>μ, momentum in [0, 1) (<c>--momentum</c>).</summary>
    public double Momentum { get; init; }

    /// <summary>λ, L2 weight decay on A and B (<c>--l2</c>).</summary>
    public double L2 { get; init; }

    /// <summary>The update rule (<c>--optimizer</c>): SGD (with <see cref="Momentum"/>), Nesterov, Adam or
    /// AdamW.</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Sgd;

    /// <summary>β1, Adam's decay of the first moment m, in [0, 1) (<c>--beta1</c>; Eq. 18).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β2, Adam's decay of the second moment r, in [0, 1) (<c>--beta2</c>; Eq. 19).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε, added to √r̂ in Adam's denominator, positive (<c>--epsilon</c>; Eq. 21).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// λ_w, AdamW's decoupled weight decay θ ← θ(1 − ηλ_w) on A and B (<c>--weight-decay</c>; Eq. 22); torch's
    /// default 0.01. Only AdamW reads it; <see cref="L2"/> is the decay added to the gradient instead.
    /// </summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>The learning-rate schedule, stepped once per epoch (<c>--lr-schedule</c>; Eqs. 23–28).</summary>
    public LearningRateSchedule LrSchedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>k, the epochs between two reductions of the step schedule (<c>--lr-step-size</c>); the step schedule
    /// needs it.</summary>
    public int LrStepSize { get; init; }

    /// <summary>
    /// γ, the factor of the step and exponential schedules, in (0, 1] (<c>--lr-gamma</c>); null when not given:
    /// the step schedule then uses torch's 0.1, and the exponential schedule needs it.
    /// </summary>
    public double? LrGamma { get; init; }

    /// <summary>η_min, the floor of the cosine and plateau schedules, below η (<c>--lr-min</c>).</summary>
    public double LrMin { get; init; }

    /// <summary>T, the cosine schedule's length in epochs (<c>--lr-t-max</c>); 0 means every epoch after the
    /// warm-up.</summary>
    public int LrTMax { get; init; }

    /// <summary>W, epochs of linear warm-up before the schedule (<c>--warmup-epochs</c>; Eq. 27); 0 means
    /// none.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>The warm-up's first factor f₀ of η, in (0, 1] (<c>--warmup-start-factor</c>); torch's LinearLR default
    /// 1/3.</summary>
    public double WarmupStartFactor { get; init; } = 1.0 / 3;

    /// <summary>The plateau schedule's factor, in (0, 1) (<c>--plateau-factor</c>; ReduceLROnPlateau's default
    /// 0.1).</summary>
    public double PlateauFactor { get; init; } = 0.1;

    /// <summary>Epochs without improvement the plateau schedule tolerates before reducing (<c>--plateau-patience</c>;
    /// default 10).</summary>
    public int PlateauPatience { get; init; } = 10;

    /// <summary>The relative improvement that counts, in [0, 1): better means below best·(1 − threshold)
    /// (<c>--plateau-threshold</c>; default 1e-4).</summary>
    public double PlateauThreshold { get; init; } = 1e-4;

    /// <summary>Epochs after a reduction during which the plateau schedule does not count bad epochs
    /// (<c>--plateau-cooldown</c>; default 0).</summary>
    public int PlateauCooldown { get; init; }

    /// <summary>Fraction of each class held out for testing, in [0, 1) (<c>--test-fraction</c>).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>
    /// Fraction of each class of the training rows held out as a validation set, in [0, 1)
    /// (<c>--validation-fraction</c>); 0 means none. The test rows are never touched.
    /// </summary>
    public double ValidationFraction { get; init; }

    /// <summary>
    /// Early stopping (<c>--patience</c>): stop once the validation loss has not improved by more than
    /// <see cref="MinDelta"/> for this many epochs, and keep the weights of the best epoch; 0 means off.
    /// Needs a validation set.
    /// </summary>
    public int Patience { get; init; }

    /// <summary>The least decrease of the validation loss that counts as an improvement (<c>--min-delta</c>).</summary>
    public double MinDelta { get; init; }

    /// <summary>The seed of every random stream (<c>--seed</c>).</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Arithmetic precision (<c>--precision</c>).</summary>
    public Precision Precision { get; init; } = Precision.Float64;

    /// <summary>z-score standardization fitted on the training rows (<c>--standardize zscore|none</c>).</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Threads for the forward and backward passes (<c>--threads</c>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Checks every value that does not depend on the data; the error names the property.</summary>
    /// <exception cref="OptionException">A value is out of range.</exception>
    public void Validate()
    {
        if (Hidden <= 0) throw new OptionException(nameof(Hidden),
            $"{Hidden} is not a positive number of hidden units; for example 16.");
        if (Hidden > 1_000_000) throw new OptionException(nameof(Hidden),
            $"{Hidden} hidden units is beyond the supported 1,000,000.");
        if (!Enum.IsDefined(Activation)) throw new OptionException(nameof(Activation),
            $"'{Activation}' is not {Names.Choices<Activation>()}.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            throw new OptionException(nameof(LearningRate),
                $"{LearningRate} is not a positive finite learning rate; for example 0.1.");
        if (LearningRate > 1000)
            throw new OptionException(nameof(LearningRate),
                $"{LearningRate} is absurdly large (the limit is 1000); try 0.1.");
        if (Epochs <= 0) throw new OptionException(nameof(Epochs),
            $"{Epochs} is not a positive number of epochs; for example 500.");
        if (Epochs > 100_000_000) throw new OptionException(nameof(Epochs),
            $"{Epochs} epochs is beyond the supported 100,000,000.");
        if (BatchSize < 0) throw new OptionException(nameof(BatchSize),
            $"{BatchSize} is negative; use 0 for full batch or a size from 1 to the number of training rows.");
        if (!double.IsFinite(Momentum) || Momentum < 0 || Momentum >= 1)
            throw new OptionException(nameof(Momentum),
                $"{Momentum} is outside [0, 1); for example 0.9, or 0 for none.");
        if (!double.IsFinite(L2) || L2 < 0) throw new OptionException(nameof(L2),
            $"{L2} is not a finite non-negative weight decay; for example 0.0001.");
        CheckTestFraction(TestFraction);
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new OptionException(nameof(ValidationFraction),
                $"{ValidationFraction} is outside [0, 1); for example 0.2, or 0 for no validation set.");
        if (Patience < 0) throw new OptionException(nameof(Patience),
            $"{Patience} is negative; use a number of epochs such as 50, or 0 to train every epoch.");
        if (Patience > 0 && ValidationFraction == 0)
            throw new OptionException(nameof(Patience),
                "early stopping watches the validation loss; add a validation fraction (for example 0.2).");
        if (!double.IsFinite(MinDelta) || MinDelta < 0)
            throw new OptionException(nameof(MinDelta),
                $"{MinDelta} is not a finite non-negative loss difference; for example 0.0001, or 0.");
        ValidateOptimizer();
        ValidateSchedule();
        if (Threads <= 0) throw new OptionException(nameof(Threads),
            $"{Threads} is not a positive thread count; use 1 or more.");
        if (Threads > 256) throw new OptionException(nameof(Threads),
            $"{Threads} threads is beyond the supported 256.");
        if (!Enum.IsDefined(Precision)) throw new OptionException(nameof(Precision),
            $"'{Precision}' is not {Names.Choices<Precision>()}.");
        ValidateForPrecision();
    }

    /// <summary>The optimizer's values: β1, β2 in [0, 1), ε &gt; 0, λ_w ≥ 0, and the momentum the rule needs or
    /// refuses.</summary>
    private void ValidateOptimizer()
    {
        if (!Enum.IsDefined(Optimizer)) throw new OptionException(nameof(Optimizer),
            $"'{Optimizer}' is not {Names.Choices<Optimizer>()}.");
        if (!(Beta1 >= 0 && Beta1 < 1))
            throw new OptionException(nameof(Beta1),
                $"{Beta1} is outside [0, 1); β1 is the first moment's decay, for example 0.9.");
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw new OptionException(nameof(Beta2),
                $"{Beta2} is outside [0, 1): with β2 = 1 the bias correction 1 − β2^t is 0 and r̂ divides by it; for " +
                $"example 0.999.");
        if (!double.IsFinite(Epsilon) || Epsilon <= 0)
            throw new OptionException(nameof(Epsilon),
                $"{Epsilon} is not a positive finite ε; it keeps m̂/(√r̂ + ε) finite where r̂ is 0, for example 1e-8.");
        if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
            throw new OptionException(nameof(WeightDecay),
                $"{WeightDecay} is not a finite non-negative decoupled weight decay; for example 0.01.");
        if (Optimizer == Optimizer.AdamW && LearningRate * WeightDecay >= 1)
            throw new OptionException(nameof(WeightDecay),
                $"{WeightDecay} times the learning rate {LearningRate} is at least 1, so θ(1 − ηλ_w) would flip or " +
                $"zero every weight; use for example 0.01.");
        if (Momentum != 0 && Optimizer is Optimizer.Adam or Optimizer.AdamW)
            throw new OptionException(nameof(Momentum),
                $"{Momentum} does not apply to {Names.Of(Optimizer)}: its running average of gradients decays by β1 " +
                $"instead; drop the momentum.");
        if (Optimizer == Optimizer.Nesterov && Momentum == 0)
            throw new OptionException(nameof(Momentum),
                "nesterov looks ahead along the velocity, which needs a momentum μ > 0; for example 0.9.");
    }

    /// <summary>The schedule's values, and the options each schedule needs.</summary>
    private void ValidateSchedule()
    {
        string name = Names.Of(LrSchedule);
        if (!Enum.IsDefined(LrSchedule)) throw new OptionException(nameof(LrSchedule),
            $"'{LrSchedule}' is not {Names.Choices<LearningRateSchedule>()}.");
        if (LrStepSize < 0) throw new OptionException(nameof(LrStepSize),
            $"{LrStepSize} is negative; give the epochs between reductions, for example 100.");
        if (LrSchedule == LearningRateSchedule.Step && LrStepSize == 0)
            throw new OptionException(nameof(LrStepSize),
                "the step schedule multiplies the learning rate by γ every k epochs; give k, for example 100.");
        if (LrGamma is double g && !(g > 0 && g <= 1))
            throw new OptionException(nameof(LrGamma),
                $"{g} is outside (0, 1]; γ multiplies the learning rate, for example 0.5 (step) or 0.995 " +
                $"(exponential).");
        if (LrSchedule == LearningRateSchedule.Exponential && LrGamma is null)
            throw new OptionException(nameof(LrGamma),
                "the exponential schedule multiplies the learning rate by γ every epoch; give γ, for example 0.995.");
        if (!double.IsFinite(LrMin) || LrMin < 0)
            throw new OptionException(nameof(LrMin),
                $"{LrMin} is not a finite non-negative learning rate; for example 0, or 0.001.");
        if (LrMin >= LearningRate && LrSchedule is LearningRateSchedule.Cosine or LearningRateSchedule.Plateau)
            throw new OptionException(nameof(LrMin),
                $"{LrMin} is not below the learning rate {LearningRate}, so the {name} schedule could never lower " +
                $"it; use for example 0.");
        if (LrTMax < 0) throw new OptionException(nameof(LrTMax),
            $"{LrTMax} is negative; give the cosine's length in epochs, or 0 for every epoch after the warm-up.");
        if (WarmupEpochs < 0) throw new OptionException(nameof(WarmupEpochs),
            $"{WarmupEpochs} is negative; give a number of epochs such as 10, or 0 for none.");
        if (WarmupEpochs >= Epochs && WarmupEpochs > 0)
            throw new OptionException(nameof(WarmupEpochs),
                $"{WarmupEpochs} warm-up epochs leave none of the {Epochs} epochs at the full learning rate; use " +
                $"fewer, for example {Math.Max(1, Epochs / 10)}.");
        if (!(WarmupStartFactor > 0 && WarmupStartFactor <= 1))
            throw new OptionException(nameof(WarmupStartFactor),
                $"{WarmupStartFactor} is outside (0, 1]; the warm-up starts at this fraction of the learning rate, " +
                $"for example 0.1.");
        if (!(PlateauFactor > 0 && PlateauFactor < 1))
            throw new OptionException(nameof(PlateauFactor),
                $"{PlateauFactor} is outside (0, 1); the plateau schedule multiplies the learning rate by it, for " +
                $"example 0.1.");
        if (PlateauPatience < 0) throw new OptionException(nameof(PlateauPatience),
            $"{PlateauPatience} is negative; give a number of epochs such as 10.");
        if (!(PlateauThreshold >= 0 && PlateauThreshold < 1))
            throw new OptionException(nameof(PlateauThreshold),
                $"{PlateauThreshold} is outside [0, 1); it is the relative improvement that counts, for example " +
                $"0.0001.");
        if (PlateauCooldown < 0) throw new OptionException(nameof(PlateauCooldown),
            $"{PlateauCooldown} is negative; give a number of epochs such as 0 or 5.");
        if (LrSchedule == LearningRateSchedule.Plateau)
        {
            if (ValidationFraction == 0)
                throw new OptionException(nameof(LrSchedule),
                    "plateau watches the validation loss; add a validation fraction (for example 0.2).");
            if (WarmupEpochs > 0)
                throw new OptionException(nameof(WarmupEpochs),
                    "a warm-up does not combine with the plateau schedule, which reduces the rate it finds; drop the " +
                    "warm-up or choose another schedule.");
        }
    }

    /// <summary>The one check of a test fraction: in [0, 1).</summary>
    /// <exception cref="OptionException">The fraction is outside [0, 1); names <see cref="TestFraction"/>.</exception>
    public static void CheckTestFraction(double testFraction)
    {
        if (!(testFraction >= 0 && testFraction < 1))
            throw new OptionException(nameof(TestFraction),
                $"{testFraction} is outside [0, 1); for example 0.2, or 0 to train on every row.");
    }

    /// <summary>
    /// Refuses step sizes that the chosen precision cannot hold: a positive learning rate or L2 that rounds
    /// to 0 (or overflows) in float32, and a momentum that rounds to 0 or to 1. Training would otherwise
    /// run with a different value than the one given, silently.
    /// </summary>
    /// <exception cref="OptionException">A value vanishes or overflows in <see cref="Precision"/>.</exception>
    public void ValidateForPrecision()
    {
        if (Precision != Precision.Float32) return;
        static bool Lost(double v) => v != 0 && ((float)v == 0 || !float.IsFinite((float)v));
        const string Range = "float32 holds magnitudes from about 1.4e-45 to 3.4e38";
        if (Lost(LearningRate))
            throw new OptionException(nameof(LearningRate),
                $"{LearningRate:R} is not representable in float32 ({Range}); use a larger learning rate such as " +
                $"0.1, or float64 precision.");
        if (Lost(L2))
            throw new OptionException(nameof(L2),
                $"{L2:R} is not representable in float32 ({Range}); use 0 for none, a larger value such as 0.0001, " +
                $"or float64 precision.");
        if (Lost(Epsilon))
            throw new OptionException(nameof(Epsilon),
                $"{Epsilon:R} is not representable in float32 ({Range}); use a larger ε such as 1e-8, or float64 " +
                $"precision.");
        if (Optimizer is Optimizer.Adam or Optimizer.AdamW)
        {
            if ((float)Beta1 >= 1 || (float)Beta2 >= 1)
                throw new OptionException((float)Beta1 >= 1 ? nameof(Beta1) : nameof(Beta2),
                    $"{((float)Beta1 >= 1 ? Beta1 : Beta2):R} becomes 1 in float32; use a value such as 0.999, or " +
                        $"float64 precision.");
        }
        if (Lost(Momentum) || (float)Momentum >= 1)
            throw new OptionException(nameof(Momentum),
                $"{Momentum:R} becomes {(float)Momentum:R} in float32; use a value such as 0.9 (0 for none), or " +
                $"float64 precision.");
    }

    /// <summary>Checks the options that depend on the training set: batch size and memory.</summary>
    /// <exception cref="OptionException">The batch is larger than the data, or the buffers would not fit in
    /// memory.</exception>
    public void ValidateFor(int trainRows, int features, int classes)
    {
        if (BatchSize > trainRows)
            throw new OptionException(nameof(BatchSize),
                $"{BatchSize} is larger than the {trainRows} training rows; use 0 for full batch or at most " +
                $"{trainRows}.");
        long element = Precision == Precision.Float32 ? 4 : 8;
        long batch = BatchSize == 0 ? trainRows : BatchSize;
        long chunk = Math.Min(batch, NetworkLimits.MaxChunk);
        long partitions = NetworkLimits.MaxPartitions;
        long bytes = element * ((long)Hidden * (features + classes + 2) * (3 + partitions)
            + partitions * (3L * Hidden + 2L * classes) * chunk + (long)(features + classes) * trainRows * 2);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available / 2)
            throw new OptionException(nameof(Hidden),
                $"{Hidden} hidden units need about {bytes / (1 << 20):N0} MiB, more than half of the " +
                $"{available / (1 << 20):N0} MiB available; use fewer hidden units or a smaller batch.");
    }
}
