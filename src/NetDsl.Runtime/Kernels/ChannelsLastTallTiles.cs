using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// The channels-last convolution's tiles for layers of at most one vector of channels (16 at 512 bits, 8 at 256): 12 rows
/// x 1 vector, 12 accumulators plus the loaded vector and a broadcast (14 registers, so AVX2 holds them too). Each step
/// loads one vector and broadcasts twelve scalars for twelve fused multiply-adds; the 6 x 2 tiles of
/// <see cref="ChannelsLastTiles"/> would need vectors of half the width for so few channels, doing half the work per
/// instruction. Same arithmetic per lane as the other tiles (the same order, one rounding per step).
/// </summary>
internal static class ChannelsLastTallTiles
{
    /// <summary>Rows of accumulators per tile.</summary>
    public const int Rows = 12;

    /// <summary>
    /// As <see cref="ChannelsLastTiles.Forward{TVector, TWidth}"/> (runs of <paramref name="run"/> offsets, the first
    /// <paramref name="phase"/> steps in), twelve pixels over one vector of output channels.
    /// </summary>
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
        ref float x6 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 6 ? 6 : 0));
        ref float x7 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 7 ? 7 : 0));
        ref float x8 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 8 ? 8 : 0));
        ref float x9 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 9 ? 9 : 0));
        ref float x10 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 10 ? 10 : 0));
        ref float x11 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, rows > 11 ? 11 : 0));
        nuint step = (nuint)startStride;
        TVector c0 = TWidth.Load(ref start, 0);
        TVector c1 = TWidth.Load(ref start, rows > 1 ? 1 * step : 0);
        TVector c2 = TWidth.Load(ref start, rows > 2 ? 2 * step : 0);
        TVector c3 = TWidth.Load(ref start, rows > 3 ? 3 * step : 0);
        TVector c4 = TWidth.Load(ref start, rows > 4 ? 4 * step : 0);
        TVector c5 = TWidth.Load(ref start, rows > 5 ? 5 * step : 0);
        TVector c6 = TWidth.Load(ref start, rows > 6 ? 6 * step : 0);
        TVector c7 = TWidth.Load(ref start, rows > 7 ? 7 * step : 0);
        TVector c8 = TWidth.Load(ref start, rows > 8 ? 8 * step : 0);
        TVector c9 = TWidth.Load(ref start, rows > 9 ? 9 * step : 0);
        TVector c10 = TWidth.Load(ref start, rows > 10 ? 10 * step : 0);
        TVector c11 = TWidth.Load(ref start, rows > 11 ? 11 * step : 0);
        ref float w = ref weights;
        for (int k = 0; k < depth;)
        {
            // The input channels of one tap are adjacent floats: a run of steps whose offsets count up by one, read once per
            // run (a load per step in front of the twelve broadcasts cost about a tenth of this tile's speed).
            nint offset = Unsafe.Add(ref depthOffsets, k);
            int end = Math.Min(depth, k + run - phase);
            phase = 0;
            for (; k < end; k++, offset++)
            {
                TVector w0 = TWidth.Load(ref w, 0);
                w = ref Unsafe.Add(ref w, lanes);
                c0 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x0, offset)), w0, c0);
                c1 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x1, offset)), w0, c1);
                c2 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x2, offset)), w0, c2);
                c3 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x3, offset)), w0, c3);
                c4 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x4, offset)), w0, c4);
                c5 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x5, offset)), w0, c5);
                c6 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x6, offset)), w0, c6);
                c7 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x7, offset)), w0, c7);
                c8 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x8, offset)), w0, c8);
                c9 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x9, offset)), w0, c9);
                c10 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x10, offset)), w0, c10);
                c11 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x11, offset)), w0, c11);
            }
        }

        StoreRows<TVector, TWidth>(ref output, outputStride, rows, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
    }

    /// <summary>As <see cref="ChannelsLastTiles.InputGradient{TVector, TWidth}"/>, twelve pixels over one vector of input channels.</summary>
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
        ref float d6 = ref Unsafe.Add(ref gradients, rows > 6 ? 6 * gradientStride : 0);
        ref float d7 = ref Unsafe.Add(ref gradients, rows > 7 ? 7 * gradientStride : 0);
        ref float d8 = ref Unsafe.Add(ref gradients, rows > 8 ? 8 * gradientStride : 0);
        ref float d9 = ref Unsafe.Add(ref gradients, rows > 9 ? 9 * gradientStride : 0);
        ref float d10 = ref Unsafe.Add(ref gradients, rows > 10 ? 10 * gradientStride : 0);
        ref float d11 = ref Unsafe.Add(ref gradients, rows > 11 ? 11 * gradientStride : 0);
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        ref float w = ref weights;
        for (int o = 0; o < outChannels; o++)
        {
            TVector w0 = TWidth.Load(ref w, 0);
            w = ref Unsafe.Add(ref w, lanes);
            c0 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d0, o)), w0, c0);
            c1 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d1, o)), w0, c1);
            c2 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d2, o)), w0, c2);
            c3 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d3, o)), w0, c3);
            c4 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d4, o)), w0, c4);
            c5 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d5, o)), w0, c5);
            c6 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d6, o)), w0, c6);
            c7 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d7, o)), w0, c7);
            c8 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d8, o)), w0, c8);
            c9 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d9, o)), w0, c9);
            c10 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d10, o)), w0, c10);
            c11 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref d11, o)), w0, c11);
        }

        TVector one = TWidth.Broadcast(1f);
        Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, pixelOffsets), c0, one);
        if (rows > 1) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 1)), c1, one);
        if (rows > 2) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 2)), c2, one);
        if (rows > 3) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 3)), c3, one);
        if (rows > 4) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 4)), c4, one);
        if (rows > 5) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 5)), c5, one);
        if (rows > 6) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 6)), c6, one);
        if (rows > 7) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 7)), c7, one);
        if (rows > 8) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 8)), c8, one);
        if (rows > 9) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 9)), c9, one);
        if (rows > 10) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 10)), c10, one);
        if (rows > 11) Add<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 11)), c11, one);
    }

    /// <summary>As <see cref="ChannelsLastTiles.WeightGradient{TVector, TWidth}"/>, twelve rows of the depth over one vector of output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient<TVector, TWidth>(ref float input, ref int pixelOffsets, int pixels, ref int depthOffsets, int rows, ref float gradients, int gradientStride, ref float accumulators, int accumulatorStride)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ref float x0 = ref Unsafe.Add(ref input, depthOffsets);
        ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 1 ? 1 : 0));
        ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 2 ? 2 : 0));
        ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 3 ? 3 : 0));
        ref float x4 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 4 ? 4 : 0));
        ref float x5 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 5 ? 5 : 0));
        ref float x6 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 6 ? 6 : 0));
        ref float x7 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 7 ? 7 : 0));
        ref float x8 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 8 ? 8 : 0));
        ref float x9 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 9 ? 9 : 0));
        ref float x10 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 10 ? 10 : 0));
        ref float x11 = ref Unsafe.Add(ref input, Unsafe.Add(ref depthOffsets, rows > 11 ? 11 : 0));
        nuint stride = (nuint)accumulatorStride;
        TVector c0 = TWidth.Load(ref accumulators, 0);
        TVector c1 = rows > 1 ? TWidth.Load(ref accumulators, 1 * stride) : default;
        TVector c2 = rows > 2 ? TWidth.Load(ref accumulators, 2 * stride) : default;
        TVector c3 = rows > 3 ? TWidth.Load(ref accumulators, 3 * stride) : default;
        TVector c4 = rows > 4 ? TWidth.Load(ref accumulators, 4 * stride) : default;
        TVector c5 = rows > 5 ? TWidth.Load(ref accumulators, 5 * stride) : default;
        TVector c6 = rows > 6 ? TWidth.Load(ref accumulators, 6 * stride) : default;
        TVector c7 = rows > 7 ? TWidth.Load(ref accumulators, 7 * stride) : default;
        TVector c8 = rows > 8 ? TWidth.Load(ref accumulators, 8 * stride) : default;
        TVector c9 = rows > 9 ? TWidth.Load(ref accumulators, 9 * stride) : default;
        TVector c10 = rows > 10 ? TWidth.Load(ref accumulators, 10 * stride) : default;
        TVector c11 = rows > 11 ? TWidth.Load(ref accumulators, 11 * stride) : default;
        ref float d = ref gradients;
        for (int q = 0; q < pixels; q++)
        {
            nint offset = Unsafe.Add(ref pixelOffsets, q);
            TVector g0 = TWidth.Load(ref d, 0);
            d = ref Unsafe.Add(ref d, gradientStride);
            c0 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x0, offset)), g0, c0);
            c1 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x1, offset)), g0, c1);
            c2 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x2, offset)), g0, c2);
            c3 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x3, offset)), g0, c3);
            c4 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x4, offset)), g0, c4);
            c5 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x5, offset)), g0, c5);
            c6 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x6, offset)), g0, c6);
            c7 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x7, offset)), g0, c7);
            c8 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x8, offset)), g0, c8);
            c9 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x9, offset)), g0, c9);
            c10 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x10, offset)), g0, c10);
            c11 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref x11, offset)), g0, c11);
        }

        StoreRows<TVector, TWidth>(ref accumulators, accumulatorStride, rows, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<TVector, TWidth>(ref float output, int stride, int rows, TVector c0, TVector c1, TVector c2, TVector c3, TVector c4, TVector c5, TVector c6, TVector c7, TVector c8, TVector c9, TVector c10, TVector c11)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint row = (nuint)stride;
        TWidth.Store(c0, ref output, 0);
        if (rows > 1) TWidth.Store(c1, ref output, 1 * row);
        if (rows > 2) TWidth.Store(c2, ref output, 2 * row);
        if (rows > 3) TWidth.Store(c3, ref output, 3 * row);
        if (rows > 4) TWidth.Store(c4, ref output, 4 * row);
        if (rows > 5) TWidth.Store(c5, ref output, 5 * row);
        if (rows > 6) TWidth.Store(c6, ref output, 6 * row);
        if (rows > 7) TWidth.Store(c7, ref output, 7 * row);
        if (rows > 8) TWidth.Store(c8, ref output, 8 * row);
        if (rows > 9) TWidth.Store(c9, ref output, 9 * row);
        if (rows > 10) TWidth.Store(c10, ref output, 10 * row);
        if (rows > 11) TWidth.Store(c11, ref output, 11 * row);
    }

    // target[0 .. 1 vector] += c, each lane rounded once, as the other tiles add.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<TVector, TWidth>(ref float target, TVector c, TVector one)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Store(TWidth.MultiplyAdd(one, c, TWidth.Load(ref target, 0)), ref target, 0);
}
