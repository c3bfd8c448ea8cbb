using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetDsl;

/// <summary>The work a <see cref="WorkerPool"/> runs: numbered items, any of which may run on any of its threads.</summary>
internal interface IWorkItems
{
    /// <summary>Runs item <paramref name="item"/> on thread <paramref name="worker"/> (0 is the calling thread).</summary>
    /// <param name="worker">The thread's index, from 0 (the caller) to <see cref="WorkerPool.Threads"/> - 1.</param>
    /// <param name="item">The item's index.</param>
    /// <param name="prepared">False at the start of each thread's share of a run; the work may set it to do a per-thread preparation once.</param>
    void Execute(int worker, int item, ref bool prepared);
}

/// <summary>
/// A fixed team of dedicated background threads that, with the calling thread, run the numbered items of one
/// <see cref="Run"/> call and meet at a barrier before it returns. Items are taken in increasing order from a shared
/// counter; which thread runs which item is not determined, so the work must not let that matter. The first
/// exception thrown on any thread stops the others after their current item and is rethrown on the caller once all
/// have stopped. After construction, a run allocates nothing. One run at a time.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly IWorkItems _work;
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Whether idle workers spin: withdrawn while a <see cref="KernelTeam"/> uses the cores.</summary>
    public IdleSpinning IdleSpinning { get; } = new();

    // The run in progress: written by the caller before waking the workers, read by every worker.
    private int _itemCount;
    private int _nextItem;
    private int _pending;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="threads"/> - 1 background threads, named <paramref name="name"/> and their index.</summary>
    /// <param name="threads">The number of threads working on a run, the calling thread included (at least 1).</param>
    /// <param name="name">The threads' name, followed by their index.</param>
    /// <param name="work">The work every run executes.</param>
    public WorkerPool(int threads, string name, IWorkItems work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(work);
        _work = work;
        Threads = threads;
        _start = new ManualResetEventSlim[threads - 1];
        _threads = new Thread[threads - 1];
        for (int w = 1; w < threads; w++)
        {
            _start[w - 1] = new ManualResetEventSlim(false);
        }

        // ManualResetEventSlim creates its lock object the first time a Wait has to block, which could then be in the
        // middle of a step under load (24 bytes, seen by the allocation tests); one short blocking wait here creates it.
        _done.Wait(1);
        foreach (ManualResetEventSlim start in _start)
        {
            start.Wait(1);
        }

        for (int w = 1; w < threads; w++)
        {
            int worker = w;
            var thread = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = $"{name} {w}",
            };
            _threads[w - 1] = thread;
            thread.Start();
        }
    }

    /// <summary>The number of threads working on a run, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Runs items 0 to <paramref name="items"/> - 1 on the calling thread and as many workers as there are items beyond
    /// the first, and returns when all are done (or rethrows the first exception once every thread has stopped).
    /// </summary>
    public void Run(int items)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _itemCount = items;
        _nextItem = -1;
        _failure = null;
        int helpers = Math.Min(Threads, items) - 1;
        if (helpers > 0)
        {
            IdleSpinning.Allow();
            _pending = helpers;
            _done.Reset();
            for (int w = 0; w < helpers; w++)
            {
                _start[w].Set();
            }
        }

        Work(0);
        if (helpers > 0)
        {
            SpinThenWait.Until(_done);
        }

        ExceptionDispatchInfo? failure = _failure;
        if (failure is not null)
        {
            _failure = null;
            failure.Throw();
        }
    }

    /// <summary>Stops the threads (after the run in progress, if any) and waits for them to end.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (ManualResetEventSlim start in _start)
        {
            start.Dispose();
        }

        _done.Dispose();
    }

    private void WorkerLoop(int worker)
    {
        ManualResetEventSlim start = _start[worker - 1];
        while (true)
        {
            SpinThenWait.Until(start, IdleSpinning);
            start.Reset();
            if (_stopping)
            {
                return;
            }

            Work(worker);
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <summary>Takes work items until none is left; the first exception on any thread is kept for the caller.</summary>
    private void Work(int worker)
    {
        bool prepared = false;
        try
        {
            int item;
            while ((item = Interlocked.Increment(ref _nextItem)) < _itemCount)
            {
                _work.Execute(worker, item, ref prepared);
            }
        }
        catch (Exception exception)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);
            Volatile.Write(ref _nextItem, _itemCount); // the others stop after their current item
        }
    }
}
