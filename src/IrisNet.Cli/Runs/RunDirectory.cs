using System.Globalization;
using System.Text;
using IrisNet.Cli.Output;
using IrisNet.Errors;
using IrisNet.Models;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// A run's output folder. Claimed before training starts: the folder is created if needed, a marker
/// file <see cref="ClaimFile"/> is created in it with create-new semantics (which the file system
/// grants to exactly one process), and only then is the folder checked to hold nothing but that
/// marker. Two runs can therefore never share a folder, whatever their timing: the second either
/// fails to create the marker or finds the first one's files. The marker is removed when the run
/// ends; one left behind means the run was killed. A folder that already holds files is never reused. Every file except
/// the streamed metrics.csv is written to a temporary name (<c>.NAME.incomplete-PID</c>) in the same folder and then
/// renamed, so a reader never sees half a file; a temporary file left behind is from a run killed while writing it.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>The marker that claims the folder while a run writes it: the process id and start time, one per
    /// line.</summary>
    public const string ClaimFile = ".irisnet-run";

    private readonly List<string> _written = [];

    private RunDirectory(string path, DateTimeOffset started)
    {
        Path = path;
        Started = started;
    }

    public string Path { get; }

    /// <summary>When the folder was claimed (UTC).</summary>
    public DateTimeOffset Started { get; }

    public IReadOnlyList<string> Written => _written;

    /// <summary>Claims the folder: --out as given, or runs/&lt;UTC timestamp&gt; (with -2, -3 … when taken).</summary>
    /// <param name="requested">The folder given, or null for a new one under runs/.</param>
    /// <param name="option">The flag that gave it (--out), which errors name.</param>
    /// <exception cref="OptionException">The folder holds files, is another run's, is a file or a dangling link, or
    /// cannot be written.</exception>
    public static RunDirectory Create(string? requested, string option)
    {
        DateTimeOffset started = DateTimeOffset.UtcNow;
        if (requested is null)
        {
            string stamp = started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            for (int i = 1; ; i++)
            {
                string path = System.IO.Path.Combine("runs", i == 1 ? stamp : $"{stamp}-{i}");
                if (System.IO.File.Exists(path) || (Directory.Exists(path)
                    && Directory.EnumerateFileSystemEntries(path).Any())) continue;
                if (TryClaim(path, started, option) == Claim.Taken) return new RunDirectory(path, started);
            }
        }
        CheckUsable(requested, option);
        return TryClaim(requested, started, option) switch
        {
            Claim.Taken => new RunDirectory(requested, started),
            Claim.InUse => throw new OptionException(option, Claimed(requested, holdsFiles: false)),
            _ => throw new OptionException(option, HoldsFiles(requested)),
        };
    }

    /// <summary>Why a folder with another run's marker is refused: a run still writing it, or one that was
    /// killed.</summary>
    private static string Claimed(string path, bool holdsFiles)
    {
        var (pid, started) = ReadClaim(System.IO.Path.Combine(path, ClaimFile));
        string process = pid is int id ? $"process {id}{(started is null ? "" : $", started {started}")}"
            : "process unknown";
        if (pid is int p && !IsRunning(p, started))
        {
            return $"'{path}' holds an unfinished run: its marker {ClaimFile} names irisnet {process}, which no longer "
                + "runs (it was killed, or the machine stopped); its files are kept and never overwritten. Choose a " +
                    "new "
                + "directory, or delete this one.";
        }
        return $"'{path}' is being written by another irisnet run " +
            $"({process}){(holdsFiles ? " and already holds files" : "")}; "
            + $"choose a new directory, or delete the marker {ClaimFile} if no irisnet run is writing it.";
    }

    /// <summary>Why a folder that holds files is refused, naming a few of them (hidden ones too, which ls does not
    /// show).</summary>
    private static string HoldsFiles(string path)
    {
        string[] names = Directory.EnumerateFileSystemEntries(path).Select(System.IO.Path.GetFileName).OfType<string>()
            .Where(n => n != ClaimFile).Order(StringComparer.Ordinal).Take(4).ToArray();
        string listed = names.Length == 0 ? "" :
            $" ({string.Join(", ", names.Take(3))}{(names.Length > 3 ? ", …" : "")})";
        return $"'{path}' already holds files{listed} and is never overwritten; choose a new directory or delete it.";
    }

    /// <summary>The process id and start time a claim marker records, or nulls when it cannot be read.</summary>
    private static (int? Pid, string? Started) ReadClaim(string marker)
    {
        try
        {
            string[] lines = System.IO.File.ReadAllText(marker).Split('\n');
            int? pid = int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
            string? started = lines.Length > 1 && DateTimeOffset.TryParse(lines[1], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out _) ? lines[1] : null;
            return (pid, started);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> runs and could be the run that claimed the folder at
    /// <paramref name="started"/> (a process started after the claim has only reused the id).
    /// </summary>
    private static bool IsRunning(int pid, string? started)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            if (process.HasExited) return false;
            return started is null || !DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var claimed)
                || process.StartTime.ToUniversalTime() <= claimed.UtcDateTime.AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or
            System.ComponentModel.Win32Exception)
        {
            return false; // no such process
        }
    }

    /// <summary>Removes the claim marker: the run is over (its files now keep the folder from being reused).</summary>
    public void Release()
    {
        try
        {
            System.IO.File.Delete(File(ClaimFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A marker left behind only keeps the folder from being reused, which its files do anyway.
        }
    }

    private enum Claim { Taken, InUse, NotEmpty }

    private static void CheckUsable(string path, string option)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is string target && !Directory.Exists(path))
        {
            FileSystemInfo? final = null;
            try
            {
                final = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException)
            {
                // A link cycle: reported as a link that leads nowhere.
            }
            throw new OptionException(option, final is { Exists: true }
                ? $"'{path}' is a link to the file '{target}'; give a directory for the run."
                : $"'{path}' is a symbolic link to '{target}', which does not exist; create that directory, "
                    + $"or give another {option}.");
        }
        if (System.IO.File.Exists(path))
            throw new OptionException(option, $"'{path}' is a file; give a directory for the run.");
        // Another run's claim marker alone is left to TryClaim, whose create-new open decides.
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(e => System.IO.Path.GetFileName(e)
            != ClaimFile))
        {
            // With a marker, the files are another run's: one still writing them, or one that was killed.
            throw new OptionException(option, System.IO.File.Exists(System.IO.Path.Combine(path,
                ClaimFile)) ? Claimed(path, holdsFiles: true) : HoldsFiles(path));
        }
    }

    /// <summary>
    /// Creates the folder if needed and the claim marker in it (create-new: one process wins), then
    /// checks that the marker is the folder's only entry, releasing it otherwise.
    /// </summary>
    private static Claim TryClaim(string path, DateTimeOffset started, string option)
    {
        string marker = System.IO.Path.Combine(path, ClaimFile);
        try
        {
            Directory.CreateDirectory(path);
            using (var claim = new FileStream(marker, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                claim.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"{Environment.ProcessId}\n{started:O}\n")));
            }
            if (Directory.EnumerateFileSystemEntries(path).Any(e => System.IO.Path.GetFileName(e) != ClaimFile))
            {
                System.IO.File.Delete(marker);
                return Claim.NotEmpty;
            }
            return Claim.Taken;
        }
        catch (IOException) when (System.IO.File.Exists(marker))
        {
            return Claim.InUse;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or
            ArgumentException)
        {
            throw new OptionException(option, RunWriteException.IsDiskFull(e)
                ? $"cannot write to '{path}': no space left on the device. Free some space or choose another directory."
                : $"cannot write to '{path}': {e.Message} Choose a writable directory.");
        }
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file atomically: a temporary file in the same folder, then a rename.</summary>
    /// <exception cref="RunWriteException">The file could not be written (no temporary file is left).</exception>
    public void Write(string name, Action<string> writeTo)
    {
        string final = File(name);
        WriteFile(final, writeTo);
        Added(final);
    }

    private static void WriteFile(string final, Action<string> writeTo)
    {
        try
        {
            AtomicFile.Write(final, writeTo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunWriteException(final, e);
        }
    }

    /// <summary>
    /// Starts <see cref="Write"/> on a pool thread, so that a slow file (a picture) is written on the
    /// second core while this thread writes others. The file is listed in <see cref="Written"/> only
    /// by <see cref="PendingWrite.Complete"/>, on the caller's thread: the listing's order is the
    /// order in which the caller completes its writes, never the order in which threads finish.
    /// </summary>
    /// <param name="name">The file's name in the run folder.</param>
    /// <param name="writeTo">Writes the file to the temporary path it is given.</param>
    /// <param name="after">Another pending write to run this one after, on the same background
    /// thread (whether that one succeeds or not), or null to start now.</param>
    public PendingWrite StartWrite(string name, Action<string> writeTo, PendingWrite? after = null)
    {
        string final = File(name);
        void Work() => WriteFile(final, writeTo);
        Task task = after is null ? Task.Run(Work) : after.Task.ContinueWith(_ => Work(), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);
        return new PendingWrite(this, final, task);
    }

    /// <summary>A write started by <see cref="StartWrite"/>.</summary>
    public sealed class PendingWrite
    {
        private readonly RunDirectory _run;
        private readonly string _path;
        internal PendingWrite(RunDirectory run, string path, Task task) => (_run, _path, Task) = (run, path, task);

        internal Task Task { get; }

        /// <summary>Waits for the write, rethrows its failure as it was thrown, and lists the file.</summary>
        public void Complete()
        {
            Task.GetAwaiter().GetResult();
            _run.Added(_path);
        }

        /// <summary>
        /// Waits for the write and ignores how it ended: used when the caller is already failing, so
        /// the process never exits with a temporary file half-written by the other thread.
        /// </summary>
        public void Abandon()
        {
            try
            {
                Task.Wait();
            }
            catch (AggregateException)
            {
                // the caller's own failure is the one reported
            }
        }
    }

    /// <summary>Records a file written by other means (the streamed metrics.csv).</summary>
    public void Added(string path)
    {
        if (!_written.Contains(path)) _written.Add(path);
    }

    public void WriteText(string name, string text) => Write(name, tmp => AtomicFile.WriteText(tmp, text));

    /// <summary>The optional last column of a metrics.csv: the learning rate η of each epoch.</summary>
    public const string LearningRateColumn = "lr";

    /// <summary>
    /// Reads a metrics.csv back (for plot and report) into a bounded <see cref="MetricsSeries"/>, one
    /// line at a time, so a file of any length fits in memory. Files with or without the validation
    /// columns are read, each with or without a last <see cref="LearningRateColumn"/> column; a last
    /// line without its newline is an incomplete row of a run that was killed while writing it, and is
    /// dropped.
    /// </summary>
    public static IReadOnlyList<EpochMetrics> ReadMetrics(string path)
    {
        var series = new MetricsSeries();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            string? header = reader.ReadLine()?.Trim();
            bool learningRate = header?.EndsWith("," + LearningRateColumn, StringComparison.Ordinal) == true;
            if (learningRate) header = header![..^(LearningRateColumn.Length + 1)];
            int fields = header switch
            {
                MetricsWriter.BaseHeader => 5,
                MetricsWriter.BaseHeader + MetricsWriter.ValidationColumns => 7,
                _ => throw new DataException(path, 1, 0, $"is not an IrisNet metrics.csv (its header must be " +
                    $"{MetricsWriter.BaseHeader}, optionally followed by {MetricsWriter.ValidationColumns} and then " +
                    $",{LearningRateColumn})."),
            };
            bool complete = EndsWithNewline(path);
            int lineNumber = 1;
            string? line = reader.ReadLine();
            while (line is not null)
            {
                lineNumber++;
                string? next = reader.ReadLine();
                if (next is null && !complete) break;
                if (line.Length > 0)
                    series.Add(ParseRow(path, lineNumber, line, fields, learningRate, series.EpochCount));
                line = next;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
        return series.ToList();
    }

    internal static bool EndsWithNewline(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (!stream.CanSeek || stream.Length == 0) return true;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }

    /// <summary>
    /// One metrics row, every field strict: the epoch an integer, every other value a finite number in
    /// invariant notation (no NUL, which the platform's parser would skip, and no 1e999, which it reads as
    /// infinity), so a value the run could not have written is an error naming its line and column.
    /// </summary>
    private static EpochMetrics ParseRow(string path, int lineNumber, string line, int fields, bool learningRate,
        int previous)
    {
        string[] f = line.Split(',');
        int expected = fields + (learningRate ? 1 : 0);
        if (f.Length != expected)
            throw new DataException(path, lineNumber, 0, $"{f.Length} fields; a metrics row here has {expected}.");
        if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) || epoch < 1)
            throw new DataException(path, lineNumber, 1,
                $"the epoch '{Shorten(f[0])}' is not a positive whole number.");
        double Value(int i)
        {
            string text = f[i];
            if (text.Contains('\0', StringComparison.Ordinal)
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out double v) || !double.IsFinite(v))
            {
                throw new DataException(path, lineNumber, i + 1,
                    $"{(i < fields ? MetricsWriter.ValidationHeader.Split(',')[i] : LearningRateColumn)} is " +
                        $"'{Shorten(text)}', "
                    + "not a finite number; an IrisNet run writes only finite values. Fix or remove the line.");
            }
            return v;
        }
        double? Optional(int i) => f[i].Length > 0 ? Value(i) : null;
        var m = new EpochMetrics(epoch, Value(1), Value(2), Optional(3), Optional(4),
            fields == 7 ? Optional(5) : null, fields == 7 ? Optional(6) : null, learningRate ? Optional(fields) : null);
        if (m.Epoch <= previous) throw new DataException(path, lineNumber, 1,
            $"epoch {m.Epoch} follows epoch {previous}; epochs must increase.");
        return m;
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, control characters shown as \uXXXX, for an error
    /// message.</summary>
    private static string Shorten(string text)
    {
        string cut = text.Length > 40 ? text[..40] + string.Create(CultureInfo.InvariantCulture,
            $"… ({text.Length:N0} characters)") : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    /// <summary>summary.json: status, options, data and its hash, final metrics and timing.</summary>
    public static string SummaryJson(SummaryInput s) => System.Text.Json.JsonSerializer.Serialize(new SummaryFile
    {
        IrisnetVersion = Program.Version,
        Status = s.Status,
        Error = s.Error,
        Signal = s.Signal,
        StopReason = s.StopReason,
        StoppedEpoch = s.StoppedEpoch,
        BestEpoch = s.BestEpoch,
        Started = s.Started is DateTimeOffset started ? Utc(started) : null,
        Finished = s.Finished is DateTimeOffset finished ? Utc(finished) : null,
        Options = new SummaryFile.SummaryOptions(TrainingBlock.From(s.Options), s.LogEvery, s.InitFile),
        Seed = s.Options.Seed,
        Data = new SummaryFile.DataBlock(s.DataName, s.DataSha256, s.Rows, s.TrainRows, s.TestRows,
            s.ValidationRows > 0 ? s.ValidationRows : null, s.LabelName),
        Features = s.FeatureNames,
        Classes = s.ClassNames,
        Final = s.Train is null ? null : new SummaryFile.FinalBlock(EvaluationJson.From(s.Train),
            s.Test is null ? null : EvaluationJson.From(s.Test), s.Validation is null ? null
                : EvaluationJson.From(s.Validation)),
        Timing = new SummaryFile.TimingBlock(s.Epochs, s.TrainSeconds,
            s.Epochs > 0 ? s.TrainSeconds * 1e6 / s.Epochs : 0,
            s.FirstEpochSeconds * 1e6, s.SteadyMedianSeconds * 1e6),
        Files = s.Files,
    }, CliJsonContext.Default.SummaryFile) + "\n";

    /// <summary>ISO 8601 in UTC with milliseconds, for example 2026-12-02T01:19:48.121Z.</summary>
    public static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
        CultureInfo.InvariantCulture);
}
