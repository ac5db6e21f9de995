using System.Globalization;
using System.Text;

namespace IrisNet.Cli;

/// <summary>
/// Streams metrics.csv while training runs, so memory does not grow with the epoch count and a
/// killed run keeps its curve. Rows are formatted into a fixed buffer and reach the file only as
/// whole lines, in one write call per batch of lines: when the buffer holds 64 KiB, at least once a
/// second (a timer), and at the end. The file is therefore always a header followed by whole rows;
/// if a write fails part-way (a full disk) the file is cut back to its last whole row. With
/// <c>--log-every K</c> only epochs K, 2K, … are written, and the last epoch always.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    public const string Header = "epoch,train_loss,train_accuracy,test_loss,test_accuracy";
    public const string ValidationHeader = Header + ",val_loss,val_accuracy";

    private const int FlushChars = 64 * 1024;
    private const int LineChars = 7 * 32 + 16;

    private readonly FileStream _file;
    private readonly char[] _chars = new char[FlushChars + LineChars];
    private readonly byte[] _bytes = new byte[FlushChars + LineChars];
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private readonly int _every;
    private readonly bool _validation;
    private int _used;
    private int _lastWritten;
    private long _good;
    private Exception? _failure;
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
        _timer = new Timer(_ => OnTimer(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string Path { get; }

    /// <summary>The last epoch whose row is in the file or its buffer.</summary>
    public int LastEpochWritten => _lastWritten;

    /// <summary>Queues the epoch's row when it is a multiple of --log-every.</summary>
    /// <exception cref="IOException">An earlier write failed (for example, the disk is full).</exception>
    public void Add(EpochMetrics m)
    {
        if (m.Epoch % _every != 0) return;
        lock (_lock)
        {
            ThrowIfFailed();
            AppendRow(m);
            if (_used >= FlushChars) Flush();
        }
    }

    /// <summary>Writes the last epoch's row (if --log-every skipped it) and everything buffered.</summary>
    /// <exception cref="IOException">A write failed; the file ends at its last whole row.</exception>
    public void Finish(EpochMetrics? last)
    {
        _timer.Dispose();
        lock (_lock)
        {
            ThrowIfFailed();
            if (last is EpochMetrics m && m.Epoch != _lastWritten) AppendRow(m);
            Flush();
            ThrowIfFailed();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (!_disposed && _used > 0) Flush();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null) throw new IOException(_failure.Message, _failure);
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
        line[n++] = '\n';
        _used += n;
        _lastWritten = m.Epoch;
    }

    private static void Number(Span<char> line, ref int n, int value)
    {
        value.TryFormat(line[n..], out int written, default, CultureInfo.InvariantCulture);
        n += written;
    }

    // Each column's last value and its text: accuracies (k/N) repeat for many epochs in a row, and
    // copying the text is much cheaper than formatting the double again.
    private readonly long[] _lastBits = new long[6];
    private readonly char[][] _lastText = [.. Enumerable.Range(0, 6).Select(_ => new char[32])];
    private readonly int[] _lastLength = new int[6];

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
            // "R": the shortest text that reads back as the same double, as everywhere in the CLI;
            // ShortestDouble writes the same characters as .NET's "R", faster for losses.
            int written = ShortestDouble.Write(v, line[n..]);
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

    /// <summary>One write of every buffered (whole) line; on failure, cut the file back to its last whole line.</summary>
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
