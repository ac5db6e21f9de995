using System.Globalization;
using System.Text;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// Streams metrics.csv while training runs, so memory does not grow with the epoch count and a
/// killed run keeps its curve. The training thread only copies each epoch's numbers into a batch
/// (<see cref="Add"/>); a writer thread of its own turns the batches into text and writes them in
/// whole lines, one write call per 64 KiB or per batch, so formatting and the file system run on
/// the other core instead of between epochs. A batch is handed over when it holds
/// <see cref="BatchRows"/> rows, at the first epoch after the writer has waited a second for one,
/// and at the end. The file is therefore always a header followed by whole rows; if a write fails
/// part-way (a full disk) the file is cut back to its last whole row, and the next <see cref="Add"/>
/// throws. With <c>--log-every K</c> only epochs K, 2K, … are written, and the last epoch always.
/// </summary>
/// <remarks>
/// Two batches take turns: the training thread fills one while the writer writes the other. The
/// training thread waits only if it fills a batch before the writer has finished the previous one
/// (on Iris the writer needs a small fraction of the time the trainer takes to fill a batch;
/// bench/notes.md has the figures).
/// </remarks>
public sealed class MetricsWriter : IDisposable
{
    /// <summary>The columns every metrics.csv starts with (the whole header of files written before the lr
    /// column).</summary>
    public const string BaseHeader = "epoch,train_loss,train_accuracy,test_loss,test_accuracy";

    /// <summary>The columns a run with a validation set adds after <see cref="BaseHeader"/>.</summary>
    public const string ValidationColumns = ",val_loss,val_accuracy";

    /// <summary>
    /// The last column: the learning rate of the epoch's updates. Always written, constant or not, so a
    /// file's columns depend only on whether there is a validation set, and a reader never has to guess;
    /// a plateau schedule's rate cannot be known when the header is written anyway.
    /// </summary>
    public const string RateColumn = "," + RunDirectory.LearningRateColumn;

    /// <summary>The header this writer writes without a validation set.</summary>
    public const string Header = BaseHeader + RateColumn;

    /// <summary>The header this writer writes with a validation set.</summary>
    public const string ValidationHeader = BaseHeader + ValidationColumns + RateColumn;

    /// <summary>Rows per batch handed to the writer thread.</summary>
    public const int BatchRows = 2048;

    private const int FlushChars = 64 * 1024;
    private const int LineChars = 8 * 32 + 16;

    private readonly FileStream _file;
    private readonly char[] _chars = new char[FlushChars + LineChars];
    private readonly byte[] _bytes = new byte[FlushChars + LineChars];
    private readonly int _every;
    private readonly bool _validation;
    private readonly Thread _writer;

    // The training thread's batch: only that thread touches it.
    private EpochMetrics[] _filling = new EpochMetrics[BatchRows];
    private int _count;
    private int _lastWritten;

    // Shared with the writer thread, under _gate: the batch being written (null when the writer is
    // idle) and the free one it gives back.
    private readonly object _gate = new();
    private EpochMetrics[]? _handed;
    private int _handedCount;
    private EpochMetrics[]? _free = new EpochMetrics[BatchRows];
    private bool _stopping;

    // Set by the writer after a second with nothing to write: the next Add hands over what it has.
    private volatile bool _handSoon;
    private volatile Exception? _failure;
    private int _used;
    private long _good;
    private bool _disposed;

    /// <summary>Creates <paramref name="path"/> (it must not exist) and writes the header.</summary>
    public MetricsWriter(string path, bool validation, int every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _every = every;
        _validation = validation;
        // No FileStream buffer: each Flush is exactly one write of whole lines.
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        Path = path;
        Append(validation ? ValidationHeader : Header);
        Flush();
        ThrowIfFailed();
        _writer = new Thread(WriteBatches) { IsBackground = true, Name = "irisnet-metrics" };
        _writer.Start();
    }

    public string Path { get; }

    /// <summary>The last epoch whose row was added (in the file, or on its way there).</summary>
    public int LastEpochWritten => _lastWritten;

    /// <summary>Queues the epoch's row when it is a multiple of --log-every. Called from one thread.</summary>
    /// <exception cref="IOException">An earlier write failed (for example, the disk is full).</exception>
    public void Add(EpochMetrics m)
    {
        if (m.Epoch % _every != 0) return;
        ThrowIfFailed();
        _filling[_count++] = m;
        _lastWritten = m.Epoch;
        if (_count == BatchRows || _handSoon) Hand();
    }

