using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

// The backward passes as one broadcast GEMM, c[r, j] (= or +=) sum_k a(r, k) b[k, j]: a scalar of a is broadcast and
// multiplied into whole vectors of a row of b, whose rows are already contiguous in PyTorch's layouts (no packing).
// dx = dz W reads a(n, o) = dz[n, o] and b = W; dW += dz^T x reads a(o, n) = dz[n, o] (the transposed strides) and b = x.
// A tile is 4 rows of c by 4 vectors (16 accumulators); two or three vectors left take 8 or 4 rows by 2 vectors, a
// last vector 8 or 4 rows by 1 (so that at least 8 chains hide the FMA latency where rows allow), then 1 row; the last
// partial vector of a row is computed at the row's end and stored only into the lanes not yet written. Every tile sums each output in
// the same order (its initial value, then depth 0, 1, ...), so the tiling never changes a bit.
public static partial class LinearKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BroadcastTiles<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int rows, int columns, int depth, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int count = TWidth.Count;
        int j = 0;

        // Column blocks outermost: a block of b (depth x 4 vectors) stays in L1 while every row of c passes over it.
        for (; j + (4 * count) <= columns; j += 4 * count)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                Tile4xV4<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aDepthStride, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref c, (r * cStride) + j), cStride, depth, accumulate);
            }

            for (; r < rows; r++)
            {
                Tile1xV4<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aDepthStride, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref c, (r * cStride) + j), depth, accumulate);
            }
        }

        TVector all = TWidth.LaneMask(0, count);

        // Two or three whole vectors left (a recurrent layer's H = 32 at 512 bits, say): 4 rows by 2 vectors keep 8 chains
        // in flight where 4 by 1 would wait on the FMA latency.
        if (j + (2 * count) <= columns)
        {
            int r = 0;
            for (; r + 8 <= rows; r += 8)
            {
                Tile8xV2<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aDepthStride, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref c, (r * cStride) + j), cStride, depth, accumulate);
            }

            for (; r + 4 <= rows; r += 4)
            {
                Tile4xV2<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aDepthStride, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref c, (r * cStride) + j), cStride, depth, accumulate);
            }

            for (; r < rows; r++)
            {
                Tile1xV1<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aDepthStride, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref c, (r * cStride) + j), depth, accumulate, all);
                Tile1xV1<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aDepthStride, ref Unsafe.Add(ref b, j + count), bStride, ref Unsafe.Add(ref c, (r * cStride) + j + count), depth, accumulate, all);
            }

            j += 2 * count;
        }

        for (; j < columns; j += count)
        {
            // The last partial vector ends at the row's end; its first lanes were written by the previous block.
            TVector mask = all;
            int at = j;
            if (j + count > columns)
            {
                at = columns - count;
                mask = TWidth.LaneMask(j - at, count);
            }

            int r = 0;
            for (; r + 8 <= rows; r += 8)
            {
                Tile8xV1<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aDepthStride, ref Unsafe.Add(ref b, at), bStride, ref Unsafe.Add(ref c, (r * cStride) + at), cStride, depth, accumulate, mask);
            }

            for (; r + 4 <= rows; r += 4)
            {
                Tile4xV1<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aDepthStride, ref Unsafe.Add(ref b, at), bStride, ref Unsafe.Add(ref c, (r * cStride) + at), cStride, depth, accumulate, mask);
            }

            for (; r < rows; r++)
            {
                Tile1xV1<TVector, TWidth>(ref Unsafe.Add(ref a, r * aRowStride), aDepthStride, ref Unsafe.Add(ref b, at), bStride, ref Unsafe.Add(ref c, (r * cStride) + at), depth, accumulate, mask);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Initial<TVector, TWidth>(ref float c, nuint offset, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        accumulate ? TWidth.Load(ref c, offset) : default;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xV4<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int depth, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint v1 = (nuint)TWidth.Count, v2 = 2 * v1, v3 = 3 * v1;
        nint r1 = aRowStride, r2 = 2 * r1, r3 = 3 * r1;
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        TVector s00 = Initial<TVector, TWidth>(ref c0, 0, accumulate), s01 = Initial<TVector, TWidth>(ref c0, v1, accumulate), s02 = Initial<TVector, TWidth>(ref c0, v2, accumulate), s03 = Initial<TVector, TWidth>(ref c0, v3, accumulate);
        TVector s10 = Initial<TVector, TWidth>(ref c1, 0, accumulate), s11 = Initial<TVector, TWidth>(ref c1, v1, accumulate), s12 = Initial<TVector, TWidth>(ref c1, v2, accumulate), s13 = Initial<TVector, TWidth>(ref c1, v3, accumulate);
        TVector s20 = Initial<TVector, TWidth>(ref c2, 0, accumulate), s21 = Initial<TVector, TWidth>(ref c2, v1, accumulate), s22 = Initial<TVector, TWidth>(ref c2, v2, accumulate), s23 = Initial<TVector, TWidth>(ref c2, v3, accumulate);
        TVector s30 = Initial<TVector, TWidth>(ref c3, 0, accumulate), s31 = Initial<TVector, TWidth>(ref c3, v1, accumulate), s32 = Initial<TVector, TWidth>(ref c3, v2, accumulate), s33 = Initial<TVector, TWidth>(ref c3, v3, accumulate);
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector u0 = TWidth.Load(ref bk, 0), u1 = TWidth.Load(ref bk, v1), u2 = TWidth.Load(ref bk, v2), u3 = TWidth.Load(ref bk, v3);
            TVector s = TWidth.Broadcast(ak);
            s00 = TWidth.MultiplyAdd(s, u0, s00); s01 = TWidth.MultiplyAdd(s, u1, s01); s02 = TWidth.MultiplyAdd(s, u2, s02); s03 = TWidth.MultiplyAdd(s, u3, s03);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r1));
            s10 = TWidth.MultiplyAdd(s, u0, s10); s11 = TWidth.MultiplyAdd(s, u1, s11); s12 = TWidth.MultiplyAdd(s, u2, s12); s13 = TWidth.MultiplyAdd(s, u3, s13);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r2));
            s20 = TWidth.MultiplyAdd(s, u0, s20); s21 = TWidth.MultiplyAdd(s, u1, s21); s22 = TWidth.MultiplyAdd(s, u2, s22); s23 = TWidth.MultiplyAdd(s, u3, s23);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r3));
            s30 = TWidth.MultiplyAdd(s, u0, s30); s31 = TWidth.MultiplyAdd(s, u1, s31); s32 = TWidth.MultiplyAdd(s, u2, s32); s33 = TWidth.MultiplyAdd(s, u3, s33);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(s00, ref c0, 0); TWidth.Store(s01, ref c0, v1); TWidth.Store(s02, ref c0, v2); TWidth.Store(s03, ref c0, v3);
        TWidth.Store(s10, ref c1, 0); TWidth.Store(s11, ref c1, v1); TWidth.Store(s12, ref c1, v2); TWidth.Store(s13, ref c1, v3);
        TWidth.Store(s20, ref c2, 0); TWidth.Store(s21, ref c2, v1); TWidth.Store(s22, ref c2, v2); TWidth.Store(s23, ref c2, v3);
        TWidth.Store(s30, ref c3, 0); TWidth.Store(s31, ref c3, v1); TWidth.Store(s32, ref c3, v2); TWidth.Store(s33, ref c3, v3);
    }

    // 8 rows by 2 vectors: 16 chains, for the recurrent layers' products with H = 32 at 512 bits (dh = W_hh^T dz over a
    // group of samples, dW_hh over their steps).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8xV2<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int depth, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint v1 = (nuint)TWidth.Count;
        nint r1 = aRowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        ref float c4 = ref Unsafe.Add(ref c3, cStride);
        ref float c5 = ref Unsafe.Add(ref c4, cStride);
        ref float c6 = ref Unsafe.Add(ref c5, cStride);
        ref float c7 = ref Unsafe.Add(ref c6, cStride);
        TVector s00 = Initial<TVector, TWidth>(ref c0, 0, accumulate), s01 = Initial<TVector, TWidth>(ref c0, v1, accumulate);
        TVector s10 = Initial<TVector, TWidth>(ref c1, 0, accumulate), s11 = Initial<TVector, TWidth>(ref c1, v1, accumulate);
        TVector s20 = Initial<TVector, TWidth>(ref c2, 0, accumulate), s21 = Initial<TVector, TWidth>(ref c2, v1, accumulate);
        TVector s30 = Initial<TVector, TWidth>(ref c3, 0, accumulate), s31 = Initial<TVector, TWidth>(ref c3, v1, accumulate);
        TVector s40 = Initial<TVector, TWidth>(ref c4, 0, accumulate), s41 = Initial<TVector, TWidth>(ref c4, v1, accumulate);
        TVector s50 = Initial<TVector, TWidth>(ref c5, 0, accumulate), s51 = Initial<TVector, TWidth>(ref c5, v1, accumulate);
        TVector s60 = Initial<TVector, TWidth>(ref c6, 0, accumulate), s61 = Initial<TVector, TWidth>(ref c6, v1, accumulate);
        TVector s70 = Initial<TVector, TWidth>(ref c7, 0, accumulate), s71 = Initial<TVector, TWidth>(ref c7, v1, accumulate);
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector u0 = TWidth.Load(ref bk, 0), u1 = TWidth.Load(ref bk, v1);
            TVector s = TWidth.Broadcast(ak);
            s00 = TWidth.MultiplyAdd(s, u0, s00); s01 = TWidth.MultiplyAdd(s, u1, s01);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r1));
            s10 = TWidth.MultiplyAdd(s, u0, s10); s11 = TWidth.MultiplyAdd(s, u1, s11);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r2));
            s20 = TWidth.MultiplyAdd(s, u0, s20); s21 = TWidth.MultiplyAdd(s, u1, s21);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r3));
            s30 = TWidth.MultiplyAdd(s, u0, s30); s31 = TWidth.MultiplyAdd(s, u1, s31);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r4));
            s40 = TWidth.MultiplyAdd(s, u0, s40); s41 = TWidth.MultiplyAdd(s, u1, s41);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r5));
            s50 = TWidth.MultiplyAdd(s, u0, s50); s51 = TWidth.MultiplyAdd(s, u1, s51);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r6));
            s60 = TWidth.MultiplyAdd(s, u0, s60); s61 = TWidth.MultiplyAdd(s, u1, s61);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r7));
            s70 = TWidth.MultiplyAdd(s, u0, s70); s71 = TWidth.MultiplyAdd(s, u1, s71);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(s00, ref c0, 0); TWidth.Store(s01, ref c0, v1);
        TWidth.Store(s10, ref c1, 0); TWidth.Store(s11, ref c1, v1);
        TWidth.Store(s20, ref c2, 0); TWidth.Store(s21, ref c2, v1);
        TWidth.Store(s30, ref c3, 0); TWidth.Store(s31, ref c3, v1);
        TWidth.Store(s40, ref c4, 0); TWidth.Store(s41, ref c4, v1);
        TWidth.Store(s50, ref c5, 0); TWidth.Store(s51, ref c5, v1);
        TWidth.Store(s60, ref c6, 0); TWidth.Store(s61, ref c6, v1);
        TWidth.Store(s70, ref c7, 0); TWidth.Store(s71, ref c7, v1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xV2<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int depth, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint v1 = (nuint)TWidth.Count;
        nint r1 = aRowStride, r2 = 2 * r1, r3 = 3 * r1;
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        TVector s00 = Initial<TVector, TWidth>(ref c0, 0, accumulate), s01 = Initial<TVector, TWidth>(ref c0, v1, accumulate);
        TVector s10 = Initial<TVector, TWidth>(ref c1, 0, accumulate), s11 = Initial<TVector, TWidth>(ref c1, v1, accumulate);
        TVector s20 = Initial<TVector, TWidth>(ref c2, 0, accumulate), s21 = Initial<TVector, TWidth>(ref c2, v1, accumulate);
        TVector s30 = Initial<TVector, TWidth>(ref c3, 0, accumulate), s31 = Initial<TVector, TWidth>(ref c3, v1, accumulate);
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector u0 = TWidth.Load(ref bk, 0), u1 = TWidth.Load(ref bk, v1);
            TVector s = TWidth.Broadcast(ak);
            s00 = TWidth.MultiplyAdd(s, u0, s00); s01 = TWidth.MultiplyAdd(s, u1, s01);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r1));
            s10 = TWidth.MultiplyAdd(s, u0, s10); s11 = TWidth.MultiplyAdd(s, u1, s11);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r2));
            s20 = TWidth.MultiplyAdd(s, u0, s20); s21 = TWidth.MultiplyAdd(s, u1, s21);
            s = TWidth.Broadcast(Unsafe.Add(ref ak, r3));
            s30 = TWidth.MultiplyAdd(s, u0, s30); s31 = TWidth.MultiplyAdd(s, u1, s31);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(s00, ref c0, 0); TWidth.Store(s01, ref c0, v1);
        TWidth.Store(s10, ref c1, 0); TWidth.Store(s11, ref c1, v1);
        TWidth.Store(s20, ref c2, 0); TWidth.Store(s21, ref c2, v1);
        TWidth.Store(s30, ref c3, 0); TWidth.Store(s31, ref c3, v1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1xV4<TVector, TWidth>(ref float a, int aDepthStride, ref float b, int bStride, ref float c, int depth, bool accumulate)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint v1 = (nuint)TWidth.Count, v2 = 2 * v1, v3 = 3 * v1;
        TVector s0 = Initial<TVector, TWidth>(ref c, 0, accumulate), s1 = Initial<TVector, TWidth>(ref c, v1, accumulate);
        TVector s2 = Initial<TVector, TWidth>(ref c, v2, accumulate), s3 = Initial<TVector, TWidth>(ref c, v3, accumulate);
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector s = TWidth.Broadcast(ak);
            s0 = TWidth.MultiplyAdd(s, TWidth.Load(ref bk, 0), s0);
            s1 = TWidth.MultiplyAdd(s, TWidth.Load(ref bk, v1), s1);
            s2 = TWidth.MultiplyAdd(s, TWidth.Load(ref bk, v2), s2);
            s3 = TWidth.MultiplyAdd(s, TWidth.Load(ref bk, v3), s3);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(s0, ref c, 0); TWidth.Store(s1, ref c, v1); TWidth.Store(s2, ref c, v2); TWidth.Store(s3, ref c, v3);
    }

    // One vector of 4 rows; only the lanes set in `mask` are stored.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xV1<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int depth, bool accumulate, TVector mask)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nint r1 = aRowStride, r2 = 2 * r1, r3 = 3 * r1;
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        TVector old0 = TWidth.Load(ref c0, 0), old1 = TWidth.Load(ref c1, 0), old2 = TWidth.Load(ref c2, 0), old3 = TWidth.Load(ref c3, 0);
        TVector s0 = accumulate ? old0 : default, s1 = accumulate ? old1 : default, s2 = accumulate ? old2 : default, s3 = accumulate ? old3 : default;
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector u = TWidth.Load(ref bk, 0);
            s0 = TWidth.MultiplyAdd(TWidth.Broadcast(ak), u, s0);
            s1 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r1)), u, s1);
            s2 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r2)), u, s2);
            s3 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r3)), u, s3);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(TWidth.Select(mask, s0, old0), ref c0, 0);
        TWidth.Store(TWidth.Select(mask, s1, old1), ref c1, 0);
        TWidth.Store(TWidth.Select(mask, s2, old2), ref c2, 0);
        TWidth.Store(TWidth.Select(mask, s3, old3), ref c3, 0);
    }

    // One vector of 8 rows (8 chains in flight where a row holds a single vector); only the lanes set in `mask` are stored.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8xV1<TVector, TWidth>(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int depth, bool accumulate, TVector mask)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nint r1 = aRowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        ref float c4 = ref Unsafe.Add(ref c3, cStride);
        ref float c5 = ref Unsafe.Add(ref c4, cStride);
        ref float c6 = ref Unsafe.Add(ref c5, cStride);
        ref float c7 = ref Unsafe.Add(ref c6, cStride);
        TVector old0 = TWidth.Load(ref c0, 0), old1 = TWidth.Load(ref c1, 0), old2 = TWidth.Load(ref c2, 0), old3 = TWidth.Load(ref c3, 0);
        TVector old4 = TWidth.Load(ref c4, 0), old5 = TWidth.Load(ref c5, 0), old6 = TWidth.Load(ref c6, 0), old7 = TWidth.Load(ref c7, 0);
        TVector s0 = accumulate ? old0 : default, s1 = accumulate ? old1 : default, s2 = accumulate ? old2 : default, s3 = accumulate ? old3 : default;
        TVector s4 = accumulate ? old4 : default, s5 = accumulate ? old5 : default, s6 = accumulate ? old6 : default, s7 = accumulate ? old7 : default;
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            TVector u = TWidth.Load(ref bk, 0);
            s0 = TWidth.MultiplyAdd(TWidth.Broadcast(ak), u, s0);
            s1 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r1)), u, s1);
            s2 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r2)), u, s2);
            s3 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r3)), u, s3);
            s4 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r4)), u, s4);
            s5 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r5)), u, s5);
            s6 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r6)), u, s6);
            s7 = TWidth.MultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref ak, r7)), u, s7);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(TWidth.Select(mask, s0, old0), ref c0, 0);
        TWidth.Store(TWidth.Select(mask, s1, old1), ref c1, 0);
        TWidth.Store(TWidth.Select(mask, s2, old2), ref c2, 0);
        TWidth.Store(TWidth.Select(mask, s3, old3), ref c3, 0);
        TWidth.Store(TWidth.Select(mask, s4, old4), ref c4, 0);
        TWidth.Store(TWidth.Select(mask, s5, old5), ref c5, 0);
        TWidth.Store(TWidth.Select(mask, s6, old6), ref c6, 0);
        TWidth.Store(TWidth.Select(mask, s7, old7), ref c7, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1xV1<TVector, TWidth>(ref float a, int aDepthStride, ref float b, int bStride, ref float c, int depth, bool accumulate, TVector mask)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector old = TWidth.Load(ref c, 0);
        TVector s = accumulate ? old : default;
        ref float ak = ref a;
        ref float bk = ref b;
        for (int k = 0; k < depth; k++)
        {
            s = TWidth.MultiplyAdd(TWidth.Broadcast(ak), TWidth.Load(ref bk, 0), s);
            ak = ref Unsafe.Add(ref ak, aDepthStride);
            bk = ref Unsafe.Add(ref bk, bStride);
        }

        TWidth.Store(TWidth.Select(mask, s, old), ref c, 0);
    }
}
