using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>
/// The micro-kernels shared by the int8 matrix product and the int8 convolution: up to 4 rows of uint8 (or widened)
/// activations times every block of packed weights, into int32 sums <c>y[r * outputs + o]</c>. A row is the
/// concatenation of <em>segments</em>: the same number of bytes (whole 32-bit units) at each of the given offsets from
/// the row's start. A matrix row is one segment at offset 0; a convolution's output pixel reads one segment per kernel
/// row (or per tap, when dilated) from a padded channels-last input, so no tap needs a bounds check.
/// </summary>
/// <remarks>
/// Tiles keep their accumulators in registers (at most 12 plus 4 operands: VEX-encoded <c>vpdpbusd</c> reaches only 16
/// registers): 4 rows by 3 or 2 blocks while 4 rows remain (each weight vector loaded once serves 4 rows), else one row
/// by 8, 4 or 1 blocks (8 independent accumulator chains hide the latency of <c>vpdpbusd</c>; a single sample is the
/// latency case). The weights advance by one unit of every block (<see cref="PackedInt8Weights.UnitBytes"/>) per unit
/// of the row, whatever segment it is in.
/// </remarks>
internal static class Int8RowTiles
{
    public const int MaxRows = 4;

    /// <summary>
    /// <c>y[r * outputs + o] = Σ_s Σ_u x_r[segments[s] + u] · w[o, unit]</c> for the first <paramref name="count"/> of the
    /// rows starting at <paramref name="x0"/>..<paramref name="x3"/> (the rest are ignored) and every output of
    /// <paramref name="w"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compute<TVector, TStep>(
        ref byte x0, ref byte x1, ref byte x2, ref byte x3, int count, ref nint segments, int segmentCount, nint segmentBytes, PackedInt8Weights w, ref int y)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        int outputs = w.Outputs;
        int blocks = w.Blocks;
        nint unitBytes = w.UnitBytes;
        ref byte packed = ref w.First;
        if (count == MaxRows)
        {
            // Tiles of 3 blocks, and of 2 for the rest (4 = 2 + 2): a tile of one block loads a weight vector per 4 steps.
            int b = 0;
            int threes = blocks % 3 == 1 && blocks > 1 ? (blocks - 4) / 3 : blocks / 3;
            for (; b < 3 * threes; b += 3)
            {
                int o = b * TStep.BlockOutputs;
                Tile4x3<TVector, TStep>(ref x0, ref x1, ref x2, ref x3, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref y, o), outputs, outputs - o);
            }

            for (; b + 2 <= blocks; b += 2)
            {
                int o = b * TStep.BlockOutputs;
                Tile4x2<TVector, TStep>(ref x0, ref x1, ref x2, ref x3, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref y, o), outputs, outputs - o);
            }

            if (b < blocks)
            {
                int o = b * TStep.BlockOutputs;
                Tile4x1<TVector, TStep>(ref x0, ref x1, ref x2, ref x3, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref y, o), outputs, outputs - o);
            }

            return;
        }

        for (int r = 0; r < count; r++)
        {
            ref byte xRow = ref x0;
            if (r == 1)
            {
                xRow = ref x1;
            }
            else if (r == 2)
            {
                xRow = ref x2;
            }
            ref int yRow = ref Unsafe.Add(ref y, (nint)r * outputs);
            int b = 0;
            for (; b + 8 <= blocks; b += 8)
            {
                int o = b * TStep.BlockOutputs;
                Tile1x8<TVector, TStep>(ref xRow, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref yRow, o), outputs - o);
            }

            for (; b + 4 <= blocks; b += 4)
            {
                int o = b * TStep.BlockOutputs;
                Tile1x4<TVector, TStep>(ref xRow, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref yRow, o), outputs - o);
            }

            for (; b < blocks; b++)
            {
                int o = b * TStep.BlockOutputs;
                Tile1x1<TVector, TStep>(ref xRow, ref segments, segmentCount, segmentBytes, ref Unsafe.Add(ref packed, o * 4), unitBytes, ref Unsafe.Add(ref yRow, o), outputs - o);
            }
        }
    }

    /// <summary>
    /// The scalar path over one row: <paramref name="w"/> holds the weights row-major, <c>[outputs, segmentCount *
    /// segmentBytes]</c>, one byte per input.
    /// </summary>
    public static void ComputeScalar(ref byte x, ref nint segments, int segmentCount, nint segmentBytes, PackedInt8Weights w, ref int y)
    {
        int depth = w.Depth;
        int outputs = w.Outputs;
        ref sbyte weights = ref Unsafe.As<byte, sbyte>(ref w.First);
        int o = 0;
        for (; o + 2 <= outputs; o += 2)
        {
            ref sbyte w0 = ref Unsafe.Add(ref weights, (nint)o * depth);
            ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
            int s0 = 0, s1 = 0;
            for (int s = 0; s < segmentCount; s++)
            {
                ref byte segment = ref Unsafe.Add(ref x, Unsafe.Add(ref segments, s));
                for (nint k = 0; k < segmentBytes; k++)
                {
                    int v = Unsafe.Add(ref segment, k);
                    s0 += v * Unsafe.Add(ref w0, k);
                    s1 += v * Unsafe.Add(ref w1, k);
                }

                w0 = ref Unsafe.Add(ref w0, segmentBytes);
                w1 = ref Unsafe.Add(ref w1, segmentBytes);
            }

            Unsafe.Add(ref y, o) = s0;
            Unsafe.Add(ref y, o + 1) = s1;
        }

        if (o < outputs)
        {
            ref sbyte w0 = ref Unsafe.Add(ref weights, (nint)o * depth);
            int s0 = 0;
            for (int s = 0; s < segmentCount; s++)
            {
                ref byte segment = ref Unsafe.Add(ref x, Unsafe.Add(ref segments, s));
                for (nint k = 0; k < segmentBytes; k++)
                {
                    s0 += Unsafe.Add(ref segment, k) * Unsafe.Add(ref w0, k);
                }

                w0 = ref Unsafe.Add(ref w0, segmentBytes);
            }

            Unsafe.Add(ref y, o) = s0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x3<TVector, TStep>(
        ref byte x0, ref byte x1, ref byte x2, ref byte x3, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        TVector c00 = default, c01 = default, c02 = default;
        TVector c10 = default, c11 = default, c12 = default;
        TVector c20 = default, c21 = default, c22 = default;
        TVector c30 = default, c31 = default, c32 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint start = Unsafe.Add(ref segments, s);
            for (nint u = start; u < start + segmentBytes; u += 4)
            {
                TVector w0 = TStep.Load(ref w, 0), w1 = TStep.Load(ref w, 1), w2 = TStep.Load(ref w, 2);
                TVector v = TStep.Broadcast(ref Unsafe.Add(ref x0, u));
                c00 = TStep.Step(c00, v, w0); c01 = TStep.Step(c01, v, w1); c02 = TStep.Step(c02, v, w2);
                v = TStep.Broadcast(ref Unsafe.Add(ref x1, u));
                c10 = TStep.Step(c10, v, w0); c11 = TStep.Step(c11, v, w1); c12 = TStep.Step(c12, v, w2);
                v = TStep.Broadcast(ref Unsafe.Add(ref x2, u));
                c20 = TStep.Step(c20, v, w0); c21 = TStep.Step(c21, v, w1); c22 = TStep.Step(c22, v, w2);
                v = TStep.Broadcast(ref Unsafe.Add(ref x3, u));
                c30 = TStep.Step(c30, v, w0); c31 = TStep.Step(c31, v, w1); c32 = TStep.Step(c32, v, w2);
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store3<TVector, TStep>(c00, c01, c02, ref y, remaining);
        Store3<TVector, TStep>(c10, c11, c12, ref Unsafe.Add(ref y, yStride), remaining);
        Store3<TVector, TStep>(c20, c21, c22, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store3<TVector, TStep>(c30, c31, c32, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x2<TVector, TStep>(
        ref byte x0, ref byte x1, ref byte x2, ref byte x3, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        TVector c00 = default, c01 = default;
        TVector c10 = default, c11 = default;
        TVector c20 = default, c21 = default;
        TVector c30 = default, c31 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint start = Unsafe.Add(ref segments, s);
            for (nint u = start; u < start + segmentBytes; u += 4)
            {
                TVector w0 = TStep.Load(ref w, 0), w1 = TStep.Load(ref w, 1);
                TVector v = TStep.Broadcast(ref Unsafe.Add(ref x0, u));
                c00 = TStep.Step(c00, v, w0); c01 = TStep.Step(c01, v, w1);
                v = TStep.Broadcast(ref Unsafe.Add(ref x1, u));
                c10 = TStep.Step(c10, v, w0); c11 = TStep.Step(c11, v, w1);
                v = TStep.Broadcast(ref Unsafe.Add(ref x2, u));
                c20 = TStep.Step(c20, v, w0); c21 = TStep.Step(c21, v, w1);
                v = TStep.Broadcast(ref Unsafe.Add(ref x3, u));
                c30 = TStep.Step(c30, v, w0); c31 = TStep.Step(c31, v, w1);
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store2<TVector, TStep>(c00, c01, ref y, remaining);
        Store2<TVector, TStep>(c10, c11, ref Unsafe.Add(ref y, yStride), remaining);
        Store2<TVector, TStep>(c20, c21, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store2<TVector, TStep>(c30, c31, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1<TVector, TStep>(
        ref byte x0, ref byte x1, ref byte x2, ref byte x3, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        TVector c0 = default, c1 = default, c2 = default, c3 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint start = Unsafe.Add(ref segments, s);
            for (nint u = start; u < start + segmentBytes; u += 4)
            {
                TVector w0 = TStep.Load(ref w, 0);
                c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x0, u)), w0);
                c1 = TStep.Step(c1, TStep.Broadcast(ref Unsafe.Add(ref x1, u)), w0);
                c2 = TStep.Step(c2, TStep.Broadcast(ref Unsafe.Add(ref x2, u)), w0);
                c3 = TStep.Step(c3, TStep.Broadcast(ref Unsafe.Add(ref x3, u)), w0);
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store<TVector, TStep>(c0, ref y, remaining);
        Store<TVector, TStep>(c1, ref Unsafe.Add(ref y, yStride), remaining);
        Store<TVector, TStep>(c2, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store<TVector, TStep>(c3, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x8<TVector, TStep>(ref byte x, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint start = Unsafe.Add(ref segments, s);
            for (nint u = start; u < start + segmentBytes; u += 4)
            {
                TVector v = TStep.Broadcast(ref Unsafe.Add(ref x, u));
                c0 = TStep.Step(c0, v, TStep.Load(ref w, 0)); c1 = TStep.Step(c1, v, TStep.Load(ref w, 1));
                c2 = TStep.Step(c2, v, TStep.Load(ref w, 2)); c3 = TStep.Step(c3, v, TStep.Load(ref w, 3));
                c4 = TStep.Step(c4, v, TStep.Load(ref w, 4)); c5 = TStep.Step(c5, v, TStep.Load(ref w, 5));
                c6 = TStep.Step(c6, v, TStep.Load(ref w, 6)); c7 = TStep.Step(c7, v, TStep.Load(ref w, 7));
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store3<TVector, TStep>(c0, c1, c2, ref y, remaining);
        int block3 = 3 * TStep.BlockOutputs;
        Store3<TVector, TStep>(c3, c4, c5, ref Unsafe.Add(ref y, block3), remaining - block3);
        Store<TVector, TStep>(c6, ref Unsafe.Add(ref y, 2 * block3), remaining - (2 * block3));
        Store<TVector, TStep>(c7, ref Unsafe.Add(ref y, 2 * block3 + TStep.BlockOutputs), remaining - (2 * block3) - TStep.BlockOutputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4<TVector, TStep>(ref byte x, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        TVector c0 = default, c1 = default, c2 = default, c3 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint start = Unsafe.Add(ref segments, s);
            for (nint u = start; u < start + segmentBytes; u += 4)
            {
                TVector v = TStep.Broadcast(ref Unsafe.Add(ref x, u));
                c0 = TStep.Step(c0, v, TStep.Load(ref w, 0)); c1 = TStep.Step(c1, v, TStep.Load(ref w, 1));
                c2 = TStep.Step(c2, v, TStep.Load(ref w, 2)); c3 = TStep.Step(c3, v, TStep.Load(ref w, 3));
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store3<TVector, TStep>(c0, c1, c2, ref y, remaining);
        Store<TVector, TStep>(c3, ref Unsafe.Add(ref y, 3 * TStep.BlockOutputs), remaining - (3 * TStep.BlockOutputs));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x1<TVector, TStep>(ref byte x, ref nint segments, int segmentCount, nint segmentBytes, ref byte w, nint unitBytes, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        // Two chains over alternate units, so that the latency of one step overlaps the next.
        TVector c0 = default, c1 = default;
        for (int s = 0; s < segmentCount; s++)
        {
            nint u = Unsafe.Add(ref segments, s);
            nint end = u + segmentBytes;
            for (; u + 8 <= end; u += 8)
            {
                c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x, u)), TStep.Load(ref w, 0));
                c1 = TStep.Step(c1, TStep.Broadcast(ref Unsafe.Add(ref x, u + 4)), TStep.Load(ref Unsafe.Add(ref w, unitBytes), 0));
                w = ref Unsafe.Add(ref w, 2 * unitBytes);
            }

            if (u < end)
            {
                c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x, u)), TStep.Load(ref w, 0));
                w = ref Unsafe.Add(ref w, unitBytes);
            }
        }

        Store<TVector, TStep>(TStep.Add(c0, c1), ref y, remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2<TVector, TStep>(TVector a, TVector b, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        Store<TVector, TStep>(a, ref y, remaining);
        Store<TVector, TStep>(b, ref Unsafe.Add(ref y, TStep.BlockOutputs), remaining - TStep.BlockOutputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3<TVector, TStep>(TVector a, TVector b, TVector c, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        Store<TVector, TStep>(a, ref y, remaining);
        Store<TVector, TStep>(b, ref Unsafe.Add(ref y, TStep.BlockOutputs), remaining - TStep.BlockOutputs);
        Store<TVector, TStep>(c, ref Unsafe.Add(ref y, 2 * TStep.BlockOutputs), remaining - (2 * TStep.BlockOutputs));
    }

    // Stores the lanes of a block that are outputs: all of them, or the first `remaining` of the last, padded block. The
    // partial store is a masked store, not a call: a call after a tile's loop would make the JIT spill its accumulators.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVector, TStep>(TVector sums, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        if (remaining >= TStep.BlockOutputs)
        {
            TStep.Store(sums, ref y);
        }
        else if (remaining > 0)
        {
            TStep.StoreFirst(sums, ref y, remaining);
        }
    }


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void StoreFirst256(Vector256<int> sums, ref int destination, int count)
    {
        fixed (int* pointer = &destination)
        {
            Avx2.MaskStore(pointer, Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)), sums);
        }
    }
}
