using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.TestSupport;

/// <summary>The allocation tests' measurement: warm the calls up, then each must allocate exactly 0 bytes on this thread.</summary>
public static class AllocationAssert
{
    /// <summary>
    /// Runs every call three times (JIT, static initialization, workspaces sized for this batch), then asserts that
    /// each call on its own allocates nothing on this thread.
    /// </summary>
    public static void NoneAfterWarmUp(string network, int batch, IReadOnlyList<(string Name, Action Call)> calls)
    {
        for (int round = 0; round < 3; round++)
        {
            foreach ((string _, Action call) in calls)
            {
                call();
            }
        }

        foreach ((string name, Action call) in calls)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{network}.{name} at batch {batch} allocated {allocated} bytes.");
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> <paramref name="warmUps"/> times, then asserts that <paramref name="repetitions"/>
    /// more calls together allocate nothing on this thread.
    /// </summary>
    public static void None(string what, Action call, int warmUps, int repetitions)
    {
        for (int i = 0; i < warmUps; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repetitions; i++)
        {
            call();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{what} allocated {allocated} bytes in {repetitions} calls after {warmUps} to warm up.");
    }
}
