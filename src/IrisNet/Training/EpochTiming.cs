namespace IrisNet.Training;

/// <summary>
/// Wall-clock time of the training loop's epochs in bounded memory. The first epoch is kept apart
/// (it pays for just-in-time compilation and cold caches); every later epoch goes into a histogram
/// of logarithmically spaced bins, each 1 % wider than the last, from 10 ns to about 3 hours, so the
/// steady per-epoch median is known to within 0.5 % from 2,500 counters whatever the epoch count.
/// </summary>
public sealed class EpochTiming
{
    private const double Smallest = 1e-8;
    private const double Ratio = 1.01;
    private static readonly double LogRatio = Math.Log(Ratio);
    private readonly long[] _bins = new long[2500];

    /// <summary>Seconds of epoch 1, or 0 before it.</summary>
    public double FirstEpochSeconds { get; private set; }

    /// <summary>Seconds of every epoch recorded.</summary>
    public double TotalSeconds { get; private set; }

    /// <summary>Epochs recorded.</summary>
    public int Epochs { get; private set; }

    /// <summary>Records the next epoch's duration.</summary>
    public void Add(double seconds)
    {
        Epochs++;
        TotalSeconds += seconds;
        if (Epochs == 1)
        {
            FirstEpochSeconds = seconds;
            return;
        }
        _bins[Bin(seconds)]++;
    }

    // The bin of each duration below CachedTicks Stopwatch ticks (16 µs at the usual 1 ns tick), found
    // once with the logarithm and then looked up: an Iris epoch takes a few microseconds, and the
    // logarithm was a measurable part of what the training loop spends around the numbers.
    private const int CachedTicks = 16384;
    private static readonly double SecondsPerTick = 1.0 / System.Diagnostics.Stopwatch.Frequency;
    private readonly short[] _binOfTicks = new short[CachedTicks];

    /// <summary>Records the next epoch's duration in <see cref="System.Diagnostics.Stopwatch"/> ticks:
    /// the same as <see cref="Add(double)"/> with ticks / Stopwatch.Frequency seconds, without
    /// the logarithm for short epochs.</summary>
    internal void AddTicks(long ticks)
    {
        double seconds = ticks * SecondsPerTick;
        if (Epochs == 0 || (ulong)ticks >= CachedTicks)
        {
            Add(seconds);
            return;
        }
        Epochs++;
        TotalSeconds += seconds;
        int bin = _binOfTicks[ticks] - 1; // 0: not known yet
        if (bin < 0)
        {
            bin = Bin(seconds);
            _binOfTicks[ticks] = (short)(bin + 1);
        }
        _bins[bin]++;
    }

    /// <summary>
    /// The median of epochs 2, 3, …: the geometric centre of the bin holding the middle value
    /// (for an even count, of the lower middle one); null with fewer than two epochs.
    /// </summary>
    public double? SteadyMedianSeconds
    {
        get
        {
            long n = Epochs - 1;
            if (n <= 0) return null;
            long rank = (n + 1) / 2, seen = 0;
            for (int i = 0; i < _bins.Length; i++)
            {
                seen += _bins[i];
                if (seen >= rank) return Smallest * Math.Pow(Ratio, i + 0.5);
            }
            return null;
        }
    }

    private static int Bin(double seconds)
    {
        if (!(seconds > Smallest)) return 0;
        double i = Math.Log(seconds / Smallest) / LogRatio;
        return i >= 2499 ? 2499 : (int)i;
    }
}
