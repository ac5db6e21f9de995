using System.Globalization;
using IrisNet.Cli.Runs;

namespace IrisNet.Tests;

/// <summary>
/// metrics.csv's writer (src/IrisNet.Cli/Runs/MetricsWriter.cs): the training
/// thread hands batches of rows to a writer thread, which must write every row once, in order, and
/// not hold rows back while training is slow.
/// </summary>
public sealed class MetricsWriterTests() : TempDirectoryTest("metrics")
{
    private static EpochMetrics Row(int epoch, bool validation) => new(epoch, 1.0 / (epoch + 2), epoch % 7 / 7.0,
        Math.Sqrt(epoch) / 1000, 0.5,
        validation ? 2.0 / (epoch + 3) : null, validation ? 0.25 : null, 0.1 * Math.Pow(0.5, epoch / 1000));

    private static string Text(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Line(EpochMetrics m, bool validation) =>
        string.Join(',', new[] { m.Epoch.ToString(CultureInfo.InvariantCulture), Text(m.TrainLoss),
            Text(m.TrainAccuracy), Text(m.TestLoss), Text(m.TestAccuracy) }
            .Concat(validation ? [Text(m.ValidationLoss), Text(m.ValidationAccuracy)]
                : []).Append(Text(m.LearningRate)));

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    public void Rows_over_many_batches_reach_the_file_once_each_in_order(int every, bool validation)
    {
        string path = Path.Combine(_dir, $"m{every}.csv");
        // several full batches and a partial one; with every = 3, a last epoch that --log-every skips
        int epochs = 5 * MetricsWriter.BatchRows * every + 7 * every + 2;
        using (var writer = new MetricsWriter(path, validation, every))
        {
            for (int e = 1; e <= epochs; e++) writer.Add(Row(e, validation));
            writer.Finish(Row(epochs, validation));
        }
        string[] lines = File.ReadAllLines(path);
        var expected = new List<string> { validation ? MetricsWriter.ValidationHeader : MetricsWriter.Header };
        for (int e = every; e <= epochs; e += every) expected.Add(Line(Row(e, validation), validation));
        if (epochs % every != 0) expected.Add(Line(Row(epochs, validation), validation));
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++) Assert.Equal(expected[i], lines[i]);
    }

    [Fact]
    public void While_epochs_are_slow_a_row_reaches_the_file_within_seconds_not_at_the_end()
    {
        string path = Path.Combine(_dir, "slow.csv");
        using var writer = new MetricsWriter(path, validation: false, every: 1);
        // One epoch every 100 ms: a batch would take minutes to fill, so the rows must be handed over by time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int epoch = 0, rows = 0;
        while (rows < 2 && DateTime.UtcNow < deadline)
        {
            writer.Add(Row(++epoch, false));
            Thread.Sleep(100);
            using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            rows = new StreamReader(read).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        }
        Assert.True(rows >= 2, $"after {epoch} epochs of 100 ms the file holds {rows} rows");
        Assert.True(epoch <= 40, $"the second row took {epoch} epochs of 100 ms to reach the file");
        writer.Finish(null);
        Assert.Equal(epoch + 1, File.ReadAllLines(path).Length);
    }
}
