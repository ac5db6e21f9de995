using System.Globalization;
using System.Text;

namespace IrisNet.Cli;

/// <summary>
/// A run's output folder. Created (and checked writable) before training starts; never reused when
/// it already holds files; every file is written to a temporary name in the same folder and then
/// renamed, so a reader never sees half a file and a failed run leaves no partial one.
/// </summary>
public sealed class RunDirectory
{
    private readonly List<string> _written = [];

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    public IReadOnlyList<string> Written => _written;

    /// <summary>Creates the folder: --out as given, or runs/&lt;UTC timestamp&gt; (with -2, -3 … if that exists).</summary>
    /// <exception cref="OptionException">The folder exists with files in it, or cannot be written.</exception>
    public static RunDirectory Create(string? requested)
    {
        string path;
        if (requested is null)
        {
            string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            path = System.IO.Path.Combine("runs", stamp);
            for (int i = 2; Directory.Exists(path) || System.IO.File.Exists(path); i++) path = System.IO.Path.Combine("runs", $"{stamp}-{i}");
        }
        else
        {
            path = requested;
            if (System.IO.File.Exists(path)) throw new OptionException("--out", $"'{path}' is a file; give a directory for the run.");
            if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
                throw new OptionException("--out", $"'{path}' already holds files and is never overwritten; choose a new directory or delete it.");
        }
        try
        {
            Directory.CreateDirectory(path);
            string probe = System.IO.Path.Combine(path, $".write-test-{Environment.ProcessId}");
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new OptionException("--out", $"cannot write to '{path}': {e.Message} Choose a writable directory.");
        }
        return new RunDirectory(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file atomically: a temporary file in the same folder, then a rename.</summary>
    public void Write(string name, Action<string> writeTo)
    {
        string final = File(name);
        AtomicFile.Write(final, writeTo);
        _written.Add(final);
    }

    public void WriteText(string name, string text) => Write(name, tmp => System.IO.File.WriteAllText(tmp, text, new UTF8Encoding(false)));

    /// <summary>metrics.csv: one row per epoch, numbers invariant and round-trippable; test columns empty without a test split.</summary>
    public static string MetricsCsv(IReadOnlyList<EpochMetrics> history)
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        foreach (EpochMetrics m in history)
        {
            sb.Append(m.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Format.R(m.TrainLoss)).Append(',').Append(Format.R(m.TrainAccuracy)).Append(',')
              .Append(m.TestLoss is double tl ? Format.R(tl) : "").Append(',')
              .Append(m.TestAccuracy is double ta ? Format.R(ta) : "").Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Reads a metrics.csv back (for plot).</summary>
    public static List<EpochMetrics> ReadMetrics(string path)
    {
        var result = new List<EpochMetrics>();
        string[] lines;
        try
        {
            lines = System.IO.File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
        if (lines.Length == 0 || lines[0].Trim() != "epoch,train_loss,train_accuracy,test_loss,test_accuracy")
            throw new DataException(path, 1, 0, "is not an IrisNet metrics.csv (its header must be epoch,train_loss,train_accuracy,test_loss,test_accuracy).");
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] f = lines[i].Split(',');
            if (f.Length != 5) throw new DataException(path, i + 1, 0, $"{f.Length} fields; a metrics row has 5.");
            try
            {
                result.Add(new EpochMetrics(int.Parse(f[0], CultureInfo.InvariantCulture),
                    double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
                    f[3].Length > 0 ? double.Parse(f[3], CultureInfo.InvariantCulture) : null,
                    f[4].Length > 0 ? double.Parse(f[4], CultureInfo.InvariantCulture) : null));
            }
            catch (FormatException e)
            {
                throw new DataException(path, i + 1, 0, "holds a value that is not a number.", e);
            }
            catch (OverflowException e)
            {
                throw new DataException(path, i + 1, 0, "holds a number out of range.", e);
            }
        }
        return result;
    }

    /// <summary>summary.json: status, options, data and its hash, final metrics and timing.</summary>
    public static string SummaryJson(SummaryInput s) => System.Text.Json.JsonSerializer.Serialize(new SummaryFile
    {
        IrisnetVersion = Program.Version,
        Status = s.Status,
        Error = s.Error,
        Options = new SummaryFile.SummaryOptions(TrainingBlock.From(s.Options), s.InitFile),
        Seed = s.Options.Seed,
        Data = new SummaryFile.DataBlock(s.DataName, s.DataSha256, s.Rows, s.TrainRows, s.TestRows, s.LabelName),
        Features = s.FeatureNames,
        Classes = s.ClassNames,
        Final = s.Train is null ? null : new SummaryFile.FinalBlock(EvaluationJson.From(s.Train), s.Test is null ? null : EvaluationJson.From(s.Test)),
        Timing = new SummaryFile.TimingBlock(s.Epochs, s.TrainSeconds, s.Epochs > 0 ? s.TrainSeconds * 1e6 / s.Epochs : 0),
    }, CliJsonContext.Default.SummaryFile) + "\n";
}
