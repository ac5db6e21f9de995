namespace IrisNet;

/// <summary>
/// A fixed set of threads that run numbered tasks: task t goes to thread t mod threads, the calling
/// thread being thread 0. Threads are started once and reused, and a run allocates nothing, so a
/// training epoch stays allocation-free. Idle workers spin briefly, then sleep on a monitor.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
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
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
        _body = null;
        if (_failure is not null) throw new InvalidOperationException("A worker thread failed.", _failure);
    }

    private void Work(int id)
    {
        long seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                if (spin.Count < 200) { spin.SpinOnce(sleep1Threshold: -1); continue; }
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
