using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace NetDsl.Tests;

/// <summary><see cref="WorkerPool"/> on its own: every item runs once, the barrier holds, failures reach the caller, runs allocate nothing.</summary>
public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void EveryItemRunsExactlyOnceAndIsDoneWhenRunReturns(int threads)
    {
        var work = new CountingWork(100);
        using var pool = new WorkerPool(threads, "test worker", work);
        foreach (int items in new[] { 0, 1, 2, 3, 17, 100 })
        {
            Array.Clear(work.Runs);
            pool.Run(items);
            for (int i = 0; i < work.Runs.Length; i++)
            {
                Assert.Equal(i < items ? 1 : 0, Volatile.Read(ref work.Runs[i]));
            }
        }
    }

    [Fact]
    public void OneItemRunsOnTheCallingThreadAndSeveralUseTheWorkers()
    {
        var work = new CountingWork(8);
        using var pool = new WorkerPool(2, "test worker", work);
        pool.Run(1);
        Assert.Equal([Environment.CurrentManagedThreadId], work.ThreadIds());
        work.Reset();
        work.Delay = true;
        pool.Run(8);
        Assert.Equal(2, work.ThreadIds().Count);
    }

    [Fact]
    public void PreparedIsFalseAtTheStartOfEachThreadsShare()
    {
        var work = new CountingWork(10);
        using var pool = new WorkerPool(2, "test worker", work);
        pool.Run(10);
        pool.Run(10);
        Assert.InRange(Volatile.Read(ref work.Preparations), 2, 4); // one per thread that took an item, per run
    }

    [Fact]
    public void TheFirstFailureIsRethrownOnTheCallerAndThePoolStaysUsable()
    {
        var work = new CountingWork(50) { FailAt = 7 };
        using var pool = new WorkerPool(3, "test worker", work);
        InvalidOperationException failure = Assert.Throws<InvalidOperationException>(() => pool.Run(50));
        Assert.Equal("item 7", failure.Message);
        work.FailAt = -1;
        Array.Clear(work.Runs);
        pool.Run(50);
        Assert.All(work.Runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void ARunAllocatesNothingAndDisposeStopsTheThreads()
    {
        var work = new CountingWork(64);
        var pool = new WorkerPool(2, "test worker", work);
        pool.Run(64);
        pool.Run(64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        pool.Run(64);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(1));
    }

    private sealed class CountingWork(int capacity) : IWorkItems
    {
        public readonly int[] Runs = new int[capacity];
        private readonly int[] _threadIds = new int[capacity];
        public int Preparations;

        public bool Delay { get; set; }

        public int FailAt { get; set; } = -1;

        public void Execute(int worker, int item, ref bool prepared)
        {
            if (!prepared)
            {
                prepared = true;
                Interlocked.Increment(ref Preparations);
            }

            if (item == FailAt)
            {
                throw new InvalidOperationException($"item {item}");
            }

            if (Delay && item == 0)
            {
                // Whichever thread took item 0 waits until item 1 is done, which only another thread can do.
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref Runs[1]) == 1, TimeSpan.FromSeconds(30)), "No other thread took item 1.");
            }

            Interlocked.Increment(ref Runs[item]);
            _threadIds[item] = Environment.CurrentManagedThreadId;
        }

        public void Reset() => Array.Clear(_threadIds);

        public HashSet<int> ThreadIds()
        {
            var ids = new HashSet<int>();
            foreach (int id in _threadIds)
            {
                if (id != 0)
                {
                    ids.Add(id);
                }
            }

            return ids;
        }
    }
}
