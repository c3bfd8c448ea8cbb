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
/// order. The one difference in bits: where -0 and +0 tie, the planar forward pass (<see cref="WindowMaxPooling"/>,
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

    private static void MaxChannelsLast(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g) =>
        MaxPixels(ref MemoryMarshal.GetReference(x), g.InChannels, ref MemoryMarshal.GetReference(y), g.InChannels, 0, g.InChannels, batch, g, relu: false);

    /// <summary>
    /// Pools channels <paramref name="firstChannel"/> to <paramref name="endChannel"/> of <paramref name="batch"/>
    /// channels-last samples whose pixels are <paramref name="inputStride"/> floats apart into pixels
    /// <paramref name="outputStride"/> floats apart (a convolution's group of rows, padded to whole blocks of channels,
    /// pooled while it is in cache: <see cref="ChannelsLastConvolution"/>'s pooled forward pass). With <paramref name="relu"/>,
    /// each maximum goes through ReLU as it is stored (<c>max(m, 0)</c> as <c>ActivationKernels.ReLU</c> computes it: NaN
    /// stays NaN, -0 becomes +0), the convolution's ReLU, which gives the same values after the pool as before it.
    /// </summary>
    internal static void MaxPixels(ref float input, int inputStride, ref float output, int outputStride, int firstChannel, int endChannel, int batch, in WindowGeometry g, bool relu)
    {
        int channels = endChannel - firstChannel;
        input = ref Unsafe.Add(ref input, firstChannel);
        output = ref Unsafe.Add(ref output, firstChannel);
        if (IsPlainTwoByTwo(g))
        {
            TwoByTwoPixels(ref input, inputStride, ref output, outputStride, channels, batch, g, relu);
            return;
        }

        for (int n = 0; n < batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                (int firstRow, int endRow) = Taps(oh * g.StrideHeight - g.PadTop, g.DilationHeight, g.KernelHeight, g.InHeight);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    (int firstColumn, int endColumn) = Taps(ow * g.StrideWidth - g.PadLeft, g.DilationWidth, g.KernelWidth, g.InWidth);
                    ref float target = ref Unsafe.Add(ref output, ((n * g.OutHeight + oh) * g.OutWidth + ow) * outputStride);
                    ref float first = ref Unsafe.Add(ref input, ((n * g.InHeight + oh * g.StrideHeight - g.PadTop + firstRow * g.DilationHeight) * g.InWidth
                        + ow * g.StrideWidth - g.PadLeft + firstColumn * g.DilationWidth) * inputStride);
                    Window(ref first, ref target, channels, endRow - firstRow, endColumn - firstColumn, g.DilationHeight * g.InWidth * inputStride, g.DilationWidth * inputStride, relu);
                }
            }
        }
    }

    // A 2x2 window at stride 2 without padding or dilation: every window lies inside the input (floor mode).
    private static bool IsPlainTwoByTwo(in WindowGeometry g) =>
        g is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PadTop: 0, PadLeft: 0, DilationHeight: 1, DilationWidth: 1 };

    // The common pool after a convolution, without the general path's per-window bounds: four loads and three steps of
    // Window's comparison per vector of channels, in the same order (the same bits).
    private static void TwoByTwoPixels(ref float input, int inputStride, ref float output, int outputStride, int channels, int batch, in WindowGeometry g, bool relu)
    {
        int rowStep = g.InWidth * inputStride;
        for (int n = 0; n < batch; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                ref float inputRow = ref Unsafe.Add(ref input, (n * g.InHeight + 2 * oh) * rowStep);
                ref float outputRow = ref Unsafe.Add(ref output, (n * g.OutHeight + oh) * g.OutWidth * outputStride);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    TwoByTwo(ref Unsafe.Add(ref inputRow, 2 * ow * inputStride), ref Unsafe.Add(ref outputRow, ow * outputStride), channels, rowStep, inputStride, relu);
                }
            }
        }
    }

    private static void TwoByTwo(ref float first, ref float target, int channels, int rowStep, int columnStep, bool relu)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 512)
        {
            for (; c + Vector512<float>.Count <= channels; c += Vector512<float>.Count)
            {
                ref float lane = ref Unsafe.Add(ref first, c);
                Vector512<float> m = Vector512.LoadUnsafe(ref lane);
                m = Keep(m, Vector512.LoadUnsafe(ref Unsafe.Add(ref lane, columnStep)));
                m = Keep(m, Vector512.LoadUnsafe(ref Unsafe.Add(ref lane, rowStep)));
                m = Keep(m, Vector512.LoadUnsafe(ref Unsafe.Add(ref lane, rowStep + columnStep)));
                (relu ? Vector512.Max(m, Vector512<float>.Zero) : m).StoreUnsafe(ref Unsafe.Add(ref target, c));
            }
        }

        if (Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256)
        {
            for (; c + Vector256<float>.Count <= channels; c += Vector256<float>.Count)
            {
                ref float lane = ref Unsafe.Add(ref first, c);
                Vector256<float> m = Vector256.LoadUnsafe(ref lane);
                m = Keep(m, Vector256.LoadUnsafe(ref Unsafe.Add(ref lane, columnStep)));
                m = Keep(m, Vector256.LoadUnsafe(ref Unsafe.Add(ref lane, rowStep)));
                m = Keep(m, Vector256.LoadUnsafe(ref Unsafe.Add(ref lane, rowStep + columnStep)));
                (relu ? Vector256.Max(m, Vector256<float>.Zero) : m).StoreUnsafe(ref Unsafe.Add(ref target, c));
            }
        }

        if (c < channels)
        {
            Window(ref Unsafe.Add(ref first, c), ref Unsafe.Add(ref target, c), channels - c, 2, 2, rowStep, columnStep, relu);
        }
    }

    // One step of a window's maximum (Window, TwoByTwo): the new value replaces the maximum so far when it is greater or
    // NaN, unless the maximum is already NaN. The scalar tail in Window is the same test.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Keep(Vector512<float> m, Vector512<float> v) =>
        Vector512.ConditionalSelect(Vector512.AndNot(Vector512.Equals(m, m), Vector512.LessThanOrEqual(v, m)), v, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Keep(Vector256<float> m, Vector256<float> v) =>
        Vector256.ConditionalSelect(Vector256.AndNot(Vector256.Equals(m, m), Vector256.LessThanOrEqual(v, m)), v, m);

    // The kernel positions [first, end) whose input position start + k * dilation lies inside [0, size).
    private static (int First, int End) Taps(int start, int dilation, int kernel, int size)
    {
        int first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int end = Math.Min(kernel, size - start <= 0 ? 0 : (size - start - 1) / dilation + 1);
        return (first, Math.Max(first, end));
    }

    // One output pixel: the maximum over rows x columns input pixels, `rowStep` and `columnStep` floats apart.
    private static void Window(ref float first, ref float target, int channels, int rows, int columns, int rowStep, int columnStep, bool relu = false)
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
                        m = Keep(m, v);
                    }
                }

                (relu ? Vector512.Max(m, Vector512<float>.Zero) : m).StoreUnsafe(ref Unsafe.Add(ref target, c));
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
                        m = Keep(m, v);
                    }
                }

                (relu ? Vector256.Max(m, Vector256<float>.Zero) : m).StoreUnsafe(ref Unsafe.Add(ref target, c));
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

            Unsafe.Add(ref target, c) = relu ? float.Max(m, 0f) : m;
        }
    }
}
