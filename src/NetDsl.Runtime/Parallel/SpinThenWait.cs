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
    public static void Until(ManualResetEventSlim signal) => Until(signal, null);

    /// <summary>
    /// As <see cref="Until(ManualResetEventSlim)"/>, but blocking as soon as <paramref name="spinning"/> is withdrawn:
    /// idle threads of one group must not spin while another group's threads work on the same cores (a kernel team
    /// spinning through a data-parallel phase on two cores left its threads waiting for a time slice).
    /// </summary>
    public static void Until(ManualResetEventSlim signal, IdleSpinning? spinning)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (!signal.IsSet && Stopwatch.GetTimestamp() < deadline && (spinning is null || spinning.Allowed))
        {
            Thread.SpinWait(32);
        }

        signal.Wait();
    }
}

/// <summary>Whether the idle threads of a group (a <see cref="WorkerPool"/>, a <see cref="KernelTeam"/>) may spin while they wait for work.</summary>
internal sealed class IdleSpinning
{
    private volatile bool _allowed = true;

    public bool Allowed => _allowed;

    /// <summary>Lets the group's threads spin again: called when they are woken for work.</summary>
    public void Allow() => _allowed = true;

    /// <summary>Makes the group's spinning threads block now: another group is about to use the cores.</summary>
    public void Withdraw() => _allowed = false;
}
