using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Max pooling of planar maps for every window that <see cref="TwoByTwoMaxPooling"/> does not take: any kernel, stride,
/// padding and dilation.
/// <list type="bullet">
/// <item>Forward: each output is the branch-free <c>MathF.Max</c> of its window's elements inside the input (each
/// output's rows and columns inside the input are worked out once, so padding costs no test per element).</item>
/// <item>Backward: the gradient goes to each window's first maximum, found in two steps per output row: the window's
/// input rows are reduced column by column, whole vectors of columns at a time, keeping each column's first maximum and
/// the row it came from; each output then picks among its window's columns. Values are compared as integers that order
/// like the floats (-0 equal to +0, every NaN equal and above +infinity), and the pick is made on 64-bit keys (value,
/// then earliest row) with masks instead of branches: which element wins is unpredictable on real activations, and the
/// window loop with a branch per comparison that this replaces took 5–15 ns per output (a 4x4 pool's backward pass on
/// 16 channels of 64x64 at batch 32: 6 ms; a padded 3x3 stride-2 pool's, 17 ms).</item>
/// </list>
/// </summary>
/// <remarks>
/// PyTorch's semantics: padding counts as -infinity and is never chosen, NaN propagates, and the gradient goes to the
/// first maximum of the window in row-major order (the first NaN if there is one), outputs in row-major order (so
/// overlapping windows add in a fixed order). Where -0 and +0 tie, the forward pass returns +0 (<c>MathF.Max</c>), as the
/// generated unrolled pools do. Comparisons only: no result depends on the vector width. Scratch lives in thread-static
/// arrays that grow on first use.
/// </remarks>
internal static class WindowMaxPooling
{
    /// <summary>The ordered integer of a NaN: above every number.</summary>
    private const int NaNOrder = int.MaxValue;

    /// <summary>The ordered integer of a padding column: below -infinity.</summary>
    private const int PaddingOrder = int.MinValue;

    /// <summary>The row of a padding column: after every input row.</summary>
    private const int PaddingRow = int.MaxValue;

    [ThreadStatic]
    private static int[]? t_columnMaxima;

    [ThreadStatic]
    private static int[]? t_columnRows;

