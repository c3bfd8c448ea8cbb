using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// The register tiles of the channels-last convolution: 6 rows x 2 vectors of accumulators, 12 named locals that the JIT
/// keeps in registers (16 of AVX2's registers with the two loaded vectors and one broadcast). Each step loads two vectors,
/// broadcasts six scalars and does twelve fused multiply-adds. Every accumulator lane is one output summed in a fixed
/// order with one rounding per step, so the result of a lane does not depend on the vector width.
/// </summary>
internal static class ChannelsLastTiles
{
    /// <summary>Rows of accumulators per tile.</summary>
    public const int Rows = 6;

    /// <summary>
    /// Forward: six output pixels x two vectors of output channels. Row r sums, over <paramref name="depth"/> steps of the
    /// flattened depth <c>k = tap * InChannels + channel</c>, <c>input[pixel offset r + depth offset k] * weights[k]</c>,
    /// starting from <c>start[r * startStride]</c>: the bias (stride 0), or the sums so far when the depth is split in
    /// chunks (the output, its stride). Rows past <paramref name="rows"/> repeat row 0 and are not stored. The depth offsets
    /// count up by one within runs of <paramref name="run"/> steps (the input channels of a tap; the first run starts
    /// <paramref name="phase"/> steps in), so the offsets are read once per run, not once per step.
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
        nuint step = (nuint)startStride;
        TVector c00 = TWidth.Load(ref start, 0), c01 = TWidth.Load(ref start, lanes);
        TVector c10 = TWidth.Load(ref start, rows > 1 ? step : 0), c11 = TWidth.Load(ref start, (rows > 1 ? step : 0) + lanes);
        TVector c20 = TWidth.Load(ref start, rows > 2 ? 2 * step : 0), c21 = TWidth.Load(ref start, (rows > 2 ? 2 * step : 0) + lanes);
        TVector c30 = TWidth.Load(ref start, rows > 3 ? 3 * step : 0), c31 = TWidth.Load(ref start, (rows > 3 ? 3 * step : 0) + lanes);
        TVector c40 = TWidth.Load(ref start, rows > 4 ? 4 * step : 0), c41 = TWidth.Load(ref start, (rows > 4 ? 4 * step : 0) + lanes);
        TVector c50 = TWidth.Load(ref start, rows > 5 ? 5 * step : 0), c51 = TWidth.Load(ref start, (rows > 5 ? 5 * step : 0) + lanes);
        ref float w = ref weights;
        for (int k = 0; k < depth;)
        {
            // A run of steps over the input channels of one tap: offsets that count up by one (see the tall tiles).
            nint offset = Unsafe.Add(ref depthOffsets, k);
            int end = Math.Min(depth, k + run - phase);
            phase = 0;
            for (; k < end; k++, offset++)
            {
                TVector w0 = TWidth.Load(ref w, 0), w1 = TWidth.Load(ref w, lanes);
                w = ref Unsafe.Add(ref w, 2 * lanes);
                TVector v = TWidth.Broadcast(Unsafe.Add(ref x0, offset));
                c00 = TWidth.MultiplyAdd(v, w0, c00);
                c01 = TWidth.MultiplyAdd(v, w1, c01);
                v = TWidth.Broadcast(Unsafe.Add(ref x1, offset));
                c10 = TWidth.MultiplyAdd(v, w0, c10);
                c11 = TWidth.MultiplyAdd(v, w1, c11);
                v = TWidth.Broadcast(Unsafe.Add(ref x2, offset));
                c20 = TWidth.MultiplyAdd(v, w0, c20);
                c21 = TWidth.MultiplyAdd(v, w1, c21);
                v = TWidth.Broadcast(Unsafe.Add(ref x3, offset));
                c30 = TWidth.MultiplyAdd(v, w0, c30);
                c31 = TWidth.MultiplyAdd(v, w1, c31);
                v = TWidth.Broadcast(Unsafe.Add(ref x4, offset));
                c40 = TWidth.MultiplyAdd(v, w0, c40);
                c41 = TWidth.MultiplyAdd(v, w1, c41);
                v = TWidth.Broadcast(Unsafe.Add(ref x5, offset));
                c50 = TWidth.MultiplyAdd(v, w0, c50);
                c51 = TWidth.MultiplyAdd(v, w1, c51);
            }
        }

