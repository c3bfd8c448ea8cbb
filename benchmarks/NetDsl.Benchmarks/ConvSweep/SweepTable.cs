using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>The sweep's results as a markdown table: one row per case, forward and backward time, GFLOP/s and share of the one-core peak.</summary>
public static class SweepTable
{
    /// <summary>Writes the table of <paramref name="results"/> to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<SweepResult> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        writer.WriteLine("| system | group | layer | in -> out | map | k | s | p | batch | fwd MFLOP | fwd ms | fwd GFLOP/s | fwd % peak | bwd ms | bwd GFLOP/s | bwd % peak |");
        writer.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (SweepResult r in results)
        {
            SweepCase c = r.Case;
            bool convolution = c.Kind == SweepKind.Convolution;
            writer.WriteLine(string.Join(" | ",
                "| " + r.System, c.Group, c.Label, $"{c.InChannels} -> {c.OutChannels}",
                convolution ? $"{c.Size}x{c.Size}" : "-", convolution ? Format(c.Kernel) : "-", convolution ? Format(c.Stride) : "-", convolution ? Format(c.Padding) : "-",
                Format(c.Batch), Format(c.ForwardFlops / 1e6, "F1"),
                Format(r.ForwardSeconds * 1e3, "F3"), Format(r.ForwardGflops, "F1"), Format(100 * r.ForwardPeakFraction, "F1"),
                Format(r.BackwardSeconds * 1e3, "F3"), Format(r.BackwardGflops, "F1"), Format(100 * r.BackwardPeakFraction, "F1") + " |"));
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
}
