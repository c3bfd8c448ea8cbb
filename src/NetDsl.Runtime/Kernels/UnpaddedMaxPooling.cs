using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>
/// Max pooling without padding or dilation, the common case, as tight loops over refs; the 2x2 window has its own
/// unrolled loop. The forward pass is branch-free (MathF.Max): which element wins is unpredictable on real activations,
/// and a branch per comparison cost 10x on varying inputs. Same semantics as the general kernel: NaN propagates and
/// the gradient goes to the first maximum (or the first NaN) of each window in row-major order.
/// </summary>
internal static class UnpaddedMaxPooling
{
    public static bool Applies(in WindowGeometry g) =>
        g.PadTop == 0 && g.PadLeft == 0 && g.DilationHeight == 1 && g.DilationWidth == 1
        && (g.OutHeight - 1) * g.StrideHeight + g.KernelHeight <= g.InHeight
        && (g.OutWidth - 1) * g.StrideWidth + g.KernelWidth <= g.InWidth;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
    {
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        int planes = batch * g.OutChannels;
        bool twoByTwo = g.KernelHeight == 2 && g.KernelWidth == 2;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float yPlane = ref Unsafe.Add(ref output, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                ref float top = ref Unsafe.Add(ref xPlane, oh * g.StrideHeight * g.InWidth);
                ref float yRow = ref Unsafe.Add(ref yPlane, oh * g.OutWidth);
                if (twoByTwo)
                {
                    ref float bottom = ref Unsafe.Add(ref top, g.InWidth);
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        int iw = ow * g.StrideWidth;
                        float m = Max(Max(Max(Unsafe.Add(ref top, iw), Unsafe.Add(ref top, iw + 1)), Unsafe.Add(ref bottom, iw)), Unsafe.Add(ref bottom, iw + 1));
                        Unsafe.Add(ref yRow, ow) = m;
                    }

                    continue;
                }

                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    ref float window = ref Unsafe.Add(ref top, ow * g.StrideWidth);
                    float m = window;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        ref float row = ref Unsafe.Add(ref window, kh * g.InWidth);
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            m = Max(m, Unsafe.Add(ref row, kw));
                        }
                    }

                    Unsafe.Add(ref yRow, ow) = m;
                }
            }
        }
    }

    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g)
    {
        dx.Slice(0, batch * g.InputSize).Clear();
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float gradient = ref MemoryMarshal.GetReference(dy);
        ref float inputGradient = ref MemoryMarshal.GetReference(dx);
        int planes = batch * g.OutChannels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float dxPlane = ref Unsafe.Add(ref inputGradient, plane * g.InPlane);
            ref float dyPlane = ref Unsafe.Add(ref gradient, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int rowStart = oh * g.StrideHeight * g.InWidth;
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int start = rowStart + ow * g.StrideWidth;
                    int best = start;
                    float m = Unsafe.Add(ref xPlane, start);
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        int index = start + kh * g.InWidth;
                        for (int kw = 0; kw < g.KernelWidth; kw++, index++)
                        {
                            // A branch-free form (MathF.Max and a conditional move) measured slower here than this.
                            float v = Unsafe.Add(ref xPlane, index);
                            if (v > m || (float.IsNaN(v) && !float.IsNaN(m)))
                            {
                                m = v;
                                best = index;
                            }
                        }
                    }

                    Unsafe.Add(ref dxPlane, best) += Unsafe.Add(ref dyPlane, oh * g.OutWidth + ow);
                }
            }
        }
    }

    // The larger of m and v, NaN if either is; MathF.Max compiles without branches.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max(float m, float v) => MathF.Max(m, v);
}
