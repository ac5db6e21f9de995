using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IrisNet.Data;
using Spectre.Console;

namespace IrisNet.Cli;

public static class EvaluateCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "A saved model.json", Required = true, HelpName = "MODEL" };
        var data = new Option<string?>("--data") { Description = "Labelled CSV with the model's feature columns [default: the bundled Iris data]", HelpName = "FILE" };
        var label = new Option<string?>("--label") { Description = "Label column [default: the model's]", HelpName = "COLUMN" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var command = new Command("evaluate", "Loss, accuracy, confusion matrix and per-class precision, recall and F1 of a saved model on labelled data.")
        {
            model, data, label, json,
        };
        command.SetAction(p =>
        {
            Model m = ModelJson.Load(p.GetValue(model)!);
            Dataset d = DataSource.LoadForModel(p.GetValue(data), m, p.GetValue(label));
            Evaluation e = m.Evaluate(d);
            if (p.GetValue(json))
            {
                using var stream = Console.OpenStandardOutput();
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("model", p.GetValue(model));
                w.WriteString("data", d.Source);
                w.WriteNumber("rows", e.Count);
                w.WriteNumber("loss", e.Loss);
                w.WriteNumber("accuracy", e.Accuracy);
                JsonOut.Strings(w, "classes", e.ClassNames);
                JsonOut.Counts(w, "confusion", e.Confusion);
                w.WriteEndObject();
                w.Flush();
                stream.WriteByte((byte)'\n');
                return ExitCode.Success;
            }
            AnsiConsole.WriteLine($"{Terminal.Escape(d.Source)}: {e.Count} rows, loss {Format.F(e.Loss, 6)}, accuracy {Format.F(e.Accuracy)}");
            AnsiConsole.Write(Report.Confusion(e, "evaluated rows"));
            return ExitCode.Success;
        });
        return command;
    }
}