    [ThreadStatic]
    private static int[]? t_columnRanges;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
    {
        if (g.PadTop == 0 && g.PadLeft == 0 && g.DilationHeight == 1 && g.DilationWidth == 1
            && (g.OutHeight - 1) * g.StrideHeight + g.KernelHeight <= g.InHeight && (g.OutWidth - 1) * g.StrideWidth + g.KernelWidth <= g.InWidth)
        {
            ForwardUnpadded(x, y, batch, g);
            return;
        }

        // Per output column, the first kernel column inside the input and the number inside.
        Span<int> columnRanges = ThreadScratch.Of(ref t_columnRanges, 2 * g.OutWidth);
        for (int ow = 0; ow < g.OutWidth; ow++)
        {
            (columnRanges[2 * ow], columnRanges[2 * ow + 1]) = WindowTaps.Inside(ow * g.StrideWidth - g.PadLeft, g.KernelWidth, g.DilationWidth, g.InWidth);
        }

        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        int planes = batch * g.OutChannels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float yRow = ref Unsafe.Add(ref output, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++, yRow = ref Unsafe.Add(ref yRow, g.OutWidth))
            {
                int top = oh * g.StrideHeight - g.PadTop;
                (int firstRow, int rows) = WindowTaps.Inside(top, g.KernelHeight, g.DilationHeight, g.InHeight);
                ref float windowRows = ref Unsafe.Add(ref xPlane, (top + firstRow * g.DilationHeight) * g.InWidth);
                int rowStep = g.DilationHeight * g.InWidth;
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int firstColumn = columnRanges[2 * ow], columns = columnRanges[2 * ow + 1];
                    if (rows == 0 || columns == 0)
                    {
                        // A window of padding only (geometries PyTorch rejects): nothing to take the maximum of.
                        Unsafe.Add(ref yRow, ow) = float.NegativeInfinity;
                        continue;
                    }

                    ref float window = ref Unsafe.Add(ref windowRows, ow * g.StrideWidth - g.PadLeft + firstColumn * g.DilationWidth);
                    float m = window;
                    for (int kh = 0; kh < rows; kh++)
                    {
                        ref float row = ref Unsafe.Add(ref window, kh * rowStep);
                        for (int kw = 0; kw < columns; kw++)
                        {
                            m = MathF.Max(m, Unsafe.Add(ref row, kw * g.DilationWidth));
                        }
                    }

                    Unsafe.Add(ref yRow, ow) = m;
                }
            }
        }
    }

    // Windows inside the input with adjacent taps: the loops without ranges, the 2x2 window unrolled.
    private static void ForwardUnpadded(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
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
                        float m = MathF.Max(MathF.Max(MathF.Max(Unsafe.Add(ref top, iw), Unsafe.Add(ref top, iw + 1)), Unsafe.Add(ref bottom, iw)), Unsafe.Add(ref bottom, iw + 1));
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
                            m = MathF.Max(m, Unsafe.Add(ref row, kw));
                        }
                    }

                    Unsafe.Add(ref yRow, ow) = m;
                }
            }
        }
    }


    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g)
    {
        Columns columns = Prepare(g);
        ref int maxima = ref MemoryMarshal.GetReference(columns.Maxima);
        ref int rowOf = ref MemoryMarshal.GetReference(columns.Rows);
        dx.Slice(0, batch * g.InputSize).Clear();
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float gradient = ref MemoryMarshal.GetReference(dy);
        ref float inputGradient = ref MemoryMarshal.GetReference(dx);
        int planes = batch * g.OutChannels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float dxPlane = ref Unsafe.Add(ref inputGradient, plane * g.InPlane);
            ref float dyRow = ref Unsafe.Add(ref gradient, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++, dyRow = ref Unsafe.Add(ref dyRow, g.OutWidth))
            {
                ReduceRows(ref xPlane, oh, g, columns);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int column = FirstMaximum(ref maxima, ref rowOf, ow * g.StrideWidth, g.KernelWidth, g.DilationWidth);
                    int row = Unsafe.Add(ref rowOf, column);
                    if (row != PaddingRow)
                    {
                        Unsafe.Add(ref dxPlane, row * g.InWidth + column - g.PadLeft) += Unsafe.Add(ref dyRow, ow);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The scratch rows, one entry per column of the padded input that a window reaches: the column's maximum over the
    /// current output row's window rows (as an ordered integer, <see cref="Order(int)"/>), and the input row it came
    /// from. Padding columns hold <see cref="PaddingOrder"/> from <see cref="PaddingRow"/>, which lose to every input.
    /// </summary>
    private readonly ref struct Columns(Span<int> maxima, Span<int> rows)
    {
        public readonly Span<int> Maxima = maxima;
        public readonly Span<int> Rows = rows;
    }

    private static Columns Prepare(in WindowGeometry g)
    {
        int reach = (g.OutWidth - 1) * g.StrideWidth + (g.KernelWidth - 1) * g.DilationWidth + 1;
        int length = Math.Max(g.PadLeft + g.InWidth, reach);
        var columns = new Columns(ThreadScratch.Of(ref t_columnMaxima, length), ThreadScratch.Of(ref t_columnRows, length));
        columns.Maxima.Fill(PaddingOrder);
        columns.Rows.Fill(PaddingRow);
        return columns;
    }

    /// <summary>Reduces the window rows of output row <paramref name="oh"/> that lie inside the input into the columns (padding rows count as -infinity: skipped).</summary>
    private static void ReduceRows(ref float xPlane, int oh, in WindowGeometry g, Columns columns)
    {
        Span<int> maxima = columns.Maxima.Slice(g.PadLeft, g.InWidth);
        Span<int> rows = columns.Rows.Slice(g.PadLeft, g.InWidth);
        maxima.Fill(PaddingOrder);
        rows.Fill(PaddingRow);
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
            if ((uint)ih < (uint)g.InHeight)
            {
                TakeLaterMaxima(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref xPlane, ih * g.InWidth), g.InWidth), ih, maxima, rows);
            }
        }
    }

    /// <summary>Where a value of input row <paramref name="ih"/> is greater than its column's maximum so far (a NaN: than every number), takes it and its row.</summary>
    private static void TakeLaterMaxima(ReadOnlySpan<float> row, int ih, Span<int> maxima, Span<int> rows)
    {
        ref float source = ref MemoryMarshal.GetReference(row);
        ref int maximum = ref MemoryMarshal.GetReference(maxima);
        ref int fromRow = ref MemoryMarshal.GetReference(rows);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256)
        {
            Vector256<int> rowIndex = Vector256.Create(ih);
            for (; i <= row.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<int> v = Order(Vector256.LoadUnsafe(ref source, (nuint)i));
                Vector256<int> m = Vector256.LoadUnsafe(ref maximum, (nuint)i);
                Vector256<int> takes = Vector256.GreaterThan(v, m);
                Vector256.Max(v, m).StoreUnsafe(ref maximum, (nuint)i);
                Vector256.ConditionalSelect(takes, rowIndex, Vector256.LoadUnsafe(ref fromRow, (nuint)i)).StoreUnsafe(ref fromRow, (nuint)i);
            }
        }

        for (; i < row.Length; i++)
        {
            int v = Order(BitConverter.SingleToInt32Bits(Unsafe.Add(ref source, i)));
            int m = Unsafe.Add(ref maximum, i);
            Unsafe.Add(ref maximum, i) = Math.Max(v, m);
            Unsafe.Add(ref fromRow, i) = v > m ? ih : Unsafe.Add(ref fromRow, i);
        }
    }

    /// <summary>
    /// The integer that orders as the float of <paramref name="bits"/> does: numbers keep their order, -0 and +0 are both
    /// 0, and every NaN is <see cref="NaNOrder"/>, above +infinity.
    /// </summary>
    private static int Order(int bits)
    {
        int magnitude = bits & int.MaxValue;
        int ordered = bits < 0 ? -magnitude : magnitude;
        return magnitude > 0x7F800000 ? NaNOrder : ordered;
    }

    private static Vector256<int> Order(Vector256<float> value)
    {
        Vector256<int> bits = value.AsInt32();
        Vector256<int> magnitude = bits & Vector256.Create(int.MaxValue);
        Vector256<int> ordered = Vector256.ConditionalSelect(Vector256.LessThan(bits, Vector256<int>.Zero), -magnitude, magnitude);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(0x7F800000)), Vector256.Create(NaNOrder), ordered);
    }

    /// <summary>
    /// The column (in the padded columns) of the first maximum of the window whose first column is <paramref name="first"/>:
    /// the greatest value, then the earliest row, then the leftmost column — one 64-bit key per column (value above, row
    /// below), the greater kept with a mask: the JIT compiles a conditional expression here into a branch, which real
    /// activations mispredict half the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstMaximum(ref int maxima, ref int rows, int first, int taps, int dilation)
    {
        int best = first;
        long bestKey = Key(Unsafe.Add(ref maxima, first), Unsafe.Add(ref rows, first));
        for (int kw = 1, column = first + dilation; kw < taps; kw++, column += dilation)
        {
            long key = Key(Unsafe.Add(ref maxima, column), Unsafe.Add(ref rows, column));
            long takes = -(long)Unsafe.BitCast<bool, byte>(key > bestKey);
            best ^= (best ^ column) & (int)takes;
            bestKey ^= (bestKey ^ key) & takes;
        }

        return best;
    }

    // Greater for a greater value, then for an earlier row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Key(int order, int row) => ((long)order << 32) | (uint)(PaddingRow - row);
}
