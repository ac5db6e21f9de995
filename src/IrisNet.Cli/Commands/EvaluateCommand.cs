using System.CommandLine;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Scoring;
using IrisNet.Training;
using Spectre.Console;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet evaluate: scores a saved model on labelled rows and says which rows. On the model's own
/// data file (same SHA-256 as recorded in model.json) the default is the test rows, rebuilt exactly
/// with the recorded split; on other data, every row.
/// </summary>
public static class EvaluateCommand
{
    public const string Test = "test", Train = "train", Validation = "validation", All = "all";

    public static Command Build()
    {
        Option<string> model = SharedOptions.Model();
        Option<string?> data = SharedOptions.ScoredData(), label = SharedOptions.ModelLabel();
        var split = new Option<string?>("--split")
        {
            Description =
                "Rows to score: test (the rows the model never saw; needs the model's own data file), train (the " +
                "rows the weights were fitted on), validation (the rows early stopping watched), or all [default: " +
                "test on the model's own data, all on other data]",
            HelpName = "test|train|validation|all",
        };
        UsageErrors.OneOf(split, Test, Train, Validation, All);
        Option<bool> json = SharedOptions.Json();
        var command = new Command("evaluate",
            "Loss, accuracy, confusion matrix and per-class precision, recall and F1 of a saved model on labelled " +
            "data.")
        {
            model, data, label, split, json,
        };
        command.SetAction(p =>
        {
            string modelPath = p.GetValue(model)!;
            Model m = ModelJson.Load(modelPath);
            DataSource source = DataSource.LoadForModelWithHash(p.GetValue(data) ?? OwnDataFile(m), m,
                p.GetValue(label));
            var (rows, which) = Select(m, source, p.GetValue(split), split.Name, data.Name);
            Evaluation e = m.Evaluate(rows);
            if (p.GetValue(json))
            {
                CliJson.Print(new EvaluateOutput(EvaluationJson.From(e), e.ClassNames, modelPath, source.Name,
                    source.Sha256, which), CliJsonContext.Default.EvaluateOutput);
                return ExitCode.Success;
            }
            AnsiConsole.WriteLine($"{Terminal.Escape(source.Name)}: {which} rows ({Describe(which)}): {e.Count} " +
                $"rows, loss {Format.F(e.Loss, 6)}, accuracy {Format.F(e.Accuracy)}");
            AnsiConsole.Write(FinalReport.Confusion(e, $"{which} rows"));
            return ExitCode.Success;
        });
        return command;
    }

    /// <summary>Without --data: the file the model was trained on when it still exists, else the bundled Iris data
    /// (null).</summary>
    private static string? OwnDataFile(Model m) =>
        m.Data is TrainingData d && d.File != DataSource.BundledName && File.Exists(d.File) ? d.File : null;

    private static string Describe(string which) => which switch
    {
        Test => "held out from training",
        Train => "the rows the weights were fitted on",
        Validation => "held out from fitting for early stopping",
        _ => "every row of the file",
    };

    /// <summary>
    /// The rows to score and the name of that choice; errors name the flags <paramref name="splitFlag"/>
    /// and <paramref name="dataFlag"/>.
    /// </summary>
    /// <exception cref="OptionException">test, train or validation was asked for on data that is not the model's, or a
    /// model that records no split; test or validation on a model that had no such rows.</exception>
    public static (Dataset Rows, string Split) Select(Model m, DataSource source, string? requested, string splitFlag,
        string dataFlag)
    {
        bool own = m.Data is TrainingData d && m.Split is not null && d.Sha256 == source.Sha256;
        string split = requested ?? (own && m.Split!.TestFraction > 0 ? Test : All);
        if (split == All) return (source.Data, All);
        if (m.Data is null || m.Split is null)
        {
            throw new OptionException(splitFlag, $"{split} needs the split the model was trained with, and the model "
                + $"does not record its data or split (written by an older IrisNet); use {splitFlag} {All}.");
        }
        if (!own)
        {
            throw new OptionException(splitFlag, $"{split} needs the model's own data file ({m.Data.File}, SHA-256 "
                + $"{m.Data.Sha256[..12]}…); {source.Name} is different data. Give {dataFlag} {m.Data.File}, "
                + $"or use {splitFlag} {All}.");
        }
        var (train, test) = m.Split.Apply(source.Data);
        if (split is Train or Validation)
        {
            // With early stopping the training rows were split again, by the recorded seed: the weights were
            // fitted on one part and the other only watched. Train means the fitted part, as in summary.json.
            var (fit, validation) = m.Options is { ValidationFraction: > 0 } o ? Trainer.SplitValidation(train,
                o) : (train, null);
            if (split == Train) return (fit, Train);
            return validation is null
                ? throw new OptionException(splitFlag, $"{Validation}: the model was trained without a validation set "
                    + $"(validation fraction 0), so there are no validation rows; use {splitFlag} {Train} or "
                    + $"{splitFlag} {Test}.")
                : (validation, Validation);
        }
        return test is null
            ? throw new OptionException(splitFlag,
                $"{Test}: the model was trained on every row (test fraction 0), so there are no test rows; "
                + $"use {splitFlag} {All}.")
            : (test, Test);
    }
}
