using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrisNet.Bench;

/// <summary>
/// The machine's two-thread capacity at the moment it is measured: <see cref="Roofline"/>'s FMA loop on
/// one thread, then on two threads at once (this one and a helper started once). The project's machine
/// has two virtual processors, and its host at times runs both on one physical core: the FMA loop on
/// two threads then does exactly half per thread of what one thread does alone, and a minute later
/// the full amount on each. A two-thread timing says nothing about the code unless this is measured
/// beside it. The helper waits on a semaphore between measurements (so it takes no processor from the
/// networks' epochs) and, once woken, spins on a flag until this thread starts it, so both loops start
/// within a fraction of a microsecond.
/// </summary>
public sealed class FmaPair : IDisposable
{
    /// <summary>Iterations of the FMA loop per measurement: 4 × <see cref="Roofline.Iterations"/>, about
    /// 0.7 ms at this machine's peak, long beside the start's hand-over and short beside a slice of epochs.</summary>
    public const int Iterations = 4 * Roofline.Iterations;

    private const int Idle = 0, Ready = 1, Go = 2, Done = 3;
    private readonly Thread _helper;
    private readonly SemaphoreSlim _wake = new(0);
    private int _state = Idle;
    private bool _float, _disposed;
    private double _helperNs, _helperSink, _sink;

    public FmaPair()
    {
        _helper = new Thread(Help) { IsBackground = true, Name = "fma-pair" };
        _helper.Start();
    }

    /// <summary>The sum of what the measured loops returned, kept so that no loop can be dropped.</summary>
    public double Sink => _sink + _helperSink;

    /// <summary>
    /// The float32 (<paramref name="isFloat"/>) or float64 loop on this thread alone, then on this thread and
    /// the helper together: the three times in ns. The machine's two-thread speed-up is
    /// 2 × <c>Single</c> / max(<c>First</c>, <c>Second</c>): twice the work in the time the slower thread took,
    /// which is how a two-thread epoch is bounded too (it waits for the slower half).
    /// </summary>
    public (double Single, double First, double Second) Measure(bool isFloat)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        double single = Loop(isFloat, ref _sink);
        _float = isFloat;
        _wake.Release();
        while (Volatile.Read(ref _state) != Ready) Thread.SpinWait(1);
        Volatile.Write(ref _state, Go);
        double first = Loop(isFloat, ref _sink);
        while (Volatile.Read(ref _state) != Done) Thread.SpinWait(1);
        Volatile.Write(ref _state, Idle);
        return (single, first, _helperNs);
    }

    /// <summary>Enough measurements in both precisions for the JIT's final code of both loops.</summary>
    public void WarmUp()
    {
        for (int i = 0; i < 40; i++)
        {
            Measure(false);
            Measure(true);
        }
    }

    private void Help()
    {
        while (true)
        {
            _wake.Wait();
            if (_disposed) return;
            Volatile.Write(ref _state, Ready);
            while (Volatile.Read(ref _state) != Go) Thread.SpinWait(1);
            _helperNs = Loop(_float, ref _helperSink);
            Volatile.Write(ref _state, Done);
        }
    }

    private static double Loop(bool isFloat, ref double sink)
    {
        long start = Stopwatch.GetTimestamp();
        sink += isFloat ? Roofline.PeakFloat(Iterations) : Roofline.PeakDouble(Iterations);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _wake.Release();
        _helper.Join();
        _wake.Dispose();
    }
}

/// <summary>
/// One case of the thread check: the fastest 1-thread and 2-thread epoch in ns (their ratio is
/// <see cref="Speedup"/>), the median over rounds of the ratio of the two slices' times, the machine's
/// FMA two-thread speed-up (from the fastest single and the fastest pair, and the median per round), and
/// the rounds in which the machine delivered two cores (FMA speed-up ≥ <see cref="ThreadCheck.TwoCoreThreshold"/>)
/// with the median of the slices' ratio over them (null when there were none); then the processors the
/// process held during the 2-thread slices (its processor time over their wall time, median per round), and
/// the clean rounds, those on two cores in which the 2-thread slice also held two processors (≥ the same
/// threshold), with the median ratio over them. <see cref="Each"/> holds every round, in the order measured.
/// </summary>
public sealed record ThreadCase(string Precision, int N, int H, int EpochsPerSlice, double FastestOneNs,
    double FastestTwoNs,
    double MedianSpeedup, double FmaSpeedup, double MedianFmaSpeedup, int TwoCoreRounds, double? TwoCoreMedianSpeedup,
    double MedianProcessors, int CleanRounds, double? CleanMedianSpeedup, ThreadRound[] Each)
{
    public double Speedup => FastestOneNs / FastestTwoNs;
}