    /// <summary>Writes the last epoch's row (if --log-every skipped it) and everything not yet written, and stops the
    /// writer.</summary>
    /// <exception cref="IOException">A write failed; the file ends at its last whole row.</exception>
    public void Finish(EpochMetrics? last)
    {
        ThrowIfFailed();
        if (last is EpochMetrics m && m.Epoch != _lastWritten)
        {
            _filling[_count++] = m;
            _lastWritten = m.Epoch;
        }
        if (_count > 0) Hand();
        Stop();
        ThrowIfFailed();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Stop();
        _file.Dispose();
    }

    // Gives the filled part of the current batch to the writer and takes the free one, waiting for
    // the writer to finish the previous batch if it has not.
    private void Hand()
    {
        lock (_gate)
        {
            while (_handed is not null) Monitor.Wait(_gate);
            _handed = _filling;
            _handedCount = _count;
            _filling = _free!;
            _free = null;
            _count = 0;
            _handSoon = false;
            Monitor.PulseAll(_gate);
        }
    }

    private void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _writer.Join();
    }

    // The writer thread: each handed batch becomes text and one write; a second without a batch asks
    // the training thread to hand over what it has at its next epoch.
    private void WriteBatches()
    {
        while (true)
        {
            EpochMetrics[] batch;
            int count;
            lock (_gate)
            {
                while (_handed is null && !_stopping)
                {
                    if (!Monitor.Wait(_gate, TimeSpan.FromSeconds(1))) _handSoon = true;
                }
                if (_handed is null) return;
                batch = _handed;
                count = _handedCount;
            }
            if (_failure is null)
            {
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        AppendRow(batch[i]);
                        if (_used >= FlushChars) Flush();
                    }
                    Flush();
                }
                catch (Exception e)
                {
                    _failure ??= e;
                }
            }
            lock (_gate)
            {
                _free = batch;
                _handed = null;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is Exception e) throw new IOException(e.Message, e);
    }

    private void AppendRow(EpochMetrics m)
    {
        Span<char> line = _chars.AsSpan(_used);
        int n = 0;
        Number(line, ref n, m.Epoch);
        Field(line, ref n, 0, m.TrainLoss);
        Field(line, ref n, 1, m.TrainAccuracy);
        Field(line, ref n, 2, m.TestLoss);
        Field(line, ref n, 3, m.TestAccuracy);
        if (_validation)
        {
            Field(line, ref n, 4, m.ValidationLoss);
            Field(line, ref n, 5, m.ValidationAccuracy);
        }
        Field(line, ref n, 6, m.LearningRate);
        line[n++] = '\n';
        _used += n;
    }

    private static void Number(Span<char> line, ref int n, int value)
    {
        value.TryFormat(line[n..], out int written, default, CultureInfo.InvariantCulture);
        n += written;
    }

    // Each column's last value and its text: accuracies (k/N) repeat for many epochs in a row, and
    // copying the text is much cheaper than formatting the double again.
    private readonly long[] _lastBits = new long[7];
    private readonly char[][] _lastText = [.. Enumerable.Range(0, 7).Select(_ => new char[32])];
    private readonly int[] _lastLength = new int[7];

    private void Field(Span<char> line, ref int n, int column, double? value)
    {
        line[n++] = ',';
        if (value is double v)
        {
            long bits = BitConverter.DoubleToInt64Bits(v);
            if (_lastLength[column] > 0 && bits == _lastBits[column])
            {
                _lastText[column].AsSpan(0, _lastLength[column]).CopyTo(line[n..]);
                n += _lastLength[column];
                return;
            }
            // "R": the shortest text that reads back as the same double, as everywhere in the CLI.
            v.TryFormat(line[n..], out int written, "R", CultureInfo.InvariantCulture);
            line.Slice(n, written).CopyTo(_lastText[column]);
            _lastBits[column] = bits;
            _lastLength[column] = written;
            n += written;
        }
    }

    private void Append(string text)
    {
        text.AsSpan().CopyTo(_chars.AsSpan(_used));
        _used += text.Length;
        _chars[_used++] = '\n';
    }

    /// <summary>One write of every buffered (whole) line; on failure, cut the file back to its last whole
    /// line.</summary>
    private void Flush()
    {
        if (_used == 0 || _failure is not null) return;
        int count = Encoding.UTF8.GetBytes(_chars, 0, _used, _bytes, 0);
        try
        {
            _file.Write(_bytes, 0, count);
            _good += count;
            _used = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failure = e;
            try
            {
                _file.SetLength(_good);
            }
            catch (IOException)
            {
                // The file may keep a partial last line; readers drop a last line without its newline.
            }
        }
    }
}
