using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// Runs a sweep: measures the one-core peak, times every case on one system (printing a line per case as it goes),
/// prints the markdown table and writes the CSV file with a header that says when, where, at which load and on which
/// commit it ran.
/// </summary>
public static class SweepRunner
{
    /// <summary>Runs <paramref name="cases"/> on <paramref name="system"/>; returns the results (also written to <paramref name="csvPath"/>).</summary>
    public static IReadOnlyList<SweepResult> Run(ISweepSystem system, IReadOnlyList<SweepCase> cases, SweepTimer timer, string csvPath, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(log);
        string started = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        string loadBefore = SweepMachine.LoadAverage();
        string commit = SweepMachine.Commit(); // at the start: the code being measured
        log.WriteLine($"Convolution sweep on {system.Name}, {cases.Count} cases; {SweepMachine.CpuModel()}; load average {loadBefore}");
        (double v256, double v512, double peak) = PeakFmaProbe.Measure(timer);
        log.WriteLine($"One-core fp32 FMA peak: Vector256 {v256:F1} GFLOP/s, Vector512 {v512:F1} GFLOP/s; fractions use {peak:F1} GFLOP/s");

        var results = new List<SweepResult>();
        foreach (SweepCase sweepCase in cases)
        {
            (double forward, double backward) = system.Time(sweepCase, timer);
            var result = new SweepResult(sweepCase, system.Name, forward, backward, peak);
            results.Add(result);
            log.WriteLine(FormattableString.Invariant(
                $"  {sweepCase.Label,-26} batch {sweepCase.Batch,2}: forward {result.ForwardGflops,6:F1} GFLOP/s ({100 * result.ForwardPeakFraction,4:F1}% of peak), {(double.IsNaN(result.BackwardSeconds) ? "" : $"backward {result.BackwardGflops,6:F1} GFLOP/s")}"));
        }

        string loadAfter = SweepMachine.LoadAverage();
        string finished = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        log.WriteLine();
        SweepTable.Write(log, results);
        string[] header =
        [
            $"NetDsl convolution sweep: system {system.Name}, one thread (benchmarks/NetDsl.Benchmarks --conv-sweep; see docs/benchmarks.md)",
            $"run {started} to {finished}; commit {commit}",
            $"cpu: {SweepMachine.CpuModel()}; {SweepMachine.Platform()}",
            $"load average (1 / 5 / 15 min) before: {loadBefore}; after: {loadAfter} (a shared machine: compare ratios, not absolute times)",
            FormattableString.Invariant($"one-core fp32 FMA peak (PeakFma, fastest repetition): Vector256 {v256:F1} GFLOP/s, Vector512 {v512:F1} GFLOP/s; peak_fraction = GFLOP/s / {peak:F1}"),
            FormattableString.Invariant($"timing: median of {timer.MinRepetitions} to {timer.MaxRepetitions} repetitions (about {timer.BudgetSeconds} s per case and pass; a repetition repeats the call for at least {timer.MinRepetitionSeconds * 1e3} ms) after {timer.WarmUpCalls} warm-up calls; flop = 2 x multiply-adds; backward = weight gradient + input gradient (2 x the forward's multiply-adds), bias gradient not counted"),
        ];
        SweepCsv.Write(csvPath, header, results);
        log.WriteLine();
        log.WriteLine($"Wrote {csvPath}");
        return results;
    }
}
