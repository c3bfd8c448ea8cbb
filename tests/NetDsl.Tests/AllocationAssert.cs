using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The measurement both allocation test classes make: warm every call up, then each must allocate exactly 0 bytes.</summary>
internal static class AllocationAssert
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
}
