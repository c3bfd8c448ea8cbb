using System;
using System.Numerics.Tensors;

namespace NetDsl.Kernels;

/// <summary>
/// Direct convolution over a batch in PyTorch's layouts (<c>x</c> <c>[N, Cin, H, W]</c>, <c>weight</c>
/// <c>[Cout, Cin, KH, KW]</c>, <c>y</c> <c>[N, Cout, OH, OW]</c>); rows of stride-1 layers are vectorized with
/// <see cref="TensorPrimitives"/>. Generated code calls these for convolutions above the unroll limit.
/// </summary>
public static class ConvolutionKernels
{
    /// <summary><c>y = conv(x, weight) + bias</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        Check(x, y, weight, batch, g);
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xSample = x.Slice(n * g.InputSize, g.InputSize);
            Span<float> ySample = y.Slice(n * g.OutputSize, g.OutputSize);
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                Span<float> plane = ySample.Slice(oc * g.OutPlane, g.OutPlane);
                plane.Fill(bias.IsEmpty ? 0f : bias[oc]);
                for (int ic = 0; ic < g.InChannels; ic++)
                {
                    ReadOnlySpan<float> xPlane = xSample.Slice(ic * g.InPlane, g.InPlane);
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        (int firstRow, int lastRow) = g.ValidRows(kh);
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            float w = weight[((oc * g.InChannels + ic) * g.KernelHeight + kh) * g.KernelWidth + kw];
                            (int firstColumn, int lastColumn) = g.ValidColumns(kw);
                            int count = lastColumn - firstColumn;
                            if (count <= 0)
                            {
                                continue;
                            }

                            for (int oh = firstRow; oh < lastRow; oh++)
                            {
                                int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                int iw0 = firstColumn * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                Span<float> yRow = plane.Slice(oh * g.OutWidth + firstColumn, count);
                                if (g.StrideWidth == 1)
                                {
                                    TensorPrimitives.MultiplyAdd(xPlane.Slice(ih * g.InWidth + iw0, count), w, yRow, yRow);
                                }
                                else
                                {
                                    for (int i = 0; i < count; i++)
                                    {
                                        yRow[i] += w * xPlane[ih * g.InWidth + iw0 + i * g.StrideWidth];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the parameter gradients of a batch (<c>dW += dz (*) x</c>, <c>db += sum of dz</c>) and, unless
    /// <paramref name="dx"/> is empty, overwrites <paramref name="dx"/> with the input gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        Check(x, dz, weight, batch, g);
        bool inputGradient = !dx.IsEmpty;
        if (inputGradient)
        {
            dx.Slice(0, batch * g.InputSize).Clear();
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xSample = x.Slice(n * g.InputSize, g.InputSize);
            ReadOnlySpan<float> dzSample = dz.Slice(n * g.OutputSize, g.OutputSize);
            Span<float> dxSample = inputGradient ? dx.Slice(n * g.InputSize, g.InputSize) : default;
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                ReadOnlySpan<float> dzPlane = dzSample.Slice(oc * g.OutPlane, g.OutPlane);
                if (!biasGradient.IsEmpty)
                {
                    biasGradient[oc] += TensorPrimitives.Sum(dzPlane);
                }

                for (int ic = 0; ic < g.InChannels; ic++)
                {
                    ReadOnlySpan<float> xPlane = xSample.Slice(ic * g.InPlane, g.InPlane);
                    Span<float> dxPlane = inputGradient ? dxSample.Slice(ic * g.InPlane, g.InPlane) : default;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        (int firstRow, int lastRow) = g.ValidRows(kh);
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int wIndex = ((oc * g.InChannels + ic) * g.KernelHeight + kh) * g.KernelWidth + kw;
                            float w = weight[wIndex];
                            (int firstColumn, int lastColumn) = g.ValidColumns(kw);
                            int count = lastColumn - firstColumn;
                            if (count <= 0)
                            {
                                continue;
                            }

                            float sum = 0f;
                            for (int oh = firstRow; oh < lastRow; oh++)
                            {
                                int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                int iw0 = firstColumn * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                ReadOnlySpan<float> dzRow = dzPlane.Slice(oh * g.OutWidth + firstColumn, count);
                                if (g.StrideWidth == 1)
                                {
                                    ReadOnlySpan<float> xRow = xPlane.Slice(ih * g.InWidth + iw0, count);
                                    sum += TensorPrimitives.Dot(dzRow, xRow);
                                    if (inputGradient)
                                    {
                                        Span<float> dxRow = dxPlane.Slice(ih * g.InWidth + iw0, count);
                                        TensorPrimitives.MultiplyAdd(dzRow, w, dxRow, dxRow);
                                    }
                                }
                                else
                                {
                                    for (int i = 0; i < count; i++)
                                    {
                                        int xIndex = ih * g.InWidth + iw0 + i * g.StrideWidth;
                                        sum += dzRow[i] * xPlane[xIndex];
                                        if (inputGradient)
                                        {
                                            dxPlane[xIndex] += w * dzRow[i];
                                        }
                                    }
                                }
                            }

                            weightGradient[wIndex] += sum;
                        }
                    }
                }
            }
        }
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> weight, int batch, in WindowGeometry g)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (x.Length < (long)batch * g.InputSize || y.Length < (long)batch * g.OutputSize || weight.Length < (long)g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth)
        {
            throw new ArgumentException($"Convolution operands are too short for a batch of {batch}: input {x.Length} (needs {(long)batch * g.InputSize}), output {y.Length} (needs {(long)batch * g.OutputSize}), weight {weight.Length}.");
        }
    }
}
