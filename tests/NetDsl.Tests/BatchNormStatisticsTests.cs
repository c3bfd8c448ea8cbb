using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// <see cref="BatchNormStatistics"/>: the moments of chunks merged in order equal the whole batch's (in double precision,
/// also when the mean dwarfs the spread), gradient sums add up, and the halves of the batch normalization kernels
/// applied chunk by chunk with the merged statistics give the whole batch's normalization.
/// </summary>
public class BatchNormStatisticsTests
{
    private const int Channels = 3;
    private const int Positions = 4;

    private static float[] Values(int batch, int seed, float offset, float spread)
    {
        var random = new SeededRandom(seed);
        float[] values = new float[batch * Channels * Positions];
        random.FillUniform(values, -spread, spread);
        return values.Select(v => v + offset).ToArray();
    }

    private static BatchNormStatistics Measure(ReadOnlySpan<float> x, int batch)
    {
        var statistics = new BatchNormStatistics(Channels);
        NormalizationKernels.BatchNormMoments(x, statistics, batch, Channels, Positions);
        return statistics;
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1e4f, 1e-2f)]
    public void Merged_chunk_moments_equal_the_whole_batchs(float offset, float spread)
    {
        const int batch = 23;
        float[] x = Values(batch, 1, offset, spread);
        BatchNormStatistics whole = Measure(x, batch);
        int[] chunkSizes = [5, 1, 8, 9];
        BatchNormStatistics merged = new(Channels);
        int start = 0;
        foreach (int size in chunkSizes)
        {
            merged.MergeMoments(Measure(x.AsSpan(start * Channels * Positions, size * Channels * Positions), size));
            start += size;
        }

        Assert.Equal(whole.Count, merged.Count);
        for (int c = 0; c < Channels; c++)
        {
            Assert.Equal(whole.Mean[c], merged.Mean[c], 1e-12 * Math.Max(1, Math.Abs(whole.Mean[c])));
            Assert.Equal(whole.SquaredDeviations[c], merged.SquaredDeviations[c], 1e-9 * whole.SquaredDeviations[c]);
        }
    }

    [Fact]
    public void Gradient_sums_add_up_and_copies_take_everything()
    {
        var a = new BatchNormStatistics(2);
        var b = new BatchNormStatistics(2);
        a.GradientSum[0] = 1; a.NormalizedGradientSum[1] = 2; a.Count = 7; a.Mean[1] = 3;
        b.GradientSum[0] = 10; b.NormalizedGradientSum[1] = 20;
        a.AddGradientSums(b);
        Assert.Equal([11d, 0d], a.GradientSum.ToArray());
        Assert.Equal([0d, 22d], a.NormalizedGradientSum.ToArray());

        b.CopyFrom(a);
        Assert.Equal(7, b.Count);
        Assert.Equal(3d, b.Mean[1]);
        Assert.Equal([11d, 0d], b.GradientSum.ToArray());

        var error = Assert.Throws<ArgumentException>(() => a.MergeMoments(new BatchNormStatistics(3)));
        Assert.Contains("Expected statistics of 2 channels, but got 3.", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormStatistics(0));
    }

    [Fact]
    public void Kernel_halves_chunk_by_chunk_with_merged_statistics_equal_the_whole_batch()
    {
        const int batch = 10;
        float[] x = Values(batch, 2, 0.5f, 2f);
        float[] dy = Values(batch, 3, 0f, 1f);
        float[] weight = [1.5f, 0.5f, -1f];
        float[] bias = [0.1f, -0.2f, 0.3f];
        int width = Channels * Positions;

        // The whole batch at once.
        float[] y = new float[x.Length], dx = new float[x.Length], gradients = new float[2 * Channels], running = [0, 0, 0, 1, 1, 1];
        BatchNormStatistics whole = Measure(x, batch);
        NormalizationKernels.BatchNormNormalize(x, y, weight, bias, running.AsSpan(0, 3), running.AsSpan(3, 3), whole, batch, Channels, Positions, 1e-5f, 0.1f);
        NormalizationKernels.BatchNormGradientSums(x, dy, gradients.AsSpan(0, 3), gradients.AsSpan(3, 3), whole, batch, Channels, Positions, 1e-5f);
        NormalizationKernels.BatchNormInputGradient(x, dy, weight, dx, whole, batch, Channels, Positions, 1e-5f);

        // Chunks of 4, 4 and 2 samples, their statistics merged in order and shared.
        int[] starts = [0, 4, 8];
        int[] sizes = [4, 4, 2];
        BatchNormStatistics[] chunks = [.. sizes.Select(_ => new BatchNormStatistics(Channels))];
        float[] chunkY = new float[x.Length], chunkDx = new float[x.Length], chunkGradients = new float[2 * Channels];
        float[][] chunkRunning = [.. sizes.Select(_ => new float[] { 0, 0, 0, 1, 1, 1 })];
        for (int k = 0; k < 3; k++)
        {
            NormalizationKernels.BatchNormMoments(x.AsSpan(starts[k] * width, sizes[k] * width), chunks[k], sizes[k], Channels, Positions);
        }

        chunks[0].MergeMoments(chunks[1]);
        chunks[0].MergeMoments(chunks[2]);
        chunks[1].CopyFrom(chunks[0]);
        chunks[2].CopyFrom(chunks[0]);
        for (int k = 0; k < 3; k++)
        {
            Span<float> r = chunkRunning[k];
            NormalizationKernels.BatchNormNormalize(x.AsSpan(starts[k] * width, sizes[k] * width), chunkY.AsSpan(starts[k] * width, sizes[k] * width), weight, bias, r[..3], r[3..], chunks[k], sizes[k], Channels, Positions, 1e-5f, 0.1f);
            NormalizationKernels.BatchNormGradientSums(x.AsSpan(starts[k] * width, sizes[k] * width), dy.AsSpan(starts[k] * width, sizes[k] * width), chunkGradients.AsSpan(0, 3), chunkGradients.AsSpan(3, 3), chunks[k], sizes[k], Channels, Positions, 1e-5f);
        }

        chunks[0].AddGradientSums(chunks[1]);
        chunks[0].AddGradientSums(chunks[2]);
        for (int k = 0; k < 3; k++)
        {
            chunks[k].CopyFrom(chunks[0]);
            NormalizationKernels.BatchNormInputGradient(x.AsSpan(starts[k] * width, sizes[k] * width), dy.AsSpan(starts[k] * width, sizes[k] * width), weight, chunkDx.AsSpan(starts[k] * width, sizes[k] * width), chunks[k], sizes[k], Channels, Positions, 1e-5f);
        }

        Tolerance.AssertClose(y, chunkY, "outputs");
        Tolerance.AssertClose(running, chunkRunning[2], "running statistics");
        Tolerance.AssertClose(gradients, chunkGradients, "weight and bias gradients");
        Tolerance.AssertClose(dx, chunkDx, "input gradients");
    }
}
