using System;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using NetDsl.TestSupport;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// The flat-plane input gradient (input pixels in the lanes, the output gradient in zero-bordered planes) against the
/// double-precision oracle, with the same bits at every vector width (512, 256, 128, scalar): 1-4 input channels (the
/// one- and two-channel tiles, and 3 = a pair and a single; row tiles for one channel and 3-row kernels on 12 rows or
/// more, the last overlapping the one before), kernels 1-7 and non-square, no padding (the widest
/// borders), padding up to the kernel's extent (no border), dilation, planes shorter than a tile and than a 512-bit
/// vector's tail, and the dispatch through <see cref="ConvolutionKernels.Backward"/>.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class FlatPlaneInputGradientTests
{
    private static readonly int[] Widths = [512, 256, 128, 0];

    /// <summary>in channels, out channels, height, width, kernel height, kernel width, padding, dilation, batch.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Geometries() => new()
    {
        { 1, 32, 28, 28, 3, 3, 1, 1, 3 }, // N4's first layer
        { 1, 8, 8, 8, 3, 3, 0, 1, 2 },    // no padding: two zero columns each side
        { 2, 9, 9, 13, 3, 3, 2, 1, 2 },   // padding = the kernel's extent: no border
        { 3, 16, 11, 17, 5, 5, 2, 1, 2 }, // a pair tile and a single tile
        { 4, 8, 13, 9, 7, 7, 3, 1, 2 },
        { 1, 19, 11, 12, 1, 1, 0, 1, 2 }, // 1x1: no border at all
        { 2, 16, 14, 14, 3, 3, 1, 2, 2 }, // dilation
        { 4, 10, 12, 10, 5, 3, 1, 1, 3 }, // non-square kernel, padding below the extent on both axes
        { 1, 12, 4, 16, 3, 3, 1, 1, 2 },  // a plane of 64 pixels: shorter than a 12-vector tile at 512 bits
        { 3, 8, 5, 3, 3, 3, 1, 1, 2 },    // 15 pixels: one 128-bit vector overlapping its neighbour
        { 1, 8, 12, 5, 3, 3, 1, 1, 2 },   // one row tile exactly, on rows narrower than a 256-bit vector
        { 3, 9, 13, 21, 3, 3, 0, 1, 2 },  // a pair, then a channel in row tiles, the last overlapping the first
        { 1, 10, 25, 7, 3, 5, 2, 1, 2 },  // row tiles with a 5-column kernel and padding of the whole extent
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void TheInputGradientMatchesTheReferenceWithTheSameBitsAtEveryWidth(int inChannels, int outChannels, int height, int width, int kernelHeight, int kernelWidth, int padding, int dilation, int batch)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(inChannels, outChannels, height, width, kernelHeight, kernelWidth, padding, dilation);
        var random = new Random(inChannels * 1000 + outChannels * 10 + kernelHeight);
        float[] parameters = TestData.Uniform(random, model.ParameterCount);
        float[] x = TestData.Uniform(random, batch * model.InputSize);
        float[] dy = TestData.Uniform(random, batch * model.OutputSize);
        ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
        ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));
        string layer = $"Conv2D {inChannels}->{outChannels} on {height}x{width}, kernel {kernelHeight}x{kernelWidth}, padding {padding}, dilation {dilation}, batch {batch}";

        float[]? widest = null;
        foreach (int bits in Widths)
        {
            float[] dx = Run(parameters, dy, x.Length, batch, g, bits);
            Tolerance.AssertClose(expected.Inputs, dx, $"{layer}, {bits}-bit vectors: input gradient");
            if (widest is not null)
            {
                ExtremeValues.AssertSameBits(widest, dx, $"{layer}: input gradient at {bits} bits against {Widths[0]}");
            }

            widest ??= dx;
        }
    }

    /// <summary>
    /// Infinities, NaNs, signed zeros and huge values in the output gradient: a row's dropped columns read across into the
    /// next row and the next plane, and whatever they compute must not reach <c>dx</c>; every width gives the same bits.
    /// </summary>
    [Theory]
    [InlineData(1, 10, 9, 7, 3, 1)]
    [InlineData(3, 8, 12, 11, 5, 0)]
    public void ExtremeValuesGiveTheSameBitsAtEveryWidth(int inChannels, int outChannels, int height, int width, int kernel, int padding)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(inChannels, outChannels, height, width, kernel, kernel, padding, 1);
        const int Batch = 2;
        var random = new Random(height * 100 + width);
        float[] weight = TestData.Uniform(random, model.ParameterCount);
        float[] dy = ExtremeValues.Draw(random, Batch * model.OutputSize);
        dy[^1] = float.PositiveInfinity;
        dy[0] = float.NegativeInfinity;

        float[] dx = Run(weight, dy, Batch * model.InputSize, Batch, g, Widths[0]);
        foreach (int bits in Widths[1..])
        {
            ExtremeValues.AssertSameBits(dx, Run(weight, dy, Batch * model.InputSize, Batch, g, bits), $"input gradient at {bits} bits");
        }
    }

    /// <summary>
    /// A pixel's dropped columns read the next row's first gradients: an infinity there must not leak into the pixels of
    /// the row before, which read it only in a lane that is dropped (finite weights and gradients elsewhere give a finite
    /// input gradient everywhere the infinity's windows do not reach).
    /// </summary>
    [Theory]
    [InlineData(6)]  // flattened tiles
    [InlineData(14)] // row tiles
    public void ADroppedColumnsReadNeverReachesTheInputGradient(int height)
    {
        (ReferenceModel model, WindowGeometry g) = Layer(1, 8, height, 20, 3, 3, 0, 1);
        var random = new Random(5);
        float[] weight = TestData.Uniform(random, model.ParameterCount);
        float[] dy = TestData.Uniform(random, model.OutputSize);
        dy[g.OutWidth] = float.PositiveInfinity; // channel 0, output row 1, column 0: read by input rows 1-3, columns 0-2
        float[] dx = Run(weight, dy, model.InputSize, 1, g, Widths[0]);
        for (int ih = 0; ih < g.InHeight; ih++)
        {
            for (int iw = 0; iw < g.InWidth; iw++)
            {
                bool reached = ih is >= 1 and <= 3 && iw <= 2;
                Assert.True(reached || float.IsFinite(dx[ih * g.InWidth + iw]), $"dx[{ih}, {iw}] = {dx[ih * g.InWidth + iw]} away from the infinity's windows");
            }
        }
    }

    [Fact]
    public void WhatItTakes()
    {
        var g = new WindowGeometry(1, 28, 28, 32, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(FlatPlaneInputGradient.Takes(g));
        Assert.False(FlatPlaneInputGradient.Takes(g with { StrideHeight = 2, StrideWidth = 2, OutHeight = 14, OutWidth = 14 }));
        Assert.False(FlatPlaneInputGradient.Takes(g with { InChannels = 5 }));
        Assert.False(FlatPlaneInputGradient.Takes(g with { OutChannels = 4 }));
        Assert.False(FlatPlaneInputGradient.Takes(g with { PadTop = 3, PadLeft = 3, OutHeight = 32, OutWidth = 32 })); // padding past the kernel's extent
    }

    /// <summary>
    /// N4's first layer asked for its input gradient (a saliency map): <see cref="ConvolutionKernels.Backward"/> takes the
    /// flat-plane kernels for both gradients, with the parameter gradients' bits those of a backward pass without the input
    /// gradient, and allocates nothing after warm-up.
    /// </summary>
    [Fact]
    public void TheFirstLayerOfN4TakesItThroughConvolutionKernelsAndAllocatesNothing()
    {
        var g = new WindowGeometry(1, 28, 28, 32, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1);
        const int Batch = 3;
        var random = new Random(6);
        float[] x = TestData.Uniform(random, Batch * g.InputSize), weight = TestData.Uniform(random, 32 * 9);
        float[] dz = TestData.Uniform(random, Batch * g.OutputSize);
        float[] weightGradient = new float[weight.Length], biasGradient = new float[32], dx = new float[x.Length];
        float[] alone = new float[weight.Length], aloneBias = new float[32], expectedDx = new float[x.Length];

        ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, dx, Batch, g);
        ConvolutionKernels.Backward(x, weight, dz, alone, aloneBias, default, Batch, g);
        FlatPlaneInputGradient.Compute(weight, dz, expectedDx, Batch, g);
        ExtremeValues.AssertSameBits(alone, weightGradient, "weight gradient with and without the input gradient");
        ExtremeValues.AssertSameBits(aloneBias, biasGradient, "bias gradient with and without the input gradient");
        ExtremeValues.AssertSameBits(expectedDx, dx, "input gradient through ConvolutionKernels");

        AllocationAssert.None("FlatPlaneInputGradient", () => ConvolutionKernels.Backward(x, weight, dz, weightGradient, biasGradient, dx, Batch, g), 3, 5);
    }

    private static (ReferenceModel Model, WindowGeometry Geometry) Layer(int inChannels, int outChannels, int height, int width, int kernelHeight, int kernelWidth, int padding, int dilation)
    {
        var model = new ReferenceModel([inChannels, height, width], R.Conv2D(outChannels, kernelHeight, kernelWidth, "c", 1, 1, padding, padding, dilation, dilation, false));
        int[] shape = model.OutputShape;
        var g = new WindowGeometry(inChannels, height, width, outChannels, shape[1], shape[2], kernelHeight, kernelWidth, 1, 1, padding, padding, dilation, dilation);
        return (model, g);
    }

    // The input gradient at a vector width, into a NaN-filled span (every element must be written).
    private static float[] Run(float[] weight, float[] dy, int inputLength, int batch, WindowGeometry g, int vectorBits)
    {
        var dx = new float[inputLength];
        VectorBits.With(vectorBits, () =>
        {
            dx.AsSpan().Fill(float.NaN);
            FlatPlaneInputGradient.Compute(weight, dy, dx, batch, g);
        });
        return dx;
    }
}
