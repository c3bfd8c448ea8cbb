using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>
/// The int8 matrix product <c>acc[n, o] = Σ_k x[n, k] * w[o, k]</c> of uint8 activations and int8 weights, exact in
/// int32 on every <see cref="Int8Path"/> (no step saturates, and <see cref="PackedInt8Weights.MaxDepth"/> keeps every
/// partial sum in range), so all paths give the same bits.
/// </summary>
/// <remarks>
/// The vector paths broadcast one 32-bit unit of a row of x (4 uint8, or 2 inputs widened to int16) and multiply it
/// into one vector of packed weights per block of outputs, each lane accumulating its own output. Tiles keep their
/// accumulators in registers (at most 12 plus 4 operands: VEX-encoded <c>vpdpbusd</c> reaches only 16 registers): 4 rows
/// by 3 or 2 blocks while 4 rows remain (each weight vector loaded once serves 4 rows), else one row by 8, 4 or 1 blocks
/// (8 independent accumulator chains hide the latency of <c>vpdpbusd</c>; a single sample is the latency case).
/// <c>pmaddubsw</c> is never used: with full-range uint8 activations its int16 pair sums saturate (255 * 127 * 2 &gt; 32767).
/// </remarks>
internal static class Int8MatrixMultiply
{
    private const int TileRows = 4;

    // Rows of x in the layout the micro-kernels read: widened to int16, or copied with their depth padded to whole units.
    [ThreadStatic]
    private static byte[]? t_rows;

