using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Runs;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Interop.NumPy;
using IrisNet.Interop.Onnx;
using IrisNet.Models;
using IrisNet.Reference;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet export: a saved model as one ONNX graph (raw features in, class probabilities out) for
/// any ONNX runtime, or as NumPy arrays (.npz: the weights, the standardization and the names).
/// The file is written to a temporary name and renamed, so it is either complete or absent.
/// </summary>
public static class ExportCommand
{
    public static Command Build()
    {
        Option<string> model = SharedOptions.Model();
        Option<string?> format = SharedOptions.ExportFormat();
        var dtype = new Option<string>("--dtype")
        {
            Description = "Precision of the exported weights and arithmetic [default: the model's precision]",
        };
        ModelOptionSet.OneOf<Precision>(dtype);
        Option<string?> output = SharedOptions.ExportFile();
        var command = new Command("export",
            "Export a saved model: as ONNX, one graph from raw features to class probabilities for any ONNX runtime, "
            + "or as NumPy arrays (.npz).")
        {
            model, format, dtype, output,
        };
        command.SetAction(p =>
        {
            string target = p.GetValue(output)!;
            CheckTarget(target, output.Name);
            string? byExtension = Path.GetExtension(target).ToLowerInvariant() switch
            {
                ".onnx" => "onnx",
                ".npz" => "npz",
                _ => null,
            };
            string kind = p.GetValue(format) ?? byExtension ?? throw new OptionException(format.Name,
                $"not given, and {output.Name} '{target}' ends in neither .onnx nor .npz; add {format.Name} onnx or "
                + $"{format.Name} npz.");
            if (byExtension is not null && byExtension != kind)
            {
                throw new OptionException(format.Name, $"{kind} disagrees with {output.Name} '{target}', the "
                    + $"extension of {byExtension}; use {output.Name} {Path.ChangeExtension(target, kind)}, or drop "
                    + $"{format.Name}.");
            }
            string modelPath = p.GetValue(model)!;
            if (File.Exists(modelPath) && NpzArchive.LooksLikeZip(modelPath))
            {
                throw new OptionException(model.Name, $"'{modelPath}' is a zip archive (an .npz?), not a model.json; "
                    + "export reads the model.json a train run writes.");
            }
            Model m = ModelJson.Load(modelPath);
            Precision precision = p.GetValue(dtype) is string d && Names.TryParse(d, out Precision given)
                ? given
                : m.Precision;
            Action<string> write = kind == "onnx"
                ? tmp => File.WriteAllBytes(tmp, OnnxExport.ToBytes(m, precision))
                : tmp => NpzArchive.Write(tmp, NpzWeights.FromModel(m, precision));
            try
            {
                AtomicFile.Write(target, write);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OptionException(output.Name,
                    $"cannot write '{target}': {e.Message} Choose a writable folder.");
            }
            NetworkShape s = m.Shape;
            string bytes = new FileInfo(target).Length.ToString("N0", CultureInfo.InvariantCulture);
            string rounded = precision == Precision.Float32 && m.Precision == Precision.Float64
                ? " (the float64 weights rounded to float32)" : "";
            Console.WriteLine(kind == "onnx"
                ? $"wrote {target}: ONNX opset {OnnxExport.Opset}, {Names.Of(precision)}{rounded}, input "
                    + $"'{OnnxExport.InputName}' [N, {s.D}] raw features, "
                    + $"output '{OnnxExport.OutputName}' [N, {s.C}], {bytes} bytes"
                : $"wrote {target}: NumPy arrays A [{s.H}×{s.D}]{(s.Bias ? $", a [{s.H}]" : "")}, B "
                    + $"[{s.C}×{s.H}]{(s.Bias ? $", b [{s.C}]" : "")} in {Names.Of(precision)}{rounded}, "
                    + $"mean and scale [{s.D}] in float64, features, classes and settings, {bytes} bytes");
            return ExitCode.Success;
        });
        return command;
    }

    /// <summary>Refuses, before anything is computed, an --out that cannot become a file.</summary>
    private static void CheckTarget(string target, string flag)
    {
        if (Directory.Exists(target))
            throw new OptionException(flag, $"'{target}' is a directory; give a file name such as model.onnx.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
        {
            throw new OptionException(flag, $"cannot write '{target}': the folder '{folder}' does not exist; create "
                + $"it first or choose another {flag}.");
        }
    }
}
