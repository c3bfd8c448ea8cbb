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

    /// <summary>
    /// Runs <paramref name="step"/> until warm, then measures <paramref name="rounds"/> rounds of
    /// <paramref name="stepsPerRound"/> steps: the caller's thread allocates nothing in every round, and the whole process
    /// nothing in at least one (other threads of the test host may allocate now and then; a per-step allocation on a
    /// worker would show in every round). The rounds are short because the test host's own threads allocate every few
    /// milliseconds under the load of a parallel test run (measured: 168 bytes in every round of ten steps, while the same
    /// steps in a plain process allocate nothing on any thread). On a loaded machine the rounds grow longer and the host's
    /// allocations can land in all of them: while no round has been clean, up to ten times <paramref name="rounds"/> run
    /// (a per-step allocation still shows in every one).
    /// </summary>
    public static void NoneOnAnyThread(string what, Action step, int rounds = 30, int stepsPerRound = 2)
    {
        for (int i = 0; i < 50; i++)
        {
            step();
        }

        long fewestTotal = long.MaxValue;
        long mostOnThread = 0;
        for (int round = 0; round < rounds || (fewestTotal != 0 && round < 10 * rounds); round++)
        {
            long total = GC.GetTotalAllocatedBytes(precise: true);
            long thread = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < stepsPerRound; i++)
            {
                step();
            }

            long onThread = GC.GetAllocatedBytesForCurrentThread() - thread;
            long inProcess = GC.GetTotalAllocatedBytes(precise: true) - total;
            mostOnThread = Math.Max(mostOnThread, onThread);
            fewestTotal = Math.Min(fewestTotal, inProcess);
        }

        Assert.True(mostOnThread == 0, $"{what}: the calling thread allocated up to {mostOnThread} bytes in {stepsPerRound} steps.");
        Assert.True(fewestTotal == 0, $"{what}: the process allocated at least {fewestTotal} bytes in every one of {10 * rounds} rounds of {stepsPerRound} steps.");
    }
}
