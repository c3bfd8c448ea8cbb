using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The fully connected kernels split over a <see cref="KernelTeam"/> (a batch of one chunk on several threads): the forward
/// pass by groups of 4 samples or, for one sample, of 4 outputs; the input gradient by samples; the parameter gradients
/// by output rows. Every split gives the bits of the whole pass, part by part for 2, 3 and 5 parts and through a real
/// team of two threads, which allocates nothing.
/// </summary>
public sealed class LinearWorkTests
{
    [Theory]
    [InlineData(1, 784, 130)]
    [InlineData(3, 33, 7)]
    [InlineData(9, 100, 64)]
    [InlineData(32, 784, 513)]
    [InlineData(13, 5, 3)]
    public void EverySplitGivesTheBitsOfTheWholePass(int batch, int inFeatures, int outFeatures)
    {
        var random = new Random(batch * 1000 + outFeatures);
        float[] x = TestData.Uniform(random, batch * inFeatures), weight = TestData.Uniform(random, outFeatures * inFeatures);
        float[] bias = TestData.Uniform(random, outFeatures), dz = TestData.Uniform(random, batch * outFeatures);

        (float[] Y, float[] Dx, float[] WeightGradient, float[] BiasGradient) Run(int parts)
        {
            var y = Enumerable.Repeat(float.NaN, batch * outFeatures).ToArray();
            var dx = Enumerable.Repeat(float.NaN, batch * inFeatures).ToArray();
            float[] weightGradient = TestData.Uniform(new Random(5), weight.Length), biasGradient = TestData.Uniform(new Random(6), outFeatures);
            for (int part = parts - 1; part >= 0; part--)
            {
                LinearKernels.ForwardPart(x, weight, bias, y, batch, inFeatures, outFeatures, part, parts);
                LinearKernels.BackwardInputPart(dz, weight, dx, batch, inFeatures, outFeatures, part, parts);
                LinearKernels.ParameterGradientsPart(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures, part, parts);
            }

            return (y, dx, weightGradient, biasGradient);
        }

        var whole = Run(1);
        Assert.DoesNotContain(whole.Y, float.IsNaN);
        Assert.DoesNotContain(whole.Dx, float.IsNaN);
        foreach (int parts in new[] { 2, 3, 5 })
        {
            var split = Run(parts);
            ExtremeValues.AssertSameBits(whole.Y, split.Y, $"forward in {parts} parts");
            ExtremeValues.AssertSameBits(whole.Dx, split.Dx, $"input gradient in {parts} parts");
            ExtremeValues.AssertSameBits(whole.WeightGradient, split.WeightGradient, $"weight gradient in {parts} parts");
            ExtremeValues.AssertSameBits(whole.BiasGradient, split.BiasGradient, $"bias gradient in {parts} parts");
        }
    }

    [Theory]
    [InlineData(32, 784, 512)]
    [InlineData(1, 4096, 1000)]
    public void ATeamOfTwoThreadsGivesTheSameBitsAndAllocatesNothing(int batch, int inFeatures, int outFeatures)
    {
        Assert.True((long)batch * inFeatures * outFeatures >= LinearWork.MinimumMultiplyAdds, "large enough to be split");
        var random = new Random(batch);
        float[] x = TestData.Uniform(random, batch * inFeatures), weight = TestData.Uniform(random, outFeatures * inFeatures);
        float[] bias = TestData.Uniform(random, outFeatures), dz = TestData.Uniform(random, batch * outFeatures);

        (float[] Y, float[] Dx, float[] WeightGradient, float[] BiasGradient) Run()
        {
            float[] y = new float[batch * outFeatures], dx = new float[batch * inFeatures], weightGradient = new float[weight.Length], biasGradient = new float[outFeatures];
            LinearKernels.Forward(x, weight, bias, y, batch, inFeatures, outFeatures);
            LinearKernels.BackwardInput(dz, weight, dx, batch, inFeatures, outFeatures);
            LinearKernels.AccumulateParameterGradients(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures);
            return (y, dx, weightGradient, biasGradient);
        }

        var alone = Run();
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            var split = Run();
            ExtremeValues.AssertSameBits(alone.Y, split.Y, "forward on a team");
            ExtremeValues.AssertSameBits(alone.Dx, split.Dx, "input gradient on a team");
            ExtremeValues.AssertSameBits(alone.WeightGradient, split.WeightGradient, "weight gradient on a team");
            ExtremeValues.AssertSameBits(alone.BiasGradient, split.BiasGradient, "bias gradient on a team");

            float[] y = new float[batch * outFeatures], dx = new float[batch * inFeatures], weightGradient = new float[weight.Length], biasGradient = new float[outFeatures];
            AllocationAssert.None("Linear forward on a team", () => LinearKernels.Forward(x, weight, bias, y, batch, inFeatures, outFeatures), 3, 5);
            AllocationAssert.None("Linear input gradient on a team", () => LinearKernels.BackwardInput(dz, weight, dx, batch, inFeatures, outFeatures), 3, 5);
            AllocationAssert.None("Linear parameter gradients on a team", () => LinearKernels.AccumulateParameterGradients(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures), 3, 5);
        }
    }
}
