using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using System.Runtime.Intrinsics;
using NetDsl.Generated;
using NetDsl.Generator.Emit;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generator plans channels-last activations around the convolutions that take the runtime's channels-last kernel;
/// its copy of the runtime's rule (<c>ChannelsLastConvolution.Applies</c>, internal to the runtime, so called here by
/// reflection) must pick the same layers, or a layer would convert layouts it need not (its results stay the same: a
/// convolution asked for a channels-last side always runs the channels-last kernel).
/// </summary>
public sealed class InferenceLayoutRuleTests
{
    [Theory]
    // N4: a 1 -> 32 first layer writes channels-last (wide enough), through every pool and convolution, planar before Flatten.
    [InlineData("[Input(1, 28, 28)][Conv2D(32, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Conv2D(64, Kernel = 3, Padding = 1), ReLU][MaxPool2D(2)][Flatten][Linear(10)]", "s1, s2, s3")]
    // N3: the 1 -> 8 first layer keeps the row kernel; its pool converts for the 8 -> 16 layer on 11 columns.
    [InlineData("[Input(1, 28, 28)][Conv2D(8, Kernel = 3), ReLU][MaxPool2D(2)][Conv2D(16, Kernel = 3), ReLU][MaxPool2D(2)][Flatten][Linear(10)]", "s2, s3")]
    // Batch normalization, a lone activation and inference dropout keep the layout they read.
    [InlineData("[Input(16, 8, 8)][Conv2D(16, Kernel = 3, Padding = 1)][BatchNorm2D][ReLU][Dropout(0.5)][Conv2D(16, Kernel = 3)][GlobalAvgPool][Linear(2)]", "s1, s2, s3, s4")]
    // A pool between two pools has no convolution to gain from; an average pool does not convert.
    [InlineData("[Input(16, 8, 8)][MaxPool2D(2)][ReLU][MaxPool2D(2)][Flatten][Linear(2)]", null)]
    [InlineData("[Input(16, 8, 8)][Conv2D(16, Kernel = 3, Padding = 1)][AvgPool2D(2)][Conv2D(16, Kernel = 3)][Flatten][Linear(2)]", null)]
    // A Reshape between two convolutions changes what a pixel is: planar.
    [InlineData("[Input(16, 8, 8)][Conv2D(16, Kernel = 3, Padding = 1)][Reshape(32, 4, 8)][Conv2D(16, Kernel = 3)][Flatten][Linear(2)]", null)]
    // The input of a residual block is read again by its add: planar; inside the block the layout may change.
    [InlineData("[Input(16, 6, 6)][Residual][Conv2D(16, Kernel = 3, Padding = 1), ReLU][Conv2D(16, Kernel = 3, Padding = 1)][EndResidual][Flatten][Linear(2)]", "s1")]
    public void ActivationsAreChannelsLastWhereTheyGainAndPlanarWhereTheyMust(string stack, string? channelsLastSpans)
    {
        TestRun run = TestCompilation.Run("using NetDsl;\n[Network]" + stack + " public partial class Net;");
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        string source = run.SingleSource;
        const string Marker = ": channels-last activations ([H, W, C] per sample)";
        int at = source.IndexOf(Marker, System.StringComparison.Ordinal);
        string? actual = at < 0 ? null : source.Substring(source.LastIndexOf("// ", at, System.StringComparison.Ordinal) + 3, at - source.LastIndexOf("// ", at, System.StringComparison.Ordinal) - 3);
        Assert.Equal(channelsLastSpans, actual);
    }

    [Fact]
    public void TheGeneratorsRuleIsTheRuntimes()
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return; // without 256-bit vectors the runtime takes the channels-last kernel for every layer: nothing to compare
        }

        MethodInfo applies = typeof(WindowGeometry).Assembly.GetType("NetDsl.Generated.ChannelsLastConvolution")!
            .GetMethod("Applies", BindingFlags.Public | BindingFlags.Static)!;
        int[] channels = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 32, 64];
        foreach (int inChannels in channels)
        {
            foreach (int outChannels in channels)
            {
                for (int width = 1; width <= 20; width++)
                {
                    foreach (int stride in new[] { 1, 2 })
                    {
                        int outWidth = (width - 3) / stride + 1;
                        if (outWidth < 1)
                        {
                            continue;
                        }

                        var g = new WindowGeometry(inChannels, width, width, outChannels, outWidth, outWidth, 3, 3, stride, stride, 0, 0, 1, 1);
                        bool runtime = (bool)applies.Invoke(null, [g])!;
                        Assert.True(runtime == InferenceLayouts.TakesChannelsLastKernel(inChannels, outChannels, outWidth, stride, stride),
                            $"{inChannels} -> {outChannels} channels, {outWidth} output columns, stride {stride}: the runtime says {runtime}");
                    }
                }
            }
        }
    }
}
