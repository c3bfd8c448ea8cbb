using System;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// Max pooling without padding (the vectorized 2x2 kernel and the unpadded scalar kernel) at every vector width: random
/// data against the oracle, and data full of ties, zeros and NaNs against the rule written out here (the output is the
/// window's maximum, NaN if the window holds one; the gradient goes to the first maximum in row-major order, or to the
/// first NaN), which the oracle's near-tie filter cannot check.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class PoolingKernelWidthTests
{
    public static TheoryData<int> VectorWidths() => [512, 256, 128, 0];

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void UnpaddedMaxPoolingMatchesTheReference(int vectorBits)
    {
        VectorBits.With(vectorBits, () =>
        {
            var random = new Random(vectorBits + 7);
            for (int done = 0; done < 40;)
            {
                int kernel = random.Next(3) == 0 ? 3 : 2, stride = random.Next(4) == 0 ? 1 : kernel;
                int c = 1 + random.Next(3), h = kernel + random.Next(8), w = kernel + random.Next(36), batch = 1 + random.Next(3);
                var model = new ReferenceModel([c, h, w], R.MaxPool2D(kernel, stride, 0));
                float[] x = TestData.Uniform(random, batch * model.InputSize);
                ReferenceTrace trace = model.Train([], [], LayerTestSupport.D(x), batch);
                if (trace.Margin() < LayerTestSupport.KinkMargin)
                {
                    continue;
                }

                done++;
                int[] shape = model.OutputShape;
                var g = new WindowGeometry(c, h, w, c, shape[1], shape[2], kernel, kernel, stride, stride, 0, 0, 1, 1);
                string what = $"{vectorBits}-bit vectors: max pool {kernel}x{kernel} stride {stride} on [{c}, {h}, {w}], batch {batch}";
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

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void TiesAndNaNsFollowTheFirstMaximumRule(int vectorBits)
    {
        VectorBits.With(vectorBits, () =>
        {
            var random = new Random(vectorBits + 11);
            float[] palette = [0f, 0f, 1f, 1f, -1f, 2f, float.NaN, -0f];
            foreach (int w in new[] { 2, 9, 16, 17, 23, 31, 40 })
            {
                foreach (int kernel in new[] { 2, 3 })
                {
                    int h = kernel + 3, c = 2, batch = 2, oh = (h - kernel) / kernel + 1, ow = (w - kernel) / kernel + 1;
                    if (w < kernel)
                    {
                        continue;
                    }

                    var g = new WindowGeometry(c, h, w, c, oh, ow, kernel, kernel, kernel, kernel, 0, 0, 1, 1);
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
                    string what = $"{vectorBits}-bit vectors, {kernel}x{kernel} windows, width {w}";
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

    // The rule, written for windows that tile the input without padding.
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
                    int first = -1;
                    for (int kh = 0; kh < g.KernelHeight && first < 0; kh++)
                    {
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int i = (plane * g.InHeight + (oh * g.StrideHeight) + kh) * g.InWidth + (ow * g.StrideWidth) + kw;
                            if (float.IsNaN(x[i]))
                            {
                                first = i;
                                break;
                            }
                        }
                    }

                    if (first < 0)
                    {
                        for (int kh = 0; kh < g.KernelHeight; kh++)
                        {
                            for (int kw = 0; kw < g.KernelWidth; kw++)
                            {
                                int i = (plane * g.InHeight + (oh * g.StrideHeight) + kh) * g.InWidth + (ow * g.StrideWidth) + kw;
                                if (first < 0 || x[i] > x[first])
                                {
                                    first = i;
                                }
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
