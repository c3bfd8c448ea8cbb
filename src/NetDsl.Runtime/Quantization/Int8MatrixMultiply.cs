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
/// into one vector of packed weights per block of outputs, each lane accumulating its own output, in the register tiles
/// of <see cref="Int8RowTiles"/> (a row of x is their one segment). <c>pmaddubsw</c> is never used: with full-range uint8 activations its int16 pair sums saturate (255 * 127 * 2 &gt; 32767).
/// </remarks>
internal static class Int8MatrixMultiply
{
    // A row of x read as one segment, from its start.
    private static readonly nint[] WholeRow = [0];

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
        where TStep : struct, IInt8Step<TVector>
    {
        int depth = w.Depth;
        int outputs = w.Outputs;
        nint rowBytes = (nint)w.Units * 4;
        ref nint wholeRow = ref MemoryMarshal.GetArrayDataReference(WholeRow);

        // Unpadded uint8 rows are read in place; the rest go through the scratch rows, one tile at a time.
        bool inPlace = !TStep.Widens && depth % 4 == 0;
        int preparedStride = w.Units * 4;
        Span<byte> scratch = inPlace ? default : ThreadScratch.Of(ref t_rows, Int8RowTiles.MaxRows * preparedStride);
        for (int n = 0; n < rows; n += Int8RowTiles.MaxRows)
        {
            int count = Math.Min(Int8RowTiles.MaxRows, rows - n);
            ref byte xTile = ref Unsafe.Add(ref x, (nint)n * xStride);
            nint stride = xStride;
            if (!inPlace)
            {
                Prepare<TVector, TStep>(ref xTile, xStride, count, depth, scratch, preparedStride);
                xTile = ref MemoryMarshal.GetReference(scratch);
                stride = preparedStride;
            }

            // Rows past the last are never read: they stand at the first, so that no reference points past x.
            ref byte x1 = ref count > 1 ? ref Unsafe.Add(ref xTile, stride) : ref xTile;
            ref byte x2 = ref count > 2 ? ref Unsafe.Add(ref xTile, 2 * stride) : ref xTile;
            ref byte x3 = ref count > 3 ? ref Unsafe.Add(ref xTile, 3 * stride) : ref xTile;
            Int8RowTiles.Compute<TVector, TStep>(ref xTile, ref x1, ref x2, ref x3, count, ref wholeRow, 1, rowBytes, w, ref Unsafe.Add(ref y, (nint)n * outputs));
        }
    }

    // Copies (or widens) `count` rows of x into the scratch, `stride` bytes apart, zeroing the padding of the last unit.
    private static void Prepare<TVector, TStep>(ref byte x, int xStride, int count, int depth, Span<byte> scratch, int stride)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
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


    private static void RunScalar(ref byte x, int rows, int xStride, PackedInt8Weights w, ref int y)
    {
        ref nint wholeRow = ref MemoryMarshal.GetArrayDataReference(WholeRow);
        for (int n = 0; n < rows; n++)
        {
            Int8RowTiles.ComputeScalar(ref Unsafe.Add(ref x, (nint)n * xStride), ref wholeRow, 1, w.Depth, w, ref Unsafe.Add(ref y, (nint)n * w.Outputs));
        }
    }
}
