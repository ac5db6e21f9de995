using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// Everything that determines a training run besides the data. Same data, same options (seed
/// included) give bit-identical weights and loss curves. Errors name the property; the command line maps each to its option.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>H, hidden units (<c>--hidden</c>).</summary>
    public int Hidden { get; init; } = 16;

    /// <summary>The hidden activation f (<c>--activation</c>).</summary>
    public Activation Activation { get; init; } = Activation.Identity;

    /// <summary>Biases a and b on (<c>--bias</c>). Off gives the sources' exact network (docs/derivation.md, References), which stalls near 85 % on Iris.</summary>
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
        if (Hidden <= 0) throw new OptionException(nameof(Hidden), $"{Hidden} is not a positive number of hidden units; for example 16.");
        if (Hidden > 1_000_000) throw new OptionException(nameof(Hidden), $"{Hidden} hidden units is beyond the supported 1,000,000.");
        if (!Enum.IsDefined(Activation)) throw new OptionException(nameof(Activation), $"'{Activation}' is not {Names.Choices<Activation>()}.");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            throw new OptionException(nameof(LearningRate), $"{LearningRate} is not a positive finite learning rate; for example 0.1.");
        if (LearningRate > 1000)
            throw new OptionException(nameof(LearningRate), $"{LearningRate} is absurdly large (the limit is 1000); try 0.1.");
        if (Epochs <= 0) throw new OptionException(nameof(Epochs), $"{Epochs} is not a positive number of epochs; for example 500.");
        if (Epochs > 100_000_000) throw new OptionException(nameof(Epochs), $"{Epochs} epochs is beyond the supported 100,000,000.");
        if (BatchSize < 0) throw new OptionException(nameof(BatchSize), $"{BatchSize} is negative; use 0 for full batch or a size from 1 to the number of training rows.");
        if (!double.IsFinite(Momentum) || Momentum < 0 || Momentum >= 1)
            throw new OptionException(nameof(Momentum), $"{Momentum} is outside [0, 1); for example 0.9, or 0 for none.");
        if (!double.IsFinite(L2) || L2 < 0) throw new OptionException(nameof(L2), $"{L2} is not a finite non-negative weight decay; for example 0.0001.");
        CheckTestFraction(TestFraction);
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new OptionException(nameof(ValidationFraction), $"{ValidationFraction} is outside [0, 1); for example 0.2, or 0 for no validation set.");
        if (Patience < 0) throw new OptionException(nameof(Patience), $"{Patience} is negative; use a number of epochs such as 50, or 0 to train every epoch.");
        if (Patience > 0 && ValidationFraction == 0)
            throw new OptionException(nameof(Patience), "early stopping watches the validation loss; add a validation fraction (for example 0.2).");
        if (!double.IsFinite(MinDelta) || MinDelta < 0)
            throw new OptionException(nameof(MinDelta), $"{MinDelta} is not a finite non-negative loss difference; for example 0.0001, or 0.");
        if (Threads <= 0) throw new OptionException(nameof(Threads), $"{Threads} is not a positive thread count; use 1 or more.");
        if (Threads > 256) throw new OptionException(nameof(Threads), $"{Threads} threads is beyond the supported 256.");
        if (!Enum.IsDefined(Precision)) throw new OptionException(nameof(Precision), $"'{Precision}' is not {Names.Choices<Precision>()}.");
        ValidateForPrecision();
    }

    /// <summary>The one check of a test fraction: in [0, 1).</summary>
    /// <exception cref="OptionException">The fraction is outside [0, 1); names <see cref="TestFraction"/>.</exception>
    public static void CheckTestFraction(double testFraction)
    {
        if (!(testFraction >= 0 && testFraction < 1))
            throw new OptionException(nameof(TestFraction), $"{testFraction} is outside [0, 1); for example 0.2, or 0 to train on every row.");
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
            throw new OptionException(nameof(LearningRate), $"{LearningRate:R} is not representable in float32 ({Range}); use a larger learning rate such as 0.1, or float64 precision.");
        if (Lost(L2))
            throw new OptionException(nameof(L2), $"{L2:R} is not representable in float32 ({Range}); use 0 for none, a larger value such as 0.0001, or float64 precision.");
        if (Lost(Momentum) || (float)Momentum >= 1)
            throw new OptionException(nameof(Momentum), $"{Momentum:R} becomes {(float)Momentum:R} in float32; use a value such as 0.9 (0 for none), or float64 precision.");
    }

    /// <summary>Checks the options that depend on the training set: batch size and memory.</summary>
    /// <exception cref="OptionException">The batch is larger than the data, or the buffers would not fit in memory.</exception>
    public void ValidateFor(int trainRows, int features, int classes)
    {
        if (BatchSize > trainRows)
            throw new OptionException(nameof(BatchSize), $"{BatchSize} is larger than the {trainRows} training rows; use 0 for full batch or at most {trainRows}.");
        long element = Precision == Precision.Float32 ? 4 : 8;
        long batch = BatchSize == 0 ? trainRows : BatchSize;
        long chunk = Math.Min(batch, NetworkLimits.MaxChunk);
        long partitions = NetworkLimits.MaxPartitions;
        long bytes = element * ((long)Hidden * (features + classes + 2) * (3 + partitions)
            + partitions * (3L * Hidden + 2L * classes) * chunk + (long)(features + classes) * trainRows * 2);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available / 2)
            throw new OptionException(nameof(Hidden), $"{Hidden} hidden units need about {bytes / (1 << 20):N0} MiB, more than half of the {available / (1 << 20):N0} MiB available; use fewer hidden units or a smaller batch.");
    }
}
