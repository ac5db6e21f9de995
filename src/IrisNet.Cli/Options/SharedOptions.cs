using System.CommandLine;
using IrisNet.Explain;
using IrisNet.Tracing;

namespace IrisNet.Cli.Options;

/// <summary>
/// The options several commands take (--data, --label, --model, --json, --out, --quiet, --verbose,
/// --tolerance), each declared here once: its name, what help calls its value, and its default. An
/// option instance belongs to one command, so each is a factory every command calls. Where a flag
/// means something different to a command (--data is the data to train on for train, the rows to
/// score for evaluate, rows without labels for predict), the meanings are the variants below, side
/// by side; <see cref="All"/> lists them for the test that no command declares its own.
/// </summary>
public static class SharedOptions
{
    /// <summary>--data of the commands that train or step the network: train, cv, gradcheck, explain, trace.</summary>
    public static Option<string?> TrainingData() =>
        Data("CSV file with a header row, numeric features and a label column [default: the bundled Iris data]");

    /// <summary>--data of evaluate: labelled rows to score with a saved model.</summary>
    public static Option<string?> ScoredData() => Data("Labelled CSV with the model's feature columns "
        + "[default: the file the model was trained on, if it exists; else the bundled Iris data]");

    /// <summary>--data of predict: rows without labels.</summary>
    public static Option<string?> FeatureRows() =>
        Data("CSV whose header names the model's feature columns (a label column is not needed)");

    /// <summary>--data of plot --regions: the run's data file, moved.</summary>
    public static Option<string?> RunData() =>
        Data("With --regions: the run's data file, when the path summary.json records no longer leads to it");

    private static Option<string?> Data(string description) => UsageErrors.NonEmptyPath(
        new Option<string?>("--data") { Description = description, HelpName = "FILE" }, "data/iris.csv");

    /// <summary>--label where the data defines the classes.</summary>
    public static Option<string?> Label() => Label("Name of the label column [default: the last column]");

    /// <summary>--label of evaluate, whose classes are the model's.</summary>
    public static Option<string?> ModelLabel() => Label("Name of the label column [default: the model's]");

    private static Option<string?> Label(string description) =>
        new("--label") { Description = description, HelpName = "COLUMN" };

    /// <summary>--model of the commands that need a saved model: evaluate, predict.</summary>
    public static Option<string> Model() => UsageErrors.NonEmptyPath(
        new Option<string>("--model") { Description = "A saved model.json", Required = true, HelpName = "MODEL" },
        "runs/a/model.json");

    /// <summary>--model of explain, which can also explain a fresh network.</summary>
    public static Option<string?> ModelToExplain() => UsageErrors.NonEmptyPath(new Option<string?>("--model")
    {
        Description = "Explain a saved model.json (its shape, weights, standardization, label column and step options) "
            + "[default: a fresh network initialized from --seed]",
        HelpName = "MODEL",
    }, "runs/a/model.json");

    /// <summary>--json of evaluate, predict and explain.</summary>
    public static Option<bool> Json() =>
        new("--json") { Description = "Machine-readable output: JSON in place of the tables" };

    /// <summary>--out of the commands that write a run directory: train, cv.</summary>
    public static Option<string?> RunDirectory() =>
        Out("Run directory to create [default: runs/<UTC timestamp>]", "DIR", "runs/a");

    /// <summary>--out of trace; its default follows --format (TraceCommand).</summary>
    public static Option<string?> TraceFile() =>
        Out("The trace file to write (never overwritten) [default: trace.json, or trace.npz with --format npz]",
            "FILE", "trace.json");

    /// <summary>--out of report.</summary>
    public static Option<string?> ReportFile() => Out("HTML file to write [default: RUN_DIR/report.html for one "
        + "directory, report.html for several]", "FILE.html", "report.html");

    /// <summary>--out of export.</summary>
    public static Option<string?> ExportFile() => Out("The file to write, replaced if it exists "
        + "(for example model.onnx or model.npz)", "FILE", "model.onnx", required: true);

    /// <summary>--format of trace: the trace format's JSON, or the same trace as one flat NumPy archive.</summary>
    public static Option<string?> TraceFormat() => Format(["json", "npz"],
        "json, or npz: the same trace as NumPy arrays in one flat archive (docs/check-your-implementation.md) "
        + "[default: from --out's extension, else json]");

    /// <summary>--format of export: an ONNX graph, or NumPy arrays.</summary>
    public static Option<string?> ExportFormat() => Format(["onnx", "npz"],
        "onnx: one ONNX graph (opset 13) from raw features to class probabilities; npz: the weights A, a, B, b, "
        + "the standardization and the names as NumPy arrays [default: from --out's extension]");

