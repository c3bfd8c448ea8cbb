using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Batch normalization's passes split over a <see cref="KernelTeam"/> (a batch of one chunk on several threads) by
/// channels, or by pixels for channels-last inference: the same bits as on one thread — outputs, the statistics kept for
/// the backward pass, the running statistics, the parameter gradients and the input gradient — and no allocation.
/// </summary>
public sealed class BatchNormSplitTests
{
    /// <summary>batch, channels, positions, affine: above <see cref="BatchNormChannels.MinimumValues"/>, channel counts that do not divide evenly.</summary>
    [Theory]
    [InlineData(9, 7, 1050, true)]
    [InlineData(3, 67, 400, true)]
    [InlineData(32, 5, 784, false)]
    public void TrainingAndInferencePassesOnATeamGiveTheBitsOfOneThread(int batch, int channels, int positions, bool affine)
    {
        int length = batch * channels * positions;
        Assert.True(length >= BatchNormChannels.MinimumValues, "large enough to be split");
        var random = new Random(channels);
        float[] x = TestData.Uniform(random, length).Select(v => 3f * v + 0.5f).ToArray(), dy = TestData.Uniform(random, length);
        float[] weight = affine ? TestData.Uniform(random, channels) : [], bias = affine ? TestData.Uniform(random, channels) : [];
        float[] runningVariance = TestData.Uniform(random, channels).Select(v => 1.5f + v).ToArray();
        float[] runningMean = TestData.Uniform(random, channels);

        Run alone = Passes(x, dy, weight, bias, runningMean, runningVariance, batch, channels, positions);
        foreach (int threads in new[] { 2, 3 })
        {
            using var team = new KernelTeam(threads);
            using (KernelTeam.Lend(team))
            {
                Run split = Passes(x, dy, weight, bias, runningMean, runningVariance, batch, channels, positions);
                foreach ((string name, float[] expected, float[] actual) in alone.Floats.Zip(split.Floats, (a, b) => (a.Name, a.Values, b.Values)))
                {
                    ExtremeValues.AssertSameBits(expected, actual, $"{name} on {threads} threads");
                }

                Assert.Equal(alone.Statistics, split.Statistics);
            }
        }
    }

    [Fact]
    public void TheSplitPassesAllocateNothing()
    {
        const int batch = 8, channels = 16, positions = 784;
        int length = batch * channels * positions;
        float[] x = TestData.Uniform(new Random(1), length), dy = TestData.Uniform(new Random(2), length), y = new float[length], dx = new float[length];
        float[] weight = TestData.Uniform(new Random(3), channels), bias = new float[channels], weightGradient = new float[channels], biasGradient = new float[channels];
        float[] runningMean = new float[channels], runningVariance = Enumerable.Repeat(1f, channels).ToArray();
        var statistics = new BatchNormStatistics(channels);
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            AllocationAssert.None("batch normalization's training passes on a team", () =>
            {
                NormalizationKernels.BatchNormMoments(x, statistics, batch, channels, positions);
                NormalizationKernels.BatchNormNormalize(x, y, weight, bias, runningMean, runningVariance, statistics, batch, channels, positions, 1e-5f, 0.1f);
                NormalizationKernels.BatchNormGradientSums(x, dy, weightGradient, biasGradient, statistics, batch, channels, positions, 1e-5f);
                NormalizationKernels.BatchNormInputGradient(x, dy, weight, dx, statistics, batch, channels, positions, 1e-5f);
            }, 3, 5);
            AllocationAssert.None("batch normalization's inference on a team", () =>
            {
                NormalizationKernels.BatchNormInference(x, y, weight, bias, runningMean, runningVariance, batch, channels, positions, 1e-5f, ActivationLayout.Planar);
                NormalizationKernels.BatchNormInference(x, y, weight, bias, runningMean, runningVariance, batch, channels, positions, 1e-5f, ActivationLayout.ChannelsLast);
            }, 3, 5);
        }
    }

    private sealed record Run((string Name, float[] Values)[] Floats, double[] Statistics);

    private static Run Passes(float[] x, float[] dy, float[] weight, float[] bias, float[] runningMean, float[] runningVariance, int batch, int channels, int positions)
    {
        int length = x.Length;
        float[] y = new float[length], dx = new float[length], planar = new float[length], channelsLast = new float[length];
        float[] mean = (float[])runningMean.Clone(), variance = (float[])runningVariance.Clone();
        float[] weightGradient = weight.Length == 0 ? [] : Enumerable.Repeat(0.25f, channels).ToArray();
        float[] biasGradient = weight.Length == 0 ? [] : Enumerable.Repeat(-0.5f, channels).ToArray();
        var statistics = new BatchNormStatistics(channels);
        NormalizationKernels.BatchNormMoments(x, statistics, batch, channels, positions);
        NormalizationKernels.BatchNormNormalize(x, y, weight, bias, mean, variance, statistics, batch, channels, positions, 1e-5f, 0.1f);
        NormalizationKernels.BatchNormGradientSums(x, dy, weightGradient, biasGradient, statistics, batch, channels, positions, 1e-5f);
        NormalizationKernels.BatchNormInputGradient(x, dy, weight, dx, statistics, batch, channels, positions, 1e-5f);
        NormalizationKernels.BatchNormInference(x, planar, weight, bias, mean, variance, batch, channels, positions, 1e-5f, ActivationLayout.Planar);
        NormalizationKernels.BatchNormInference(x, channelsLast, weight, bias, mean, variance, batch, channels, positions, 1e-5f, ActivationLayout.ChannelsLast);
        double[] sums = [.. statistics.Mean, .. statistics.SquaredDeviations, .. statistics.GradientSum, .. statistics.NormalizedGradientSum];
        return new Run(
            [("output", y), ("running mean", mean), ("running variance", variance), ("weight gradient", weightGradient), ("bias gradient", biasGradient),
             ("input gradient", dx), ("planar inference", planar), ("channels-last inference", channelsLast)],
            sums);
    }
}