    /// <summary>
    /// Overwrites <c>accumulators[n * w.Outputs + o]</c> with <c>Σ_k x[n * xStride + k] * w[o, k]</c> for
    /// <c>n &lt; rows</c>, <c>o &lt; w.Outputs</c>, <c>k &lt; w.Depth</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, or <paramref name="xStride"/> is less than the depth.</exception>
    public static void Multiply(ReadOnlySpan<byte> x, int rows, int xStride, PackedInt8Weights w, Span<int> accumulators)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (xStride < w.Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(xStride), xStride, $"Expected a row stride of at least the depth, {w.Depth}, but got {xStride}.");
        }

        long needed = rows == 0 ? 0 : ((long)(rows - 1) * xStride) + w.Depth;
        if (x.Length < needed)
        {
            throw new ArgumentException($"Expected at least {needed} activations ({rows} rows of {w.Depth}, {xStride} apart), but got {x.Length}.", nameof(x));
        }

        long results = (long)rows * w.Outputs;
        if (accumulators.Length < results)
        {
            throw new ArgumentException($"Expected room for at least {results} accumulators ({rows} rows of {w.Outputs}), but got {accumulators.Length}.", nameof(accumulators));
        }

        if (rows == 0)
        {
            return;
        }

        ref byte xFirst = ref MemoryMarshal.GetReference(x);
        ref int yFirst = ref MemoryMarshal.GetReference(accumulators);
        switch (w.Path)
        {
            case Int8Path.AvxVnni:
                Run<Vector256<int>, VnniStep>(ref xFirst, rows, xStride, w, ref yFirst);
                break;
            case Int8Path.Avx512BW:
                Run<Vector512<int>, Avx512BWStep>(ref xFirst, rows, xStride, w, ref yFirst);
                break;
            case Int8Path.Avx2:
                Run<Vector256<int>, Avx2Step>(ref xFirst, rows, xStride, w, ref yFirst);
                break;
            default:
                RunScalar(ref xFirst, rows, xStride, w, ref yFirst);
                break;
        }
    }

    private static void Run<TVector, TStep>(ref byte x, int rows, int xStride, PackedInt8Weights w, ref int y)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        int depth = w.Depth;
        int outputs = w.Outputs;
        int units = w.Units;
        int blocks = w.Blocks;
        nint unitBytes = w.UnitBytes;
        ref byte packed = ref w.First;

        // Unpadded uint8 rows are read in place; the rest go through the scratch rows, one tile at a time.
        bool inPlace = !TStep.Widens && depth % 4 == 0;
        int preparedStride = units * 4;
        Span<byte> scratch = inPlace ? default : ThreadScratch.Of(ref t_rows, TileRows * preparedStride);
        for (int n = 0; n < rows; n += TileRows)
        {
            int count = Math.Min(TileRows, rows - n);
            ref byte xTile = ref Unsafe.Add(ref x, (nint)n * xStride);
            nint stride = xStride;
            if (!inPlace)
            {
                Prepare<TVector, TStep>(ref xTile, xStride, count, depth, scratch, preparedStride);
                xTile = ref MemoryMarshal.GetReference(scratch);
                stride = preparedStride;
            }

            ref int yTile = ref Unsafe.Add(ref y, (nint)n * outputs);
            if (count == TileRows)
            {
                // Tiles of 3 blocks, and of 2 for the rest (4 = 2 + 2): a tile of one block loads a weight vector per 4 steps.
                int b = 0;
                int threes = blocks % 3 == 1 && blocks > 1 ? (blocks - 4) / 3 : blocks / 3;
                for (; b < 3 * threes; b += 3)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile4x3<TVector, TStep>(ref xTile, stride, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yTile, o), outputs, outputs - o);
                }

                for (; b + 2 <= blocks; b += 2)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile4x2<TVector, TStep>(ref xTile, stride, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yTile, o), outputs, outputs - o);
                }

                if (b < blocks)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile4x1<TVector, TStep>(ref xTile, stride, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yTile, o), outputs, outputs - o);
                }

                continue;
            }

            for (int r = 0; r < count; r++)
            {
                ref byte xRow = ref Unsafe.Add(ref xTile, r * stride);
                ref int yRow = ref Unsafe.Add(ref yTile, (nint)r * outputs);
                int b = 0;
                for (; b + 8 <= blocks; b += 8)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile1x8<TVector, TStep>(ref xRow, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yRow, o), outputs - o);
                }

                for (; b + 4 <= blocks; b += 4)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile1x4<TVector, TStep>(ref xRow, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yRow, o), outputs - o);
                }

                for (; b < blocks; b++)
                {
                    int o = b * TStep.BlockOutputs;
                    Tile1x1<TVector, TStep>(ref xRow, ref Unsafe.Add(ref packed, o * 4), unitBytes, units, ref Unsafe.Add(ref yRow, o), outputs - o);
                }
            }
        }
    }

    // Copies (or widens) `count` rows of x into the scratch, `stride` bytes apart, zeroing the padding of the last unit.
    private static void Prepare<TVector, TStep>(ref byte x, int xStride, int count, int depth, Span<byte> scratch, int stride)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<byte> source = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x, (nint)r * xStride), depth);
            Span<byte> row = scratch.Slice(r * stride, stride);
            if (!TStep.Widens)
            {
                source.CopyTo(row);
                row[depth..].Clear();
                continue;
            }

            Span<short> wide = MemoryMarshal.Cast<byte, short>(row);
            ref byte s = ref MemoryMarshal.GetReference(source);
            ref short d = ref MemoryMarshal.GetReference(wide);
            int k = 0;
            for (; k + Vector256<byte>.Count <= depth; k += Vector256<byte>.Count)
            {
                (Vector256<ushort> lower, Vector256<ushort> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)k));
                lower.AsInt16().StoreUnsafe(ref d, (nuint)k);
                upper.AsInt16().StoreUnsafe(ref d, (nuint)(k + Vector256<ushort>.Count));
            }

            for (; k < depth; k++)
            {
                wide[k] = source[k];
            }

            wide[depth..].Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x3<TVector, TStep>(ref byte x, nint xStride, ref byte w, nint unitBytes, int units, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        ref byte x0 = ref x;
        ref byte x1 = ref Unsafe.Add(ref x0, xStride);
        ref byte x2 = ref Unsafe.Add(ref x1, xStride);
        ref byte x3 = ref Unsafe.Add(ref x2, xStride);
        TVector c00 = default, c01 = default, c02 = default;
        TVector c10 = default, c11 = default, c12 = default;
        TVector c20 = default, c21 = default, c22 = default;
        TVector c30 = default, c31 = default, c32 = default;
        for (nint u = 0; u < units * 4; u += 4)
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

        Store3<TVector, TStep>(c00, c01, c02, ref y, remaining);
        Store3<TVector, TStep>(c10, c11, c12, ref Unsafe.Add(ref y, yStride), remaining);
        Store3<TVector, TStep>(c20, c21, c22, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store3<TVector, TStep>(c30, c31, c32, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x2<TVector, TStep>(ref byte x, nint xStride, ref byte w, nint unitBytes, int units, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        ref byte x0 = ref x;
        ref byte x1 = ref Unsafe.Add(ref x0, xStride);
        ref byte x2 = ref Unsafe.Add(ref x1, xStride);
        ref byte x3 = ref Unsafe.Add(ref x2, xStride);
        TVector c00 = default, c01 = default;
        TVector c10 = default, c11 = default;
        TVector c20 = default, c21 = default;
        TVector c30 = default, c31 = default;
        for (nint u = 0; u < units * 4; u += 4)
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

        Store2<TVector, TStep>(c00, c01, ref y, remaining);
        Store2<TVector, TStep>(c10, c11, ref Unsafe.Add(ref y, yStride), remaining);
        Store2<TVector, TStep>(c20, c21, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store2<TVector, TStep>(c30, c31, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1<TVector, TStep>(ref byte x, nint xStride, ref byte w, nint unitBytes, int units, ref int y, int yStride, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        ref byte x0 = ref x;
        ref byte x1 = ref Unsafe.Add(ref x0, xStride);
        ref byte x2 = ref Unsafe.Add(ref x1, xStride);
        ref byte x3 = ref Unsafe.Add(ref x2, xStride);
        TVector c0 = default, c1 = default, c2 = default, c3 = default;
        for (nint u = 0; u < units * 4; u += 4)
        {
            TVector w0 = TStep.Load(ref w, 0);
            c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x0, u)), w0);
            c1 = TStep.Step(c1, TStep.Broadcast(ref Unsafe.Add(ref x1, u)), w0);
            c2 = TStep.Step(c2, TStep.Broadcast(ref Unsafe.Add(ref x2, u)), w0);
            c3 = TStep.Step(c3, TStep.Broadcast(ref Unsafe.Add(ref x3, u)), w0);
            w = ref Unsafe.Add(ref w, unitBytes);
        }

        Store<TVector, TStep>(c0, ref y, remaining);
        Store<TVector, TStep>(c1, ref Unsafe.Add(ref y, yStride), remaining);
        Store<TVector, TStep>(c2, ref Unsafe.Add(ref y, 2 * yStride), remaining);
        Store<TVector, TStep>(c3, ref Unsafe.Add(ref y, 3 * yStride), remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x8<TVector, TStep>(ref byte x, ref byte w, nint unitBytes, int units, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint u = 0; u < units * 4; u += 4)
        {
            TVector v = TStep.Broadcast(ref Unsafe.Add(ref x, u));
            c0 = TStep.Step(c0, v, TStep.Load(ref w, 0)); c1 = TStep.Step(c1, v, TStep.Load(ref w, 1));
            c2 = TStep.Step(c2, v, TStep.Load(ref w, 2)); c3 = TStep.Step(c3, v, TStep.Load(ref w, 3));
            c4 = TStep.Step(c4, v, TStep.Load(ref w, 4)); c5 = TStep.Step(c5, v, TStep.Load(ref w, 5));
            c6 = TStep.Step(c6, v, TStep.Load(ref w, 6)); c7 = TStep.Step(c7, v, TStep.Load(ref w, 7));
            w = ref Unsafe.Add(ref w, unitBytes);
        }

        Store3<TVector, TStep>(c0, c1, c2, ref y, remaining);
        int block3 = 3 * TStep.BlockOutputs;
        Store3<TVector, TStep>(c3, c4, c5, ref Unsafe.Add(ref y, block3), remaining - block3);
        Store<TVector, TStep>(c6, ref Unsafe.Add(ref y, 2 * block3), remaining - (2 * block3));
        Store<TVector, TStep>(c7, ref Unsafe.Add(ref y, 2 * block3 + TStep.BlockOutputs), remaining - (2 * block3) - TStep.BlockOutputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4<TVector, TStep>(ref byte x, ref byte w, nint unitBytes, int units, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        TVector c0 = default, c1 = default, c2 = default, c3 = default;
        for (nint u = 0; u < units * 4; u += 4)
        {
            TVector v = TStep.Broadcast(ref Unsafe.Add(ref x, u));
            c0 = TStep.Step(c0, v, TStep.Load(ref w, 0)); c1 = TStep.Step(c1, v, TStep.Load(ref w, 1));
            c2 = TStep.Step(c2, v, TStep.Load(ref w, 2)); c3 = TStep.Step(c3, v, TStep.Load(ref w, 3));
            w = ref Unsafe.Add(ref w, unitBytes);
        }

        Store3<TVector, TStep>(c0, c1, c2, ref y, remaining);
        Store<TVector, TStep>(c3, ref Unsafe.Add(ref y, 3 * TStep.BlockOutputs), remaining - (3 * TStep.BlockOutputs));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x1<TVector, TStep>(ref byte x, ref byte w, nint unitBytes, int units, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        // Two chains over alternate units, so that the latency of one step overlaps the next.
        TVector c0 = default, c1 = default;
        nint end = units * 4;
        nint u = 0;
        for (; u + 8 <= end; u += 8)
        {
            c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x, u)), TStep.Load(ref w, 0));
            c1 = TStep.Step(c1, TStep.Broadcast(ref Unsafe.Add(ref x, u + 4)), TStep.Load(ref Unsafe.Add(ref w, unitBytes), 0));
            w = ref Unsafe.Add(ref w, 2 * unitBytes);
        }

        if (u < end)
        {
            c0 = TStep.Step(c0, TStep.Broadcast(ref Unsafe.Add(ref x, u)), TStep.Load(ref w, 0));
        }

        Store<TVector, TStep>(TStep.Add(c0, c1), ref y, remaining);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2<TVector, TStep>(TVector a, TVector b, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
    {
        Store<TVector, TStep>(a, ref y, remaining);
        Store<TVector, TStep>(b, ref Unsafe.Add(ref y, TStep.BlockOutputs), remaining - TStep.BlockOutputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3<TVector, TStep>(TVector a, TVector b, TVector c, ref int y, int remaining)
        where TVector : struct
        where TStep : struct, IStep<TVector>
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
        where TStep : struct, IStep<TVector>
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

    private static void RunScalar(ref byte x, int rows, int xStride, PackedInt8Weights w, ref int y)
    {
        int depth = w.Depth;
        int outputs = w.Outputs;
        ref sbyte weights = ref Unsafe.As<byte, sbyte>(ref w.First);
        for (int n = 0; n < rows; n++)
        {
            ref byte xRow = ref Unsafe.Add(ref x, (nint)n * xStride);
            ref int yRow = ref Unsafe.Add(ref y, (nint)n * outputs);
            int o = 0;
            for (; o + 2 <= outputs; o += 2)
            {
                ref sbyte w0 = ref Unsafe.Add(ref weights, (nint)o * depth);
                ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
                int s0 = 0, s1 = 0;
                for (nint k = 0; k < depth; k++)
                {
                    int v = Unsafe.Add(ref xRow, k);
                    s0 += v * Unsafe.Add(ref w0, k);
                    s1 += v * Unsafe.Add(ref w1, k);
                }

                Unsafe.Add(ref yRow, o) = s0;
                Unsafe.Add(ref yRow, o + 1) = s1;
            }

            if (o < outputs)
            {
                ref sbyte w0 = ref Unsafe.Add(ref weights, (nint)o * depth);
                int s0 = 0;
                for (nint k = 0; k < depth; k++)
                {
                    s0 += Unsafe.Add(ref xRow, k) * Unsafe.Add(ref w0, k);
                }

                Unsafe.Add(ref yRow, o) = s0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreFirst256(Vector256<int> sums, ref int destination, int count)
    {
        fixed (int* pointer = &destination)
        {
            Avx2.MaskStore(pointer, Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)), sums);
        }
    }

    /// <summary>One micro-kernel step of a path: a unit of x broadcast, times a vector of packed weights, into 32-bit lanes.</summary>
    private interface IStep<TVector>
        where TVector : struct
    {
        /// <summary>Outputs per vector.</summary>
        static abstract int BlockOutputs { get; }

        /// <summary>Whether x is widened to int16 (2 inputs per unit) rather than read as uint8 (4 per unit).</summary>
        static abstract bool Widens { get; }

        /// <summary>The unit at <paramref name="unit"/> in every 32-bit lane.</summary>
        static abstract TVector Broadcast(ref byte unit);

        /// <summary>The weight vector of block <paramref name="block"/> after <paramref name="weights"/>.</summary>
        static abstract TVector Load(ref byte weights, nint block);

        /// <summary><paramref name="sums"/> plus, per lane, the products of the unit's inputs and weights.</summary>
        static abstract TVector Step(TVector sums, TVector x, TVector weights);

        static abstract TVector Add(TVector a, TVector b);

        static abstract void Store(TVector sums, ref int destination);

        /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="sums"/>, touching nothing after them.</summary>
        static abstract void StoreFirst(TVector sums, ref int destination, int count);
    }

    private readonly struct VnniStep : IStep<Vector256<int>>
    {
        public static int BlockOutputs => 8;

        public static bool Widens => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Broadcast(ref byte unit) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref unit));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Load(ref byte weights, nint block) => Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, block * 32)).AsInt32();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Step(Vector256<int> sums, Vector256<int> x, Vector256<int> weights) =>
            AvxVnni.MultiplyWideningAndAdd(sums, x.AsByte(), weights.AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreFirst(Vector256<int> sums, ref int destination, int count) => StoreFirst256(sums, ref destination, count);
    }

    private readonly struct Avx2Step : IStep<Vector256<int>>
    {
        public static int BlockOutputs => 8;

        public static bool Widens => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Broadcast(ref byte unit) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref unit));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Load(ref byte weights, nint block) => Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, block * 32)).AsInt32();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Step(Vector256<int> sums, Vector256<int> x, Vector256<int> weights) =>
            sums + Avx2.MultiplyAddAdjacent(x.AsInt16(), weights.AsInt16());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreFirst(Vector256<int> sums, ref int destination, int count) => StoreFirst256(sums, ref destination, count);
    }

    private readonly struct Avx512BWStep : IStep<Vector512<int>>
    {
        public static int BlockOutputs => 16;

        public static bool Widens => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Broadcast(ref byte unit) => Vector512.Create(Unsafe.ReadUnaligned<int>(ref unit));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Load(ref byte weights, nint block) => Vector512.LoadUnsafe(ref Unsafe.Add(ref weights, block * 64)).AsInt32();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Step(Vector512<int> sums, Vector512<int> x, Vector512<int> weights) =>
            sums + Avx512BW.MultiplyAddAdjacent(x.AsInt16(), weights.AsInt16());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void StoreFirst(Vector512<int> sums, ref int destination, int count)
        {
            fixed (int* pointer = &destination)
            {
                Avx512F.MaskStore(pointer, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)), sums);
            }
        }
    }
}
