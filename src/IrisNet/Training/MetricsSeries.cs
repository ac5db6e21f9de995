using System.Runtime.CompilerServices;

namespace IrisNet.Training;

/// <summary>
/// The loss and accuracy curves of a run in bounded memory, for drawing. Epochs arrive in order
/// (1, 2, 3, …, or with gaps, as read back from a metrics.csv written every K epochs). Up to <see cref="Capacity"/>
/// epochs every row is kept exactly. Beyond that the epochs are grouped into at most <see cref="Capacity"/> buckets of
/// 2^k consecutive epochs (two neighbouring buckets merge whenever the count would exceed the capacity), and each
/// bucket keeps, for every column, its minimum and its maximum and which came first. <see cref="ToList"/> turns a
/// bucket into two rows (at its first and last epoch) carrying those extremes in the order they
/// occurred, so a line through the rows covers exactly the vertical range the full curve covers in
/// that bucket; with more buckets than pixel columns the drawn picture is the same. The last epoch
/// is always kept exactly, as its own row. The first <see cref="HeadRows"/> rows are also kept exactly,
/// apart from the buckets: a long run's curves are drawn on a logarithmic epoch axis, where the first
/// epochs take as much width as the last millions.
/// </summary>
public sealed class MetricsSeries
{
    /// <summary>The default number of buckets: more than two per pixel column of a 900-pixel-wide plot.</summary>
    public const int DefaultCapacity = 2048;

    /// <summary>The first rows, kept exactly whatever the run's length.</summary>
    public const int HeadRows = 512;

    private const int Columns = 7;

    private readonly EpochMetrics[] _head = new EpochMetrics[HeadRows];
    private int _headCount;

    private readonly Bucket[] _buckets;
    private int _count;
    private long _width = 1;
    // The last epoch added (Epoch 0 before the first): a plain field, so Add copies no nullable 104-byte value.
    private EpochMetrics _last;
    private bool _hasTest, _hasValidation, _hasLearningRate;

    /// <summary>Creates an empty series of at most <paramref name="capacity"/> buckets (an even number ≥ 2).</summary>
    public MetricsSeries(int capacity = DefaultCapacity)
    {
        if (capacity < 2 || capacity % 2 != 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
            "The capacity must be an even number of at least 2.");
        _buckets = new Bucket[capacity];
        for (int i = 0; i < capacity; i++) _buckets[i] = new Bucket();
    }

    /// <summary>The most buckets kept; runs of up to this many epochs are kept row by row.</summary>
    public int Capacity => _buckets.Length;

    /// <summary>The epochs added so far.</summary>
    public int EpochCount => _last.Epoch;

    /// <summary>The last epoch added, exactly, or null before the first.</summary>
    public EpochMetrics? Last => _last.Epoch > 0 ? _last : null;

    /// <summary>Adds the next epoch's row.</summary>
    /// <exception cref="ArgumentException">The epoch is not after the last one added.</exception>
    public void Add(EpochMetrics m)
    {
        if (m.Epoch <= _last.Epoch) throw new
            ArgumentException($"Epoch {m.Epoch} follows epoch {EpochCount}; epochs must arrive in increasing order.",
            nameof(m));
        if (_last.Epoch > 0) Place(in _last);
        else
        {
            _hasTest = m.TestLoss.HasValue;
            _hasValidation = m.ValidationLoss.HasValue;
            _hasLearningRate = m.LearningRate.HasValue;
        }
        _last = m;
    }

    /// <summary>The rows to draw: every epoch when there were at most <see cref="Capacity"/>, otherwise two per bucket,
    /// then the last epoch.</summary>
    public EpochMetrics[] ToList()
    {
        var rows = new List<EpochMetrics>(_headCount + 2 * _count + 1);
        rows.AddRange(_head.AsSpan(0, _headCount));
        for (int i = 0; i < _count; i++)
        {
            Bucket b = _buckets[i];
            if (b.Empty) continue;
            if (b.First == b.LastEpoch) rows.Add(b.Row(b.First, early: true));
            else
            {
                rows.Add(b.Row(b.First, early: true));
                rows.Add(b.Row(b.LastEpoch, early: false));
            }
        }
        if (_last.Epoch > 0) rows.Add(_last);
        return rows.ToArray();
    }

    private void Place(in EpochMetrics m)
    {
        if (_headCount < HeadRows && _count == 0)
        {
            _head[_headCount++] = m;
            return;
        }
        // Epochs arrive in order: most fall in the last bucket started, found without a division; any
        // other epoch lies beyond it and starts a bucket (after halving the resolution if need be).
        if (_count > 0 && m.Epoch - 1 < _count * _width)
        {
            _buckets[_count - 1].Include(in m);
            return;
        }
        long index = (m.Epoch - 1) / _width;
        while (index >= _buckets.Length)
        {
            // Halve the resolution: buckets 2i and 2i+1 become bucket i.
            for (int i = 0; i < _buckets.Length / 2; i++) _buckets[i].Merge(_buckets[2 * i], _buckets[2 * i + 1]);
            for (int i = _buckets.Length / 2; i < _buckets.Length; i++) _buckets[i].Clear();
            _count = (_count + 1) / 2;
            _width *= 2;
            index = (m.Epoch - 1) / _width;
        }
        for (int i = _count; i < index; i++) _buckets[i].Clear();
        _buckets[index].Start(m, _hasTest, _hasValidation, _hasLearningRate);
        _count = (int)index + 1;
    }

