using System.CommandLine;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;

namespace IrisNet.Cli.Options;

/// <summary>The options that define a network and its training, shared by train, gradcheck and explain.</summary>
public sealed class ModelOptionSet
{
    private static readonly TrainingOptions Defaults = new();
    private static readonly string DefaultStandardize = Names.Of(Defaults.Standardize ? StandardizationKind.ZScore : StandardizationKind.None);

    public Option<string?> Data { get; } = new("--data") { Description = "CSV file with a header row, numeric features and a label column [default: the bundled Iris data]", HelpName = "FILE" };
    public Option<string?> Label { get; } = new("--label") { Description = "Name of the label column [default: the last column]", HelpName = "COLUMN" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "Hidden units H", DefaultValueFactory = _ => Defaults.Hidden, HelpName = "H" };
    public Option<string> Activation { get; } = new("--activation") { Description = "Hidden activation f", DefaultValueFactory = _ => Names.Of(Defaults.Activation) };
    public Option<bool> Bias { get; } = new("--bias") { Description = "Biases a and b; false gives the bias-free network h = A x, s = B h of the sources in docs/derivation.md#references [default: true]", DefaultValueFactory = _ => Defaults.Bias, HelpName = "true|false" };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Learning rate η", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Epochs", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Mini-batch size; 0 = full batch", DefaultValueFactory = _ => Defaults.BatchSize, HelpName = "N" };
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Momentum μ in [0, 1)", DefaultValueFactory = _ => Defaults.Momentum };
    public Option<double> L2 { get; } = new("--l2") { Description = "L2 weight decay λ on A and B", DefaultValueFactory = _ => Defaults.L2 };
    public Option<double> TestFraction { get; } = new("--test-fraction") { Description = "Fraction of each class held out for testing, in [0, 1)", DefaultValueFactory = _ => Defaults.TestFraction };
    public Option<double> ValidationFraction { get; } = new("--validation-fraction") { Description = "Fraction of each class of the training rows held out for validation (early stopping), in [0, 1)", DefaultValueFactory = _ => Defaults.ValidationFraction };
    public Option<int> Patience { get; } = new("--patience") { Description = "Stop when the validation loss has not improved for this many epochs and keep the best epoch's weights; 0 = off", DefaultValueFactory = _ => Defaults.Patience, HelpName = "EPOCHS" };
    public Option<double> MinDelta { get; } = new("--min-delta") { Description = "Smallest decrease of the validation loss that counts as an improvement", DefaultValueFactory = _ => Defaults.MinDelta };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the split, the initial weights and the shuffle", DefaultValueFactory = _ => Defaults.Seed };
    public Option<string> Precision { get; } = new("--precision") { Description = "Arithmetic precision", DefaultValueFactory = _ => Names.Of(Defaults.Precision) };
    public Option<string> Standardize { get; } = new("--standardize") { Description = "Input standardization fitted on the training rows", DefaultValueFactory = _ => DefaultStandardize };
    public Option<string?> Init { get; } = new("--init") { Description = "Start from these weights: a saved model.json, or JSON with \"A\", \"B\" (and \"a\", \"b\" with biases)", HelpName = "WEIGHTS.json" };
    public Option<int> Threads { get; } = new("--threads") { Description = "Threads for the forward and backward passes", DefaultValueFactory = _ => Defaults.Threads, HelpName = "N" };

    /// <summary>The optimizer and learning-rate schedule options (train and cv).</summary>
    public OptimizerOptionSet Optimizer { get; } = new();

    public ModelOptionSet()
    {
        OneOf<IrisNet.Reference.Activation>(Activation);
        OneOf<IrisNet.FastPath.Precision>(Precision);
        OneOf<StandardizationKind>(Standardize);
    }

