using System.CommandLine;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Interop.NumPy;
using IrisNet.Models;
using IrisNet.Training;
using ActivationKind = IrisNet.Reference.Activation;
using PrecisionKind = IrisNet.FastPath.Precision;

namespace IrisNet.Cli.Options;

/// <summary>
/// The options that define a network and its training, declared once for every command that takes
/// them (train, cv, gradcheck, explain, trace; each command adds the ones it offers).
/// </summary>
public sealed class ModelOptionSet
{
    private static readonly TrainingOptions Defaults = new();
    private static readonly string DefaultStandardize =
        Names.Of(Defaults.Standardize ? StandardizationKind.ZScore : StandardizationKind.None);

    public Option<string?> Data { get; } = SharedOptions.TrainingData();
    public Option<string?> Label { get; } = SharedOptions.Label();

    // Each option below names the TrainingOptions property it sets and sets it: Read applies them
    // all, and Describe finds a property's flag among the options of the command that ran.
    public TrainingOption<int> Hidden { get; } =
        new("--hidden", nameof(TrainingOptions.Hidden), (o, v) => o with { Hidden = v })
        {
            Description = "Hidden units H",
            DefaultValueFactory = _ => Defaults.Hidden,
            HelpName = "H",
        };

    public TrainingOption<string> Activation { get; } =
        new("--activation", nameof(TrainingOptions.Activation),
            (o, v) => o with { Activation = Parse<ActivationKind>(v) })
        {
            Description = "Hidden activation f",
            DefaultValueFactory = _ => Names.Of(Defaults.Activation),
        };

    public TrainingOption<bool> Bias { get; } =
        new("--bias", nameof(TrainingOptions.Bias), (o, v) => o with { Bias = v })
        {
            Description = "Biases a and b; false gives the bias-free network h = A x, s = B h of the sources in "
                + "docs/derivation.md#references [default: true]",
            DefaultValueFactory = _ => Defaults.Bias,
            HelpName = "true|false",
        };

    public TrainingOption<double> LearningRate { get; } =
        new("--lr", nameof(TrainingOptions.LearningRate), (o, v) => o with { LearningRate = v })
        {
            Description = "Learning rate η",
            DefaultValueFactory = _ => Defaults.LearningRate,
        };

    public TrainingOption<int> Epochs { get; } =
        new("--epochs", nameof(TrainingOptions.Epochs), (o, v) => o with { Epochs = v })
        {
            Description = "Epochs",
            DefaultValueFactory = _ => Defaults.Epochs,
        };

    public TrainingOption<int> BatchSize { get; } =
        new("--batch-size", nameof(TrainingOptions.BatchSize), (o, v) => o with { BatchSize = v })
        {
            Description = "Mini-batch size; 0 = full batch",
            DefaultValueFactory = _ => Defaults.BatchSize,
            HelpName = "N",
        };

    public TrainingOption<double> Momentum { get; } =
        new("--momentum", nameof(TrainingOptions.Momentum), (o, v) => o with { Momentum = v })
        {
            Description = "Momentum μ in [0, 1)",
            DefaultValueFactory = _ => Defaults.Momentum,
        };

    public TrainingOption<double> L2 { get; } =
        new("--l2", nameof(TrainingOptions.L2), (o, v) => o with { L2 = v })
        {
            Description = "L2 weight decay λ on A and B",
            DefaultValueFactory = _ => Defaults.L2,
        };

    public TrainingOption<double> TestFraction { get; } =
        new("--test-fraction", nameof(TrainingOptions.TestFraction), (o, v) => o with { TestFraction = v })
        {
            Description = "Fraction of each class held out for testing, in [0, 1)",
            DefaultValueFactory = _ => Defaults.TestFraction,
        };

    public TrainingOption<double> ValidationFraction { get; } =
        new("--validation-fraction", nameof(TrainingOptions.ValidationFraction),
            (o, v) => o with { ValidationFraction = v })
        {
            Description = "Fraction of each class of the training rows held out for validation (early stopping), "
                + "in [0, 1)",
            DefaultValueFactory = _ => Defaults.ValidationFraction,
        };

    public TrainingOption<int> Patience { get; } =
        new("--patience", nameof(TrainingOptions.Patience), (o, v) => o with { Patience = v })
        {
            Description = "Stop when the validation loss has not improved for this many epochs and keep the best "
                + "epoch's weights; 0 = off",
            DefaultValueFactory = _ => Defaults.Patience,
            HelpName = "EPOCHS",
        };

