using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// Stride-1 convolutions (the row-vector kernels) against the oracle at every vector width: rows from 8 to 37 wide (every
/// remainder of an 8-float vector, so the overlapping last vector and its gradient mask), channel counts on both sides
/// of the 8-channel tiles (1 to 19), padding ('same' and asymmetric), dilation, with and without bias and input gradient,
/// through the public entry points, which pick the row kernels or the channels-last kernel by geometry (width 128 and 0
/// always take the channels-last kernel, so the same cases check both).
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class ConvolutionKernelWidthTests
{
    private const int Cases = 24;

    public static TheoryData<int, int> WidthsAndSeeds()
    {
        var data = new TheoryData<int, int>();
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            foreach (int seed in new[] { 1, 2, 3 })
            {
                data.Add(bits, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WidthsAndSeeds))]
    public void StrideOneConvolutionsMatchTheReference(int vectorBits, int seed)
    {
        VectorBits.With(vectorBits, () =>
        {
            var random = new Random(seed * 31 + vectorBits);
            for (int done = 0; done < Cases;)
            {
                if (RunCase(random, seed, vectorBits))
                {
                    done++;
                }
            }
        });
    }

    /// <summary>
    /// The row kernels' weight gradient runs the batch in passes of a few samples (their gradient rows stay in cache while
    /// every pair of taps reads them) and carries each tile's sums from pass to pass: any pass size gives the bits of one
    /// pass over the whole batch. N4's first layer (1 -> 32 channels, 28x28) and a layer with a partial channel block,
    /// called directly: without an input gradient such layers now take <see cref="FlatPlaneConvolution"/>.
    /// </summary>
    [Theory]
    [InlineData(1, 32, 28, 28, 3)]
    [InlineData(2, 9, 6, 13, 2)]
    public void TheWeightGradientHasTheSameBitsWhateverTheSamplesPerPass(int inChannels, int outChannels, int height, int width, int kernel)
    {
        var g = new WindowGeometry(inChannels, height, width, outChannels, height, width, kernel, kernel, 1, 1, (kernel - 1) / 2, (kernel - 1) / 2, 1, 1);
        Assert.True(RowConvolution.Applies(g), "the geometry must suit the row kernels");
        const int Batch = 7;
        var random = new Random(inChannels * 100 + outChannels);
        float[] x = TestData.Uniform(random, Batch * g.InputSize), dz = TestData.Uniform(random, Batch * g.OutputSize);
        float[] weight = TestData.Uniform(random, outChannels * inChannels * kernel * kernel);

        float[] Gradient(int bytesPerPass)
        {
            int saved = RowConvolution.GradientBytesPerPass;
            RowConvolution.GradientBytesPerPass = bytesPerPass;
            try
            {
                var gradient = new float[weight.Length + outChannels];
                RowConvolution.Backward(x, weight, dz, gradient.AsSpan(0, weight.Length), gradient.AsSpan(weight.Length), default, Batch, g);
                return gradient;
            }
            finally
            {
                RowConvolution.GradientBytesPerPass = saved;
            }
        }

        float[] onePass = Gradient(int.MaxValue);
        int sampleBytes = sizeof(float) * 8 * g.OutPlane;
        foreach (int samplesPerPass in new[] { 1, 3, 6 })
        {
            ExtremeValues.AssertSameBits(onePass, Gradient(samplesPerPass * sampleBytes), $"{samplesPerPass} samples per pass");
        }
    }

    private static bool RunCase(Random random, int seed, int vectorBits)
    {
        int[] channelChoices = [1, 2, 7, 8, 9, 16, 19];
        int c = channelChoices[random.Next(channelChoices.Length)], o = channelChoices[random.Next(channelChoices.Length)];
        int h = 1 + random.Next(6), w = 8 + random.Next(30);
        int kh = 1 + random.Next(3), kw = 1 + random.Next(3), dh = 1 + random.Next(2), dw = 1 + random.Next(2);
        int ph = random.Next(3) == 0 ? R.Same : random.Next(3);
        int pw = random.Next(3) == 0 ? R.Same : random.Next(3);
        bool bias = random.Next(3) != 0;
        int batch = 1 + random.Next(3);
        ReferenceModel model;
        try
        {
            model = new ReferenceModel([c, h, w], R.Conv2D(o, kh, kw, "c", 1, 1, ph, pw, dh, dw, bias));
        }
        catch (ArgumentException)
        {
            return false; // the window does not fit
        }

        int[] shape = model.OutputShape;
        var g = new WindowGeometry(c, h, w, o, shape[1], shape[2], kh, kw, 1, 1,
            ReferenceConvolution.Pads(ph, kh, dh).Before, ReferenceConvolution.Pads(pw, kw, dw).Before, dh, dw);
        string what = $"{vectorBits}-bit vectors, seed {seed}: Conv2D {c}->{o} on [{h}, {w}] -> [{shape[1]}, {shape[2]}], kernel {kh}x{kw}, padding {ph}x{pw}, dilation {dh}x{dw}, bias {bias}, batch {batch}";

        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, batch * model.InputSize);
        float[] dy = TestData.Uniform(random, batch * model.OutputSize);
        int weights = o * c * kh * kw;
        ReadOnlySpan<float> weight = parameters.AsSpan(0, weights);
        ReadOnlySpan<float> biasValues = bias ? parameters.AsSpan(weights, o) : default;

        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
        var y = new float[dy.Length];
        y.AsSpan().Fill(float.NaN);
        ConvolutionKernels.Forward(x, weight, biasValues, y, batch, g);
        Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: forward");

        ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));
        var gradients = new float[parameters.Length];
        var dx = new float[x.Length];
        dx.AsSpan().Fill(float.NaN);
        ConvolutionKernels.Backward(x, weight, dy, gradients.AsSpan(0, weights), bias ? gradients.AsSpan(weights, o) : default, dx, batch, g);
        Tolerance.AssertClose(expected.Parameters, gradients, $"{what}: parameter gradients");
        Tolerance.AssertClose(expected.Inputs, dx, $"{what}: input gradients");

        ConvolutionKernels.Backward(x, weight, dy, gradients.AsSpan(0, weights), bias ? gradients.AsSpan(weights, o) : default, default, batch, g);
        Tolerance.AssertClose(expected.Parameters.Select(v => 2 * v).ToArray(), gradients, $"{what}: parameter gradients added twice, no input gradient");
        return true;
    }
}
