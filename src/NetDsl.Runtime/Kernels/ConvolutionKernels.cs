using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Direct convolution over a batch in PyTorch's layouts (<c>x</c> <c>[N, Cin, H, W]</c>, <c>weight</c>
/// <c>[Cout, Cin, KH, KW]</c>, <c>y</c> <c>[N, Cout, OH, OW]</c>); rows of stride-1 layers are vectorized with
/// <see cref="TensorPrimitives"/>. Generated code calls these for convolutions above the unroll limit.
/// </summary>
public static class ConvolutionKernels
{
    // Rows shorter than this run as plain loops: for the few-pixel rows of small images a TensorPrimitives call costs
    // more than the arithmetic it does.
    private const int VectorizeFrom = 32;

    /// <summary><c>y = conv(x, weight) + bias</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        Check(x, y, weight, batch, g);
        if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Forward(x, weight, bias, y, batch, g);
            return;
        }

        if (RowConvolution.Applies(g))
        {
            RowConvolution.Forward(x, weight, bias, y, batch, g);
            return;
        }

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
                                if (g.StrideWidth == 1 && count >= VectorizeFrom)
                                {
                                    TensorPrimitives.MultiplyAdd(xPlane.Slice(ih * g.InWidth + iw0, count), w, yRow, yRow);
                                }
                                else if (g.StrideWidth == 1 && count >= Vector256<float>.Count && Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256)
                                {
                                    ShortRowMultiplyAdd(xPlane.Slice(ih * g.InWidth + iw0, count), w, yRow);
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

    // y += w * x over a row too short for a TensorPrimitives call: inline 256-bit FMAs, then a scalar tail.
    private static void ShortRowMultiplyAdd(ReadOnlySpan<float> x, float w, Span<float> y)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        Vector256<float> weight = Vector256.Create(w);
        int count = y.Length;
        int i = 0;
        for (; i + Vector256<float>.Count <= count; i += Vector256<float>.Count)
        {
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xRef, (nuint)i), weight, Vector256.LoadUnsafe(ref yRef, (nuint)i)).StoreUnsafe(ref yRef, (nuint)i);
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref yRef, i) += w * Unsafe.Add(ref xRef, i);
        }
    }

    /// <summary>
    /// Adds the parameter gradients of a batch (<c>dW += dz (*) x</c>, <c>db += sum of dz</c>) and, unless
    /// <paramref name="dx"/> is empty, overwrites <paramref name="dx"/> with the input gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        Check(x, dz, weight, batch, g);
        if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
            return;
        }

        if (RowConvolution.Applies(g))
        {
            RowConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
            return;
        }

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
                                if (g.StrideWidth == 1 && count >= VectorizeFrom)
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

    /// <summary>The length of the scratch span the im2col overloads need for one sample of <paramref name="g"/>: columns and their gradients.</summary>
    public static int ScratchLength(in WindowGeometry g) => checked(2 * g.OutPlane * g.InChannels * g.KernelHeight * g.KernelWidth);

    /// <summary>
    /// <c>y = conv(x, weight) + bias</c> by im2col: each sample's input windows are gathered into rows of
    /// <c>in * kh * kw</c> floats in <paramref name="scratch"/> (at least <see cref="ScratchLength"/>), and every output is
    /// one vectorized dot product with a weight row. Faster than the direct form for the small images of tiny models.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, Span<float> scratch)
    {
        Check(x, y, weight, batch, g);
        if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Forward(x, weight, bias, y, batch, g);
            return;
        }

        if (RowConvolution.Applies(g))
        {
            RowConvolution.Forward(x, weight, bias, y, batch, g);
            return;
        }

        int k = g.InChannels * g.KernelHeight * g.KernelWidth;
        int positions = g.OutPlane;
        Span<float> columns = Columns(scratch, positions, k, g);
        for (int n = 0; n < batch; n++)
        {
            Gather(x.Slice(n * g.InputSize, g.InputSize), columns, g);
            Span<float> ySample = y.Slice(n * g.OutputSize, g.OutputSize);
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                ReadOnlySpan<float> weightRow = weight.Slice(oc * k, k);
                float b = bias.IsEmpty ? 0f : bias[oc];
                Span<float> plane = ySample.Slice(oc * positions, positions);
                for (int p = 0; p < positions; p++)
                {
                    plane[p] = b + TensorPrimitives.Dot(weightRow, columns.Slice(p * k, k));
                }
            }
        }
    }

    /// <summary>
    /// The backward pass by im2col (see <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, in WindowGeometry, Span{float})"/>):
    /// adds the parameter gradients and, unless <paramref name="dx"/> is empty, overwrites it with the input gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g, Span<float> scratch)
    {
        Check(x, dz, weight, batch, g);
        if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
            return;
        }

        if (RowConvolution.Applies(g))
        {
            RowConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
            return;
        }

        int k = g.InChannels * g.KernelHeight * g.KernelWidth;
        int positions = g.OutPlane;
        Span<float> columns = Columns(scratch, positions, k, g);
        Span<float> columnGradients = scratch.Slice(positions * k, positions * k);
        bool inputGradient = !dx.IsEmpty;
        for (int n = 0; n < batch; n++)
        {
            Gather(x.Slice(n * g.InputSize, g.InputSize), columns, g);
            ReadOnlySpan<float> dzSample = dz.Slice(n * g.OutputSize, g.OutputSize);
            if (inputGradient)
            {
                columnGradients.Clear();
            }

            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                ReadOnlySpan<float> dzPlane = dzSample.Slice(oc * positions, positions);
                ReadOnlySpan<float> weightRow = weight.Slice(oc * k, k);
                Span<float> gradientRow = weightGradient.Slice(oc * k, k);
                if (!biasGradient.IsEmpty)
                {
                    biasGradient[oc] += TensorPrimitives.Sum(dzPlane);
                }

                for (int p = 0; p < positions; p++)
                {
                    float d = dzPlane[p];
                    TensorPrimitives.MultiplyAdd(columns.Slice(p * k, k), d, gradientRow, gradientRow);
                    if (inputGradient)
                    {
                        Span<float> columnGradient = columnGradients.Slice(p * k, k);
                        TensorPrimitives.MultiplyAdd(weightRow, d, columnGradient, columnGradient);
                    }
                }
            }

            if (inputGradient)
            {
                Scatter(columnGradients, dx.Slice(n * g.InputSize, g.InputSize), g);
            }
        }
    }

    private static Span<float> Columns(Span<float> scratch, int positions, int k, in WindowGeometry g)
    {
        if (scratch.Length < ScratchLength(g))
        {
            throw new ArgumentException($"The convolution scratch holds {scratch.Length} floats, but {ScratchLength(g)} are needed.", nameof(scratch));
        }

        return scratch.Slice(0, positions * k);
    }

    /// <summary>im2col: row p of <paramref name="columns"/> holds the input window of output position p, zeros where it is padding.</summary>
    private static void Gather(ReadOnlySpan<float> sample, Span<float> columns, in WindowGeometry g)
    {
        int index = 0;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                for (int ic = 0; ic < g.InChannels; ic++)
                {
                    int planeStart = ic * g.InPlane;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                        bool rowInside = (uint)ih < (uint)g.InHeight;
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            columns[index++] = rowInside && (uint)iw < (uint)g.InWidth ? sample[planeStart + ih * g.InWidth + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>col2im: overwrites <paramref name="dx"/> with the sum of each input's column gradients.</summary>
    private static void Scatter(ReadOnlySpan<float> columnGradients, Span<float> dx, in WindowGeometry g)
    {
        dx.Clear();
        int index = 0;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                for (int ic = 0; ic < g.InChannels; ic++)
                {
                    int planeStart = ic * g.InPlane;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                        bool rowInside = (uint)ih < (uint)g.InHeight;
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            if (rowInside && (uint)iw < (uint)g.InWidth)
                            {
                                dx[planeStart + ih * g.InWidth + iw] += columnGradients[index];
                            }

                            index++;
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
