using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// The forward tile of a first layer with one input channel and a 3x3 kernel (a depth of 9: grayscale images), whose
/// 9 x 2 vectors of weights stay in registers while every pixel of the group passes: 4 pixels x 2 vectors of output
/// channels per step, 9 broadcasts and 72 multiply-adds, no weight load. With so short a depth the general tiles spend as
/// much time starting and storing each tile as multiplying (N4's 1 -> 32 layer: 100 GFLOP/s).
/// </summary>
/// <remarks>
/// Each output is <c>bias + x_0 w_0 + ... + x_8 w_8</c>, fused in that order, as in every other tile: the same bits.
/// 18 weight, 2 bias and 8 accumulator vectors: 28 of AVX-512's 32 registers.
/// </remarks>
internal static class ChannelsLastStationaryTiles
{
    public const int Depth = 9;

    private const int Pixels = 4;

    /// <summary>
    /// Computes the outputs of the first <c>pixels - pixels % 4</c> pixels into rows of <paramref name="outputStride"/>
    /// floats and returns how many it computed; <paramref name="weights"/> holds the block's packed weights
    /// (<c>[9][2 vectors]</c>), <paramref name="bias"/> its two vectors of biases.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Forward<TVector, TWidth>(ref float input, ref int pixelOffsets, int pixels, ref int depthOffsets, ref float weights, ref float bias, ref float output, int outputStride)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        TVector w00 = TWidth.Load(ref weights, 0), w01 = TWidth.Load(ref weights, lanes);
        TVector w10 = TWidth.Load(ref weights, 2 * lanes), w11 = TWidth.Load(ref weights, 3 * lanes);
        TVector w20 = TWidth.Load(ref weights, 4 * lanes), w21 = TWidth.Load(ref weights, 5 * lanes);
        TVector w30 = TWidth.Load(ref weights, 6 * lanes), w31 = TWidth.Load(ref weights, 7 * lanes);
        TVector w40 = TWidth.Load(ref weights, 8 * lanes), w41 = TWidth.Load(ref weights, 9 * lanes);
        TVector w50 = TWidth.Load(ref weights, 10 * lanes), w51 = TWidth.Load(ref weights, 11 * lanes);
        TVector w60 = TWidth.Load(ref weights, 12 * lanes), w61 = TWidth.Load(ref weights, 13 * lanes);
        TVector w70 = TWidth.Load(ref weights, 14 * lanes), w71 = TWidth.Load(ref weights, 15 * lanes);
        TVector w80 = TWidth.Load(ref weights, 16 * lanes), w81 = TWidth.Load(ref weights, 17 * lanes);
        TVector b0 = TWidth.Load(ref bias, 0), b1 = TWidth.Load(ref bias, lanes);
        nint d0 = depthOffsets, d1 = Unsafe.Add(ref depthOffsets, 1), d2 = Unsafe.Add(ref depthOffsets, 2);
        nint d3 = Unsafe.Add(ref depthOffsets, 3), d4 = Unsafe.Add(ref depthOffsets, 4), d5 = Unsafe.Add(ref depthOffsets, 5);
        nint d6 = Unsafe.Add(ref depthOffsets, 6), d7 = Unsafe.Add(ref depthOffsets, 7), d8 = Unsafe.Add(ref depthOffsets, 8);
        int done = pixels - (pixels % Pixels);
        for (int q = 0; q < done; q += Pixels)
        {
            ref float x0 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, q));
            ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, q + 1));
            ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, q + 2));
            ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref pixelOffsets, q + 3));
            TVector c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d0, w00, w01, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d1, w10, w11, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d2, w20, w21, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d3, w30, w31, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d4, w40, w41, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d5, w50, w51, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d6, w60, w61, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d7, w70, w71, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            Tap<TVector, TWidth>(ref x0, ref x1, ref x2, ref x3, d8, w80, w81, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31);
            ref float row = ref Unsafe.Add(ref output, q * outputStride);
            TWidth.Store(c00, ref row, 0);
            TWidth.Store(c01, ref row, lanes);
            row = ref Unsafe.Add(ref row, outputStride);
            TWidth.Store(c10, ref row, 0);
            TWidth.Store(c11, ref row, lanes);
            row = ref Unsafe.Add(ref row, outputStride);
            TWidth.Store(c20, ref row, 0);
            TWidth.Store(c21, ref row, lanes);
            row = ref Unsafe.Add(ref row, outputStride);
            TWidth.Store(c30, ref row, 0);
            TWidth.Store(c31, ref row, lanes);
        }

        return done;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap<TVector, TWidth>(ref float x0, ref float x1, ref float x2, ref float x3, nint offset, TVector w0, TVector w1,
        ref TVector c00, ref TVector c01, ref TVector c10, ref TVector c11, ref TVector c20, ref TVector c21, ref TVector c30, ref TVector c31)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
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
    }
}