/// <summary>One round of a thread check's case: the FMA loop alone and the slower of the pair in ns, the
/// processors held during the 2-thread slice, and the slices' mean epoch in ns on 1 and 2 threads.</summary>
public readonly record struct ThreadRound(double FmaOneNs, double FmaTwoNs, double Processors, double EpochOneNs,
    double EpochTwoNs);

/// <summary>
/// The thread check: two threads against one for the scaling benchmark's largest cases, interleaved in
/// one process with a measurement of what the machine can do on two threads at that moment (see
/// <see cref="FmaPair"/> and <see cref="Scaling{T}.Interleaved"/>) and of the processors the 2-thread
/// epochs held (a competing process takes one for longer than the FMA pair lasts). Run by <c>IrisNet.Bench
/// --thread-check</c>
/// and after the report suite; written as JSON into the benchmark results folder, where the report reads
/// it for its two-thread targets (the separate benchmark processes cannot settle them: the machine's
/// two-thread capacity moves between processes).
/// </summary>
public sealed record ThreadCheck(int Rounds, DateTime Utc, IReadOnlyList<ThreadCase> Cases)
{
    /// <summary>The file's name in the results folder; the report looks for the same name.</summary>
    public const string FileName = "thread-check.json";

    /// <summary>An FMA two-thread speed-up at or above this counts as a round on two cores (one shared core
    /// gives 1.0, two give 2.0; on the project's machine one round in five or six falls between, 1.7–1.9,
    /// and is left out), and a 2-thread slice that held at least this many processors as one that ran
    /// without a competing process.</summary>
    public const double TwoCoreThreshold = 1.9;

    /// <summary>The length of a slice of epochs on one thread: a few epochs at N = 15,000, one at 150,000.</summary>
    public const double SliceMilliseconds = 10;

    /// <summary>Warm-up of each network: at least this many epochs and this long.</summary>
    public const int WarmupEpochs = 10;

    public const double WarmupMilliseconds = 250;

    /// <summary>The cases, (N, H), each in float32 and float64: every N ≥ 15,000 of the scaling grid, where the
    /// two-thread target applies.</summary>
    public static readonly (int N, int H)[] Sizes = [(15_000, 16), (150_000, 16), (15_000, 256), (150_000, 256)];

    /// <summary>Measures every case with <paramref name="rounds"/> rounds; <paramref name="progress"/> sees each case
    /// as it is done.</summary>
    public static ThreadCheck Measure(int rounds, Action<ThreadCase>? progress = null)
    {
        using var machine = new FmaPair();
        machine.WarmUp();
        var cases = new List<ThreadCase>();
        foreach (bool isFloat in new[] { true, false })
        {
            foreach (var (n, h) in Sizes)
            {
                ThreadCase c = isFloat ? Scaling<float>.Interleaved(n, h, rounds,
                    machine) : Scaling<double>.Interleaved(n, h, rounds, machine);
                progress?.Invoke(c);
                cases.Add(c);
            }
        }
        Sink = machine.Sink;
        return new ThreadCheck(rounds, DateTime.UtcNow, cases);
    }

    /// <summary>What the FMA loops returned, kept where the JIT cannot see it unused.</summary>
    public static double Sink { get; private set; }

    /// <summary>The table's header, and one case as a row of it.</summary>
    public const string Header =
        "precision        N    H  k  fastest 1T µs  fastest 2T µs  speed-up  median/round  FMA 2T  FMA median  " +
        "two-core rounds  their median  CPUs 2T  clean rounds  their median";

