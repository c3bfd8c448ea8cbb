using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// 2x2 max pooling with stride 2 and no padding, 8 outputs per step without branches: two input rows are loaded as
/// 16-float runs, split into the windows' four corners (even and odd columns of each row), and reduced in the window's
/// row-major order. Branch-free matters: comparisons on real activations are unpredictable. Same semantics as the general
/// kernel: NaN propagates, the gradient goes to the first maximum (or first NaN) of the window.
/// </summary>
/// <remarks>
/// Rows of fewer than 8 outputs (the 7x7 and 3x3 maps at the end of an image network) take one step per row that reads
/// past the row's end into the next row and blends its stores into what is there, lane by lane, so only the row's own
/// outputs change; a row whose step would read or write past the end of the spans runs one window at a time.
/// </remarks>
internal static class TwoByTwoMaxPooling
{
    private const int Lanes = 8;

    public static bool Applies(in WindowGeometry g) =>
        g.KernelHeight == 2 && g.KernelWidth == 2 && g.StrideHeight == 2 && g.StrideWidth == 2
        && g.PadTop == 0 && g.PadLeft == 0 && g.DilationHeight == 1 && g.DilationWidth == 1
        && g.OutWidth >= 1 && 2 * g.OutHeight <= g.InHeight && 2 * g.OutWidth <= g.InWidth
        && Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
    {
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float output = ref MemoryMarshal.GetReference(y);
        int planes = batch * g.OutChannels;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float xPlane = ref Unsafe.Add(ref input, plane * g.InPlane);
            ref float yPlane = ref Unsafe.Add(ref output, plane * g.OutPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                ref float top = ref Unsafe.Add(ref xPlane, 2 * oh * g.InWidth);
                ref float bottom = ref Unsafe.Add(ref top, g.InWidth);
                ref float yRow = ref Unsafe.Add(ref yPlane, oh * g.OutWidth);
                if (g.OutWidth < Lanes)
                {
                    if (NarrowStepFits(plane * g.InPlane + (2 * oh + 1) * g.InWidth, x.Length, plane * g.OutPlane + oh * g.OutWidth, y.Length))
                    {
                        Corners(ref top, ref bottom, 0, out Vector256<float> a, out Vector256<float> b, out Vector256<float> c, out Vector256<float> d);
                        Vector256<float> m = Max(Max(Max(a, b), c), d);
                        Vector256.ConditionalSelect(FirstLanes(g.OutWidth), m, Vector256.LoadUnsafe(ref yRow)).StoreUnsafe(ref yRow);
                    }
                    else
                    {
                        ForwardRowOneByOne(ref top, ref bottom, ref yRow, g.OutWidth);
                    }

                    continue;
                }

                for (int ow = 0; ow < g.OutWidth; ow += Lanes)
                {
                    int start = Math.Min(ow, g.OutWidth - Lanes); // the last step overlaps the one before: same values
                    Corners(ref top, ref bottom, start, out Vector256<float> a, out Vector256<float> b, out Vector256<float> c, out Vector256<float> d);
                    Vector256<float> m = Max(Max(Max(a, b), c), d);
                    m.StoreUnsafe(ref yRow, (nuint)start);
                }
            }
        }
    }

    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g)
    {
        // Windows do not overlap, so each input receives at most one gradient and the corners can be stored, not added;
        // the rows and columns no window covers (odd sizes) keep the zeros of this clear.
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
                ref float top = ref Unsafe.Add(ref xPlane, 2 * oh * g.InWidth);
                ref float bottom = ref Unsafe.Add(ref top, g.InWidth);
                ref float dxTop = ref Unsafe.Add(ref dxPlane, 2 * oh * g.InWidth);
                ref float dxBottom = ref Unsafe.Add(ref dxTop, g.InWidth);
                ref float dyRow = ref Unsafe.Add(ref dyPlane, oh * g.OutWidth);
                bool narrow = g.OutWidth < Lanes;
                if (narrow && !NarrowStepFits(plane * g.InPlane + (2 * oh + 1) * g.InWidth, Math.Min(x.Length, dx.Length), plane * g.OutPlane + oh * g.OutWidth, dy.Length))
                {
                    BackwardRowOneByOne(ref top, ref bottom, ref dyRow, ref dxTop, ref dxBottom, g.OutWidth);
                    continue;
                }

                for (int ow = 0; ow < g.OutWidth; ow += Lanes)
                {
                    int start = narrow ? 0 : Math.Min(ow, g.OutWidth - Lanes);
                    Corners(ref top, ref bottom, start, out Vector256<float> a, out Vector256<float> b, out Vector256<float> c, out Vector256<float> d);

                    // Which corner is the first maximum, as all-bits masks; a later corner wins only if strictly larger or the first NaN.
                    Vector256<float> m = a;
                    Vector256<float> takeB = Takes(b, m);
                    m = Vector256.ConditionalSelect(takeB, b, m);
                    Vector256<float> takeC = Takes(c, m);
                    m = Vector256.ConditionalSelect(takeC, c, m);
                    Vector256<float> takeD = Takes(d, m);
                    Vector256<float> winD = takeD;
                    Vector256<float> winC = Vector256.AndNot(takeC, takeD);
                    Vector256<float> winB = Vector256.AndNot(Vector256.AndNot(takeB, takeC), takeD);
                    Vector256<float> winA = ~(takeB | takeC | takeD);

                    Vector256<float> g0 = Vector256.LoadUnsafe(ref dyRow, (nuint)start);
                    if (narrow)
                    {
                        BlendInterleaved(ref dxTop, g0 & winA, g0 & winB, 2 * g.OutWidth);
                        BlendInterleaved(ref dxBottom, g0 & winC, g0 & winD, 2 * g.OutWidth);
                    }
                    else
                    {
                        StoreInterleaved(ref dxTop, 2 * start, g0 & winA, g0 & winB);
                        StoreInterleaved(ref dxBottom, 2 * start, g0 & winC, g0 & winD);
                    }
                }
            }
        }
    }

    // A narrow row's step reads 16 floats from the start of its bottom input row and 8 from its output row.
    private static bool NarrowStepFits(int bottomRow, int inputLength, int outputRow, int outputLength) =>
        bottomRow + 2 * Lanes <= inputLength && outputRow + Lanes <= outputLength;

    private static Vector256<float> FirstLanes(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();

    // Interleaves left and right as StoreInterleaved does, but changes only the first `count` of the 16 floats.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendInterleaved(ref float row, Vector256<float> left, Vector256<float> right, int count)
    {
        Vector256<float> low = Vector256.ConditionalSelect(EvenLanes,
            Vector256.Shuffle(left, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)), Vector256.Shuffle(right, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)));
        Vector256<float> high = Vector256.ConditionalSelect(EvenLanes,
            Vector256.Shuffle(left, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7)), Vector256.Shuffle(right, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7)));
        Vector256.ConditionalSelect(FirstLanes(count), low, Vector256.LoadUnsafe(ref row)).StoreUnsafe(ref row);
        Vector256.ConditionalSelect(FirstLanes(count - Lanes), high, Vector256.LoadUnsafe(ref row, Lanes)).StoreUnsafe(ref row, Lanes);
    }

    private static void ForwardRowOneByOne(ref float top, ref float bottom, ref float yRow, int outputs)
    {
        for (int ow = 0; ow < outputs; ow++)
        {
            float m = Unsafe.Add(ref top, 2 * ow);
            m = Max(m, Unsafe.Add(ref top, 2 * ow + 1));
            m = Max(m, Unsafe.Add(ref bottom, 2 * ow));
            Unsafe.Add(ref yRow, ow) = Max(m, Unsafe.Add(ref bottom, 2 * ow + 1));
        }
    }

    private static void BackwardRowOneByOne(ref float top, ref float bottom, ref float dyRow, ref float dxTop, ref float dxBottom, int outputs)
    {
        for (int ow = 0; ow < outputs; ow++)
        {
            // Corner 0..3 in row-major order; a later corner wins only if strictly larger or the first NaN.
            int best = 0;
            float m = Unsafe.Add(ref top, 2 * ow);
            float v = Unsafe.Add(ref top, 2 * ow + 1);
            if (Takes(v, m)) { best = 1; m = v; }
            v = Unsafe.Add(ref bottom, 2 * ow);
            if (Takes(v, m)) { best = 2; m = v; }
            v = Unsafe.Add(ref bottom, 2 * ow + 1);
            if (Takes(v, m)) { best = 3; }
            ref float target = ref best < 2 ? ref dxTop : ref dxBottom;
            Unsafe.Add(ref target, 2 * ow + (best & 1)) = Unsafe.Add(ref dyRow, ow);
        }
    }

    private static float Max(float m, float v) => v > m || float.IsNaN(v) ? v : m;

    private static bool Takes(float v, float m) => v > m || (float.IsNaN(v) && !float.IsNaN(m));

    // The corners of 8 consecutive windows starting at output column `start`: top-left, top-right, bottom-left, bottom-right.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Corners(ref float top, ref float bottom, int start, out Vector256<float> a, out Vector256<float> b, out Vector256<float> c, out Vector256<float> d)
    {
        nuint at = (nuint)(2 * start);
        Vector256<float> topLow = Vector256.LoadUnsafe(ref top, at), topHigh = Vector256.LoadUnsafe(ref top, at + Lanes);
        Vector256<float> bottomLow = Vector256.LoadUnsafe(ref bottom, at), bottomHigh = Vector256.LoadUnsafe(ref bottom, at + Lanes);
        a = Even(topLow, topHigh);
        b = Odd(topLow, topHigh);
        c = Even(bottomLow, bottomHigh);
        d = Odd(bottomLow, bottomHigh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Even(Vector256<float> low, Vector256<float> high) => Vector256.ConditionalSelect(
        LowHalf, Vector256.Shuffle(low, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)), Vector256.Shuffle(high, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Odd(Vector256<float> low, Vector256<float> high) => Vector256.ConditionalSelect(
        LowHalf, Vector256.Shuffle(low, Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7)), Vector256.Shuffle(high, Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7)));

    // Writes left[0], right[0], left[1], right[1], ... over 16 floats.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreInterleaved(ref float row, int at, Vector256<float> left, Vector256<float> right)
    {
        Vector256<float> low = Vector256.ConditionalSelect(EvenLanes,
            Vector256.Shuffle(left, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)), Vector256.Shuffle(right, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)));
        Vector256<float> high = Vector256.ConditionalSelect(EvenLanes,
            Vector256.Shuffle(left, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7)), Vector256.Shuffle(right, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7)));
        low.StoreUnsafe(ref row, (nuint)at);
        high.StoreUnsafe(ref row, (nuint)(at + Lanes));
    }

    // The larger of m and v, NaN if either is (m first: a NaN already in m stays).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Max(Vector256<float> m, Vector256<float> v) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(v, m) | IsNaN(v), v, m);

    // Whether v replaces the running maximum m: strictly larger, or the first NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Takes(Vector256<float> v, Vector256<float> m) =>
        Vector256.GreaterThan(v, m) | Vector256.AndNot(IsNaN(v), IsNaN(m));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> IsNaN(Vector256<float> v) => ~Vector256.Equals(v, v);

    private static Vector256<float> LowHalf => Vector256.Create(-1, -1, -1, -1, 0, 0, 0, 0).AsSingle();

    private static Vector256<float> EvenLanes => Vector256.Create(-1, 0, -1, 0, -1, 0, -1, 0).AsSingle();
}
