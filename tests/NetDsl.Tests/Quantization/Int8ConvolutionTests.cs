using System;
using NetDsl.Quantization;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// The int8 convolution on every path, forced, against a reference written here: plain loops over the planar input
/// (padding reads the input's zero point), int64 sums, then the same fixed-point requantization. The sums are exact
/// integers, so every path must give the reference's bytes over a sweep of odd shapes — channels that are no multiple
/// of a unit or a block, maps smaller than the kernel's reach, strides, padding, dilation, Conv1D, and zero points 0
/// and not 0.
/// </summary>
public sealed class Int8ConvolutionTests(ITestOutputHelper output)
{
    private static readonly int[] InChannels = [1, 3, 5, 16, 17, 33, 64];
    private static readonly (int Height, int Width)[] Maps = [(1, 1), (3, 3), (7, 7), (8, 8), (11, 5)];
    private static readonly int[] Kernels = [1, 3, 5];
    private static readonly int[] OutChannels = [1, 9, 16, 33, 64];

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void TwoDimensionalSweepMatchesTheReference(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        var random = new Random(15);
        int cases = 0;
        foreach (int channels in InChannels)
        {
            foreach ((int height, int width) in Maps)
            {
                foreach (int kernel in Kernels)
                {
                    foreach (int stride in new[] { 1, 2 })
                    {
                        foreach (int padding in new[] { 0, 1, 2 })
                        {
                            foreach (int dilation in new[] { 1, 2 })
                            {
                                int outHeight = OutputSize(height, kernel, stride, padding, dilation);
                                int outWidth = OutputSize(width, kernel, stride, padding, dilation);
                                if (outHeight < 1 || outWidth < 1)
                                {
                                    continue;
                                }

                                int outChannels = OutChannels[cases % OutChannels.Length];
                                var window = new Int8Window(channels, height, width, outChannels, outHeight, outWidth, kernel, kernel, stride, stride, padding, padding, dilation, dilation);
                                AssertMatchesReference(window, path, random, cases);
                                cases++;
                            }
                        }
                    }
                }
            }
        }

        output.WriteLine($"Int8Path.{path} ran {cases} two-dimensional convolutions, all exact.");
    }

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void OneDimensionalSweepMatchesTheReference(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        var random = new Random(16);
        int cases = 0;
        foreach (int channels in InChannels)
        {
            foreach (int length in new[] { 1, 7, 11, 30 })
            {
                foreach (int kernel in new[] { 1, 3, 5, 7 })
                {
                    foreach ((int stride, int padding, int dilation) in new[] { (1, 0, 1), (2, 1, 1), (1, 2, 2), (2, 3, 1), (1, 1, 2) })
                    {
                        int outLength = OutputSize(length, kernel, stride, padding, dilation);
                        if (outLength < 1)
                        {
                            continue;
                        }

                        int outChannels = OutChannels[cases % OutChannels.Length];
                        var window = new Int8Window(channels, 1, length, outChannels, 1, outLength, 1, kernel, 1, stride, 0, padding, 1, dilation);
                        Assert.True(window.OneDimensional);
                        AssertMatchesReference(window, path, random, cases);
                        cases++;
                    }
                }
            }
        }

        output.WriteLine($"Int8Path.{path} ran {cases} one-dimensional convolutions, all exact.");
    }

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void KernelSevenWithExtremeValuesMatchesTheReference(string pathName)
    {
        // Every input 255 (or the zero point 255 in the padding) against weights of +-127: the largest sums there are.
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        var random = new Random(17);
        foreach (int channels in new[] { 64, 256 })
        {
            var window = new Int8Window(channels, 9, 9, 17, 5, 5, 7, 7, 2, 2, 3, 3, 1, 1);
            AssertMatchesReference(window, path, random, variant: 1, extremes: true);
        }
    }