    /// <summary>The extremes of one column in a bucket: the minimum and maximum and the epoch of each.</summary>
    private struct Extremes
    {
        public double Min, Max;
        public int MinAt, MaxAt;

        public Extremes(double v, int epoch)
        {
            Min = Max = v;
            MinAt = MaxAt = epoch;
        }

        // An absent value is NaN, which is neither below nor above anything: it never becomes an extreme.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Include(double v, int epoch)
        {
            if (v < Min) { Min = v; MinAt = epoch; }
            if (v > Max) { Max = v; MaxAt = epoch; }
        }

        public readonly Extremes With(in Extremes right)
        {
            Extremes r = this;
            if (right.Min < r.Min) { r.Min = right.Min; r.MinAt = right.MinAt; }
            if (right.Max > r.Max) { r.Max = right.Max; r.MaxAt = right.MaxAt; }
            return r;
        }

        /// <summary>The extreme that occurred first (<paramref name="early"/>) or second.</summary>
        public readonly double Pick(bool early) => (MinAt <= MaxAt) == early ? Min : Max;
    }

    /// <summary>One <see cref="Extremes"/> per column, stored inline (no arrays, no bounds checks on constant
    /// indices).</summary>
    [InlineArray(Columns)]
    private struct ColumnExtremes
    {
        private Extremes _first;
    }

    /// <summary>Consecutive epochs First..LastEpoch: per column the minimum, the maximum, and the epoch of
    /// each.</summary>
    private sealed class Bucket
    {
        private ColumnExtremes _columns;
        private bool _test, _validation, _learningRate;

        public int First { get; private set; }

        public int LastEpoch { get; private set; }

        public void Start(in EpochMetrics m, bool test, bool validation, bool learningRate)
        {
            _test = test;
            _validation = validation;
            _learningRate = learningRate;
            int e = m.Epoch;
            First = LastEpoch = e;
            _columns[0] = new Extremes(m.TrainLoss, e);
            _columns[1] = new Extremes(m.TrainAccuracy, e);
            _columns[2] = new Extremes(m.TestLoss ?? double.NaN, e);
            _columns[3] = new Extremes(m.TestAccuracy ?? double.NaN, e);
            _columns[4] = new Extremes(m.ValidationLoss ?? double.NaN, e);
            _columns[5] = new Extremes(m.ValidationAccuracy ?? double.NaN, e);
            _columns[6] = new Extremes(m.LearningRate ?? double.NaN, e);
        }

        // Called for nearly every epoch of a long run: straight-line code, no span, no loop.
        public void Include(in EpochMetrics m)
        {
            int e = m.Epoch;
            LastEpoch = e;
            _columns[0].Include(m.TrainLoss, e);
            _columns[1].Include(m.TrainAccuracy, e);
            _columns[2].Include(m.TestLoss ?? double.NaN, e);
            _columns[3].Include(m.TestAccuracy ?? double.NaN, e);
            _columns[4].Include(m.ValidationLoss ?? double.NaN, e);
            _columns[5].Include(m.ValidationAccuracy ?? double.NaN, e);
            _columns[6].Include(m.LearningRate ?? double.NaN, e);
        }

        public bool Empty => First == 0;

        public void Merge(Bucket left, Bucket right)
        {
            if (right.Empty)
            {
                if (!ReferenceEquals(left, this)) CopyFrom(left);
                return;
            }
            if (left.Empty)
            {
                CopyFrom(right);
                return;
            }
            // left may be this bucket itself (i = 0): each column is read before it is written.
            for (int c = 0; c < Columns; c++) _columns[c] = left._columns[c].With(right._columns[c]);
            _test = left._test;
            _validation = left._validation;
            _learningRate = left._learningRate;
            First = left.First;
            LastEpoch = right.LastEpoch;
        }

        public void Clear() => First = LastEpoch = 0;

        private void CopyFrom(Bucket other)
        {
            _columns = other._columns;
            _test = other._test;
            _validation = other._validation;
            _learningRate = other._learningRate;
            First = other.First;
            LastEpoch = other.LastEpoch;
        }

        /// <summary>The extreme of each column that occurred first (<paramref name="early"/>) or second.</summary>
        public EpochMetrics Row(int epoch, bool early) => new(epoch, _columns[0].Pick(early), _columns[1].Pick(early),
            _test ? _columns[2].Pick(early) : null, _test ? _columns[3].Pick(early) : null,
            _validation ? _columns[4].Pick(early) : null, _validation ? _columns[5].Pick(early) : null,
            _learningRate ? _columns[6].Pick(early) : null);
    }
}