    public static string Row(ThreadCase c, int rounds) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Precision,-9} {c.N,8:N0} {c.H,4} {c.EpochsPerSlice,2} {c.FastestOneNs / 1000,14:F1} " +
            $"{c.FastestTwoNs / 1000,14:F1} {c.Speedup,9:F2} {c.MedianSpeedup,13:F2} {c.FmaSpeedup,7:F2} " +
            $"{c.MedianFmaSpeedup,11:F2} {$"{c.TwoCoreRounds} of {rounds}",16} {Format(c.TwoCoreMedianSpeedup),13} " +
            $"{c.MedianProcessors,8:F2} {$"{c.CleanRounds} of {rounds}",13} {Format(c.CleanMedianSpeedup),13}");

    private static string Format(double? value) => value is double v ? v.ToString("F2",
        CultureInfo.InvariantCulture) : "–";

    /// <summary>What the table's columns mean, for <paramref name="rounds"/> rounds.</summary>
    public static string Legend(int rounds) => string.Create(CultureInfo.InvariantCulture,
        $"{rounds} interleaved rounds per case (FMA loop on 1 then 2 threads, k epochs on 1 thread, k epochs on 2 " +
            $"threads); speed-ups are 1 thread's time over 2 threads';{Environment.NewLine}"
        + $"FMA 2T = 2 × one loop's time / the slower of two loops run together; two-core rounds: FMA 2T ≥ " +
            $"{TwoCoreThreshold:F1};{Environment.NewLine}"
        + $"CPUs 2T = the process's processor time / wall time in the 2-thread slices (median); clean rounds: " +
            $"two-core rounds with CPUs 2T ≥ {TwoCoreThreshold:F1} too.");

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Legend(Rounds));
        sb.AppendLine(Header);
        foreach (ThreadCase c in Cases) sb.AppendLine(Row(c, Rounds));
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes the JSON file the report reads (names in snake case, times in µs, speed-ups as ratios).
    /// Indented like clock-check.json except the per-round arrays, which stay one line each.</summary>
    public void Write(string path) => CheckFile.Write(path, Rounds, Utc, json =>
    {
        json.WriteNumber("two_core_threshold", TwoCoreThreshold);
        json.WriteStartArray("cases");
        foreach (ThreadCase c in Cases)
        {
            json.WriteStartObject();
            json.WriteString("precision", c.Precision);
            json.WriteNumber("n", c.N);
            json.WriteNumber("h", c.H);
            json.WriteNumber("epochs_per_slice", c.EpochsPerSlice);
            json.WriteStartObject("fastest_epoch_us");
            json.WriteNumber("threads_1", c.FastestOneNs / 1000);
            json.WriteNumber("threads_2", c.FastestTwoNs / 1000);
            json.WriteEndObject();
            json.WriteNumber("speedup", c.Speedup);
            json.WriteNumber("median_speedup", c.MedianSpeedup);
            json.WriteNumber("fma_speedup", c.FmaSpeedup);
            json.WriteNumber("median_fma_speedup", c.MedianFmaSpeedup);
            json.WriteNumber("two_core_rounds", c.TwoCoreRounds);
            if (c.TwoCoreMedianSpeedup is double m) json.WriteNumber("two_core_median_speedup", m);
            else json.WriteNull("two_core_median_speedup");
            json.WriteNumber("median_processors", c.MedianProcessors);
            json.WriteNumber("clean_rounds", c.CleanRounds);
            if (c.CleanMedianSpeedup is double cm) json.WriteNumber("clean_median_speedup", cm);
            else json.WriteNull("clean_median_speedup");
            json.WriteBoolean("bit_identical", true);
            // Every round, so that how the figures move together can be looked at later (rounded to four decimals).
            json.WriteStartObject("per_round");
            foreach (var (name, values) in new (string, IEnumerable<double>)[]
            {
                    ("fma_one_us", c.Each.Select(r => r.FmaOneNs / 1000)), ("fma_two_us",
                        c.Each.Select(r => r.FmaTwoNs / 1000)),
                    ("processors", c.Each.Select(r => r.Processors)),
                    ("epoch_us_1", c.Each.Select(r => r.EpochOneNs / 1000)), ("epoch_us_2",
                        c.Each.Select(r => r.EpochTwoNs / 1000)),
            })
            {
                json.WritePropertyName(name);
                json.WriteRawValue($"[{string.Join(", ", values.Select(v => Math.Round(v, 4, MidpointRounding.AwayFromZero).ToString("R", CultureInfo.InvariantCulture)))}]");
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });
}
