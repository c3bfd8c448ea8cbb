using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The flat-plane kernels split over a <see cref="KernelTeam"/> (a batch of one chunk on several threads): the forward
/// pass by samples or, with fewer samples than parts, by blocks of output channels; the parameter gradients by blocks of
/// output channels; the input gradient by samples. Every split gives the bits of the whole pass, called part by part
/// for 2, 3 and 5 parts and through a real team of two threads, which allocates nothing.
/// </summary>
public sealed class FlatPlaneKernelSplitTests
{
    /// <summary>in channels, out channels, height, width, kernel, padding, batch.</summary>
    public static TheoryData<int, int, int, int, int, int, int> Geometries() => new()
    {
        { 1, 32, 28, 28, 3, 1, 5 }, // N4's first layer
        { 1, 32, 28, 28, 3, 1, 1 }, // one sample: channel blocks
        { 2, 5, 9, 13, 3, 0, 3 },
        { 3, 67, 30, 17, 5, 2, 2 },
        { 1, 19, 11, 12, 1, 0, 4 },
        { 4, 9, 16, 16, 5, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void EverySplitGivesTheBitsOfTheWholePass(int inChannels, int outChannels, int height, int width, int kernel, int padding, int batch)
    {
        int outHeight = height + 2 * padding - kernel + 1, outWidth = width + 2 * padding - kernel + 1;
        var g = new WindowGeometry(inChannels, height, width, outChannels, outHeight, outWidth, kernel, kernel, 1, 1, padding, padding, 1, 1);
        var random = new Random(inChannels * 100 + outChannels);
        float[] x = TestData.Uniform(random, batch * g.InputSize), weight = TestData.Uniform(random, outChannels * inChannels * kernel * kernel);
        float[] bias = TestData.Uniform(random, outChannels), dz = TestData.Uniform(random, batch * g.OutputSize);
        bool inputGradient = FlatPlaneInputGradient.Takes(g);

        (float[] Y, float[] WeightGradient, float[] BiasGradient, float[] Dx) Run(int parts)
        {
            var y = Enumerable.Repeat(float.NaN, batch * g.OutputSize).ToArray();
            var dx = Enumerable.Repeat(float.NaN, batch * g.InputSize).ToArray();
            var weightGradient = new float[weight.Length];
            var biasGradient = new float[outChannels];
            for (int part = parts - 1; part >= 0; part--)
            {
                FlatPlaneConvolution.ForwardPart(x, weight, bias, y, batch, g, part, parts);
                FlatPlaneConvolution.ParameterGradientsPart(x, dz, weightGradient, biasGradient, batch, g, part, parts);
                if (inputGradient)
                {
                    FlatPlaneInputGradient.ComputePart(weight, dz, dx, batch, g, part, parts);
                }
            }

            return (y, weightGradient, biasGradient, dx);
        }

        var whole = Run(1);
        Assert.DoesNotContain(whole.Y, float.IsNaN);
        foreach (int parts in new[] { 2, 3, 5 })
        {
            var split = Run(parts);
            ExtremeValues.AssertSameBits(whole.Y, split.Y, $"forward in {parts} parts");
            ExtremeValues.AssertSameBits(whole.WeightGradient, split.WeightGradient, $"weight gradient in {parts} parts");
            ExtremeValues.AssertSameBits(whole.BiasGradient, split.BiasGradient, $"bias gradient in {parts} parts");
            ExtremeValues.AssertSameBits(whole.Dx, split.Dx, $"input gradient in {parts} parts");
        }
    }

    [Fact]
    public void ATeamOfTwoThreadsSplitsN4sFirstLayerWithTheSameBitsAndAllocatesNothing()
    {
        const int Batch = 20; // large enough to be worth a team run
        var g = new WindowGeometry(1, 28, 28, 32, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(ConvolutionWork.WorthSplitting(g, Batch));
        var random = new Random(20);
        float[] x = TestData.Uniform(random, Batch * g.InputSize), weight = TestData.Uniform(random, 32 * 9), bias = TestData.Uniform(random, 32);
        float[] dz = TestData.Uniform(random, Batch * g.OutputSize);

        (float[] Y, float[] WeightGradient, float[] BiasGradient, float[] Dx) Run()
        {
            var y = new float[Batch * g.OutputSize];
            var dx = new float[Batch * g.InputSize];
            var weightGradient = new float[weight.Length];
            var biasGradient = new float[32];
            ConvolutionKernels.Forward(x, weight, bias, y, Batch, g);
            ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, dx, Batch, g);
            return (y, weightGradient, biasGradient, dx);
        }

        var alone = Run();
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            var split = Run();
            ExtremeValues.AssertSameBits(alone.Y, split.Y, "forward on a team");
            ExtremeValues.AssertSameBits(alone.WeightGradient, split.WeightGradient, "weight gradient on a team");
            ExtremeValues.AssertSameBits(alone.BiasGradient, split.BiasGradient, "bias gradient on a team");
            ExtremeValues.AssertSameBits(alone.Dx, split.Dx, "input gradient on a team");

            float[] y = new float[Batch * g.OutputSize], dx = new float[Batch * g.InputSize], weightGradient = new float[weight.Length], biasGradient = new float[32];
            AllocationAssert.None("flat-plane forward on a team", () => ConvolutionKernels.Forward(x, weight, bias, y, Batch, g), 3, 5);
            AllocationAssert.None("flat-plane backward on a team", () => ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, dx, Batch, g), 3, 5);
        }
    }
}
