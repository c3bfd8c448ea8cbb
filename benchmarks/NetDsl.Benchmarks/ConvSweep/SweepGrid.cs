using System;
using System.Collections.Generic;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// The shapes the sweep times (issue 12, "Measure the curve"): 3x3 convolutions with padding 1 and stride 1 over every
/// channel count (in = out) and map size of the grid, a few other kernels and strides, N4's three convolutions exactly
/// as the network runs them at batch 64, and fully connected layers of growing width at batch 64.
/// </summary>
public static class SweepGrid
{
    /// <summary>The channel counts of the grid (in = out).</summary>
    public static readonly int[] Channels = [8, 16, 32, 64, 128, 256];

    /// <summary>The map sizes of the grid (height = width).</summary>
    public static readonly int[] Sizes = [4, 7, 14, 28, 56];

    /// <summary>The widths (in = out) of the linear rows.</summary>
    public static readonly int[] LinearWidths = [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>The smallest forward pass a grid row times, in floating-point operations (the batch grows to reach it).</summary>
    public const double TargetForwardFlops = 20e6;

    /// <summary>The largest batch a grid row is timed at.</summary>
    public const int MaxBatch = 64;

    /// <summary>The full sweep.</summary>
    public static IReadOnlyList<SweepCase> Full()
    {
        var cases = new List<SweepCase>();
        foreach (int channels in Channels)
        {
            foreach (int size in Sizes)
            {
                cases.Add(Convolution("grid", $"{channels}ch {size}x{size}", channels, channels, size, kernel: 3, stride: 1, padding: 1));
            }
        }

        // Other windows and a stride, at two channel counts and sizes (padding keeps the map size at stride 1).
        foreach ((int channels, int size) in new[] { (32, 28), (128, 14) })
        {
            cases.Add(Convolution("kernel", $"{channels}ch {size}x{size} k1", channels, channels, size, kernel: 1, stride: 1, padding: 0));
            cases.Add(Convolution("kernel", $"{channels}ch {size}x{size} k5", channels, channels, size, kernel: 5, stride: 1, padding: 2));
            cases.Add(Convolution("kernel", $"{channels}ch {size}x{size} k7", channels, channels, size, kernel: 7, stride: 1, padding: 3));
            cases.Add(Convolution("stride", $"{channels}ch {size}x{size} k3 s2", channels, channels, size, kernel: 3, stride: 2, padding: 1));
        }

        cases.AddRange(N4Layers());
        foreach (int width in LinearWidths)
        {
            cases.Add(new SweepCase("linear", $"linear {width}", SweepKind.Linear, width, width, 0, 0, 0, 0, MaxBatch));
        }

        return cases;
    }

    /// <summary>
    /// N4's convolutions (<see cref="N4Net"/>) at batch 64: 1->32 on 28x28, 32->64 on 14x14, 64->64 on 7x7; the first
    /// also as training runs it, without an input gradient.
    /// </summary>
    public static IReadOnlyList<SweepCase> N4Layers() =>
    [
        new("N4", "N4 conv1 1->32 28x28", SweepKind.Convolution, 1, 32, 28, 3, 1, 1, 64),
        new("N4", "N4 conv1 no input grad", SweepKind.Convolution, 1, 32, 28, 3, 1, 1, 64, InputGradient: false),
        new("N4", "N4 conv2 32->64 14x14", SweepKind.Convolution, 32, 64, 14, 3, 1, 1, 64),
        new("N4", "N4 conv3 64->64 7x7", SweepKind.Convolution, 64, 64, 7, 3, 1, 1, 64),
    ];

    /// <summary>A tiny sweep for the smoke test: one row of each kind, small enough to run in well under a second.</summary>
    public static IReadOnlyList<SweepCase> Smoke() =>
    [
        new("grid", "8ch 4x4", SweepKind.Convolution, 8, 8, 4, 3, 1, 1, 2),
        new("grid", "8ch 7x7", SweepKind.Convolution, 8, 8, 7, 3, 1, 1, 2),
        new("grid", "16ch 4x4", SweepKind.Convolution, 16, 16, 4, 3, 1, 1, 2),
        new("grid", "16ch 7x7", SweepKind.Convolution, 16, 16, 7, 3, 1, 1, 2),
        new("kernel", "8ch 7x7 k5", SweepKind.Convolution, 8, 8, 7, 5, 1, 2, 2),
        new("stride", "8ch 7x7 k3 s2", SweepKind.Convolution, 8, 8, 7, 3, 2, 1, 2),
        new("N4", "1->8 8x8 no input grad", SweepKind.Convolution, 1, 8, 8, 3, 1, 1, 2, InputGradient: false),
        new("linear", "linear 16", SweepKind.Linear, 16, 16, 0, 0, 0, 0, 4),
    ];

    /// <summary>A convolution row at the batch that makes its forward pass at least <see cref="TargetForwardFlops"/> (at most <see cref="MaxBatch"/>).</summary>
    private static SweepCase Convolution(string group, string label, int inChannels, int outChannels, int size, int kernel, int stride, int padding)
    {
        var one = new SweepCase(group, label, SweepKind.Convolution, inChannels, outChannels, size, kernel, stride, padding, Batch: 1);
        int batch = (int)Math.Clamp(Math.Ceiling(TargetForwardFlops / one.ForwardFlops), 1, MaxBatch);
        return one with { Batch = batch };
    }
}
