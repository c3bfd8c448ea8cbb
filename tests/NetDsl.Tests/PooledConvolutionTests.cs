using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// <see cref="ConvolutionKernels.ForwardPooled"/>, the convolution with the max pool after it (and a ReLU on the pooled
/// values) run group by group, and the 2x2 channels-last pool it mostly runs: the same bits as the calls one after the
/// other, at every vector width, in every layout, split between threads or not, with NaN, infinities and signed zeros;
/// and against the double-precision reference.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class PooledConvolutionTests
{
    private static readonly int[] Widths = [512, 256, 128, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void APooledConvolutionGivesTheBitsOfTheConvolutionThenThePool(int seed)
    {
        var random = new Random(seed * 7919);
        int[] channelChoices = [1, 3, 8, 16, 17, 32, 37, 64, 67];
        for (int done = 0; done < 12;)
        {
            int c = channelChoices[random.Next(channelChoices.Length)], o = channelChoices[random.Next(channelChoices.Length)];
            int k = 1 + 2 * random.Next(2), p = random.Next(k / 2 + 1), s = 1 + random.Next(2);
            int h = k + random.Next(12), w = k + random.Next(12);
            var g = Convolution(c, h, w, o, k, s, p);
            // The common 2x2 pool, a padded 3x3 one at stride 2, a 1x2 one (a one-dimensional layer's), and a 3x3 one at
            // stride 3 (which leaves up to two rows and columns unread: the kernel does not compute those).
            WindowGeometry pool = random.Next(4) switch
            {
                0 => Pool(o, g.OutHeight, g.OutWidth, 2, 2, 2, 0),
                1 => Pool(o, g.OutHeight, g.OutWidth, 3, 3, 2, 1),
                2 => Pool(o, g.OutHeight, g.OutWidth, 3, 3, 3, 0),
                _ => Pool(o, g.OutHeight, g.OutWidth, 1, 2, 2, 0),
            };
            if (pool.OutHeight < 1 || pool.OutWidth < 1)
            {
                continue;
            }

            AssertSameBitsAsApart(random, g, pool, batch: 1 + random.Next(5), $"seed {seed}");
            done++;
        }
    }

    [Fact]
    public void NFoursConvolutionsPooledGiveTheBitsOfTheConvolutionThenThePool()
    {
        var random = new Random(4);
        AssertSameBitsAsApart(random, Convolution(1, 28, 28, 32, 3, 1, 1), Pool(32, 28, 28, 2, 2, 2, 0), batch: 3, "conv1");
        AssertSameBitsAsApart(random, Convolution(32, 14, 14, 64, 3, 1, 1), Pool(64, 14, 14, 2, 2, 2, 0), batch: 2, "conv2");
        AssertSameBitsAsApart(random, Convolution(64, 7, 7, 64, 3, 1, 1), Pool(64, 7, 7, 2, 2, 2, 0), batch: 9, "conv3 (the pool drops the last row and column)");
    }

    [Theory]
    [InlineData(1, 64, 7, 64)]   // one group of samples: the team splits channel blocks, each pooling its own lanes
    [InlineData(9, 32, 14, 64)]  // groups of samples split
    [InlineData(2, 16, 9, 37)]   // channels that do not fill the blocks
    public void APooledConvolutionSplitBetweenThreadsGivesTheSameBits(int batch, int inChannels, int size, int outChannels)
    {
        var g = Convolution(inChannels, size, size, outChannels, 3, 1, 1);
        var pool = Pool(outChannels, size, size, 2, 2, 2, 0);
        var random = new Random(batch + inChannels);
        float[] x = TestData.Uniform(random, batch * g.InputSize);
        float[] weight = TestData.Uniform(random, outChannels * inChannels * 9);
        float[] bias = TestData.Uniform(random, outChannels);
        foreach (ActivationLayout output in new[] { ActivationLayout.ChannelsLast, ActivationLayout.Planar })
        {
            float[] alone = new float[batch * pool.OutputSize];
            ConvolutionKernels.ForwardPooled(x, weight, bias, alone, batch, g, pool, ActivationLayout.ChannelsLast, output, relu: true);
            foreach (int parts in new[] { 2, 3 })
            {
                var y = new float[alone.Length];
                y.AsSpan().Fill(float.NaN);
                for (int part = 0; part < parts; part++)
                {
                    ChannelsLastConvolution.ForwardPart(x, weight, bias, y, batch, g, part, parts, ActivationLayout.ChannelsLast, output, pooled: true, pool, relu: true);
                }

                Assert.True(alone.SequenceEqual(y), $"{parts} parts, {output} out");
            }

            using var team = new KernelTeam(2);
            var teamed = new float[alone.Length];
            using (KernelTeam.Lend(team))
            {
                ConvolutionKernels.ForwardPooled(x, weight, bias, teamed, batch, g, pool, ActivationLayout.ChannelsLast, output, relu: true);
            }

            Assert.True(alone.SequenceEqual(teamed), $"through a team of 2 threads, {output} out");
        }
    }

    [Fact]
    public void APooledConvolutionAllocatesNothingAfterWarmUpAloneOrWithATeam()
    {
        var g = Convolution(32, 14, 14, 64, 3, 1, 1);
        var pool = Pool(64, 14, 14, 2, 2, 2, 0);
        var random = new Random(2);
        const int batch = 9;
        float[] x = TestData.Uniform(random, batch * g.InputSize);
        float[] weight = TestData.Uniform(random, 64 * 32 * 9);
        float[] bias = TestData.Uniform(random, 64);
        float[] y = new float[batch * pool.OutputSize];
        AllocationAssert.None("ForwardPooled", () => ConvolutionKernels.ForwardPooled(x, weight, bias, y, batch, g, pool, ActivationLayout.ChannelsLast, ActivationLayout.Planar, relu: true), warmUps: 3, repetitions: 10);
        using var team = new KernelTeam(2);
        AllocationAssert.NoneOnAnyThread("ForwardPooled through a team of 2 threads", () =>
        {
            using (KernelTeam.Lend(team))
            {
                ConvolutionKernels.ForwardPooled(x, weight, bias, y, batch, g, pool, ActivationLayout.ChannelsLast, ActivationLayout.ChannelsLast, relu: true);
            }
        });
    }

    [Fact]
    public void APooledConvolutionMatchesTheReference()
    {
        var random = new Random(11);
        var model = new ReferenceModel([3, 10, 9], R.Conv2D(20, 3, 3, "c", 1, 1, 1, 1, 1, 1, true), R.ReLU(), R.MaxPool2D(2));
        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, 4 * model.InputSize);
        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), 4);
        var g = Convolution(3, 10, 9, 20, 3, 1, 1);
        var pool = Pool(20, 10, 9, 2, 2, 2, 0);
        var y = new float[4 * pool.OutputSize];
        ConvolutionKernels.ForwardPooled(x, parameters.AsSpan(0, 540), parameters.AsSpan(540, 20), y, 4, g, pool, ActivationLayout.Planar, ActivationLayout.Planar, relu: true);
        Tolerance.AssertOutputsClose(trace.Outputs, y, "Conv2D(20) + ReLU + MaxPool2D(2) on 3x10x9, pooled inside the convolution");
    }

    [Fact]
    public void APoolThatDoesNotReadTheConvolutionsOutputIsRefused()
    {
        var g = Convolution(3, 8, 8, 16, 3, 1, 0);
        var exception = Assert.Throws<ArgumentException>(() => ConvolutionKernels.ForwardPooled(new float[192], new float[432], default, new float[256], 1, g, Pool(16, 8, 9, 2, 2, 2, 0),
            ActivationLayout.Planar, ActivationLayout.Planar, relu: false));
        Assert.Contains("the convolution writes 16x6x6 per sample, the pool reads 16x8x9", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(32)]
    [InlineData(67)]
    public void TwoByTwoPoolingInEveryLayoutGivesThePlanarValues(int channels)
    {
        var random = new Random(channels);
        foreach ((int h, int w) in new[] { (2, 2), (7, 7), (8, 13) })
        {
            const int batch = 3;
            var g = Pool(channels, h, w, 2, 2, 2, 0);
            float[] x = Special(random, TestData.Uniform(random, batch * g.InputSize));
            var planar = new float[batch * g.OutputSize];
            PoolingKernels.MaxForward(x, planar, batch, g);
            foreach (int bits in Widths)
            {
                foreach (ActivationLayout input in new[] { ActivationLayout.ChannelsLast, ActivationLayout.Planar })
                {
                    foreach (ActivationLayout output in new[] { ActivationLayout.ChannelsLast, ActivationLayout.Planar })
                    {
                        if (input == ActivationLayout.Planar && output == ActivationLayout.Planar)
                        {
                            continue;
                        }

                        var y = new float[planar.Length];
                        float[] source = input == ActivationLayout.ChannelsLast ? ChannelsLastActivationTests.ToChannelsLast(x, batch, channels, h * w) : x;
                        VectorBits.With(bits, () => PoolingKernels.MaxForward(source, y, batch, g, input, output));
                        float[] result = output == ActivationLayout.ChannelsLast ? ChannelsLastActivationTests.ToPlanar(y, batch, channels, g.OutPlane) : y;
                        // Equal values, NaN where NaN (a tie of -0 and +0 may differ in sign: the planar unpadded kernel takes MathF.Max's +0).
                        Assert.True(planar.Zip(result).All(p => p.First == p.Second || (float.IsNaN(p.First) && float.IsNaN(p.Second))), $"{channels} channels on {h}x{w}, {input} -> {output} at {bits} bits");
                    }
                }
            }
        }
    }

    // The pooled convolution against the convolution into a channels-last span, the pool, and (with relu) ActivationKernels.ReLU.
    private static void AssertSameBitsAsApart(Random random, WindowGeometry g, WindowGeometry pool, int batch, string what)
    {
        float[] x = Special(random, TestData.Uniform(random, batch * g.InputSize));
        float[] weight = TestData.Uniform(random, g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth);
        float[] bias = random.Next(3) == 0 ? [] : TestData.Uniform(random, g.OutChannels);
        float[] xLast = ChannelsLastActivationTests.ToChannelsLast(x, batch, g.InChannels, g.InPlane);
        what += $": Conv {g.InChannels}->{g.OutChannels} on [{g.InHeight}, {g.InWidth}], kernel {g.KernelHeight}, stride {g.StrideHeight}, padding {g.PadTop}, "
            + $"pool {pool.KernelHeight}x{pool.KernelWidth} stride {pool.StrideWidth} padding {pool.PadLeft} -> [{pool.OutHeight}, {pool.OutWidth}], batch {batch}";
        foreach (int bits in Widths)
        {
            foreach (ActivationLayout input in new[] { ActivationLayout.ChannelsLast, ActivationLayout.Planar })
            {
                float[] source = input == ActivationLayout.ChannelsLast ? xLast : x;
                var convolved = new float[batch * g.OutputSize];
                VectorBits.With(bits, () => ConvolutionKernels.Forward(source, weight, bias, convolved, batch, g, input, ActivationLayout.ChannelsLast));
                foreach (ActivationLayout output in new[] { ActivationLayout.ChannelsLast, ActivationLayout.Planar })
                {
                    foreach (bool relu in new[] { false, true })
                    {
                        var expected = new float[batch * pool.OutputSize];
                        VectorBits.With(bits, () =>
                        {
                            PoolingKernels.MaxForward(convolved, expected, batch, pool, ActivationLayout.ChannelsLast, output);
                            if (relu)
                            {
                                ActivationKernels.ReLU(expected, expected);
                            }
                        });
                        var actual = new float[expected.Length];
                        actual.AsSpan().Fill(float.NaN);
                        VectorBits.With(bits, () => ConvolutionKernels.ForwardPooled(source, weight, bias, actual, batch, g, pool, input, output, relu));
                        for (int j = 0; j < expected.Length; j++)
                        {
                            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]) || (float.IsNaN(expected[j]) && float.IsNaN(actual[j])),
                                $"{what}, {input} -> {output}, relu {relu} at {bits} bits: output {j} is {actual[j]} pooled inside and {expected[j]} apart");
                        }
                    }
                }
            }
        }
    }

    private static float[] Special(Random random, float[] x)
    {
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 0.5f, 0.5f];
        for (int i = 0; i < Math.Max(1, x.Length / 9); i++)
        {
            x[random.Next(x.Length)] = special[random.Next(special.Length)];
        }

        return x;
    }

    private static WindowGeometry Convolution(int c, int h, int w, int o, int k, int stride, int padding) =>
        new(c, h, w, o, (h + 2 * padding - k) / stride + 1, (w + 2 * padding - k) / stride + 1, k, k, stride, stride, padding, padding, 1, 1);

    private static WindowGeometry Pool(int channels, int h, int w, int kh, int kw, int stride, int padding) =>
        new(channels, h, w, channels, (h + 2 * padding - kh) / stride + 1, (w + 2 * padding - kw) / stride + 1, kh, kw, kh == 1 ? 1 : stride, stride, kh == 1 ? 0 : padding, padding, 1, 1);
}
