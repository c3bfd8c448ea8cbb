using System;
using System.IO;
using System.Linq;
using NetDsl.Benchmarks.ConvSweep;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Benchmarks.Tests;

/// <summary>
/// The convolution sweep (<c>--conv-sweep</c>) on its tiny grid, as <c>--conv-sweep-smoke</c> runs it: every row is
/// timed, the CSV file reads back to the same rows and the plot is written. Times are printed, never asserted.
/// </summary>
public sealed class ConvSweepSmokeTests
{
    private readonly ITestOutputHelper _output;

    public ConvSweepSmokeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TheSmokeSweepWritesEveryRowAndThePlot()
    {
        string directory = Path.Combine(Path.GetTempPath(), "netdsl-conv-sweep-" + Guid.NewGuid().ToString("N"));
        try
        {
            string csv = Path.Combine(directory, "sweep.csv");
            var log = new StringWriter();
            var results = SweepRunner.Run(new NetDslSweepSystem(), SweepGrid.Smoke(), SweepTimer.Smoke, csv, log);
            _output.WriteLine(log.ToString());

            Assert.Equal(SweepGrid.Smoke().Count, results.Count);
            foreach (SweepResult r in results)
            {
                Assert.True(double.IsFinite(r.ForwardGflops) && r.ForwardGflops > 0, $"{r.Case.Label}: forward {r.ForwardGflops} GFLOP/s");
                Assert.True(r.Case.Kind == SweepKind.Linear ? double.IsNaN(r.BackwardSeconds) : r.BackwardGflops > 0, $"{r.Case.Label}: backward {r.BackwardGflops} GFLOP/s");
                Assert.True(r.PeakGflops > 0);
            }

            string[] lines = File.ReadAllLines(csv);
            Assert.Contains(lines, l => l.StartsWith("# cpu: ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("# run ", StringComparison.Ordinal));
            Assert.Contains(results, r => !r.Case.InputGradient); // a first layer's row: weight and bias gradients only
            var readBack = SweepCsv.Read(csv);
            Assert.Equal(results.Select(r => r.Case), readBack.Select(r => r.Case));
            Assert.All(readBack.Zip(results), pair => Assert.Equal(pair.Second.ForwardGflops, pair.First.ForwardGflops, 4));

            string png = Path.Combine(directory, "sweep.png");
            Assert.True(SweepCommand.TryRun(["--conv-sweep-plot", csv, png, csv], log));
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', "not a PNG");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void TheFullGridHoldsTheIssuesShapes()
    {
        var cases = SweepGrid.Full();
        var grid = cases.Where(c => c.Group == "grid").ToArray();
        Assert.Equal(SweepGrid.Channels.Length * SweepGrid.Sizes.Length, grid.Length);
        Assert.All(grid, c =>
        {
            Assert.Equal((3, 1, 1, c.InChannels, c.Size), (c.Kernel, c.Stride, c.Padding, c.OutChannels, c.OutSize));
            Assert.InRange(c.Batch, 1, SweepGrid.MaxBatch);
            Assert.True(c.ForwardFlops >= SweepGrid.TargetForwardFlops || c.Batch == SweepGrid.MaxBatch, $"{c.Label}: {c.ForwardFlops} flop at batch {c.Batch}");
            Assert.True(c.Batch == 1 || c.ForwardFlops / c.Batch * (c.Batch - 1) < SweepGrid.TargetForwardFlops, $"{c.Label}: batch {c.Batch} is larger than needed");
        });
        Assert.Equal([1, 5, 7], cases.Where(c => c.Group == "kernel").Select(c => c.Kernel).Distinct().Order());
        Assert.Contains(cases, c => c.Group == "stride" && c.Stride == 2);
        Assert.Equal(
            [(1, 32, 28, 64, true), (1, 32, 28, 64, false), (32, 64, 14, 64, true), (64, 64, 7, 64, true)],
            cases.Where(c => c.Group == "N4").Select(c => (c.InChannels, c.OutChannels, c.Size, c.Batch, c.InputGradient)));
        Assert.Equal(SweepGrid.LinearWidths, cases.Where(c => c.Kind == SweepKind.Linear).Select(c => c.InChannels));
        Assert.All(cases.Where(c => c.Kind == SweepKind.Convolution), c => Assert.Equal((c.InputGradient ? 2 : 1) * c.ForwardFlops, c.BackwardFlops));
    }
}
