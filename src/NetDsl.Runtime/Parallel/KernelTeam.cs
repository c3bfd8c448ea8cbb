using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetDsl;

/// <summary>One part of a kernel's work: part <c>part</c> of <c>parts</c>, disjoint from the others' outputs.</summary>
internal interface IKernelWork
{
    void Run(int part, int parts);
}

/// <summary>
/// Threads that large kernels split their work over (intra-operator parallelism). A kernel asks
/// <see cref="Current"/>, which is null unless the calling thread lent it one (<see cref="DataParallel{TNetwork}"/> does when
/// a call has fewer chunks than threads), and splits by outputs only (channels, samples, rows of a weight gradient),
/// never by a reduction: every output is computed by one thread in one order, so the bits never depend on the number of
/// threads.
/// </summary>
/// <remarks>
/// The calling thread runs part 0; the others run on background threads that spin briefly and then sleep between
/// calls. A run allocates nothing. An exception in any part is rethrown on the calling thread after every part stopped.
/// </remarks>
internal sealed class KernelTeam : IDisposable
{
    [ThreadStatic]
    private static KernelTeam? t_current;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private IKernelWork? _work;
    private int _pending;
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _failure;

    public KernelTeam(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        Threads = threads;
        _start = new ManualResetEventSlim[threads - 1];
        _threads = new Thread[threads - 1];

        // ManualResetEventSlim creates its lock object the first time a Wait blocks; one short wait here does it, so that
        // a run never allocates (as in DataParallel).
        _done.Wait(1);
        for (int w = 0; w < _threads.Length; w++)
        {
            _start[w] = new ManualResetEventSlim(false);
            _start[w].Wait(1);
            int part = w + 1;
            _threads[w] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = "NetDsl kernel worker " + part };
            _threads[w].Start();
        }
    }

    /// <summary>The team the kernels on this thread may use, or null.</summary>
    public static KernelTeam? Current => t_current;

    public int Threads { get; }

    /// <summary>Whether the team's idle threads spin between runs: withdrawn while the threads of a <see cref="WorkerPool"/> use the cores.</summary>
    public IdleSpinning IdleSpinning { get; } = new();

    /// <summary>Where part <paramref name="part"/> of <paramref name="parts"/> begins when <paramref name="count"/> items are shared out evenly (part <paramref name="parts"/>: the end).</summary>
    public static int Share(int count, int part, int parts) => (int)((long)count * part / parts);

    /// <summary>Makes <paramref name="team"/> the current team of this thread until the returned scope is disposed.</summary>
    public static Scope Lend(KernelTeam? team)
    {
        KernelTeam? previous = t_current;
        t_current = team;
        return new Scope(previous);
    }

    /// <summary>Runs every part of <paramref name="work"/>, part 0 on this thread, and returns when all are done.</summary>
    public void Run(IKernelWork work)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _work = work;
        _failure = null;
        IdleSpinning.Allow();
        _pending = _threads.Length;
        _done.Reset();
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        // The parts do not lend the team on: a kernel that a part calls runs on one thread.
        using (Lend(null))
        {
            Execute(0);
        }

        SpinThenWait.Until(_done);
        _work = null;
        ExceptionDispatchInfo? failure = _failure;
        if (failure is not null)
        {
            _failure = null;
            failure.Throw();
        }
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void WorkerLoop(int part)
    {
        ManualResetEventSlim start = _start[part - 1];
        while (true)
        {
            SpinThenWait.Until(start, IdleSpinning);
            start.Reset();
            if (_stopping)
            {
                return;
            }

            Execute(part);
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    private void Execute(int part)
    {
        try
        {
            _work!.Run(part, Threads);
        }
        catch (Exception exception)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);
        }
    }

    /// <summary>Restores the previous team when disposed.</summary>
    public readonly struct Scope(KernelTeam? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
