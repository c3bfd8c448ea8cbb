using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// The kernels generated inference code calls on channels-last activations (<c>[N, H, W, C]</c>): the convolution with
/// either side channels-last, max pooling in every combination of layouts, batch normalization and the numeric check.
/// Each is compared with the double-precision oracle where it computes, and bit for bit with the planar pass at every
/// vector width: a network's outputs must not depend on the layout its generated code picked.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class ChannelsLastActivationTests
{
    private static readonly int[] Widths = [512, 256, 128, 0];
    private static readonly (ActivationLayout In, ActivationLayout Out)[] Layouts =
    [
        (ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast),
        (ActivationLayout.Planar, ActivationLayout.ChannelsLast),
        (ActivationLayout.ChannelsLast, ActivationLayout.Planar),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ConvolutionsInEveryLayoutMatchTheReferenceAndThePlanarBits(int seed)
    {
        var random = new Random(seed * 104729);
        int[] channelChoices = [1, 3, 8, 9, 16, 17, 32, 37, 64, 67];
        for (int done = 0; done < 20;)
        {
            int c = channelChoices[random.Next(channelChoices.Length)], o = channelChoices[random.Next(channelChoices.Length)];
            int k = 1 + random.Next(3);
            if (ConvolutionCase(random, seed, c, h: 1 + random.Next(9), w: 1 + random.Next(9), o, kh: k, kw: 1 + random.Next(3),
                    sh: 1 + random.Next(2), sw: 1 + random.Next(2), ph: random.Next(2), pw: random.Next(3), dh: 1 + random.Next(2), dw: 1,
                    bias: random.Next(3) != 0, batch: 1 + random.Next(5)))
            {
                done++;
            }
        }
    }

    [Fact]
    public void TheLayersOfATypicalSmallCnnMatchInEveryLayout()
    {
        var random = new Random(17);
        Assert.True(ConvolutionCase(random, 0, c: 32, h: 14, w: 14, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 3));
        Assert.True(ConvolutionCase(random, 0, c: 64, h: 7, w: 7, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 9));
        Assert.True(ConvolutionCase(random, 0, c: 8, h: 13, w: 13, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, bias: true, batch: 2));

        // One input channel and a 3x3 kernel: the weights-in-registers tile (ChannelsLastStationaryTiles), 4 pixels at a
        // time with the rest (49 and 11 pixels per sample) on the general tiles; stride, dilation and no bias too.
        Assert.True(ConvolutionCase(random, 0, c: 1, h: 28, w: 28, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 3));
        Assert.True(ConvolutionCase(random, 0, c: 1, h: 7, w: 7, o: 37, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, batch: 5));
        Assert.True(ConvolutionCase(random, 0, c: 1, h: 9, w: 12, o: 64, kh: 3, kw: 3, sh: 2, sw: 1, ph: 1, pw: 0, dh: 1, dw: 2, bias: false, batch: 2));
    }

    [Theory]
    [InlineData(1, 64, 7, 64)]   // one group of samples: the team splits channel blocks, each writing its own lanes in place
    [InlineData(9, 32, 14, 64)]  // groups of samples split
    [InlineData(2, 16, 9, 37)]   // channels that do not fill the blocks: copied from the scratch rows
    public void AChannelsLastConvolutionSplitBetweenThreadsGivesTheSameBits(int batch, int inChannels, int size, int outChannels)
    {
        var g = new WindowGeometry(inChannels, size, size, outChannels, size, size, 3, 3, 1, 1, 1, 1, 1, 1);
        var random = new Random(batch + inChannels);
        float[] x = TestData.Uniform(random, batch * g.InputSize);
        float[] weight = TestData.Uniform(random, outChannels * inChannels * 9);
        float[] bias = TestData.Uniform(random, outChannels);
        float[] alone = new float[batch * g.OutputSize];
        ConvolutionKernels.Forward(x, weight, bias, alone, batch, g, ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast);
        foreach (int parts in new[] { 2, 3 })
        {
            var y = new float[alone.Length];
            y.AsSpan().Fill(float.NaN);
            for (int part = 0; part < parts; part++)
            {
                ChannelsLastConvolution.ForwardPart(x, weight, bias, y, batch, g, part, parts, ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast);
            }

            Assert.True(alone.SequenceEqual(y), $"{parts} parts");
        }

        using var team = new KernelTeam(2);
        var teamed = new float[alone.Length];
        using (KernelTeam.Lend(team))
        {
            ConvolutionKernels.Forward(x, weight, bias, teamed, batch, g, ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast);
        }

        Assert.True(alone.SequenceEqual(teamed), "through a team of 2 threads");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void MaxPoolingInEveryLayoutGivesThePlanarValues(int seed)
    {
        var random = new Random(seed * 7);
        for (int done = 0; done < 40; done++)
        {
            int kh = 1 + random.Next(3), kw = 1 + random.Next(3);
            int sh = 1 + random.Next(3), sw = 1 + random.Next(3);
            int dh = 1 + random.Next(2), dw = 1 + random.Next(2);
            int ph = random.Next(kh / 2 + 1), pw = random.Next(kw / 2 + 1);
            int h = (kh - 1) * dh + 1 + random.Next(9), w = (kw - 1) * dw + 1 + random.Next(9);
            int channels = new[] { 1, 3, 8, 15, 16, 17, 33, 64, 67 }[random.Next(9)];
            int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
            int batch = 1 + random.Next(3);
            var g = new WindowGeometry(channels, h, w, channels, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw);
            float[] x = TestData.Uniform(random, batch * g.InputSize);
            for (int i = 0; i < x.Length / 7; i++)
            {
                // Ties, signed zeros and NaN decide which value is the maximum: the first of equal values, NaN over all.
                x[random.Next(x.Length)] = new[] { 0f, -0f, float.NaN, 0.5f, float.NegativeInfinity }[random.Next(5)];
            }

            var planar = new float[batch * g.OutputSize];
            PoolingKernels.MaxForward(x, planar, batch, g);
            string what = $"seed {seed}: {channels} channels, [{h}, {w}] -> [{oh}, {ow}], kernel {kh}x{kw}, stride {sh}x{sw}, padding {ph}x{pw}, dilation {dh}x{dw}, batch {batch}";
            foreach (int bits in Widths)
            {
                foreach ((ActivationLayout input, ActivationLayout output) in Layouts)
                {
                    var y = new float[planar.Length];
                    float[] source = input == ActivationLayout.ChannelsLast ? ToChannelsLast(x, batch, channels, h * w) : x;
                    VectorBits.With(bits, () => PoolingKernels.MaxForward(source, y, batch, g, input, output));
                    float[] result = output == ActivationLayout.ChannelsLast ? ToPlanar(y, batch, channels, oh * ow) : y;
                    // Equal values, NaN where NaN (a tie of -0 and +0 may differ in sign: the planar unpadded kernel takes MathF.Max's +0).
                    Assert.True(planar.Zip(result).All(p => p.First == p.Second || (float.IsNaN(p.First) && float.IsNaN(p.Second))), $"{what}, {input} -> {output} at {bits} bits");
                }
            }
        }
    }

    [Fact]
    public void MaxPoolingMatchesTheReference()
    {
        var random = new Random(3);
        var model = new ReferenceModel([16, 9, 9], R.MaxPool2D(3, 2, 1));
        int[] shape = model.OutputShape;
        var g = new WindowGeometry(16, 9, 9, 16, shape[1], shape[2], 3, 3, 2, 2, 1, 1, 1, 1);
        float[] x = TestData.Uniform(random, 2 * model.InputSize);
        ReferenceTrace trace = model.Train(LayerTestSupport.D([]), [], LayerTestSupport.D(x), 2);
        var y = new float[2 * g.OutputSize];
        PoolingKernels.MaxForward(ToChannelsLast(x, 2, 16, 81), y, 2, g, ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast);
        Tolerance.AssertOutputsClose(trace.Outputs, ToPlanar(y, 2, 16, g.OutPlane), "a 3x3 stride-2 padded max pool on channels-last activations");
    }

    [Theory]
    [InlineData(1, 5, 0, true)]
    [InlineData(16, 49, 64, true)]
    [InlineData(19, 6, 3, false)]
    public void BatchNormalizationChannelsLastGivesThePlanarBits(int channels, int positions, int seed, bool affine)
    {
        var random = new Random(seed);
        const int batch = 3;
        float[] x = TestData.Uniform(random, batch * channels * positions, -3f, 3f);
        float[] weight = affine ? TestData.Uniform(random, channels) : [];
        float[] bias = affine ? TestData.Uniform(random, channels) : [];
        float[] mean = TestData.Uniform(random, channels);
        float[] variance = TestData.Uniform(random, channels, 0.1f, 2f);
        var planar = new float[x.Length];
        NormalizationKernels.BatchNormInference(x, planar, weight, bias, mean, variance, batch, channels, positions, 1e-5f);
        foreach (int bits in Widths)
        {
            var y = new float[x.Length];
            VectorBits.With(bits, () => NormalizationKernels.BatchNormInference(ToChannelsLast(x, batch, channels, positions), y, weight, bias, mean, variance, batch, channels, positions, 1e-5f, ActivationLayout.ChannelsLast));
            Assert.True(Bits(planar).SequenceEqual(Bits(ToPlanar(y, batch, channels, positions))), $"{channels} channels at {bits} bits");
        }

        // And what the planar pass computes is the oracle's (x - mean) / sqrt(var + eps) * weight + bias.
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / positions % channels;
            double expected = (x[i] - (double)mean[c]) / Math.Sqrt(variance[c] + 1e-5) * (affine ? weight[c] : 1) + (affine ? bias[c] : 0);
            Assert.True(Math.Abs(expected - planar[i]) <= 1e-5 * (1 + Math.Abs(expected)), $"element {i}: {planar[i]} against {expected}");
        }
    }

    [Fact]
    public void TheNumericCheckNamesTheSameSampleAndElementAsOnPlanarActivations()
    {
        const int channels = 5, positions = 6, batch = 3;
        var planar = new float[batch * channels * positions];
        planar[1 * 30 + 4 * positions + 2] = float.NaN;     // sample 1, channel 4, position 2: found first when scanning channels-last
        planar[1 * 30 + 1 * positions + 5] = float.PositiveInfinity; // sample 1, channel 1, position 5: first in planar order
        planar[2 * 30] = float.NaN;
        NonFiniteValueException expected = Assert.Throws<NonFiniteValueException>(() => FiniteCheck.Samples(planar, channels * positions, "Net", "here"));
        NonFiniteValueException actual = Assert.Throws<NonFiniteValueException>(() => FiniteCheck.ChannelsLastSamples(ToChannelsLast(planar, batch, channels, positions), channels, positions, "Net", "here"));
        Assert.Equal((1, 1 * positions + 5, float.PositiveInfinity), (actual.Sample, actual.Element, actual.Value));
        Assert.Equal((expected.Sample, expected.Element, expected.Value), (actual.Sample, actual.Element, actual.Value));
        Assert.Equal(expected.Message, actual.Message);
        FiniteCheck.ChannelsLastSamples(new float[30], channels, positions, "Net", "here");
    }

    [Fact]
    public void UnpaddedChannelsLastInputsReadInPlaceMatchTheReferenceAndThePlanarBits()
    {
        // A channels-last input without padding whose every row and column some window reads is the kernel's padded image
        // itself: read in place, group by group (13x13 with 5 samples is two groups of 4 and 1), with the tall, narrow and
        // wide tiles, a stride-2 layer whose windows end on the last row, and a dilated one.
        Assert.True(new ChannelsLastGeometry(Geometry(8, 13, 16, 3, 1, 1), 5).InputIsPaddedImage(Geometry(8, 13, 16, 3, 1, 1)));
        Assert.True(new ChannelsLastGeometry(Geometry(3, 7, 8, 3, 2, 1), 3).InputIsPaddedImage(Geometry(3, 7, 8, 3, 2, 1)));
        Assert.True(new ChannelsLastGeometry(Geometry(16, 9, 64, 3, 1, 2), 2).InputIsPaddedImage(Geometry(16, 9, 64, 3, 1, 2)));
        var random = new Random(23);
        Assert.True(ConvolutionCase(random, 0, c: 8, h: 13, w: 13, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, bias: true, batch: 5));
        Assert.True(ConvolutionCase(random, 0, c: 3, h: 7, w: 7, o: 8, kh: 3, kw: 3, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, bias: true, batch: 3));
        Assert.True(ConvolutionCase(random, 0, c: 16, h: 9, w: 9, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 2, dw: 2, bias: false, batch: 2));
        Assert.True(ConvolutionCase(random, 0, c: 17, h: 6, w: 11, o: 32, kh: 2, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, bias: true, batch: 7));

        // The last row or column no window reaches (8 = 2 * 2 + 3 + 1): the input is copied, as before.
        Assert.False(new ChannelsLastGeometry(Geometry(3, 8, 8, 3, 2, 1), 2).InputIsPaddedImage(Geometry(3, 8, 8, 3, 2, 1)));
        Assert.True(ConvolutionCase(random, 0, c: 3, h: 8, w: 8, o: 8, kh: 3, kw: 3, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, bias: true, batch: 2));

        static WindowGeometry Geometry(int c, int size, int o, int k, int stride, int dilation)
        {
            int outSize = (size - dilation * (k - 1) - 1) / stride + 1;
            return new WindowGeometry(c, size, size, o, outSize, outSize, k, k, stride, stride, 0, 0, dilation, dilation);
        }
    }

    private static bool ConvolutionCase(Random random, int seed, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool bias, int batch)
    {
        ReferenceModel model;
        try
        {
            model = new ReferenceModel([c, h, w], R.Conv2D(o, kh, kw, "c", sh, sw, ph, pw, dh, dw, bias));
        }
        catch (ArgumentException)
        {
            return false; // the window does not fit
        }

        int[] shape = model.OutputShape;
        var g = new WindowGeometry(c, h, w, o, shape[1], shape[2], kh, kw, sh, sw, ph, pw, dh, dw);
        string what = $"seed {seed}: Conv2D {c}->{o} on [{h}, {w}] -> [{shape[1]}, {shape[2]}], kernel {kh}x{kw}, stride {sh}x{sw}, padding {ph}x{pw}, dilation {dh}x{dw}, bias {bias}, batch {batch}";
        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, batch * model.InputSize);
        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
        int weights = o * c * kh * kw;
        ReadOnlySpan<float> Weight() => parameters.AsSpan(0, weights);
        ReadOnlySpan<float> Bias() => bias ? parameters.AsSpan(weights, o) : default;
        float[] xLast = ToChannelsLast(x, batch, c, h * w);
        foreach (int bits in Widths)
        {
            var planar = new float[batch * g.OutputSize];
            VectorBits.With(bits, () => ChannelsLastConvolution.Forward(x, Weight(), Bias(), planar, batch, g));
            foreach ((ActivationLayout input, ActivationLayout output) in Layouts)
            {
                var y = new float[planar.Length];
                y.AsSpan().Fill(float.NaN);
                VectorBits.With(bits, () => ConvolutionKernels.Forward(input == ActivationLayout.ChannelsLast ? xLast : x, Weight(), Bias(), y, batch, g, input, output));
                float[] result = output == ActivationLayout.ChannelsLast ? ToPlanar(y, batch, o, g.OutPlane) : y;
                Tolerance.AssertOutputsClose(trace.Outputs, result, $"{what}, {input} -> {output} at {bits} bits");
                Assert.True(planar.SequenceEqual(result), $"{what}: {input} -> {output} at {bits} bits differs from the planar pass");
            }
        }

        return true;
    }

    internal static float[] ToChannelsLast(float[] planar, int batch, int channels, int positions)
    {
        var result = new float[planar.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    result[(n * positions + p) * channels + c] = planar[(n * channels + c) * positions + p];
                }
            }
        }

        return result;
    }

    internal static float[] ToPlanar(float[] channelsLast, int batch, int channels, int positions)
    {
        var result = new float[channelsLast.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    result[(n * channels + c) * positions + p] = channelsLast[(n * positions + p) * channels + c];
                }
            }
        }

        return result;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