    private static Option<string?> Format(string[] formats, string description)
    {
        var option = new Option<string?>("--format") { Description = description };
        option.HelpName = string.Join('|', formats);
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is string v && !formats.Contains(v, StringComparer.Ordinal))
                r.AddError($"--format: '{v}' is not one of {string.Join(", ", formats)}.");
        });
        return option;
    }

    /// <summary>--out of plot.</summary>
    public static Option<string?> PlotFile() => Out("PNG to write [default: RUN_DIR/curves.png for one run, "
        + "comparison.png for several; RUN_DIR/regions.png or confusion.png with --regions or --confusion]",
        "FILE.png", "curves.png");

    /// <summary>--graph of explain and diff: the computation graph picture.</summary>
    public static Option<string?> GraphFile() => UsageErrors.NonEmptyPath(new Option<string?>("--graph")
    {
        Description = "Also draw the sample's computation graph (values, gradients, local derivatives) to FILE: PNG, "
            + "or SVG when it ends in .svg",
        HelpName = "FILE",
    }, "graph.png");

    private static Option<string?> Out(string description, string helpName, string example,
        string? defaultValue = null, bool required = false)
    {
        var option = new Option<string?>("--out") { Description = description, HelpName = helpName };
        option.Required = required;
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return UsageErrors.NonEmptyPath(option, example);
    }

    /// <summary>--folds of cv and sweep: K, bound to CrossValidation.Run's parameter, whose errors name it.</summary>
    public static BoundOption<int> Folds() => new("--folds", "folds")
    {
        Description = "K, folds per repeat (2 to the rows of the smallest class)",
        DefaultValueFactory = _ => 5,
        HelpName = "K",
    };

    /// <summary>--repeats of cv and sweep: R.</summary>
    public static BoundOption<int> Repeats() => new("--repeats", "repeats")
    {
        Description = "R, repeats, each a new stratified partition drawn from the seed",
        DefaultValueFactory = _ => 1,
        HelpName = "R",
    };

    /// <summary>--quiet of train and cv.</summary>
    public static Option<bool> Quiet() => new("--quiet") { Description = "Print only the run directory (and errors)" };

    /// <summary>--verbose of train, which also prints every epoch.</summary>
    public static Option<bool> VerboseEpochs() => Verbose("Print every epoch, and stack traces with errors");

    /// <summary>--verbose of cv.</summary>
    public static Option<bool> Verbose() => Verbose("Print stack traces with errors");

    private const string VerboseName = "--verbose";

    private static Option<bool> Verbose(string description) => new(VerboseName) { Description = description };

    /// <summary>Whether the parsed command has a --verbose option and it was given: stack traces with errors.</summary>
    public static bool IsVerbose(ParseResult parsed) => parsed.CommandResult.Command.Options
        .OfType<Option<bool>>().Any(o => o.Name == VerboseName && parsed.GetValue(o));

    /// <summary>--tolerance of gradcheck: on the relative error of each gradient entry.</summary>
    public static Option<double> GradientTolerance() => Tolerance(new("--tolerance")
    {
        Description = "Largest accepted relative error",
        DefaultValueFactory = _ => 1e-6,
    });

    /// <summary>--tolerance of diff: on the relative difference of each traced quantity.</summary>
    public static Option<double> TraceTolerance() => Tolerance(new("--tolerance")
    {
        Description = "Largest accepted relative difference max_i|theirs_i − ref_i| / max_i|ref_i| of a quantity",
        DefaultValueFactory = _ => TraceDiff.DefaultTolerance,
        HelpName = "T",
    });

    /// <summary>--epsilon of gradcheck: the finite-difference step (train's --epsilon is Adam's ε).</summary>
    public static Option<double> FiniteDifferenceStep() => Tolerance(new("--epsilon")
    {
        Description = "Finite-difference step ε",
        DefaultValueFactory = _ => GradientCheck.DefaultEpsilon,
    });

    /// <summary>--steps of trace: the training steps recorded.</summary>
    public static Option<int> TraceSteps() => new("--steps")
    {
        Description = "Training steps K to record (updates; with --batch-size, one per mini-batch)",
        DefaultValueFactory = _ => 1,
        HelpName = "K",
    };

    /// <summary>--steps of lr-find: the range test's steps, bound to LearningRateFinder.Run's <c>steps</c>.</summary>
    public static Option<int> RangeTestSteps() => new BoundOption<int>("--steps", "steps")
    {
        Description = "Steps (batches); the test stops earlier once the smoothed loss exceeds 4× its minimum",
        DefaultValueFactory = _ => 100,
        HelpName = "N",
    };

    private static Option<double> Tolerance(Option<double> option)
    {
        UsageErrors.DecimalPointsOnly(option);
        return option;
    }

    /// <summary>Every variant above, one instance each: what a command's shared option must be one of.</summary>
    public static IReadOnlyList<Func<Option>> All { get; } =
    [
        TrainingData, ScoredData, FeatureRows, RunData, Label, ModelLabel, Model, ModelToExplain, Json,
        RunDirectory, TraceFile, ExportFile, PlotFile, ReportFile, GraphFile, TraceFormat, ExportFormat, Folds, Repeats,
        Quiet, VerboseEpochs, Verbose, GradientTolerance, TraceTolerance, FiniteDifferenceStep, TraceSteps,
            RangeTestSteps,
    ];
}
