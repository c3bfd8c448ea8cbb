using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>
/// Average pooling of planar maps, any window: each output's rows and columns inside the input are worked out once per
/// call (columns) and per output row (rows), so the loops over a window's taps carry no bounds test, and the divisor is
/// a product of a row count and a column count worked out the same way. The window loop this replaces tested every tap
/// against the input's bounds and recounted the divisor tap by tap: 6 ns per output of a 2x2 window.
/// </summary>
/// <remarks>
/// The same bits as that loop: every output sums its window's taps inside the input from 0, rows first then columns, one
/// rounding per addition, and divides once; the backward pass adds each output's share to its taps in output order, then
/// the same tap order. PyTorch's divisor: with <c>countIncludePad</c> the window's extent clipped to the padded input,
/// otherwise the taps inside the input.
/// </remarks>
internal static class WindowAveragePooling
{
    [ThreadStatic]
    private static int[]? t_columns;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g, bool countIncludePad)
    {
        Span<int> columns = Columns(g, countIncludePad);
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        int planes = batch * g.OutChannels, rowStep = g.DilationHeight * g.InWidth;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float yRow = ref Unsafe.Add(ref output, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++, yRow = ref Unsafe.Add(ref yRow, g.OutWidth))
            {
                int top = oh * g.StrideHeight - g.PadTop;
                (int firstRow, int rows) = WindowTaps.Inside(top, g.KernelHeight, g.DilationHeight, g.InHeight);
                int rowDivisor = DivisorTerm(top, g.KernelHeight, g.PadTop, g.InHeight, countIncludePad);
                ref float windowRows = ref Unsafe.Add(ref xPlane, (top + firstRow * g.DilationHeight) * g.InWidth);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int firstColumn = columns[3 * ow], count = columns[3 * ow + 1];
                    float sum = 0f;
                    if (rows > 0 && count > 0)
                    {
                        ref float window = ref Unsafe.Add(ref windowRows, ow * g.StrideWidth - g.PadLeft + firstColumn * g.DilationWidth);
                        for (int kh = 0; kh < rows; kh++)
                        {
                            ref float row = ref Unsafe.Add(ref window, kh * rowStep);
                            for (int kw = 0; kw < count; kw++)
                            {
                                sum += Unsafe.Add(ref row, kw * g.DilationWidth);
                            }
                        }
                    }

                    Unsafe.Add(ref yRow, ow) = sum / (rowDivisor * columns[3 * ow + 2]);
                }
            }
        }
    }

    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g, bool countIncludePad)
    {
        Span<int> columns = Columns(g, countIncludePad);
        dx.Slice(0, batch * g.InputSize).Clear();
        ref float gradient = ref MemoryMarshal.GetReference(dy);
        ref float inputGradient = ref MemoryMarshal.GetReference(dx);
        int planes = batch * g.OutChannels, rowStep = g.DilationHeight * g.InWidth;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float dxPlane = ref Unsafe.Add(ref inputGradient, plane * g.InPlane);
            ref float dyRow = ref Unsafe.Add(ref gradient, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++, dyRow = ref Unsafe.Add(ref dyRow, g.OutWidth))
            {
                int top = oh * g.StrideHeight - g.PadTop;
                (int firstRow, int rows) = WindowTaps.Inside(top, g.KernelHeight, g.DilationHeight, g.InHeight);
                int rowDivisor = DivisorTerm(top, g.KernelHeight, g.PadTop, g.InHeight, countIncludePad);
                ref float windowRows = ref Unsafe.Add(ref dxPlane, (top + firstRow * g.DilationHeight) * g.InWidth);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int firstColumn = columns[3 * ow], count = columns[3 * ow + 1];
                    if (rows == 0 || count == 0)
                    {
                        continue;
                    }

                    float share = Unsafe.Add(ref dyRow, ow) / (rowDivisor * columns[3 * ow + 2]);
                    ref float window = ref Unsafe.Add(ref windowRows, ow * g.StrideWidth - g.PadLeft + firstColumn * g.DilationWidth);
                    for (int kh = 0; kh < rows; kh++)
                    {
                        ref float row = ref Unsafe.Add(ref window, kh * rowStep);
                        for (int kw = 0; kw < count; kw++)
                        {
                            Unsafe.Add(ref row, kw * g.DilationWidth) += share;
                        }
                    }
                }
            }
        }
    }

    // Per output column: the first tap inside the input, the number inside, and the divisor's column term.
    private static Span<int> Columns(in WindowGeometry g, bool countIncludePad)
    {
        Span<int> columns = ThreadScratch.Of(ref t_columns, 3 * g.OutWidth);
        for (int ow = 0; ow < g.OutWidth; ow++)
        {
            int left = ow * g.StrideWidth - g.PadLeft;
            (columns[3 * ow], columns[3 * ow + 1]) = WindowTaps.Inside(left, g.KernelWidth, g.DilationWidth, g.InWidth);
            columns[3 * ow + 2] = DivisorTerm(left, g.KernelWidth, g.PadLeft, g.InWidth, countIncludePad);
        }

        return columns;
    }

    /// <summary>
    /// A window's extent along one dimension for PyTorch's divisor (the divisor is the product of the rows' and the
    /// columns' terms): with <paramref name="countIncludePad"/>, its taps up to the end of the padding (PyTorch counts
    /// padded positions but not positions beyond the padding), otherwise its taps inside the input; adjacent taps, as
    /// PyTorch's average pooling has no dilation.
    /// </summary>
    private static int DivisorTerm(int start, int taps, int padding, int length, bool countIncludePad)
    {
        if (countIncludePad)
        {
            return Math.Min(start + taps, length + padding) - start;
        }

        int first = Math.Max(start, 0), end = Math.Min(start + taps, length);
        return Math.Max(0, end - first);
    }
}