        StoreRows<TVector, TWidth>(ref output, outputStride, rows, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// Input gradient: six pixels x two vectors of input channels of one tap. Row r sums, over the output channels
    /// <c>o</c>, <c>gradients[row r, o] * weights[o]</c> (the tap's transposed weights), and the sums are added to the
    /// padded input gradient at each pixel's offset (rows past <paramref name="rows"/> are not added).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient<TVector, TWidth>(ref float gradients, int gradientStride, int rows, int outChannels, ref float weights, ref float inputGradient, ref int pixelOffsets)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        ref float d0 = ref gradients;
        ref float d1 = ref Unsafe.Add(ref gradients, rows > 1 ? gradientStride : 0);
        ref float d2 = ref Unsafe.Add(ref gradients, rows > 2 ? 2 * gradientStride : 0);
        ref float d3 = ref Unsafe.Add(ref gradients, rows > 3 ? 3 * gradientStride : 0);
        ref float d4 = ref Unsafe.Add(ref gradients, rows > 4 ? 4 * gradientStride : 0);
        ref float d5 = ref Unsafe.Add(ref gradients, rows > 5 ? 5 * gradientStride : 0);
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float w = ref weights;
        for (int o = 0; o < outChannels; o++)
        {
            TVector w0 = TWidth.Load(ref w, 0), w1 = TWidth.Load(ref w, lanes);
            w = ref Unsafe.Add(ref w, 2 * lanes);
            TVector v = TWidth.Broadcast(Unsafe.Add(ref d0, o));
            c00 = TWidth.MultiplyAdd(v, w0, c00);
            c01 = TWidth.MultiplyAdd(v, w1, c01);
            v = TWidth.Broadcast(Unsafe.Add(ref d1, o));
            c10 = TWidth.MultiplyAdd(v, w0, c10);
            c11 = TWidth.MultiplyAdd(v, w1, c11);
            v = TWidth.Broadcast(Unsafe.Add(ref d2, o));
            c20 = TWidth.MultiplyAdd(v, w0, c20);
            c21 = TWidth.MultiplyAdd(v, w1, c21);
            v = TWidth.Broadcast(Unsafe.Add(ref d3, o));
            c30 = TWidth.MultiplyAdd(v, w0, c30);
            c31 = TWidth.MultiplyAdd(v, w1, c31);
            v = TWidth.Broadcast(Unsafe.Add(ref d4, o));
            c40 = TWidth.MultiplyAdd(v, w0, c40);
            c41 = TWidth.MultiplyAdd(v, w1, c41);
            v = TWidth.Broadcast(Unsafe.Add(ref d5, o));
            c50 = TWidth.MultiplyAdd(v, w0, c50);
            c51 = TWidth.MultiplyAdd(v, w1, c51);
        }

        AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, pixelOffsets), c00, c01);
        if (rows > 1) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 1)), c10, c11);
        if (rows > 2) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 2)), c20, c21);
        if (rows > 3) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 3)), c30, c31);
        if (rows > 4) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 4)), c40, c41);
        if (rows > 5) AddRow<TVector, TWidth>(ref Unsafe.Add(ref inputGradient, Unsafe.Add(ref pixelOffsets, 5)), c50, c51);
    }

    /// <summary>
    /// Weight gradient: six rows of the flattened depth x two vectors of output channels. Row r adds, over the
    /// <paramref name="pixels"/> output pixels in order, <c>input[pixel offset + depth offset r] * gradients[pixel]</c> to
    /// <paramref name="accumulators"/> (rows <c>[depth, accumulatorStride]</c>); rows past <paramref name="rows"/> are not stored.
    /// </summary>
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
        TVector c00 = TWidth.Load(ref accumulators, 0), c01 = TWidth.Load(ref accumulators, lanes);
        TVector c10 = rows > 1 ? TWidth.Load(ref accumulators, stride) : default, c11 = rows > 1 ? TWidth.Load(ref accumulators, stride + lanes) : default;
        TVector c20 = rows > 2 ? TWidth.Load(ref accumulators, 2 * stride) : default, c21 = rows > 2 ? TWidth.Load(ref accumulators, 2 * stride + lanes) : default;
        TVector c30 = rows > 3 ? TWidth.Load(ref accumulators, 3 * stride) : default, c31 = rows > 3 ? TWidth.Load(ref accumulators, 3 * stride + lanes) : default;
        TVector c40 = rows > 4 ? TWidth.Load(ref accumulators, 4 * stride) : default, c41 = rows > 4 ? TWidth.Load(ref accumulators, 4 * stride + lanes) : default;
        TVector c50 = rows > 5 ? TWidth.Load(ref accumulators, 5 * stride) : default, c51 = rows > 5 ? TWidth.Load(ref accumulators, 5 * stride + lanes) : default;
        ref float d = ref gradients;
        for (int q = 0; q < pixels; q++)
        {
            nint offset = Unsafe.Add(ref pixelOffsets, q);
            TVector d0 = TWidth.Load(ref d, 0), d1 = TWidth.Load(ref d, lanes);
            d = ref Unsafe.Add(ref d, gradientStride);
            TVector v = TWidth.Broadcast(Unsafe.Add(ref x0, offset));
            c00 = TWidth.MultiplyAdd(v, d0, c00);
            c01 = TWidth.MultiplyAdd(v, d1, c01);
            v = TWidth.Broadcast(Unsafe.Add(ref x1, offset));
            c10 = TWidth.MultiplyAdd(v, d0, c10);
            c11 = TWidth.MultiplyAdd(v, d1, c11);
            v = TWidth.Broadcast(Unsafe.Add(ref x2, offset));
            c20 = TWidth.MultiplyAdd(v, d0, c20);
            c21 = TWidth.MultiplyAdd(v, d1, c21);
            v = TWidth.Broadcast(Unsafe.Add(ref x3, offset));
            c30 = TWidth.MultiplyAdd(v, d0, c30);
            c31 = TWidth.MultiplyAdd(v, d1, c31);
            v = TWidth.Broadcast(Unsafe.Add(ref x4, offset));
            c40 = TWidth.MultiplyAdd(v, d0, c40);
            c41 = TWidth.MultiplyAdd(v, d1, c41);
            v = TWidth.Broadcast(Unsafe.Add(ref x5, offset));
            c50 = TWidth.MultiplyAdd(v, d0, c50);
            c51 = TWidth.MultiplyAdd(v, d1, c51);
        }

        StoreRows<TVector, TWidth>(ref accumulators, accumulatorStride, rows, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<TVector, TWidth>(ref float output, int stride, int rows,
        TVector c00, TVector c01, TVector c10, TVector c11, TVector c20, TVector c21, TVector c30, TVector c31, TVector c40, TVector c41, TVector c50, TVector c51)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        nuint row = (nuint)stride;
        TWidth.Store(c00, ref output, 0);
        TWidth.Store(c01, ref output, lanes);
        if (rows > 1) { TWidth.Store(c10, ref output, row); TWidth.Store(c11, ref output, row + lanes); }
        if (rows > 2) { TWidth.Store(c20, ref output, 2 * row); TWidth.Store(c21, ref output, 2 * row + lanes); }
        if (rows > 3) { TWidth.Store(c30, ref output, 3 * row); TWidth.Store(c31, ref output, 3 * row + lanes); }
        if (rows > 4) { TWidth.Store(c40, ref output, 4 * row); TWidth.Store(c41, ref output, 4 * row + lanes); }
        if (rows > 5) { TWidth.Store(c50, ref output, 5 * row); TWidth.Store(c51, ref output, 5 * row + lanes); }
    }

    // target[0 .. 2 vectors] += (c0, c1), each lane rounded once: 1 * c + target is the sum, exactly as an addition.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<TVector, TWidth>(ref float target, TVector c0, TVector c1)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        TVector one = TWidth.Broadcast(1f);
        TWidth.Store(TWidth.MultiplyAdd(one, c0, TWidth.Load(ref target, 0)), ref target, 0);
        TWidth.Store(TWidth.MultiplyAdd(one, c1, TWidth.Load(ref target, lanes)), ref target, lanes);
    }
}