    [Fact]
    public void ShortSpansNameWhatWasExpected()
    {
        var window = new Int8Window(3, 4, 4, 5, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
        QuantizedConvolution convolution = Convolution(window, Int8Paths.Best, new Random(1), zeroPoint: 3, relu: false, extremes: false);
        var sums = new int[80];
        var exception = Assert.Throws<ArgumentException>(() => convolution.Run(new byte[(2 * 48) - 1], 2, new byte[2 * 80], sums));
        Assert.Contains("at least 96 inputs", exception.Message);
        Assert.Contains("but got 95", exception.Message);
        exception = Assert.Throws<ArgumentException>(() => convolution.Run(new byte[48], 1, new byte[79], sums));
        Assert.Contains("room for 80 outputs", exception.Message);
    }

    private static int OutputSize(int size, int kernel, int stride, int padding, int dilation) =>
        size + (2 * padding) - (dilation * (kernel - 1)) - 1 < 0 ? 0 : ((size + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;

    [Theory]
    [InlineData(3, 1)]
    [InlineData(16, 0)]
    [InlineData(17, 1)]
    [InlineData(33, 2)]
    public void MaxPoolOnChannelsLastSamplesMatchesTheReference(int channels, int padding)
    {
        var random = new Random(channels);
        foreach ((int kernel, int stride, int dilation) in new[] { (2, 2, 1), (3, 1, 1), (3, 2, 2), (7, 7, 1) })
        {
            int height = 9, width = 7;
            int outHeight = OutputSize(height, kernel, stride, Math.Min(padding, kernel / 2), dilation);
            int outWidth = OutputSize(width, kernel, stride, Math.Min(padding, kernel / 2), dilation);
            int pad = Math.Min(padding, kernel / 2);
            var window = new Int8Window(channels, height, width, channels, outHeight, outWidth, kernel, kernel, stride, stride, pad, pad, dilation, dilation);
            var pool = new QuantizedMaxPool("pool", window, new QuantizationParameters(0.1f, 7));
            const int rows = 3;
            byte[] x = Int8MatrixMultiplyTests.RandomActivations(random, rows * pool.InFeatures);
            foreach (bool channelsLastOutput in new[] { true, false })
            {
                pool.UseChannelsLast(true, channelsLastOutput);
                var y = new byte[rows * pool.OutFeatures];
                pool.Run(Transposed(x, rows, channels, window.InPlane), rows, y, default);
                Assert.Equal(PoolReference(window, x, rows), channelsLastOutput ? Transposed(y, rows, window.OutPlane, channels) : y);
            }
        }
    }

    // Half the cases have a non-zero input zero point (the padding must read it), half a fused ReLU, some read or write
    // channels-last samples; two samples each.
    private static void AssertMatchesReference(Int8Window window, Int8Path path, Random random, int variant, bool extremes = false)
    {
        int zeroPoint = variant % 2 == 0 ? 0 : extremes ? 255 : 1 + random.Next(255);
        QuantizedConvolution convolution = Convolution(window, path, random, zeroPoint, relu: variant % 4 >= 2, extremes);
        (bool channelsLastInput, bool channelsLastOutput) = (variant % 3 == 1, variant % 5 >= 3);
        convolution.UseChannelsLast(channelsLastInput, channelsLastOutput);
        const int rows = 2;
        byte[] x = Int8MatrixMultiplyTests.RandomActivations(random, rows * convolution.InFeatures);
        if (extremes)
        {
            Array.Fill(x, (byte)255);
        }

        const int sentinels = 17;
        var y = new byte[(rows * convolution.OutFeatures) + sentinels];
        Array.Fill(y, (byte)0xA5);
        convolution.Run(channelsLastInput ? Transposed(x, rows, window.InChannels, window.InPlane) : x, rows, y, new int[rows * convolution.OutFeatures]);
        byte[] expected = Reference(convolution, x, rows);
        byte[] actual = channelsLastOutput ? Transposed(y, rows, window.OutPlane, window.OutChannels) : y;
        string layouts = $"{(channelsLastInput ? "channels-last" : "planar")} -> {(channelsLastOutput ? "channels-last" : "planar")}";
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i] != expected[i])
            {
                int n = i / convolution.OutFeatures, o = i % convolution.OutFeatures / window.OutPlane, p = i % window.OutPlane;
                Assert.Fail($"{path}, {window}, {layouts}, input zero point {zeroPoint}: sample {n}, channel {o}, pixel {p} is {actual[i]}, expected {expected[i]}.");
            }
        }

        for (int i = expected.Length; i < y.Length; i++)
        {
            Assert.True(y[i] == 0xA5, $"{path}, {window}: wrote past the outputs, at {i}.");
        }
    }

    // Each sample [a, b] as [b, a]: planar [C, pixels] to channels-last [pixels, C] and back.
    private static byte[] Transposed(byte[] samples, int rows, int a, int b)
    {
        var result = new byte[samples.Length];
        for (int n = 0; n < rows; n++)
        {
            for (int i = 0; i < a; i++)
            {
                for (int j = 0; j < b; j++)
                {
                    result[(n * a * b) + (j * a) + i] = samples[(n * a * b) + (i * b) + j];
                }
            }
        }

        return result;
    }

