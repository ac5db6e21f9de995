using System.Globalization;
using System.Text;
using IrisNet.Training;

namespace IrisNet.Cli.Runs;

/// <summary>
/// folds.csv of irisnet cv, streamed: the header, then the rows of each completed fold, one per epoch,
/// in (repeat, fold) order. Folds train in parallel and finish in any order, so each fold writes its
/// rows as it trains to a spool file of its own in the run directory, and when its turn comes they are
/// appended to folds.csv in whole lines. A spool's name is removed right after it is opened (the open
/// handle keeps its bytes), so a run that is killed leaves no spool behind. folds.csv is therefore always
/// the header and the whole rows of completed folds (a kill in the middle of an append can cut its last
/// row), and memory holds one buffer per fold in flight, whatever the number of epochs.
/// </summary>
public sealed class FoldsWriter : IDisposable
{
    public const string Header = "repeat,fold,epoch,train_loss,train_accuracy,heldout_loss,heldout_accuracy";

    private const int BufferBytes = 64 * 1024;

    private readonly FileStream _file;
    private readonly string _folder;
    private readonly Dictionary<(int, int), Spool> _spools = [];
    private readonly byte[] _copy = new byte[BufferBytes];
    private long _good;

    /// <summary>Creates <paramref name="path"/> (it must not exist) and writes the header.</summary>
    public FoldsWriter(string path)
    {
        Path = path;
        _folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        byte[] header = Encoding.UTF8.GetBytes(Header + "\n");
        _file.Write(header);
        _good = header.Length;
    }

    public string Path { get; }

    /// <summary>Opens fold (<paramref name="repeat"/>, <paramref name="fold"/>)'s spool; returns what takes each of its
    /// epochs. Called on the fold's thread.</summary>
    /// <exception cref="IOException">The spool could not be created.</exception>
    public Action<EpochMetrics> Start(int repeat, int fold)
    {
        var spool = new Spool(_folder, repeat, fold);
        lock (_spools)
        {
            if (_spools.Remove((repeat, fold), out Spool? earlier)) earlier.Dispose();
            _spools.Add((repeat, fold), spool);
        }
        return spool.Add;
    }

    /// <summary>Appends the completed fold's rows to folds.csv in whole lines and closes its spool.</summary>
    /// <exception cref="IOException">A write failed (a full disk): folds.csv is cut back to the folds before this
    /// one.</exception>
    public void Complete(int repeat, int fold)
    {
        Spool spool;
        lock (_spools)
        {
            if (!_spools.Remove((repeat, fold), out spool!)) throw new
                InvalidOperationException($"fold {repeat}/{fold} was never started.");
        }
        using (spool)
        {
            try
            {
                spool.Rewind();
                int carried = 0;
                while (true)
                {
                    int n = spool.Read(_copy.AsSpan(carried));
                    int filled = carried + n;
                    if (filled == 0) break;
                    // One write per chunk, cut after its last newline: a kill between two writes leaves whole rows.
                    int end = n == 0 ? filled : _copy.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
                    if (end == 0) end = filled; // a row longer than the buffer (cannot happen): write it as it is
                    _file.Write(_copy, 0, end);
                    carried = filled - end;
                    _copy.AsSpan(end, carried).CopyTo(_copy);
                    if (n == 0) break;
                }
                _good = _file.Length;
            }
            catch (IOException)
            {
                CutBack();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_spools)
        {
            foreach (Spool s in _spools.Values) s.Dispose();
            _spools.Clear();
        }
        _file.Dispose();
    }

    private void CutBack()
    {
        try
        {
            _file.SetLength(_good);
        }
        catch (IOException)
        {
            // the file may end in a cut row, which readers of a killed run's file expect anyway
        }
    }

    /// <summary>One fold's rows as it trains: formatted into a buffer, written to an unnamed file in whole
    /// buffers.</summary>
    private sealed class Spool : IDisposable
    {
        private const int LineChars = 7 * 32;

        private readonly FileStream _stream;
        private readonly string _prefix;
        private readonly char[] _chars = new char[BufferBytes];
        private readonly byte[] _bytes = new byte[Encoding.UTF8.GetMaxByteCount(BufferBytes)];
        private int _used;

        public Spool(string folder, int repeat, int fold)
        {
            var inv = CultureInfo.InvariantCulture;
            string path = System.IO.Path.Combine(folder, string.Create(inv,
                $".fold-{repeat}-{fold}.incomplete-{Environment.ProcessId}"));
            _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Delete, bufferSize: 0);
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A file system that keeps the name while the file is open: it goes at Dispose.
                Named = path;
            }
            _prefix = string.Create(inv, $"{repeat},{fold},");
        }

        private string? Named { get; }

        public void Add(EpochMetrics m)
        {
            Span<char> line = _chars.AsSpan(_used);
            int n = 0;
            _prefix.AsSpan().CopyTo(line);
            n += _prefix.Length;
            m.Epoch.TryFormat(line[n..], out int w, default, CultureInfo.InvariantCulture);
            n += w;
            Field(line, ref n, m.TrainLoss);
            Field(line, ref n, m.TrainAccuracy);
            Field(line, ref n, m.TestLoss!.Value);
            Field(line, ref n, m.TestAccuracy!.Value);
            line[n++] = '\n';
            _used += n;
            if (_used > _chars.Length - LineChars) Flush();
        }

        private static void Field(Span<char> line, ref int n, double v)
        {
            line[n++] = ',';
            // "R": the shortest text that reads back as the same double, as in metrics.csv.
            v.TryFormat(line[n..], out int w, "R", CultureInfo.InvariantCulture);
            n += w;
        }

        private void Flush()
        {
            if (_used == 0) return;
            int count = Encoding.UTF8.GetBytes(_chars, 0, _used, _bytes, 0);
            _stream.Write(_bytes, 0, count);
            _used = 0;
        }

        public void Rewind()
        {
            Flush();
            _stream.Position = 0;
        }

        public int Read(Span<byte> into) => _stream.Read(into);

        public void Dispose()
        {
            _stream.Dispose();
            if (Named is not null) File.Delete(Named);
        }
    }
}
