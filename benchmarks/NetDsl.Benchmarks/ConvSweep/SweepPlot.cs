using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The sweep's curve as a PNG: GFLOP/s against map size for the 3x3 grid, one line per channel count, forward in the
/// left panel and backward in the right, with the one-core peak in the axis label (and as a grey dashed line once the
/// curves come near it). A peer's results (same grid) are drawn
/// as dashed lines in the same colours.
/// </summary>
public static class SweepPlot
{
    /// <summary>Plots the grid rows of <paramref name="results"/> (and of <paramref name="peer"/>, if any) into <paramref name="path"/> (1400 x 640 pixels).</summary>
    public static void Save(string path, IReadOnlyList<SweepResult> results, IReadOnlyList<SweepResult>? peer = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(results);
        SweepResult[] grid = results.Where(r => r.Case.Group == "grid").ToArray();
        if (grid.Length == 0)
        {
            throw new ArgumentException("Expected results of the 3x3 grid (group 'grid') to plot, but there are none.", nameof(results));
        }

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot forward = multiplot.GetPlot(0);
        Plot backward = multiplot.GetPlot(1);
        string system = grid[0].System;
        Draw(forward, grid, peer, r => r.ForwardGflops);
        Draw(backward, grid, peer, r => r.BackwardGflops);
        forward.Title($"{system} Conv2d 3x3 forward");
        backward.Title($"{system} Conv2d 3x3 backward (dW + dx)");
        foreach (Plot plot in new[] { forward, backward })
        {
            plot.XLabel("map size (H = W, log scale)");
            plot.YLabel(string.Create(CultureInfo.InvariantCulture, $"GFLOP/s, one thread (one-core FMA peak {grid[0].PeakGflops:F0})"));
            plot.ShowLegend(Edge.Bottom);
            plot.Axes.SetLimitsY(0, 1.15 * MaxOf(grid, peer));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1400, 640);
    }

    private static void Draw(Plot plot, SweepResult[] grid, IReadOnlyList<SweepResult>? peer, Func<SweepResult, double> gflops)
    {
        var palette = new ScottPlot.Palettes.Category10();
        int[] channelCounts = grid.Select(r => r.Case.InChannels).Distinct().Order().ToArray();
        for (int i = 0; i < channelCounts.Length; i++)
        {
            Color color = palette.GetColor(i);
            AddCurve(plot, grid, channelCounts[i], gflops, color, $"{channelCounts[i]} channels", dashed: false);
            if (peer != null)
            {
                string? peerLegend = i == 0 && peer.Count > 0 ? $"dashed: {peer[0].System}, same colours" : null;
                AddCurve(plot, peer.Where(r => r.Case.Group == "grid").ToArray(), channelCounts[i], gflops, color, peerLegend, dashed: true);
            }
        }

        // The peak as a line only where it fits the data's scale (far above slow kernels it would flatten their curves;
        // the title states it either way).
        if (grid[0].PeakGflops <= 1.15 * MaxOf(grid, peer))
        {
            var peak = plot.Add.HorizontalLine(grid[0].PeakGflops);
            peak.LinePattern = LinePattern.Dashed;
            peak.Color = Colors.Gray;
            peak.LegendText = "one-core FMA peak";
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int size in grid.Select(r => r.Case.Size).Distinct().Order())
        {
            ticks.AddMajor(Math.Log2(size), size.ToString(CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
    }

    private static void AddCurve(Plot plot, SweepResult[] rows, int channels, Func<SweepResult, double> gflops, Color color, string? legend, bool dashed)
    {
        SweepResult[] line = rows.Where(r => r.Case.InChannels == channels && !double.IsNaN(gflops(r))).OrderBy(r => r.Case.Size).ToArray();
        if (line.Length == 0)
        {
            return;
        }

        var curve = plot.Add.Scatter(line.Select(r => Math.Log2(r.Case.Size)).ToArray(), line.Select(gflops).ToArray());
        curve.Color = color;
        curve.MarkerSize = 5;
        curve.LineWidth = 2;
        if (dashed)
        {
            curve.LinePattern = LinePattern.Dashed;
        }

        if (legend != null)
        {
            curve.LegendText = legend;
        }
    }

    private static double MaxOf(SweepResult[] grid, IReadOnlyList<SweepResult>? peer) =>
        grid.Concat(peer ?? []).Where(r => r.Case.Group == "grid")
            .SelectMany(r => new[] { r.ForwardGflops, r.BackwardGflops }).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Max();
}