    private static byte[] PoolReference(Int8Window g, byte[] x, int rows)
    {
        var y = new byte[rows * g.OutChannels * g.OutPlane];
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < g.OutChannels; c++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        int largest = 0;
                        for (int i = 0; i < g.KernelHeight; i++)
                        {
                            for (int j = 0; j < g.KernelWidth; j++)
                            {
                                int row = (oh * g.StrideHeight) - g.PadTop + (i * g.DilationHeight);
                                int column = (ow * g.StrideWidth) - g.PadLeft + (j * g.DilationWidth);
                                if (row >= 0 && row < g.InHeight && column >= 0 && column < g.InWidth)
                                {
                                    largest = Math.Max(largest, x[(((n * g.InChannels) + c) * g.InPlane) + (row * g.InWidth) + column]);
                                }
                            }
                        }

                        y[(((n * g.OutChannels) + c) * g.OutPlane) + (oh * g.OutWidth) + ow] = (byte)largest;
                    }
                }
            }
        }

        return y;
    }

    private static QuantizedConvolution Convolution(Int8Window window, Int8Path path, Random random, int zeroPoint, bool relu, bool extremes)
    {
        int depth = window.Depth;
        int outputs = window.OutChannels;
        sbyte[] weights = Int8MatrixMultiplyTests.RandomWeights(random, outputs * depth);
        if (extremes)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (sbyte)(i / depth % 2 == 0 ? 127 : -127);
            }
        }

        var scales = new float[outputs];
        var bias = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            scales[o] = 0.001f + (0.01f * (float)random.NextDouble());
            bias[o] = random.Next(-50_000, 50_000);
        }

        // An output scale that spreads typical sums over the uint8 range, so that the requantization is exercised.
        var input = new QuantizationParameters(0.02f, zeroPoint);
        var output = new QuantizationParameters(0.02f * 0.005f * 40f * (float)Math.Sqrt(depth), random.Next(256));
        var product = new QuantizedLinear("conv", weights, scales, bias, new float[outputs], depth, outputs, input, output, relu, floatOutput: false, path);
        return new QuantizedConvolution("conv", window.OneDimensional ? "Conv1D" : "Conv2D", window, product);
    }

    // Plain loops over the planar layout: each tap inside the map reads the input, each in the padding the zero point.
    private static byte[] Reference(QuantizedConvolution convolution, byte[] x, int rows)
    {
        Int8Window g = convolution.Window;
        QuantizedLinear product = convolution.Product;
        int zeroPoint = product.Input.ZeroPoint;
        var y = new byte[rows * convolution.OutFeatures];
        for (int n = 0; n < rows; n++)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                long weightSum = 0;
                for (int k = 0; k < g.Depth; k++)
                {
                    weightSum += product.Weights[(o * g.Depth) + k];
                }

                (int multiplier, int shift) = FixedPointMultiplier.Quantize((double)product.Input.Scale * product.WeightScales[o] / product.Output.Scale);
                int offset = (int)Math.Clamp(product.IntegerBias[o] - (zeroPoint * weightSum), int.MinValue, int.MaxValue);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        long sum = 0;
                        for (int c = 0; c < g.InChannels; c++)
                        {
                            for (int i = 0; i < g.KernelHeight; i++)
                            {
                                for (int j = 0; j < g.KernelWidth; j++)
                                {
                                    int row = (oh * g.StrideHeight) - g.PadTop + (i * g.DilationHeight);
                                    int column = (ow * g.StrideWidth) - g.PadLeft + (j * g.DilationWidth);
                                    bool inside = row >= 0 && row < g.InHeight && column >= 0 && column < g.InWidth;
                                    int value = inside ? x[(n * convolution.InFeatures) + (c * g.InPlane) + (row * g.InWidth) + column] : zeroPoint;
                                    sum += value * product.Weights[(((o * g.InChannels) + c) * g.KernelHeight + i) * g.KernelWidth + j];
                                }
                            }
                        }

                        int biased = (int)Math.Clamp(sum + offset, int.MinValue, int.MaxValue);
                        long requantized = product.Output.ZeroPoint + (long)FixedPointMultiplier.Apply(biased, multiplier, shift);
                        int lowest = product.Relu ? product.Output.ZeroPoint : 0;
                        y[(n * convolution.OutFeatures) + (o * g.OutPlane) + (oh * g.OutWidth) + ow] = (byte)Math.Clamp(requantized, lowest, 255);
                    }
                }
            }
        }

        return y;
    }
}
