using System.Globalization;
using System.Text;
using IrisNet.Cli.Commands;
using IrisNet.Cli.Runs;
using IrisNet.Errors;
using IrisNet.Training;

namespace IrisNet.Cli.Reports;

/// <summary>One fold's curves from a folds.csv: held-out loss and accuracy in the test columns.</summary>
internal sealed record FoldCurve(string Config, int Repeat, int Fold, IReadOnlyList<EpochMetrics> Rows)
{
    public string Name => string.Create(CultureInfo.InvariantCulture, $"repeat {Repeat} fold {Fold}");
}

/// <summary>
/// Reads the folds.csv of irisnet cv (<see cref="CvCommand.FoldsHeader"/>) or of a sweep
/// (<see cref="SweepHeader"/>: the same columns after the configuration's id) one line at a time,
/// each fold's rows into its own bounded <see cref="MetricsSeries"/>. A fold's rows follow each other
/// in epoch order; folds may come in any order. As with metrics.csv, a last line without its newline is
/// an incomplete row of a run killed while writing it, and is dropped.
/// </summary>
internal static class FoldsFile
{
    /// <summary>A sweep's folds.csv: every configuration's folds, named by its id in the leaderboard.</summary>
    public const string SweepHeader = "config," + CvCommand.FoldsHeader;

    public static IReadOnlyList<FoldCurve> Read(string path, int capacity = MetricsSeries.DefaultCapacity)
    {
        var folds = new Dictionary<(string, int, int), MetricsSeries>();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            string? header = reader.ReadLine()?.Trim();
            bool sweep = header == SweepHeader;
            if (!sweep && header != CvCommand.FoldsHeader)
            {
                throw new DataException(path, 1, 0,
                    $"is not an IrisNet folds.csv (its header must be {CvCommand.FoldsHeader}, or {SweepHeader} for " +
                    "a sweep).");
            }
            int fields = sweep ? 8 : 7;
            bool complete = RunDirectory.EndsWithNewline(path);
            int lineNumber = 1;
            string? line = reader.ReadLine();
            while (line is not null)
            {
                lineNumber++;
                string? next = reader.ReadLine();
                if (next is null && !complete) break;
                if (line.Length > 0) Add(folds, path, lineNumber, line, fields, capacity);
                line = next;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
        return folds.Select(f => new FoldCurve(f.Key.Item1, f.Key.Item2, f.Key.Item3, f.Value.ToList())).ToArray();
    }

    private static void Add(Dictionary<(string, int, int), MetricsSeries> folds, string path, int lineNumber,
        string line, int fields, int capacity)
    {
        string[] f = line.Split(',');
        if (f.Length != fields)
            throw new DataException(path, lineNumber, 0, $"{f.Length} fields; a folds.csv row here has {fields}.");
        int o = fields - 7;
        string config = o == 1 ? f[0] : "";
        try
        {
            int I(int i) => int.Parse(f[o + i], CultureInfo.InvariantCulture);
            double D(int i) => double.Parse(f[o + i], CultureInfo.InvariantCulture);
            var key = (config, I(0), I(1));
            if (!folds.TryGetValue(key, out MetricsSeries? series)) folds[key] = series = new MetricsSeries(capacity);
            var m = new EpochMetrics(I(2), D(3), D(4), D(5), D(6));
            if (m.Epoch <= series.EpochCount)
            {
                throw new DataException(path, lineNumber, o + 3,
                    $"epoch {m.Epoch} follows epoch {series.EpochCount} of the same fold; a fold's epochs must " +
                    "increase.");
            }
            series.Add(m);
        }
        catch (FormatException e)
        {
            throw new DataException(path, lineNumber, 0, "holds a value that is not a number.", e);
        }
        catch (OverflowException e)
        {
            throw new DataException(path, lineNumber, 0, "holds a number out of range.", e);
        }
    }

    /// <summary>
    /// The mean of the folds' curves row by row, when every fold kept the same epochs (folds of one run
    /// train the same epochs, so their series keep the same rows); null otherwise. Up to
    /// <see cref="MetricsSeries.DefaultCapacity"/> epochs every row is an epoch and this is the exact mean
    /// curve; beyond, each row is the mean of the folds' extremes in that bucket.
    /// </summary>
    public static IReadOnlyList<EpochMetrics>? Mean(IReadOnlyList<FoldCurve> folds)
    {
        if (folds.Count == 0) return null;
        IReadOnlyList<EpochMetrics> first = folds[0].Rows;
        if (folds.Any(f => f.Rows.Count != first.Count)) return null;
        var mean = new EpochMetrics[first.Count];
        for (int i = 0; i < first.Count; i++)
        {
            int epoch = first[i].Epoch;
            double trainLoss = 0, trainAccuracy = 0, loss = 0, accuracy = 0;
            foreach (FoldCurve f in folds)
            {
                EpochMetrics m = f.Rows[i];
                if (m.Epoch != epoch) return null;
                trainLoss += m.TrainLoss;
                trainAccuracy += m.TrainAccuracy;
                loss += m.TestLoss ?? double.NaN;
                accuracy += m.TestAccuracy ?? double.NaN;
            }
            int n = folds.Count;
            mean[i] = new EpochMetrics(epoch, trainLoss / n, trainAccuracy / n, loss / n, accuracy / n);
        }
        return mean;
    }
}
