using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Generated;

/// <summary>
/// Transposes a strided matrix of floats: the conversions between PyTorch's planar layout and the channels-last images
/// (<see cref="ChannelsLastLayout"/>) are all transpositions of a channels x pixels block. One float at a time, a
/// transposition writes (or reads) one float per cache line touched, and N4's training step spent about 2 ms of its 14
/// in them; with AVX, 8 x 8 blocks are loaded as 8 vectors, transposed in registers with 24 shuffles and stored as 8.
/// Data movement only: the values are the same whichever path runs.
/// </summary>
internal static class BlockTranspose
{
    private const int Block = 8;

    /// <summary>
    /// <c>target[c * targetStride + r] = source[r * sourceStride + c]</c> for <c>r</c> below <paramref name="rows"/> and
    /// <c>c</c> below <paramref name="columns"/>. The caller has checked that both regions lie in their spans.
    /// </summary>
    public static void Matrix(ref float source, int sourceStride, ref float target, int targetStride, int rows, int columns)
    {
        int r = 0;
        if (Avx.IsSupported && ElementwiseKernels.MaximumVectorBits >= 256 && columns >= Block)
        {
            for (; r + Block <= rows; r += Block)
            {
                int c = 0;
                for (; c + Block <= columns; c += Block)
                {
                    Eight(ref Unsafe.Add(ref source, (nint)r * sourceStride + c), sourceStride, ref Unsafe.Add(ref target, (nint)c * targetStride + r), targetStride);
                }

                Scalar(ref Unsafe.Add(ref source, (nint)r * sourceStride + c), sourceStride, ref Unsafe.Add(ref target, (nint)c * targetStride + r), targetStride, Block, columns - c);
            }
        }

        Scalar(ref Unsafe.Add(ref source, (nint)r * sourceStride), sourceStride, ref Unsafe.Add(ref target, r), targetStride, rows - r, columns);
    }

    // Float by float, the longer side in the inner loop (a 7-pixel row of 64 channels runs 64 long loops, not 64 short ones).
    private static void Scalar(ref float source, int sourceStride, ref float target, int targetStride, int rows, int columns)
    {
        if (rows > columns)
        {
            for (int c = 0; c < columns; c++)
            {
                ref float column = ref Unsafe.Add(ref source, c);
                ref float row = ref Unsafe.Add(ref target, (nint)c * targetStride);
                for (int r = 0; r < rows; r++)
                {
                    Unsafe.Add(ref row, r) = Unsafe.Add(ref column, (nint)r * sourceStride);
                }
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref source, (nint)r * sourceStride);
            ref float column = ref Unsafe.Add(ref target, r);
            for (int c = 0; c < columns; c++)
            {
                Unsafe.Add(ref column, (nint)c * targetStride) = Unsafe.Add(ref row, c);
            }
        }
    }

    // One 8 x 8 block: rows interleaved in pairs, then in fours within each 128-bit half, then the halves exchanged.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Eight(ref float source, int sourceStride, ref float target, int targetStride)
    {
        nuint s = (nuint)sourceStride, t = (nuint)targetStride;
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, s);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, 2 * s);
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, 3 * s);
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, 4 * s);
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, 5 * s);
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, 6 * s);
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, 7 * s);

        // t0 = [a00 a10 a01 a11 | a04 a14 a05 a15], t1 = [a02 a12 a03 a13 | a06 a16 a07 a17], ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // u0 = [a00 a10 a20 a30 | a04 a14 a24 a34], u1 = columns 1 and 5, u2 = 2 and 6, u3 = 3 and 7; u4..u7 the same of rows 4..7.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref target);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref target, t);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref target, 2 * t);
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref target, 3 * t);
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref target, 4 * t);
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref target, 5 * t);
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref target, 6 * t);
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref target, 7 * t);
    }
}
