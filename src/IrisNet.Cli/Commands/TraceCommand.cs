using System.CommandLine;
using System.Globalization;
using IrisNet.Cli.Options;
using IrisNet.Cli.Output;
using IrisNet.Cli.Runs;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.Interop.NumPy;
using IrisNet.Tracing;

namespace IrisNet.Cli.Commands;

/// <summary>
/// irisnet trace: every quantity of K training steps (forward pass, loss, backward pass, update and the
/// weights after it) in one JSON file of the format of docs/trace-format.md, sample-major.
/// </summary>
public static class TraceCommand
{
    public static Command Build()
    {
        var set = new ModelOptionSet();
        var samples = new Option<string?>("--samples")
        {
            Description =
            "0-based data rows to train on, comma-separated (the first row after the header is 0) [default: every row]",
            HelpName = "0,5,17"
        };
        Option<int> steps = SharedOptions.TraceSteps();
        Option<string?> outFile = SharedOptions.TraceFile();
        Option<string?> format = SharedOptions.TraceFormat();
        var command = new Command("trace",
            "Record every quantity of K training steps (X, Z, H, S, Ŷ, L, dS, dB, db, dH, dZ, dA, da, the update and " +
            "the weights after it) in one JSON (or NumPy .npz) file, sample-major, with equation numbers.");
        foreach (Option o in new Option[] { set.Data, set.Label, samples, set.Init, set.Hidden, set.Activation,
            set.Bias, set.LearningRate, set.BatchSize, set.Momentum, set.L2, set.Seed, set.Standardize, steps, outFile,
            format })
            command.Options.Add(o);
        command.SetAction(p =>
        {
            var (options, init) = set.Read(p);
            int k = p.GetValue(steps);
            if (k <= 0 || k > 100_000)
                throw new OptionException(steps.Name, $"{k} is outside 1..100000; use for example {steps.Name} 1.");
            string? given = p.GetValue(outFile);
            string? byExtension = Path.GetExtension(given)?.ToLowerInvariant() switch
            {
                ".json" => "json",
                ".npz" => "npz",
                _ => null,
            };
            string kind = p.GetValue(format) ?? byExtension ?? "json";
            if (byExtension is not null && byExtension != kind)
            {
                throw new OptionException(format.Name, $"{kind} disagrees with {outFile.Name} '{given}', the "
                    + $"extension of {byExtension}; use {outFile.Name} {Path.ChangeExtension(given, kind)}, or drop "
                    + $"{format.Name}.");
            }
            bool npz = kind == "npz";
            string output = given ?? (npz ? "trace.npz" : "trace.json");
            OutputFile.Check(output, outFile.Name, overwrite: false);
            DataSource source = set.LoadTrainingData(p);
            Dataset data = source.Data;
            int[] rows = ParseSamples(p.GetValue(samples), data.Count, source.Name, samples.Name);
            // With --init, Read took H and the biases from the weights.
            CheckSize(rows.Length, data.FeatureCount, options.Hidden, data.ClassCount, options.Bias, options.BatchSize,
                k,
                set.Hidden.Name, samples.Name, steps.Name);
            Dataset train = data.Subset(rows);
            TraceFile trace = TraceRecorder.Record(train, options, init, k, rows, source.Name, source.Sha256,
                p.GetValue(set.Init));
            TraceStep? bad = trace.Steps.FirstOrDefault(s => s.Quantities.Any(q => q.Values.Any(v
                => !double.IsFinite(v))));
            if (bad is not null)
            {
                Console.Error.WriteLine($"irisnet: error: step {bad.Number} produced a value that is not finite "
                    + $"(the steps diverged); nothing was written. Try a smaller {set.LearningRate.Name} than "
                    + $"{Format.R(options.LearningRate)}.");
                return ExitCode.Failure;
            }
            if (npz) OutputFile.Write(output, outFile.Name, tmp => NpzArchive.Write(tmp, NpzTrace.ToArrays(trace)));
            else OutputFile.Write(output, outFile.Name, tmp => AtomicFile.WriteText(tmp, TraceJson.Serialize(trace)));
            TraceStep last = trace.Steps[^1];
            Console.WriteLine($"wrote {Terminal.Escape(output)}: {trace.Steps.Count} step(s) on {rows.Length} row(s) " +
                $"of {Terminal.Escape(source.Name)}, " +
                $"{trace.Steps[0].Quantities.Count} quantities per step, sample-major (see docs/trace-format.md)");
            string first = Format.R(trace.Steps[0].Find("L")!.Values[0]);
            Console.WriteLine(last.Number == 1
                ? $"L at step 1: {first}"
                : $"L at step 1: {first}; at step {last.Number}: {Format.R(last.Find("L")!.Values[0])}");
            return ExitCode.Success;
        });
        return command;
    }

    /// <summary>
    /// Refuses, before anything is computed, a trace of more than <see cref="TraceRecorder.MaxNumbers"/>
    /// numbers, naming the option that makes it large: --hidden or --samples when one step is already
    /// too large, else --steps.
    /// </summary>
    private static void CheckSize(int N, int D, int H, int C, bool bias, int batchSize, int k, string hiddenFlag,
        string samplesFlag, string stepsFlag)
    {
        double numbers = TraceRecorder.Numbers(N, D, H, C, bias, batchSize, k);
        if (numbers <= TraceRecorder.MaxNumbers) return;
        double one = TraceRecorder.Numbers(N, D, H, C, bias, batchSize, 1);
        string flag = one <= TraceRecorder.MaxNumbers ? stepsFlag : (double)H * Math.Max(D,
            C) > (double)N * (D + C) ? hiddenFlag : samplesFlag;
        var inv = CultureInfo.InvariantCulture;
        throw new OptionException(flag, string.Create(inv,
            $"a trace of {k:N0} step(s) on {N:N0} row(s) with H = {H:N0} would hold {numbers:N0} numbers (about "
            + $"{numbers * 22 / 1e9:0.#} GB of JSON); a trace holds at most {TraceRecorder.MaxNumbers:N0} numbers, " +
                $"what irisnet diff "
            + $"reads. Lower {hiddenFlag} or {stepsFlag}, or trace fewer rows with {samplesFlag} 0,1,2."));
    }

    private static int[] ParseSamples(string? text, int count, string source, string flag)
    {
        if (text is null) return Enumerable.Range(0, count).ToArray();
        var rows = new List<int>();
        var listed = new HashSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int row))
            {
                throw new OptionException(flag,
                    $"'{(part.Length > 40 ? part[..40] + "…" : part)}' is not a row number; give 0-based rows " +
                        $"separated by commas, for example {flag} 0,5,17.");
            }
            if (row >= count)
                throw new OptionException(flag,
                    $"row {row} is beyond the {count} data rows of {source} (0..{count - 1}).");
            if (!listed.Add(row)) throw new OptionException(flag, $"row {row} is listed twice; list each row once.");
            rows.Add(row);
        }
        return [.. rows];
    }
}