    private static readonly Lazy<Dictionary<string, string>> Flags = new(() =>
    {
        var s = new ModelOptionSet();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(TrainingOptions.Hidden)] = s.Hidden.Name,
            [nameof(TrainingOptions.Activation)] = s.Activation.Name,
            [nameof(TrainingOptions.Bias)] = s.Bias.Name,
            [nameof(TrainingOptions.LearningRate)] = s.LearningRate.Name,
            [nameof(TrainingOptions.Epochs)] = s.Epochs.Name,
            [nameof(TrainingOptions.BatchSize)] = s.BatchSize.Name,
            [nameof(TrainingOptions.Momentum)] = s.Momentum.Name,
            [nameof(TrainingOptions.L2)] = s.L2.Name,
            [nameof(TrainingOptions.TestFraction)] = s.TestFraction.Name,
            [nameof(TrainingOptions.Seed)] = s.Seed.Name,
            [nameof(TrainingOptions.Precision)] = s.Precision.Name,
            [nameof(TrainingOptions.Standardize)] = s.Standardize.Name,
            [nameof(TrainingOptions.Threads)] = s.Threads.Name,
            [nameof(TrainingOptions.ValidationFraction)] = s.ValidationFraction.Name,
            [nameof(TrainingOptions.Patience)] = s.Patience.Name,
            [nameof(TrainingOptions.MinDelta)] = s.MinDelta.Name,
            // The parameters of CrossValidation.Run, for irisnet cv.
            ["folds"] = "--folds",
            ["repeats"] = "--repeats",
            ["threads"] = s.Threads.Name,
        };
    });

    /// <summary>
    /// The message of a library error as the command line says it: an option error under its flag
    /// (the library names the property), a diverged run with the --lr to lower.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        OptionException o => $"{FlagFor(o.Option)}: {o.Detail}",
        TrainingDivergedException d => $"{d.Message.TrimEnd('.')} ({Flags.Value[nameof(TrainingOptions.LearningRate)]}).",
        _ => e.Message,
    };

    /// <summary>The command-line option of a <see cref="TrainingOptions"/> property (errors from the library name properties); other names pass through.</summary>
    public static string FlagFor(string name) =>
        Flags.Value.TryGetValue(name, out string? flag) || OptimizerOptionSet.Flags.TryGetValue(name, out flag) ? flag : name;

    /// <summary>Restricts a string option to the <see cref="Names"/> of <typeparamref name="T"/>, with an error that names the option.</summary>
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

    private static T Parse<T>(string name) where T : struct, Enum =>
        Names.TryParse(name, out T value) ? value : throw new OptionException(typeof(T).Name, $"'{name}' is not one of {Names.Choices<T>()}.");

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
        T Get<T>(Option<T> option, T fallback) => p.GetResult(option) is null ? fallback : p.GetValue(option)!;
        var o = new TrainingOptions
        {
            Hidden = Get(Hidden, Defaults.Hidden),
            Activation = Parse<IrisNet.Reference.Activation>(Get(Activation, Names.Of(Defaults.Activation))),
            Bias = Get(Bias, Defaults.Bias),
            LearningRate = Get(LearningRate, Defaults.LearningRate),
            Epochs = Get(Epochs, Defaults.Epochs),
            BatchSize = Get(BatchSize, Defaults.BatchSize),
            Momentum = Get(Momentum, Defaults.Momentum),
            L2 = Get(L2, Defaults.L2),
            TestFraction = Get(TestFraction, Defaults.TestFraction),
            ValidationFraction = Get(ValidationFraction, Defaults.ValidationFraction),
            Patience = Get(Patience, Defaults.Patience),
            MinDelta = Get(MinDelta, Defaults.MinDelta),
            Seed = Get(Seed, Defaults.Seed),
            Precision = Parse<IrisNet.FastPath.Precision>(Get(Precision, Names.Of(Defaults.Precision))),
            Standardize = Parse<StandardizationKind>(Get(Standardize, DefaultStandardize)) == StandardizationKind.ZScore,
            Threads = Get(Threads, Defaults.Threads),
        };
        o = Optimizer.Apply(o, p);
        o.Validate();
        string? initPath = p.GetValue(Init);
        if (initPath is null) return (o, null);
        InitialWeights init = ModelJson.LoadWeights(initPath);
        bool bias = init.HiddenBias is not null;
        if (Explicit(p, Hidden) && o.Hidden != init.Hidden)
            throw new OptionException("--hidden", $"{o.Hidden} disagrees with the {init.Hidden} rows of \"A\" in {initPath}; drop --hidden or use --hidden {init.Hidden}.");
        if (Explicit(p, Bias) && o.Bias != bias)
            throw new OptionException("--bias", $"{o.Bias.ToString().ToLowerInvariant()} disagrees with {initPath}, which {(bias ? "has" : "has no")} biases; drop --bias or use --bias {bias.ToString().ToLowerInvariant()}.");
        if (init.Activation is IrisNet.Reference.Activation f && Explicit(p, Activation) && f != o.Activation)
            throw new OptionException("--activation", $"{Names.Of(o.Activation)} disagrees with the model's {Names.Of(f)} in {initPath}.");
        if (init.Standardization is not null && Explicit(p, Standardize) && init.Standardization.Enabled != o.Standardize)
            throw new OptionException("--standardize", $"disagrees with the standardization stored in {initPath}; drop --standardize.");
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

    /// <summary>Loads the labelled data named by --data, or the bundled Iris data, with its SHA-256.</summary>
    public DataSource LoadData(ParseResult p) => DataSource.Load(p.GetValue(Data), p.GetValue(Label));
}
