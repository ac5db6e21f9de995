using System.Diagnostics;

namespace IrisNet.FastPath;

/// <summary>
/// A fixed set of threads that run numbered tasks: task t goes to thread t mod threads, the calling
/// thread being thread 0. Threads are started once and reused, and a run allocates nothing, so a
/// training epoch stays allocation-free. An idle worker spins for <see cref="SpinMicroseconds"/> of
/// wall time, then sleeps on a monitor.
/// </summary>
/// <remarks>
/// Training calls <see cref="Run"/> once per epoch, with the calling thread's serial work (summing
/// the partitions' gradients, the update, metrics) in between. A worker that has fallen asleep
/// costs a futex wake-up when the next run starts. The spin is bounded by a clock rather than by a
/// count of <see cref="SpinWait.SpinOnce()"/> rounds, whose length depends on how fast the system's
/// yield returns: the worker pauses for a fraction of a microsecond between reads of the
/// generation, so it starts a run almost at once, and yields its processor every eighth round, so
/// that on a busy machine it does not hold it through a whole time slice.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker spins before it sleeps.</summary>
    internal const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    private readonly Thread[] _workers;
    private readonly object _gate = new();
    private Action<int>? _body;
    private int _tasks;
    private long _generation;
    private int _pending;
    private bool _disposed;
    private Exception? _failure;

    public WorkerPool(int threads)
    {
        _workers = new Thread[threads - 1];
        for (int w = 0; w < _workers.Length; w++)
        {
            int id = w + 1;
            _workers[w] = new Thread(() => Work(id)) { IsBackground = true, Name = $"irisnet-worker-{id}" };
            _workers[w].Start();
        }
    }

    public int Threads => _workers.Length + 1;

    public void Run(int tasks, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_workers.Length == 0 || tasks <= 1)
        {
            for (int t = 0; t < tasks; t++) body(t);
            return;
        }
        _body = body;
        _tasks = tasks;
        _failure = null;
        Volatile.Write(ref _pending, _workers.Length);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        for (int t = 0; t < tasks; t += Threads) body(t);
        // Wait for the workers the way an idle worker waits for a run, without a bound: their part of
        // the run is about as long as this thread's.
        for (int k = 1; Volatile.Read(ref _pending) != 0; k++) Pause(k);
        _body = null;
        if (_failure is not null) throw new InvalidOperationException("A worker thread failed.", _failure);
    }

    // One round of a spin: a short pause (a fraction of a microsecond), and every eighth round a
    // yield instead, so that a thread that shares its processor with another runnable thread (a busy
    // machine) lets that thread run rather than spinning through its time slice.
    private static void Pause(int round)
    {
        if (round % 8 == 0) Thread.Yield();
        else Thread.SpinWait(16);
    }

    private void Work(int id)
    {
        long seen = 0;
        while (true)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            for (int k = 1; Volatile.Read(ref _generation) == seen && !_disposed; k++)
            {
                if (Stopwatch.GetTimestamp() < deadline) { Pause(k); continue; }
                lock (_gate)
                {
                    while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                }
            }
            if (_disposed) return;
            seen = Volatile.Read(ref _generation);
            try
            {
                for (int t = id; t < _tasks; t += Threads) _body!(t);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (Thread w in _workers) w.Join();
    }
}
