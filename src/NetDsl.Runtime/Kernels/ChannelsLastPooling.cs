using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Max pooling of channels-last activations (<c>[N, H, W, C]</c>), for generated inference code that keeps the
/// activations between convolution and pooling stages channels-last: each output pixel is the lane-wise maximum of its
/// window's pixels, whole vectors of channels at a time, whatever the map's width. A pool at the edge of such a run reads
/// or writes the planar layout: it pools in the layout it reads into scratch, then converts its output (a quarter of its
/// input for a 2x2 pool, the smallest tensor to convert).
/// </summary>
/// <remarks>
/// PyTorch's semantics, as <see cref="PoolingKernels.MaxForward(ReadOnlySpan{float}, Span{float}, int, in WindowGeometry)"/>:
/// padding counts as -infinity, NaN propagates, and a maximum is the first of equal values in the window's row-major
/// order. The one difference in bits: where -0 and +0 tie, the planar unpadded kernel (<see cref="UnpaddedMaxPooling"/>,
/// branch-free <c>MathF.Max</c>) returns +0 whichever comes first; this kernel, like PyTorch, returns the first.
/// </remarks>
internal static class ChannelsLastPooling
{
    [ThreadStatic]
    private static float[]? t_floats;

    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g, ActivationLayout inputLayout, ActivationLayout outputLayout)
    {
        if (inputLayout == ActivationLayout.Planar && outputLayout == ActivationLayout.Planar)
        {
            PoolingKernels.MaxForward(x, y, batch, g);
            return;
        }

        if (x.Length < (long)batch * g.InputSize || y.Length < (long)batch * g.OutputSize)
        {
            throw new ArgumentException($"Pooling operands are too short for a batch of {batch}: input {x.Length} (needs {(long)batch * g.InputSize}), output {y.Length} (needs {(long)batch * g.OutputSize}).");
        }

        if (inputLayout == ActivationLayout.ChannelsLast && outputLayout == ActivationLayout.ChannelsLast)
        {
            MaxChannelsLast(x, y, batch, g);
            return;
        }

        Span<float> pooled = ThreadScratch.Of(ref t_floats, batch * g.OutputSize);
        if (inputLayout == ActivationLayout.Planar)
        {
            PoolingKernels.MaxForward(x, pooled, batch, g);
            ChannelsLastLayout.ToChannelsLast(pooled, batch, y, g.OutChannels, g);
        }
        else
        {
            MaxChannelsLast(x, pooled, batch, g);
            ChannelsLastLayout.ToPlanes(pooled, batch, g.OutChannels, y, 0, g.OutChannels, g);
        }
    }

    private static void MaxChannelsLast(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
    {
        int channels = g.InChannels;
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        for (int n = 0; n < batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                (int firstRow, int endRow) = Taps(oh * g.StrideHeight - g.PadTop, g.DilationHeight, g.KernelHeight, g.InHeight);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    (int firstColumn, int endColumn) = Taps(ow * g.StrideWidth - g.PadLeft, g.DilationWidth, g.KernelWidth, g.InWidth);
                    ref float target = ref Unsafe.Add(ref output, ((n * g.OutHeight + oh) * g.OutWidth + ow) * channels);
                    ref float first = ref Unsafe.Add(ref input, ((n * g.InHeight + oh * g.StrideHeight - g.PadTop + firstRow * g.DilationHeight) * g.InWidth
                        + ow * g.StrideWidth - g.PadLeft + firstColumn * g.DilationWidth) * channels);
                    Window(ref first, ref target, channels, endRow - firstRow, endColumn - firstColumn, g.DilationHeight * g.InWidth * channels, g.DilationWidth * channels);
                }
            }
        }
    }

    // The kernel positions [first, end) whose input position start + k * dilation lies inside [0, size).
    private static (int First, int End) Taps(int start, int dilation, int kernel, int size)
    {
        int first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int end = Math.Min(kernel, size - start <= 0 ? 0 : (size - start - 1) / dilation + 1);
        return (first, Math.Max(first, end));
    }

    // One output pixel: the maximum over rows x columns input pixels, `rowStep` and `columnStep` floats apart.
    private static void Window(ref float first, ref float target, int channels, int rows, int columns, int rowStep, int columnStep)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 512)
        {
            for (; c + Vector512<float>.Count <= channels; c += Vector512<float>.Count)
            {
                ref float lane = ref Unsafe.Add(ref first, c);
                Vector512<float> m = Vector512.LoadUnsafe(ref lane);
                for (int r = 0; r < rows; r++)
                {
                    for (int q = r == 0 ? 1 : 0; q < columns; q++)
                    {
                        Vector512<float> v = Vector512.LoadUnsafe(ref Unsafe.Add(ref lane, r * rowStep + q * columnStep));
                        m = Vector512.ConditionalSelect(Vector512.AndNot(Vector512.Equals(m, m), Vector512.LessThanOrEqual(v, m)), v, m);
                    }
                }

                m.StoreUnsafe(ref Unsafe.Add(ref target, c));
            }
        }

        if (Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256)
        {
            for (; c + Vector256<float>.Count <= channels; c += Vector256<float>.Count)
            {
                ref float lane = ref Unsafe.Add(ref first, c);
                Vector256<float> m = Vector256.LoadUnsafe(ref lane);
                for (int r = 0; r < rows; r++)
                {
                    for (int q = r == 0 ? 1 : 0; q < columns; q++)
                    {
                        Vector256<float> v = Vector256.LoadUnsafe(ref Unsafe.Add(ref lane, r * rowStep + q * columnStep));
                        m = Vector256.ConditionalSelect(Vector256.AndNot(Vector256.Equals(m, m), Vector256.LessThanOrEqual(v, m)), v, m);
                    }
                }

                m.StoreUnsafe(ref Unsafe.Add(ref target, c));
            }
        }

        for (; c < channels; c++)
        {
            ref float lane = ref Unsafe.Add(ref first, c);
            float m = lane;
            for (int r = 0; r < rows; r++)
            {
                for (int q = r == 0 ? 1 : 0; q < columns; q++)
                {
                    float v = Unsafe.Add(ref lane, r * rowStep + q * columnStep);
                    if (!(v <= m) && !float.IsNaN(m))
                    {
                        m = v;
                    }
                }
            }

            Unsafe.Add(ref target, c) = m;
        }
    }
}