    public TrainingOption<double> MinDelta { get; } =
        new("--min-delta", nameof(TrainingOptions.MinDelta), (o, v) => o with { MinDelta = v })
        {
            Description = "Smallest decrease of the validation loss that counts as an improvement",
            DefaultValueFactory = _ => Defaults.MinDelta,
        };

    public TrainingOption<ulong> Seed { get; } =
        new("--seed", nameof(TrainingOptions.Seed), (o, v) => o with { Seed = v })
        {
            Description = "Seed of the split, the initial weights and the shuffle",
            DefaultValueFactory = _ => Defaults.Seed,
        };

    public TrainingOption<string> Precision { get; } =
        new("--precision", nameof(TrainingOptions.Precision), (o, v) => o with { Precision = Parse<PrecisionKind>(v) })
        {
            Description = "Arithmetic precision",
            DefaultValueFactory = _ => Names.Of(Defaults.Precision),
        };

    public TrainingOption<string> Standardize { get; } =
        new("--standardize", nameof(TrainingOptions.Standardize),
            (o, v) => o with { Standardize = Parse<StandardizationKind>(v) == StandardizationKind.ZScore })
        {
            Description = "Input standardization fitted on the training rows",
            DefaultValueFactory = _ => DefaultStandardize,
        };

    public TrainingOption<int> Threads { get; } =
        new("--threads", nameof(TrainingOptions.Threads), (o, v) => o with { Threads = v })
        {
            Description = "Threads for the forward and backward passes",
            DefaultValueFactory = _ => Defaults.Threads,
            HelpName = "N",
        };

    /// <summary>
    /// --threads of cv: folds at once (CrossValidation.Run's <c>threads</c>) instead of <see cref="Threads"/>.
    /// </summary>
    public BoundOption<int?> FoldsAtOnce { get; } = new("--threads", "threads")
    {
        Description = "Folds trained at once, each on one thread [default: the number of cores]",
        HelpName = "N",
    };

    public Option<string?> Init { get; } = new("--init")
    {
        Description = "Start from these weights: a saved model.json, or JSON with \"A\", \"B\" "
            + "(and \"a\", \"b\" with biases), or those arrays in an .npz (a PyTorch state dict too)",
        HelpName = "WEIGHTS",
    };

    /// <summary>The optimizer and learning-rate schedule options (train and cv).</summary>
    public OptimizerOptionSet Optimizer { get; } = new();

    public ModelOptionSet()
    {
        OneOf<ActivationKind>(Activation);
        OneOf<PrecisionKind>(Precision);
        OneOf<StandardizationKind>(Standardize);
        Option<double>[] numbers = [LearningRate, Momentum, L2, TestFraction, ValidationFraction, MinDelta];
        foreach (Option<double> number in numbers) UsageErrors.DecimalPointsOnly(number);
        Training =
        [
            Hidden, Activation, Bias, LearningRate, Epochs, BatchSize, Momentum, L2, TestFraction,
            ValidationFraction, Patience, MinDelta, Seed, Precision, Standardize, Threads, .. Optimizer.All,
        ];
    }

    /// <summary>The options that set a <see cref="TrainingOptions"/> property, one per property.</summary>
    public IReadOnlyList<ITrainingOption> Training { get; }

    /// <summary>Every option of the set, for the test that no command declares one of them again.</summary>
    public IEnumerable<Option> All => [Data, Label, .. Training.Cast<Option>(), FoldsAtOnce, Init];

    /// <summary>
    /// The message of a library error as <paramref name="command"/> says it: an option error under the
    /// command's flag for the property or parameter the library names, a diverged run with the flag of
    /// the learning rate to lower.
    /// </summary>
    public static string Describe(Exception e, Command command) => e switch
    {
        OptionException o => $"{FlagFor(o.Option, command)}: {o.Detail}",
        TrainingDivergedException d =>
            $"{d.Message.TrimEnd('.')} ({FlagFor(nameof(TrainingOptions.LearningRate), command)}).",
        _ => e.Message,
    };

    /// <summary>
    /// The flag of <paramref name="command"/> bound to the library name <paramref name="name"/> (a
    /// <see cref="TrainingOptions"/> property or a parameter); a name no option of the command is
    /// bound to (a flag already) passes through.
    /// </summary>
    public static string FlagFor(string name, Command command) =>
        command.Options.OfType<IBoundOption>().FirstOrDefault(o => o.BoundTo == name)?.Name ?? name;

