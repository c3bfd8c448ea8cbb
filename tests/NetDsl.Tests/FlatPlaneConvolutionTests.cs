using System;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using NetDsl.TestSupport;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// The flat-plane kernels (pixels in the lanes over the flattened output plane, few input channels) against the
/// double-precision oracle, and the same bits at every vector width (512, 256, 128, scalar) and for every pass size:
/// maps whose planes are and are not whole blocks of 16 pixels (the weight gradient's masked tail) or whole forward
/// tiles, 1-4 input channels, output channels on both sides of the 4- and 3-channel tiles, kernels 1-7 (a tap count
/// that is not a multiple of the 9-tap tile), padding 0-3 and dilation. The kernels are called directly, so maps
/// smaller than the dispatch rule admits are checked too.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class FlatPlaneConvolutionTests
{
    private static readonly int[] Widths = [512, 256, 128, 0];

    /// <summary>in channels, out channels, height, width, kernel height, kernel width, padding, dilation, batch.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Geometries() => new()
    {
        { 1, 32, 28, 28, 3, 3, 1, 1, 3 }, // N4's first layer
        { 1, 1, 8, 8, 3, 3, 1, 1, 2 },
        { 2, 5, 9, 13, 3, 3, 0, 1, 3 },
        { 3, 67, 30, 17, 5, 5, 2, 1, 2 },
        { 4, 9, 8, 8, 7, 7, 3, 1, 2 },
        { 1, 19, 11, 12, 1, 1, 0, 1, 2 },
        { 2, 16, 14, 14, 3, 3, 1, 2, 2 },
        { 4, 8, 13, 9, 5, 3, 2, 1, 3 },
        { 1, 10, 5, 3, 3, 3, 1, 1, 2 }, // a plane of 15 pixels: no whole block of 16
        { 3, 4, 6, 7, 3, 5, 0, 1, 1 },  // a 4x3 plane: narrower than every vector but 128-bit
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardAndParameterGradientsMatchTheReferenceWithTheSameBitsAtEveryWidth(int inChannels, int outChannels, int height, int width, int kernelHeight, int kernelWidth, int padding, int dilation, int batch)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(inChannels, outChannels, height, width, kernelHeight, kernelWidth, padding, dilation);
        var random = new Random(inChannels * 1000 + outChannels * 10 + kernelHeight);
        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, batch * model.InputSize);
        float[] dy = TestData.Uniform(random, batch * model.OutputSize);
        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
        ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));
        string layer = $"Conv2D {inChannels}->{outChannels} on {height}x{width}, kernel {kernelHeight}x{kernelWidth}, padding {padding}, dilation {dilation}, batch {batch}";

        (float[] Output, float[] Gradients)? first = null;
        foreach (int bits in Widths)
        {
            (float[] output, float[] gradients) = Run(parameters, x, dy, batch, g, bits);
            Tolerance.AssertOutputsClose(trace.Outputs, output, $"{layer}, {bits}-bit vectors: forward");
            Tolerance.AssertClose(expected.Parameters, gradients, $"{layer}, {bits}-bit vectors: weight and bias gradients");
            if (first is { } widest)
            {
                ExtremeValues.AssertSameBits(widest.Output, output, $"{layer}: forward at {bits} bits against {Widths[0]}");
                ExtremeValues.AssertSameBits(widest.Gradients, gradients, $"{layer}: gradients at {bits} bits against {Widths[0]}");
            }

            first ??= (output, gradients);
        }
    }

    /// <summary>
    /// Infinities, NaNs, signed zeros and huge values in the inputs and gradients: the weight gradient's tail lanes past
    /// the plane are masked (a padding zero times an infinite input would give NaN), and every width gives the same bits.
    /// </summary>
    [Theory]
    [InlineData(1, 10, 5, 3, 3)]
    [InlineData(2, 7, 9, 13, 3)]
    [InlineData(1, 32, 28, 28, 3)]
    public void ExtremeValuesGiveTheSameBitsAtEveryWidth(int inChannels, int outChannels, int height, int width, int kernel)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(inChannels, outChannels, height, width, kernel, kernel, kernel / 2, 1);
        const int Batch = 3;
        var random = new Random(height * 100 + width);
        float[] parameters = ExtremeValues.Draw(random, model.ParameterCount);
        float[] x = ExtremeValues.Draw(random, Batch * model.InputSize);
        x[^1] = float.PositiveInfinity;
        x[0] = float.NegativeInfinity;
        float[] dy = ExtremeValues.Draw(random, Batch * model.OutputSize);

        (float[] output, float[] gradients) = Run(parameters, x, dy, Batch, g, Widths[0]);
        foreach (int bits in Widths[1..])
        {
            (float[] narrowOutput, float[] narrowGradients) = Run(parameters, x, dy, Batch, g, bits);
            ExtremeValues.AssertSameBits(output, narrowOutput, $"forward at {bits} bits");
            ExtremeValues.AssertSameBits(gradients, narrowGradients, $"gradients at {bits} bits");
        }
    }

    /// <summary>
    /// The weight gradient's last vector of a plane that is not whole blocks of 16 reads past the plane in its masked-off
    /// lanes: for kernel row 0 that is the input's last row, which no pixel of row 0 reads. An infinite last row must
    /// then leave kernel row 0's weight gradients finite (an unmasked lane would add infinity times a padding zero, NaN),
    /// at every width and with the same bits.
    /// </summary>
    [Theory]
    [InlineData(1, 8, 9, 13)]  // 117 pixels: 7 blocks and 5
    [InlineData(2, 9, 5, 3)]   // 15 pixels: no whole block
    [InlineData(1, 16, 30, 17)] // 510 pixels: 31 blocks and 14
    public void LanesPastThePlaneLeaveTheWeightGradientAlone(int inChannels, int outChannels, int height, int width)
    {
        var g = new WindowGeometry(inChannels, height, width, outChannels, height, width, 3, 3, 1, 1, 1, 1, 1, 1);
        const int Batch = 2;
        var random = new Random(height * width);
        float[] x = TestData.Uniform(random, Batch * g.InputSize), dy = TestData.Uniform(random, Batch * g.OutputSize);
        for (int n = 0; n < Batch; n++)
        {
            for (int ic = 0; ic < inChannels; ic++)
            {
                x.AsSpan(n * g.InputSize + ic * g.InPlane + (height - 1) * width, width).Fill(float.PositiveInfinity);
            }
        }

        float[] parameters = TestData.Uniform(random, outChannels * inChannels * 9 + outChannels);
        float[]? widest = null;
        foreach (int bits in Widths)
        {
            float[] gradients = Run(parameters, x, dy, Batch, g, bits).Gradients;
            for (int oc = 0; oc < outChannels; oc++)
            {
                for (int ic = 0; ic < inChannels; ic++)
                {
                    for (int kw = 0; kw < 3; kw++)
                    {
                        float weight = gradients[(oc * inChannels + ic) * 9 + kw];
                        Assert.True(float.IsFinite(weight), $"{bits}-bit vectors: the gradient of weight [{oc}, {ic}, 0, {kw}] is {weight}");
                    }
                }
            }

            if (widest is not null)
            {
                ExtremeValues.AssertSameBits(widest, gradients, $"gradients at {bits} bits against {Widths[0]}");
            }

            widest ??= gradients;
        }
    }

    /// <summary>
    /// The weight gradient runs each sample's plane in chunks of pixels (their input copies stay in L1 while every block of
    /// channels reads them) and carries its partial sums between them: any chunk size gives the bits of one chunk.
    /// </summary>
    [Theory]
    [InlineData(1, 32, 28, 28, 3, 1)]
    [InlineData(3, 11, 30, 17, 5, 2)]
    [InlineData(2, 8, 30, 17, 3, 0)]
    public void TheParameterGradientsHaveTheSameBitsWhateverTheChunkSize(int inChannels, int outChannels, int height, int width, int kernel, int padding)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(inChannels, outChannels, height, width, kernel, kernel, padding, 1);
        const int Batch = 3;
        var random = new Random(outChannels);
        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, Batch * model.InputSize), dy = TestData.Uniform(random, Batch * model.OutputSize);

        (float[] Gradients, int BlocksPerChunk) Gradients(int bytesPerChunk)
        {
            int saved = FlatPlaneConvolution.BytesPerChunk;
            FlatPlaneConvolution.BytesPerChunk = bytesPerChunk;
            try
            {
                return (Run(parameters, x, dy, Batch, g, ElementwiseKernels.MaximumVectorBits).Gradients, FlatPlaneConvolution.BlocksPerChunk(g));
            }
            finally
            {
                FlatPlaneConvolution.BytesPerChunk = saved;
            }
        }

        (float[] oneChunk, int wholePlane) = Gradients(int.MaxValue / 2);
        var chunkSizes = new System.Collections.Generic.SortedSet<int> { wholePlane };
        foreach (int bytesPerChunk in new[] { 1, 20_000, 40_000 })
        {
            (float[] gradients, int blocksPerChunk) = Gradients(bytesPerChunk);
            chunkSizes.Add(blocksPerChunk);
            ExtremeValues.AssertSameBits(oneChunk, gradients, $"chunks of {blocksPerChunk} blocks of 16 pixels");
        }

        Assert.True(chunkSizes.Count >= 2, $"the budgets must give chunks of a few blocks and of the whole plane: {string.Join(", ", chunkSizes)}");
    }

    /// <summary>
    /// N4's first layer takes these kernels through the public entry points (forward, and backward without an input
    /// gradient) and they allocate nothing after warm-up; with an input gradient the backward pass keeps the other kernels.
    /// </summary>
    [Fact]
    public void TheFirstLayerOfN4TakesTheseKernelsAndAllocatesNothing()
    {
        var g = new WindowGeometry(1, 28, 28, 32, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(FlatPlaneConvolution.TakesForward(g) && FlatPlaneConvolution.TakesParameterGradients(g));
        Assert.False(FlatPlaneConvolution.TakesForward(g with { StrideHeight = 2, StrideWidth = 2, OutHeight = 14, OutWidth = 14 }));
        Assert.False(FlatPlaneConvolution.TakesForward(g with { InChannels = 16 }));
        Assert.False(FlatPlaneConvolution.TakesParameterGradients(g with { InHeight = 8, InWidth = 8, OutHeight = 8, OutWidth = 8 }));
        const int Batch = 4;
        var random = new Random(4);
        float[] x = TestData.Uniform(random, Batch * g.InputSize), weight = TestData.Uniform(random, 32 * 9), bias = TestData.Uniform(random, 32);
        float[] dz = TestData.Uniform(random, Batch * g.OutputSize);
        float[] y = new float[Batch * g.OutputSize], expectedY = new float[y.Length];
        float[] weightGradient = new float[weight.Length], biasGradient = new float[32];
        float[] expectedWeightGradient = new float[weight.Length], expectedBiasGradient = new float[32];

        ConvolutionKernels.Forward(x, weight, bias, y, Batch, g);
        FlatPlaneConvolution.Forward(x, weight, bias, expectedY, Batch, g);
        ExtremeValues.AssertSameBits(expectedY, y, "forward through ConvolutionKernels");
        ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, default, Batch, g);
        FlatPlaneConvolution.ParameterGradients(x, dz, expectedWeightGradient, expectedBiasGradient, Batch, g);
        ExtremeValues.AssertSameBits(expectedWeightGradient, weightGradient, "weight gradient through ConvolutionKernels");
        ExtremeValues.AssertSameBits(expectedBiasGradient, biasGradient, "bias gradient through ConvolutionKernels");

        AllocationAssert.None("FlatPlaneConvolution forward", () => ConvolutionKernels.Forward(x, weight, bias, y, Batch, g), 3, 5);
        AllocationAssert.None("FlatPlaneConvolution parameter gradients", () => ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, default, Batch, g), 3, 5);
    }

    private static (ReferenceModel Model, WindowGeometry Geometry) Layer(int inChannels, int outChannels, int height, int width, int kernelHeight, int kernelWidth, int padding, int dilation)
    {
        var model = new ReferenceModel([inChannels, height, width], R.Conv2D(outChannels, kernelHeight, kernelWidth, "c", 1, 1, padding, padding, dilation, dilation, true));
        int[] shape = model.OutputShape;
        var g = new WindowGeometry(inChannels, height, width, outChannels, shape[1], shape[2], kernelHeight, kernelWidth, 1, 1, padding, padding, dilation, dilation);
        return (model, g);
    }

    // The forward output and the parameter gradients (weights, then bias) of the flat-plane kernels at a vector width.
    private static (float[] Output, float[] Gradients) Run(float[] parameters, float[] x, float[] dy, int batch, WindowGeometry g, int vectorBits)
    {
        int weights = g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth;
        var output = new float[dy.Length];
        var gradients = new float[parameters.Length];
        VectorBits.With(vectorBits, () =>
        {
            output.AsSpan().Fill(float.NaN);
            FlatPlaneConvolution.Forward(x, parameters.AsSpan(0, weights), parameters.AsSpan(weights, g.OutChannels), output, batch, g);
            FlatPlaneConvolution.ParameterGradients(x, dy, gradients.AsSpan(0, weights), gradients.AsSpan(weights, g.OutChannels), batch, g);
        });
        return (output, gradients);
    }
}
