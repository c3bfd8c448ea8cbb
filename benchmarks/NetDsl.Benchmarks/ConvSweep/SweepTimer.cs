using System;
using System.Diagnostics;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// How long a call takes: warm-up calls (the first one compiles) for at least <see cref="WarmUpSeconds"/>, so that the
/// tiered JIT has replaced the first, unoptimized code of the kernels' loops (it waits for 30 calls and a quiet 100 ms:
/// three warm-up calls of a tiny layer measured its tier-0 code, 3x slower), then timed repetitions with a <see cref="Stopwatch"/>;
/// the median of the repetitions (or the fastest, for a peak). A repetition makes enough calls to last at least <see cref="MinRepetitionSeconds"/>
/// (one call for any layer that takes longer), so that the clock's resolution and overhead do not show in tiny layers;
/// the number of repetitions fits a time budget, between a minimum and a maximum.
/// </summary>
/// <param name="WarmUpCalls">Untimed calls before the repetitions.</param>
/// <param name="MinRepetitions">The fewest timed repetitions.</param>
/// <param name="MaxRepetitions">The most timed repetitions.</param>
/// <param name="BudgetSeconds">The time the repetitions of one call should take together, when the minimum allows.</param>
/// <param name="MinRepetitionSeconds">The shortest repetition: calls are repeated within one timing up to this.</param>
/// <param name="WarmUpSeconds">The shortest warm-up: calls continue past <paramref name="WarmUpCalls"/> until this much time has passed.</param>
public sealed record SweepTimer(int WarmUpCalls, int MinRepetitions, int MaxRepetitions, double BudgetSeconds, double MinRepetitionSeconds, double WarmUpSeconds = 0)
{
    /// <summary>The sweep's setting: warm-up calls for at least 0.3 s (3 at least), 5 to 61 repetitions of at least 1 ms within about 1 s.</summary>
    public static SweepTimer Default { get; } = new(3, 5, 61, 1.0, 1e-3, 0.3);

    /// <summary>The smoke test's setting: 1 warm-up call, 3 repetitions of one call.</summary>
    public static SweepTimer Smoke { get; } = new(1, 3, 3, 0, 0);

    /// <summary>The median time of one call of <paramref name="call"/>, in seconds.</summary>
    public double MedianSeconds(Action call)
    {
        double[] times = SortedTimes(call);
        int n = times.Length;
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }

    /// <summary>The fastest repetition's time of one call of <paramref name="call"/>, in seconds (for a peak, which the load can only lower).</summary>
    public double FastestSeconds(Action call) => SortedTimes(call)[0];

    /// <summary>The time of one call in each repetition, after the warm-up, in ascending order.</summary>
    private double[] SortedTimes(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        long warmUp = Stopwatch.GetTimestamp();
        for (int i = 0; i < WarmUpCalls || Stopwatch.GetElapsedTime(warmUp).TotalSeconds < WarmUpSeconds; i++)
        {
            call();
        }

        // The cost of a call now, after the warm-up: the first calls' include compilation.
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < WarmUpCalls; i++)
        {
            call();
        }

        double perCall = WarmUpCalls == 0 ? 0 : Stopwatch.GetElapsedTime(start).TotalSeconds / WarmUpCalls;
        int calls = perCall <= 0 ? 1 : (int)Math.Clamp(Math.Ceiling(MinRepetitionSeconds / perCall), 1, 1_000_000);
        int repetitions = perCall <= 0 ? MaxRepetitions : (int)Math.Clamp(BudgetSeconds / (perCall * calls), MinRepetitions, MaxRepetitions);
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long before = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++)
            {
                call();
            }

            times[r] = Stopwatch.GetElapsedTime(before).TotalSeconds / calls;
        }

        Array.Sort(times);
        return times;
    }
}
