using System.Reflection;
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
