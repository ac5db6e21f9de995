using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using IrisNet.Errors;

namespace IrisNet.Cli.Reports;

/// <summary>One configuration of a sweep: its options and its cross-validated held-out scores.</summary>
internal sealed record LeaderboardRow(int Rank, string Config, IReadOnlyList<string> Options, double AccuracyMean,
    double AccuracySd, double LossMean, double LossSd, double FitSeconds, long Line);

/// <summary>
/// A sweep's leaderboard.csv, the shape documented in docs/report.md: a header naming
/// <c>rank,config</c>, then one column per option the sweep varied (any names), then
/// <c>heldout_accuracy_mean,heldout_accuracy_sd,heldout_loss_mean,heldout_loss_sd,fit_seconds</c>;
/// one row per configuration. Fields are RFC 4180 CSV (quoted when they hold a comma or a quote).
/// </summary>
internal sealed class LeaderboardFile
{
    public static readonly string[] Scores =
        ["heldout_accuracy_mean", "heldout_accuracy_sd", "heldout_loss_mean", "heldout_loss_sd", "fit_seconds"];

    private LeaderboardFile(IReadOnlyList<string> optionNames, IReadOnlyList<LeaderboardRow> rows) =>
        (OptionNames, Rows) = (optionNames, rows);

    /// <summary>The columns between config and the scores: the options the sweep varied.</summary>
    public IReadOnlyList<string> OptionNames { get; }

    /// <summary>The configurations, best rank first.</summary>
    public IReadOnlyList<LeaderboardRow> Rows { get; }

    public static LeaderboardFile Read(string path)
    {
        try
        {
            using var text = new StreamReader(path);
            using var parser = new CsvParser(text, new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                HasHeaderRecord = true,
                IgnoreBlankLines = true,
                TrimOptions = TrimOptions.Trim,
                DetectDelimiter = false,
            });
            if (!parser.Read() || parser.Record is not string[] header)
            {
                throw new DataException(path, 0, 0,
                    "is empty; a leaderboard.csv has a header and one row per configuration.");
            }
            string expected = $"rank,config,OPTION...,{string.Join(',', Scores)}";
            if (header.Length < 2 + Scores.Length || header[0] != "rank" || header[1] != "config"
                || !header[^Scores.Length..].SequenceEqual(Scores))
                throw new DataException(path, 1, 0, $"is not a sweep leaderboard.csv: its header must be {expected}.");
            string[] options = header[2..^Scores.Length];
            var rows = new List<LeaderboardRow>();
            var configs = new HashSet<string>(StringComparer.Ordinal);
            while (parser.Read())
            {
                string[] f = parser.Record!;
                long line = parser.RawRow;
                if (f.Length != header.Length)
                    throw new DataException(path, line, 0, $"{f.Length} fields; the header has {header.Length}.");
                if (f[1].Length == 0 || !configs.Add(f[1]))
                {
                    throw new DataException(path, line, 2,
                        $"the config '{f[1]}' is empty or repeated; each configuration needs its own id.");
                }
                int s = header.Length - Scores.Length;
                double Score(int i) => Double(path, line, s + i + 1, f[s + i]);
                rows.Add(new LeaderboardRow(Int(path, line, 1, f[0]), f[1], f[2..s], Score(0), Score(1), Score(2),
                    Score(3), Score(4), line));
            }
            if (rows.Count == 0) throw new DataException(path, 2, 0, "has a header but no configurations.");
            return new LeaderboardFile(options, rows.OrderBy(r => r.Rank).ThenBy(r => r.Line).ToArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, 0, 0, $"cannot be read: {e.Message}", e);
        }
        catch (CsvHelperException e)
        {
            throw new DataException(path, e.Context?.Parser?.RawRow ?? 0, 0, $"is not valid CSV: {e.Message}", e);
        }
    }

    private static int Int(string path, long line, int column, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v
            : throw new DataException(path, line, column, $"the rank '{text}' is not a positive whole number.");

    private static double Double(string path, long line, int column, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new DataException(path, line, column, $"'{text}' is not a number.");
}