    /// <summary>
    /// Restricts a string option to the <see cref="Names"/> of <typeparamref name="T"/>, with an error
    /// that names the option.
    /// </summary>
    public static void OneOf<T>(Option<string> option) where T : struct, Enum
    {
        option.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string>();
            if (v is not null && !Names.TryParse(v, out T _))
                r.AddError($"{option.Name}: '{v}' is not one of {string.Join(", ", Names.All<T>())}.");
        });
        option.HelpName = string.Join('|', Names.All<T>());
    }

    internal static T Parse<T>(string name) where T : struct, Enum => Names.TryParse(name, out T value)
        ? value
        : throw new OptionException(typeof(T).Name, $"'{name}' is not one of {Names.Choices<T>()}.");

    public void AddTo(Command command, bool training)
    {
        command.Options.Add(Data);
        command.Options.Add(Label);
        command.Options.Add(Hidden);
        command.Options.Add(Activation);
        command.Options.Add(Bias);
        if (training)
        {
            command.Options.Add(LearningRate);
            command.Options.Add(Epochs);
            command.Options.Add(BatchSize);
            command.Options.Add(Momentum);
        }
        command.Options.Add(L2);
        if (training)
        {
            command.Options.Add(TestFraction);
            command.Options.Add(ValidationFraction);
            command.Options.Add(Patience);
            command.Options.Add(MinDelta);
        }
        command.Options.Add(Seed);
        if (training) command.Options.Add(Precision);
        command.Options.Add(Standardize);
        command.Options.Add(Init);
        if (training) command.Options.Add(Threads);
        if (training) Optimizer.AddTo(command);
    }

    /// <summary>The options as given, validated; with --init, the shape comes from the weights file.</summary>
    public (TrainingOptions Options, InitialWeights? Init) Read(ParseResult p)
    {
        // An option the command does not offer keeps the library default.
        var o = new TrainingOptions();
        foreach (ITrainingOption option in Training) o = option.Apply(o, p);
        Optimizer.CheckApplies(o, p);
        o.Validate();
        string? initPath = p.GetValue(Init);
        if (initPath is null) return (o, null);
        InitialWeights init = NpzArchive.IsNpz(initPath) ? NpzWeights.Load(initPath) : ModelJson.LoadWeights(initPath);
        bool bias = init.HiddenBias is not null;
        if (Explicit(p, Hidden) && o.Hidden != init.Hidden)
        {
            throw new OptionException(Hidden.Name, $"{o.Hidden} disagrees with the {init.Hidden} rows of \"A\" in "
                + $"{initPath}; drop {Hidden.Name} or use {Hidden.Name} {init.Hidden}.");
        }
        if (Explicit(p, Bias) && o.Bias != bias)
        {
            throw new OptionException(Bias.Name, $"{Lower(o.Bias)} disagrees with {initPath}, which "
                + $"{(bias ? "has" : "has no")} biases; drop {Bias.Name} or use {Bias.Name} {Lower(bias)}.");
        }
        if (init.Activation is ActivationKind f && Explicit(p, Activation) && f != o.Activation)
        {
            throw new OptionException(Activation.Name,
                $"{Names.Of(o.Activation)} disagrees with the model's {Names.Of(f)} in {initPath}.");
        }
        if (init.Standardization is { } stored && Explicit(p, Standardize) && stored.Enabled != o.Standardize)
        {
            throw new OptionException(Standardize.Name,
                $"disagrees with the standardization stored in {initPath}; drop {Standardize.Name}.");
        }
        o = o with
        {
            Hidden = init.Hidden,
            Bias = bias,
            Activation = init.Activation ?? o.Activation,
            Standardize = init.Standardization?.Enabled ?? o.Standardize,
        };
        return (o, init);
    }

    private static bool Explicit(ParseResult p, Option option) => p.GetResult(option) is { Implicit: false };

    private static string Lower(bool value) => value ? "true" : "false";

    /// <summary>Loads the labelled data named by --data, or the bundled Iris data, with its SHA-256.</summary>
    public DataSource LoadData(ParseResult p) => DataSource.Load(p.GetValue(Data), p.GetValue(Label));

    /// <summary>
    /// As <see cref="LoadData"/>, for the commands that train a classifier on the data (train, cv,
    /// trace): the one check that it has at least two classes.
    /// </summary>
    /// <exception cref="DataException">Every row has the same class.</exception>
    public DataSource LoadTrainingData(ParseResult p)
    {
        DataSource source = LoadData(p);
        Dataset data = source.Data;
        if (data.ClassCount < 2)
        {
            throw new DataException(source.Name, 0, 0, $"every row has the class '{data.ClassNames[0]}'; "
                + $"training a classifier needs at least two classes (is {Label.Name} the right column?).");
        }
        return source;
    }
}
