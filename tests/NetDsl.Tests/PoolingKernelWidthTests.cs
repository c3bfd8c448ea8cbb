using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// Max pooling (the vectorized 2x2 kernel and <see cref="WindowMaxPooling"/> for every other window, padded and dilated
/// ones included) at every vector width: random data against the oracle, and data full of ties, zeros, infinities and
/// NaNs against the rule written out here (the output is the window's maximum, NaN if the window holds one, padding never;
/// the gradient goes to the first maximum in row-major order, or to the first NaN), which the oracle's near-tie filter
/// cannot check.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class PoolingKernelWidthTests
{
    public static TheoryData<int> VectorWidths() => [512, 256, 128, 0];

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void UnpaddedMaxPoolingMatchesTheReference(int vectorBits) =>
        AssertMatchesTheReference(vectorBits, new Random(vectorBits + 7), random =>
        {
            int kernel = random.Next(3) == 0 ? 3 : 2;
            return (kernel, random.Next(4) == 0 ? 1 : kernel, 0);
        });

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void PaddedMaxPoolingMatchesTheReference(int vectorBits) =>
        AssertMatchesTheReference(vectorBits, new Random(vectorBits + 5), random =>
        {
            int kernel = 2 + random.Next(4);
            return (kernel, 1 + random.Next(3), random.Next(kernel / 2 + 1));
        });

    // 40 random pools (kernel, stride and padding drawn by `draw`) away from the oracle's kinks, forward and backward.
    private static void AssertMatchesTheReference(int vectorBits, Random random, Func<Random, (int Kernel, int Stride, int Padding)> draw)
    {
        VectorBits.With(vectorBits, () =>
        {
            for (int done = 0; done < 40;)
            {
                (int kernel, int stride, int padding) = draw(random);
                int c = 1 + random.Next(3), h = kernel + random.Next(8), w = kernel + random.Next(36), batch = 1 + random.Next(3);
                var model = new ReferenceModel([c, h, w], R.MaxPool2D(kernel, stride, padding));
                float[] x = TestData.Uniform(random, batch * model.InputSize);
                ReferenceTrace trace = model.Train([], [], LayerTestSupport.D(x), batch);
                if (trace.Margin() < LayerTestSupport.KinkMargin)
                {
                    continue;
                }

                done++;
                int[] shape = model.OutputShape;
                var g = new WindowGeometry(c, h, w, c, shape[1], shape[2], kernel, kernel, stride, stride, padding, padding, 1, 1);
                string what = $"{vectorBits}-bit vectors: max pool {kernel}x{kernel} stride {stride} padding {padding} on [{c}, {h}, {w}], batch {batch}";
                float[] dy = TestData.Uniform(random, batch * model.OutputSize);
                var y = new float[dy.Length];
                var dx = new float[x.Length];
                dx.AsSpan().Fill(float.NaN);
                PoolingKernels.MaxForward(x, y, batch, g);
                PoolingKernels.MaxBackward(x, dy, dx, batch, g);
                Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: forward");
                Tolerance.AssertClose(trace.Backward(LayerTestSupport.D(dy)).Inputs, dx, $"{what}: input gradients");
            }
        });
    }

    /// <summary>Every window geometry the kernels take: square and oblong kernels, strides, padding and dilation.</summary>
    public static TheoryData<int, int, int, int, int, int, int> RuleGeometries() => new()
    {
        // kernel height, kernel width, stride, padding top, padding left, dilation height, dilation width
        { 2, 2, 2, 0, 0, 1, 1 },
        { 3, 3, 3, 0, 0, 1, 1 },
        { 2, 2, 1, 0, 0, 1, 1 },
        { 4, 4, 4, 0, 0, 1, 1 },
        { 3, 3, 2, 1, 1, 1, 1 },
        { 5, 5, 1, 2, 2, 1, 1 },
        { 3, 2, 2, 1, 0, 1, 1 },
        { 3, 3, 1, 1, 1, 2, 2 },
        { 2, 3, 2, 0, 1, 3, 1 },
        { 1, 4, 3, 0, 2, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void TiesAndNaNsFollowTheFirstMaximumRule(int vectorBits)
    {
        VectorBits.With(vectorBits, () =>
        {
            var random = new Random(vectorBits + 11);
            float[] palette = [0f, 0f, 1f, 1f, -1f, 2f, float.NaN, -0f, float.NegativeInfinity];
            foreach (object[] row in RuleGeometries())
            {
                (int kh, int kw, int stride, int padTop, int padLeft, int dh, int dw) = ((int)row[0], (int)row[1], (int)row[2], (int)row[3], (int)row[4], (int)row[5], (int)row[6]);
                foreach (int w in new[] { 2, 9, 16, 17, 23, 31, 40 })
                {
                    int h = kh * dh + 3, c = 2, batch = 2;
                    int oh = (h + 2 * padTop - dh * (kh - 1) - 1) / stride + 1, ow = (w + 2 * padLeft - dw * (kw - 1) - 1) / stride + 1;
                    if (ow < 1)
                    {
                        continue;
                    }

                    var g = new WindowGeometry(c, h, w, c, oh, ow, kh, kw, stride, stride, padTop, padLeft, dh, dw);
                    var x = new float[batch * g.InputSize];
                    for (int i = 0; i < x.Length; i++)
                    {
                        x[i] = palette[random.Next(palette.Length)];
                    }

                    float[] dy = TestData.Uniform(random, batch * g.OutputSize, 0.5f, 1.5f);
                    (float[] expectedY, float[] expectedDx) = FirstMaximumRule(x, dy, batch, g);
                    var y = new float[dy.Length];
                    var dx = new float[x.Length];
                    dx.AsSpan().Fill(-7f);
                    PoolingKernels.MaxForward(x, y, batch, g);
                    PoolingKernels.MaxBackward(x, dy, dx, batch, g);
                    string what = $"{vectorBits}-bit vectors, {kh}x{kw} windows, stride {stride}, padding {padTop},{padLeft}, dilation {dh},{dw}, width {w}";
                    for (int i = 0; i < y.Length; i++)
                    {
                        Assert.True(expectedY[i].Equals(y[i]) || expectedY[i] == y[i], $"{what}: output {i} is {y[i]}, the rule gives {expectedY[i]}");
                    }

                    for (int i = 0; i < dx.Length; i++)
                    {
                        Assert.True(expectedDx[i] == dx[i], $"{what}: input gradient {i} is {dx[i]}, the rule gives {expectedDx[i]}");
                    }
                }
            }
        });
    }

    [Fact]
    public void AveragePoolingSumsInTheRuleOrderWithTheSameBits()
    {
        var random = new Random(17);
        foreach (object[] row in RuleGeometries())
        {
            (int kh, int kw, int stride, int padTop, int padLeft, int dh, int dw) = ((int)row[0], (int)row[1], (int)row[2], (int)row[3], (int)row[4], (int)row[5], (int)row[6]);
            foreach (int w in new[] { 3, 9, 17, 40 })
            {
                int h = kh * dh + 4, c = 3, batch = 2;
                int oh = (h + 2 * padTop - dh * (kh - 1) - 1) / stride + 1, ow = (w + 2 * padLeft - dw * (kw - 1) - 1) / stride + 1;
                if (ow < 1)
                {
                    continue;
                }

                var g = new WindowGeometry(c, h, w, c, oh, ow, kh, kw, stride, stride, padTop, padLeft, dh, dw);
                float[] x = TestData.Uniform(random, batch * g.InputSize, -3f, 3f), dy = TestData.Uniform(random, batch * g.OutputSize);
                foreach (bool countIncludePad in new[] { true, false })
                {
                    (float[] expectedY, float[] expectedDx) = AverageRule(x, dy, batch, g, countIncludePad);
                    var y = new float[dy.Length];
                    var dx = new float[x.Length];
                    dx.AsSpan().Fill(float.NaN);
                    PoolingKernels.AverageForward(x, y, batch, g, countIncludePad);
                    PoolingKernels.AverageBackward(dy, dx, batch, g, countIncludePad);
                    string what = $"average {kh}x{kw}, stride {stride}, padding {padTop},{padLeft}, dilation {dh},{dw}, width {w}, countIncludePad {countIncludePad}";
                    ExtremeValues.AssertSameBits(expectedY, y, what + ": forward");
                    ExtremeValues.AssertSameBits(expectedDx, dx, what + ": backward");
                }
            }
        }
    }

    // The rule: each output sums its taps inside the input from 0, rows then columns, and divides by PyTorch's divisor
    // (the window clipped to the padded input, or only its taps inside the input); the backward pass adds each output's
    // share to those taps, outputs in order.
    private static (float[] Y, float[] Dx) AverageRule(float[] x, float[] dy, int batch, WindowGeometry g, bool countIncludePad)
    {
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        for (int plane = 0; plane < batch * g.OutChannels; plane++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int h0 = oh * g.StrideHeight - g.PadTop, w0 = ow * g.StrideWidth - g.PadLeft;
                    int divisor = countIncludePad
                        ? (Math.Min(h0 + g.KernelHeight, g.InHeight + g.PadTop) - h0) * (Math.Min(w0 + g.KernelWidth, g.InWidth + g.PadLeft) - w0)
                        : Enumerable.Range(0, g.KernelHeight).Count(k => h0 + k >= 0 && h0 + k < g.InHeight) * Enumerable.Range(0, g.KernelWidth).Count(k => w0 + k >= 0 && w0 + k < g.InWidth);
                    var taps = new List<int>();
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int ih = h0 + kh * g.DilationHeight, iw = w0 + kw * g.DilationWidth;
                            if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                            {
                                taps.Add((plane * g.InHeight + ih) * g.InWidth + iw);
                            }
                        }
                    }

                    int o = (plane * g.OutHeight + oh) * g.OutWidth + ow;
                    float sum = 0f;
                    foreach (int i in taps)
                    {
                        sum += x[i];
                    }

                    y[o] = sum / divisor;
                    float share = dy[o] / divisor;
                    foreach (int i in taps)
                    {
                        dx[i] += share;
                    }
                }
            }
        }

        return (y, dx);
    }

    // The rule: padding is never chosen; the first NaN of the window in row-major order, else its first maximum.
    private static (float[] Y, float[] Dx) FirstMaximumRule(float[] x, float[] dy, int batch, WindowGeometry g)
    {
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        for (int plane = 0; plane < batch * g.OutChannels; plane++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    var window = new List<int>();
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight, iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                            {
                                window.Add((plane * g.InHeight + ih) * g.InWidth + iw);
                            }
                        }
                    }

                    int first = window.FirstOrDefault(i => float.IsNaN(x[i]), -1);
                    if (first < 0)
                    {
                        first = window[0];
                        foreach (int i in window)
                        {
                            if (x[i] > x[first])
                            {
                                first = i;
                            }
                        }
                    }

                    int o = (plane * g.OutHeight + oh) * g.OutWidth + ow;
                    y[o] = x[first];
                    dx[first] += dy[o];
                }
            }
        }

        return (y, dx);
    }
}
