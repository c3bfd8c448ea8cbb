using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// The 512-bit tiles of the channels-last convolution for 64 channels and more: 6 rows x 4 vectors, 24 accumulators, which
/// with the four loaded vectors and one broadcast fill 29 of AVX-512's 32 registers. Per step they load four vectors and
/// six scalars for 24 fused multiply-adds, against two and six for twelve in <see cref="ChannelsLastTiles"/>: fewer loads
/// per multiply-add, so the loads stop competing with the arithmetic. Same arithmetic per lane as the narrow tiles (the
/// same order, one rounding per step), so results do not change with the tile.
/// </summary>
internal static class ChannelsLastWideTiles
{
    /// <summary>Vectors of accumulators per row.</summary>
    public const int Vectors = 4;

    /// <summary>As <see cref="ChannelsLastTiles.Forward{TVector, TWidth}"/> (runs of <paramref name="run"/> offsets, the first <paramref name="phase"/> steps in), over four vectors of output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TVector, TWidth>(ref float input, ref int pixelOffsets, int rows, ref int depthOffsets, int depth, ref float weights, ref float start, int startStride, ref float output, int outputStride, int run, int phase)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        ref float x0 = ref Unsafe.Add(ref input, pixelOffsets);
        ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 1 ? 1 : 0));
        ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 2 ? 2 : 0));
        ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 3 ? 3 : 0));
        ref float x4 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 4 ? 4 : 0));
        ref float x5 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 5 ? 5 : 0));
        nuint step = (nuint)startStride;
        TVector c00 = TWidth.Load(ref start, 0), c01 = TWidth.Load(ref start, lanes), c02 = TWidth.Load(ref start, 2 * lanes), c03 = TWidth.Load(ref start, 3 * lanes);
        nuint row1 = rows > 1 ? 1 * step : 0;
        TVector c10 = TWidth.Load(ref start, row1), c11 = TWidth.Load(ref start, row1 + lanes), c12 = TWidth.Load(ref start, row1 + 2 * lanes), c13 = TWidth.Load(ref start, row1 + 3 * lanes);
        nuint row2 = rows > 2 ? 2 * step : 0;
        TVector c20 = TWidth.Load(ref start, row2), c21 = TWidth.Load(ref start, row2 + lanes), c22 = TWidth.Load(ref start, row2 + 2 * lanes), c23 = TWidth.Load(ref start, row2 + 3 * lanes);
        nuint row3 = rows > 3 ? 3 * step : 0;
        TVector c30 = TWidth.Load(ref start, row3), c31 = TWidth.Load(ref start, row3 + lanes), c32 = TWidth.Load(ref start, row3 + 2 * lanes), c33 = TWidth.Load(ref start, row3 + 3 * lanes);
        nuint row4 = rows > 4 ? 4 * step : 0;
        TVector c40 = TWidth.Load(ref start, row4), c41 = TWidth.Load(ref start, row4 + lanes), c42 = TWidth.Load(ref start, row4 + 2 * lanes), c43 = TWidth.Load(ref start, row4 + 3 * lanes);
        nuint row5 = rows > 5 ? 5 * step : 0;
        TVector c50 = TWidth.Load(ref start, row5), c51 = TWidth.Load(ref start, row5 + lanes), c52 = TWidth.Load(ref start, row5 + 2 * lanes), c53 = TWidth.Load(ref start, row5 + 3 * lanes);
        ref float w = ref weights;
        for (int k = 0; k < depth;)
        {
            // A run of steps over the input channels of one tap: offsets that count up by one (see the tall tiles).
            nint offset = Unsafe.Add(ref depthOffsets, k);
            int end = Math.Min(depth, k + run - phase);
            phase = 0;
            for (; k < end; k++, offset++)
            {
                TVector w0 = TWidth.Load(ref w, 0), w1 = TWidth.Load(ref w, lanes), w2 = TWidth.Load(ref w, 2 * lanes), w3 = TWidth.Load(ref w, 3 * lanes);
                w = ref Unsafe.Add(ref w, 4 * lanes);
                TVector v = TWidth.Broadcast(Unsafe.Add(ref x0, offset));
                c00 = TWidth.MultiplyAdd(v, w0, c00);
                c01 = TWidth.MultiplyAdd(v, w1, c01);
                c02 = TWidth.MultiplyAdd(v, w2, c02);
                c03 = TWidth.MultiplyAdd(v, w3, c03);
                v = TWidth.Broadcast(Unsafe.Add(ref x1, offset));
                c10 = TWidth.MultiplyAdd(v, w0, c10);
                c11 = TWidth.MultiplyAdd(v, w1, c11);
                c12 = TWidth.MultiplyAdd(v, w2, c12);
                c13 = TWidth.MultiplyAdd(v, w3, c13);
                v = TWidth.Broadcast(Unsafe.Add(ref x2, offset));
                c20 = TWidth.MultiplyAdd(v, w0, c20);
                c21 = TWidth.MultiplyAdd(v, w1, c21);
                c22 = TWidth.MultiplyAdd(v, w2, c22);
                c23 = TWidth.MultiplyAdd(v, w3, c23);
                v = TWidth.Broadcast(Unsafe.Add(ref x3, offset));
                c30 = TWidth.MultiplyAdd(v, w0, c30);
                c31 = TWidth.MultiplyAdd(v, w1, c31);
                c32 = TWidth.MultiplyAdd(v, w2, c32);
                c33 = TWidth.MultiplyAdd(v, w3, c33);
                v = TWidth.Broadcast(Unsafe.Add(ref x4, offset));
                c40 = TWidth.MultiplyAdd(v, w0, c40);
                c41 = TWidth.MultiplyAdd(v, w1, c41);
                c42 = TWidth.MultiplyAdd(v, w2, c42);
                c43 = TWidth.MultiplyAdd(v, w3, c43);
                v = TWidth.Broadcast(Unsafe.Add(ref x5, offset));
                c50 = TWidth.MultiplyAdd(v, w0, c50);
                c51 = TWidth.MultiplyAdd(v, w1, c51);
                c52 = TWidth.MultiplyAdd(v, w2, c52);
                c53 = TWidth.MultiplyAdd(v, w3, c53);
            }
        }

        StoreRows<TVector, TWidth>(ref output, outputStride, rows, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53);
    }

    /// <summary>As <see cref="ChannelsLastTiles.InputGradient{TVector, TWidth}"/>, over four vectors of input channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient<TVector, TWidth>(ref float gradients, int gradientStride, int rows, int outChannels, ref float weights, ref float inputGradient, ref int pixelOffsets)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        ref float d0 = ref gradients;
        ref float d1 = ref Unsafe.Add(ref gradients, rows > 1 ? 1 * gradientStride : 0);
        ref float d2 = ref Unsafe.Add(ref gradients, rows > 2 ? 2 * gradientStride : 0);
        ref float d3 = ref Unsafe.Add(ref gradients, rows > 3 ? 3 * gradientStride : 0);
        ref float d4 = ref Unsafe.Add(ref gradients, rows > 4 ? 4 * gradientStride : 0);
        ref float d5 = ref Unsafe.Add(ref gradients, rows > 5 ? 5 * gradientStride : 0);
        TVector c00 = default, c01 = default, c02 = default, c03 = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default;
        TVector c20 = default, c21 = default, c22 = default, c23 = default;
        TVector c30 = default, c31 = default, c32 = default, c33 = default;
        TVector c40 = default, c41 = default, c42 = default, c43 = default;
        TVector c50 = default, c51 = default, c52 = default, c53 = default;
        ref float w = ref weights;
        for (int o = 0; o < outChannels; o++)
        {
            TVector w0 = TWidth.Load(ref w, 0), w1 = TWidth.Load(ref w, lanes), w2 = TWidth.Load(ref w, 2 * lanes), w3 = TWidth.Load(ref w, 3 * lanes);
            w = ref Unsafe.Add(ref w, 4 * lanes);
            TVector v = TWidth.Broadcast(Unsafe.Add(ref d0, o));
            c00 = TWidth.MultiplyAdd(v, w0, c00);
            c01 = TWidth.MultiplyAdd(v, w1, c01);
            c02 = TWidth.MultiplyAdd(v, w2, c02);
            c03 = TWidth.MultiplyAdd(v, w3, c03);
            v = TWidth.Broadcast(Unsafe.Add(ref d1, o));
            c10 = TWidth.MultiplyAdd(v, w0, c10);
            c11 = TWidth.MultiplyAdd(v, w1, c11);
            c12 = TWidth.MultiplyAdd(v, w2, c12);
            c13 = TWidth.MultiplyAdd(v, w3, c13);
            v = TWidth.Broadcast(Unsafe.Add(ref d2, o));
            c20 = TWidth.MultiplyAdd(v, w0, c20);
            c21 = TWidth.MultiplyAdd(v, w1, c21);
            c22 = TWidth.MultiplyAdd(v, w2, c22);
            c23 = TWidth.MultiplyAdd(v, w3, c23);
            v = TWidth.Broadcast(Unsafe.Add(ref d3, o));
            c30 = TWidth.MultiplyAdd(v, w0, c30);
            c31 = TWidth.MultiplyAdd(v, w1, c31);
            c32 = TWidth.MultiplyAdd(v, w2, c32);
            c33 = TWidth.MultiplyAdd(v, w3, c33);
            v = TWidth.Broadcast(Unsafe.Add(ref d4, o));
            c40 = TWidth.MultiplyAdd(v, w0, c40);
            c41 = TWidth.MultiplyAdd(v, w1, c41);
            c42 = TWidth.MultiplyAdd(v, w2, c42);
            c43 = TWidth.MultiplyAdd(v, w3, c43);
            v = TWidth.Broadcast(Unsafe.Add(ref d5, o));
            c50 = TWidth.MultiplyAdd(v, w0, c50);
            c51 = TWidth.MultiplyAdd(v, w1, c51);
            c52 = TWidth.MultiplyAdd(v, w2, c52);
            c53 = TWidth.MultiplyAdd(v, w3, c53);
        }

        AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, pixelOffsets), c00, c01, c02, c03);
        if (rows > 1) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 1)), c10, c11, c12, c13);
        if (rows > 2) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 2)), c20, c21, c22, c23);
        if (rows > 3) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 3)), c30, c31, c32, c33);
        if (rows > 4) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 4)), c40, c41, c42, c43);
        if (rows > 5) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 5)), c50, c51, c52, c53);
    }

    /// <summary>As <see cref="ChannelsLastTiles.WeightGradient{TVector, TWidth}"/>, over four vectors of output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient<TVector, TWidth>(ref float input, ref int pixelOffsets, int pixels, ref int depthOffsets, int rows, ref float gradients, int gradientStride, ref float accumulators, int accumulatorStride)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        ref float x0 = ref Unsafe.Add(ref input, depthOffsets);
        ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 1 ? 1 : 0));
        ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 2 ? 2 : 0));
        ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 3 ? 3 : 0));
        ref float x4 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 4 ? 4 : 0));
        ref float x5 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 5 ? 5 : 0));
        nuint stride = (nuint)accumulatorStride;
        TVector c00 = TWidth.Load(ref accumulators, 0), c01 = TWidth.Load(ref accumulators, lanes), c02 = TWidth.Load(ref accumulators, 2 * lanes), c03 = TWidth.Load(ref accumulators, 3 * lanes);
        TVector c10 = default, c11 = default, c12 = default, c13 = default;
        if (rows > 1)
        {
            c10 = TWidth.Load(ref accumulators, 1 * stride + 0 * lanes);
            c11 = TWidth.Load(ref accumulators, 1 * stride + 1 * lanes);
            c12 = TWidth.Load(ref accumulators, 1 * stride + 2 * lanes);
            c13 = TWidth.Load(ref accumulators, 1 * stride + 3 * lanes);
        }
        TVector c20 = default, c21 = default, c22 = default, c23 = default;
        if (rows > 2)
        {
            c20 = TWidth.Load(ref accumulators, 2 * stride + 0 * lanes);
            c21 = TWidth.Load(ref accumulators, 2 * stride + 1 * lanes);
            c22 = TWidth.Load(ref accumulators, 2 * stride + 2 * lanes);
            c23 = TWidth.Load(ref accumulators, 2 * stride + 3 * lanes);
        }
        TVector c30 = default, c31 = default, c32 = default, c33 = default;
        if (rows > 3)
        {
            c30 = TWidth.Load(ref accumulators, 3 * stride + 0 * lanes);
            c31 = TWidth.Load(ref accumulators, 3 * stride + 1 * lanes);
            c32 = TWidth.Load(ref accumulators, 3 * stride + 2 * lanes);
            c33 = TWidth.Load(ref accumulators, 3 * stride + 3 * lanes);
        }
        TVector c40 = default, c41 = default, c42 = default, c43 = default;
        if (rows > 4)
        {
            c40 = TWidth.Load(ref accumulators, 4 * stride + 0 * lanes);
            c41 = TWidth.Load(ref accumulators, 4 * stride + 1 * lanes);
            c42 = TWidth.Load(ref accumulators, 4 * stride + 2 * lanes);
            c43 = TWidth.Load(ref accumulators, 4 * stride + 3 * lanes);
        }
        TVector c50 = default, c51 = default, c52 = default, c53 = default;
        if (rows > 5)
        {
            c50 = TWidth.Load(ref accumulators, 5 * stride + 0 * lanes);
            c51 = TWidth.Load(ref accumulators, 5 * stride + 1 * lanes);
            c52 = TWidth.Load(ref accumulators, 5 * stride + 2 * lanes);
            c53 = TWidth.Load(ref accumulators, 5 * stride + 3 * lanes);
        }
        ref float d = ref gradients;
        for (int q = 0; q < pixels; q++)
        {
            nint offset = Unsafe.Add(ref pixelOffsets, q);
            TVector g0 = TWidth.Load(ref d, 0), g1 = TWidth.Load(ref d, lanes), g2 = TWidth.Load(ref d, 2 * lanes), g3 = TWidth.Load(ref d, 3 * lanes);
            d = ref Unsafe.Add(ref d, gradientStride);
            TVector v = TWidth.Broadcast(Unsafe.Add(ref x0, offset));
            c00 = TWidth.MultiplyAdd(v, g0, c00);
            c01 = TWidth.MultiplyAdd(v, g1, c01);
            c02 = TWidth.MultiplyAdd(v, g2, c02);
            c03 = TWidth.MultiplyAdd(v, g3, c03);
            v = TWidth.Broadcast(Unsafe.Add(ref x1, offset));
            c10 = TWidth.MultiplyAdd(v, g0, c10);
            c11 = TWidth.MultiplyAdd(v, g1, c11);
            c12 = TWidth.MultiplyAdd(v, g2, c12);
            c13 = TWidth.MultiplyAdd(v, g3, c13);
            v = TWidth.Broadcast(Unsafe.Add(ref x2, offset));
            c20 = TWidth.MultiplyAdd(v, g0, c20);
            c21 = TWidth.MultiplyAdd(v, g1, c21);
            c22 = TWidth.MultiplyAdd(v, g2, c22);
            c23 = TWidth.MultiplyAdd(v, g3, c23);
            v = TWidth.Broadcast(Unsafe.Add(ref x3, offset));
            c30 = TWidth.MultiplyAdd(v, g0, c30);
            c31 = TWidth.MultiplyAdd(v, g1, c31);
            c32 = TWidth.MultiplyAdd(v, g2, c32);
            c33 = TWidth.MultiplyAdd(v, g3, c33);
            v = TWidth.Broadcast(Unsafe.Add(ref x4, offset));
            c40 = TWidth.MultiplyAdd(v, g0, c40);
            c41 = TWidth.MultiplyAdd(v, g1, c41);
            c42 = TWidth.MultiplyAdd(v, g2, c42);
            c43 = TWidth.MultiplyAdd(v, g3, c43);
            v = TWidth.Broadcast(Unsafe.Add(ref x5, offset));
            c50 = TWidth.MultiplyAdd(v, g0, c50);
            c51 = TWidth.MultiplyAdd(v, g1, c51);
            c52 = TWidth.MultiplyAdd(v, g2, c52);
            c53 = TWidth.MultiplyAdd(v, g3, c53);
        }

        StoreRows<TVector, TWidth>(ref accumulators, accumulatorStride, rows, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<TVector, TWidth>(ref float output, int stride, int rows, TVector c00, TVector c01, TVector c02, TVector c03, TVector c10, TVector c11, TVector c12, TVector c13, TVector c20, TVector c21, TVector c22, TVector c23, TVector c30, TVector c31, TVector c32, TVector c33, TVector c40, TVector c41, TVector c42, TVector c43, TVector c50, TVector c51, TVector c52, TVector c53)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        nuint row = (nuint)stride;
        TWidth.Store(c00, ref output, 0 * row + 0 * lanes); TWidth.Store(c01, ref output, 0 * row + 1 * lanes); TWidth.Store(c02, ref output, 0 * row + 2 * lanes); TWidth.Store(c03, ref output, 0 * row + 3 * lanes);
        if (rows > 1) { TWidth.Store(c10, ref output, 1 * row + 0 * lanes); TWidth.Store(c11, ref output, 1 * row + 1 * lanes); TWidth.Store(c12, ref output, 1 * row + 2 * lanes); TWidth.Store(c13, ref output, 1 * row + 3 * lanes); }
        if (rows > 2) { TWidth.Store(c20, ref output, 2 * row + 0 * lanes); TWidth.Store(c21, ref output, 2 * row + 1 * lanes); TWidth.Store(c22, ref output, 2 * row + 2 * lanes); TWidth.Store(c23, ref output, 2 * row + 3 * lanes); }
        if (rows > 3) { TWidth.Store(c30, ref output, 3 * row + 0 * lanes); TWidth.Store(c31, ref output, 3 * row + 1 * lanes); TWidth.Store(c32, ref output, 3 * row + 2 * lanes); TWidth.Store(c33, ref output, 3 * row + 3 * lanes); }
        if (rows > 4) { TWidth.Store(c40, ref output, 4 * row + 0 * lanes); TWidth.Store(c41, ref output, 4 * row + 1 * lanes); TWidth.Store(c42, ref output, 4 * row + 2 * lanes); TWidth.Store(c43, ref output, 4 * row + 3 * lanes); }
        if (rows > 5) { TWidth.Store(c50, ref output, 5 * row + 0 * lanes); TWidth.Store(c51, ref output, 5 * row + 1 * lanes); TWidth.Store(c52, ref output, 5 * row + 2 * lanes); TWidth.Store(c53, ref output, 5 * row + 3 * lanes); }
    }

    // target[0 .. 4 vectors] += (c0 .. c3), each lane rounded once, as ChannelsLastTiles adds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<TVector, TWidth>(ref float target, TVector c0, TVector c1, TVector c2, TVector c3)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        TVector one = TWidth.Broadcast(1f);
        TWidth.Store(TWidth.MultiplyAdd(one, c0, TWidth.Load(ref target, 0)), ref target, 0);
        TWidth.Store(TWidth.MultiplyAdd(one, c1, TWidth.Load(ref target, lanes)), ref target, lanes);
        TWidth.Store(TWidth.MultiplyAdd(one, c2, TWidth.Load(ref target, 2 * lanes)), ref target, 2 * lanes);
        TWidth.Store(TWidth.MultiplyAdd(one, c3, TWidth.Load(ref target, 3 * lanes)), ref target, 3 * lanes);
    }
}
