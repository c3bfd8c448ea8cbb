using System.Diagnostics;
using System.Threading;

namespace NetDsl;

/// <summary>
/// How the threads of <see cref="WorkerPool"/> (under <see cref="DataParallel{TNetwork}"/>) and <see cref="KernelTeam"/> wait for a signal. Phases of work
/// follow each other within microseconds (a training step is several), and the serial work between steps (loss,
/// optimizer) takes tens of microseconds: waking a thread that went to sleep in the kernel costs about as much. So a
/// waiting thread spins for a while first, then sleeps (an idle trainer costs no CPU).
/// </summary>
internal static class SpinThenWait
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 microseconds

    /// <summary>Returns once <paramref name="signal"/> is set: spinning for up to 200 µs, then blocking.</summary>
    public static void Until(ManualResetEventSlim signal)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (!signal.IsSet && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.SpinWait(32);
        }

        signal.Wait();
    }
}
