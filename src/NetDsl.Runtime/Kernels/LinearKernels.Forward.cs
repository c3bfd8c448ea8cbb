using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

// The forward pass as dot products along the shared input dimension: x [batch, in] and W [out, in] are both rows of
// `in` contiguous floats, so neither needs packing. Tiles keep their accumulators in registers.
//
// The main loop's loads of the second operand are aligned to whole vectors (a load straddling two cache lines costs
// two; measured 15-25% of the time of a batched forward). The floats before the first aligned one form a masked head
// step at 0, those after the last whole vector a masked tail step ending at the row's end (masked lanes are 0 in both
// operands, and an FMA of 0 * 0 leaves an accumulator unchanged). So that results never depend on addresses, lane
// r of every accumulator sums exactly the elements i = r (mod the vector length) in increasing i: during the main loop
// lane r holds i = head + r instead (the head step's vectors are rotated to match), and the accumulators are rotated
// back before the tail step. The same inputs give the same bits whatever the alignment of the arrays.
public static partial class LinearKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTiles<TVector, TWidth>(ref float x, ref float w, ref float bias, bool hasBias, ref float y, int batch, int inFeatures, int outFeatures)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int n = 0;
        for (; n + 4 <= batch; n += 4)
        {
            ref float xRows = ref Unsafe.Add(ref x, n * inFeatures);
            ref float yRows = ref Unsafe.Add(ref y, n * outFeatures);
            int o = 0;
            for (; o + 4 <= outFeatures; o += 4)
            {
                Vector128<float> b = hasBias ? Vector128.LoadUnsafe(ref bias, (nuint)o) : default;
                Dot4x4<TVector, TWidth>(ref xRows, ref Unsafe.Add(ref w, o * inFeatures), inFeatures, ref Unsafe.Add(ref yRows, o), outFeatures, b);
            }

            for (; o < outFeatures; o++)
            {
                // One output row against four samples: the four sums land in a column of y.
                Vector128<float> sums = Dot1x4<TVector, TWidth>(ref Unsafe.Add(ref w, o * inFeatures), ref xRows, inFeatures);
                if (hasBias)
                {
                    sums += Vector128.Create(Unsafe.Add(ref bias, o));
                }

                ref float column = ref Unsafe.Add(ref yRows, o);
                column = sums.GetElement(0);
                Unsafe.Add(ref column, outFeatures) = sums.GetElement(1);
                Unsafe.Add(ref column, 2 * outFeatures) = sums.GetElement(2);
                Unsafe.Add(ref column, 3 * outFeatures) = sums.GetElement(3);
            }
        }

        for (; n < batch; n++)
        {
            ref float xRow = ref Unsafe.Add(ref x, n * inFeatures);
            ref float yRow = ref Unsafe.Add(ref y, n * outFeatures);
            int o = 0;
            for (; o + 4 <= outFeatures; o += 4)
            {
                Vector128<float> sums = Dot1x4<TVector, TWidth>(ref xRow, ref Unsafe.Add(ref w, o * inFeatures), inFeatures);
                if (hasBias)
                {
                    sums += Vector128.LoadUnsafe(ref bias, (nuint)o);
                }

                sums.StoreUnsafe(ref yRow, (nuint)o);
            }

            for (; o < outFeatures; o++)
            {
                float sum = Dot1x1<TVector, TWidth>(ref xRow, ref Unsafe.Add(ref w, o * inFeatures), inFeatures);
                Unsafe.Add(ref yRow, o) = hasBias ? sum + Unsafe.Add(ref bias, o) : sum;
            }
        }
    }

    // y[r, c] = bias[c] + a[r, :] . b[c, :] for r, c in 0..4: each loaded vector serves four FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<TVector, TWidth>(ref float a, ref float b, int length, ref float y, int yStride, Vector128<float> bias)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a0, length);
        ref float a2 = ref Unsafe.Add(ref a1, length);
        ref float a3 = ref Unsafe.Add(ref a2, length);
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b0, length);
        ref float b2 = ref Unsafe.Add(ref b1, length);
        ref float b3 = ref Unsafe.Add(ref b2, length);
        TVector c00 = default, c01 = default, c02 = default, c03 = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default;
        TVector c20 = default, c21 = default, c22 = default, c23 = default;
        TVector c30 = default, c31 = default, c32 = default, c33 = default;
        nuint count = (nuint)TWidth.Count, end = (nuint)length;
        nuint head = (nuint)TWidth.ToAlignment(ref b0), i = head;
        for (int edge = head == 0 ? 1 : 0; edge < 2; edge++)
        {
            if (edge == 1)
            {
                for (; i + count <= end; i += count)
                {
                    TVector u0 = TWidth.Load(ref a0, i), u1 = TWidth.Load(ref a1, i), u2 = TWidth.Load(ref a2, i), u3 = TWidth.Load(ref a3, i);
                    TVector v = TWidth.Load(ref b0, i);
                    c00 = TWidth.MultiplyAdd(u0, v, c00); c10 = TWidth.MultiplyAdd(u1, v, c10); c20 = TWidth.MultiplyAdd(u2, v, c20); c30 = TWidth.MultiplyAdd(u3, v, c30);
                    v = TWidth.Load(ref b1, i);
                    c01 = TWidth.MultiplyAdd(u0, v, c01); c11 = TWidth.MultiplyAdd(u1, v, c11); c21 = TWidth.MultiplyAdd(u2, v, c21); c31 = TWidth.MultiplyAdd(u3, v, c31);
                    v = TWidth.Load(ref b2, i);
                    c02 = TWidth.MultiplyAdd(u0, v, c02); c12 = TWidth.MultiplyAdd(u1, v, c12); c22 = TWidth.MultiplyAdd(u2, v, c22); c32 = TWidth.MultiplyAdd(u3, v, c32);
                    v = TWidth.Load(ref b3, i);
                    c03 = TWidth.MultiplyAdd(u0, v, c03); c13 = TWidth.MultiplyAdd(u1, v, c13); c23 = TWidth.MultiplyAdd(u2, v, c23); c33 = TWidth.MultiplyAdd(u3, v, c33);
                }

                if (head != 0)
                {
                    int back = TWidth.Count - (int)head;
                    c00 = TWidth.Rotate(c00, back); c01 = TWidth.Rotate(c01, back); c02 = TWidth.Rotate(c02, back); c03 = TWidth.Rotate(c03, back);
                    c10 = TWidth.Rotate(c10, back); c11 = TWidth.Rotate(c11, back); c12 = TWidth.Rotate(c12, back); c13 = TWidth.Rotate(c13, back);
                    c20 = TWidth.Rotate(c20, back); c21 = TWidth.Rotate(c21, back); c22 = TWidth.Rotate(c22, back); c23 = TWidth.Rotate(c23, back);
                    c30 = TWidth.Rotate(c30, back); c31 = TWidth.Rotate(c31, back); c32 = TWidth.Rotate(c32, back); c33 = TWidth.Rotate(c33, back);
                }

                if (i == end)
                {
                    break;
                }
            }

            EdgeStep<TVector, TWidth>(edge, head, i, end, out nuint at, out TVector mask, out int rotation);
            TVector e0 = Edge<TVector, TWidth>(ref a0, at, mask, rotation), e1 = Edge<TVector, TWidth>(ref a1, at, mask, rotation);
            TVector e2 = Edge<TVector, TWidth>(ref a2, at, mask, rotation), e3 = Edge<TVector, TWidth>(ref a3, at, mask, rotation);
            TVector f = Edge<TVector, TWidth>(ref b0, at, mask, rotation);
            c00 = TWidth.MultiplyAdd(e0, f, c00); c10 = TWidth.MultiplyAdd(e1, f, c10); c20 = TWidth.MultiplyAdd(e2, f, c20); c30 = TWidth.MultiplyAdd(e3, f, c30);
            f = Edge<TVector, TWidth>(ref b1, at, mask, rotation);
            c01 = TWidth.MultiplyAdd(e0, f, c01); c11 = TWidth.MultiplyAdd(e1, f, c11); c21 = TWidth.MultiplyAdd(e2, f, c21); c31 = TWidth.MultiplyAdd(e3, f, c31);
            f = Edge<TVector, TWidth>(ref b2, at, mask, rotation);
            c02 = TWidth.MultiplyAdd(e0, f, c02); c12 = TWidth.MultiplyAdd(e1, f, c12); c22 = TWidth.MultiplyAdd(e2, f, c22); c32 = TWidth.MultiplyAdd(e3, f, c32);
            f = Edge<TVector, TWidth>(ref b3, at, mask, rotation);
            c03 = TWidth.MultiplyAdd(e0, f, c03); c13 = TWidth.MultiplyAdd(e1, f, c13); c23 = TWidth.MultiplyAdd(e2, f, c23); c33 = TWidth.MultiplyAdd(e3, f, c33);
        }


        (TWidth.Sum4(c00, c01, c02, c03) + bias).StoreUnsafe(ref y);
        (TWidth.Sum4(c10, c11, c12, c13) + bias).StoreUnsafe(ref Unsafe.Add(ref y, yStride));
        (TWidth.Sum4(c20, c21, c22, c23) + bias).StoreUnsafe(ref Unsafe.Add(ref y, 2 * yStride));
        (TWidth.Sum4(c30, c31, c32, c33) + bias).StoreUnsafe(ref Unsafe.Add(ref y, 3 * yStride));
    }

    // The four dot products a . b[c, :] for c in 0..4 (b's rows `length` apart).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> Dot1x4<TVector, TWidth>(ref float a, ref float b, int length)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b0, length);
        ref float b2 = ref Unsafe.Add(ref b1, length);
        ref float b3 = ref Unsafe.Add(ref b2, length);
        TVector c0 = default, c1 = default, c2 = default, c3 = default;
        nuint count = (nuint)TWidth.Count, end = (nuint)length;
        nuint head = (nuint)TWidth.ToAlignment(ref b0), i = head;
        for (int edge = head == 0 ? 1 : 0; edge < 2; edge++)
        {
            if (edge == 1)
            {
                for (; i + count <= end; i += count)
                {
                    TVector u = TWidth.Load(ref a, i);
                    c0 = TWidth.MultiplyAdd(u, TWidth.Load(ref b0, i), c0);
                    c1 = TWidth.MultiplyAdd(u, TWidth.Load(ref b1, i), c1);
                    c2 = TWidth.MultiplyAdd(u, TWidth.Load(ref b2, i), c2);
                    c3 = TWidth.MultiplyAdd(u, TWidth.Load(ref b3, i), c3);
                }

                if (head != 0)
                {
                    int back = TWidth.Count - (int)head;
                    c0 = TWidth.Rotate(c0, back); c1 = TWidth.Rotate(c1, back); c2 = TWidth.Rotate(c2, back); c3 = TWidth.Rotate(c3, back);
                }

                if (i == end)
                {
                    break;
                }
            }

            EdgeStep<TVector, TWidth>(edge, head, i, end, out nuint at, out TVector mask, out int rotation);
            TVector e = Edge<TVector, TWidth>(ref a, at, mask, rotation);
            c0 = TWidth.MultiplyAdd(e, Edge<TVector, TWidth>(ref b0, at, mask, rotation), c0);
            c1 = TWidth.MultiplyAdd(e, Edge<TVector, TWidth>(ref b1, at, mask, rotation), c1);
            c2 = TWidth.MultiplyAdd(e, Edge<TVector, TWidth>(ref b2, at, mask, rotation), c2);
            c3 = TWidth.MultiplyAdd(e, Edge<TVector, TWidth>(ref b3, at, mask, rotation), c3);
        }


        return TWidth.Sum4(c0, c1, c2, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot1x1<TVector, TWidth>(ref float a, ref float b, int length)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector c = default;
        nuint count = (nuint)TWidth.Count, end = (nuint)length;
        nuint head = (nuint)TWidth.ToAlignment(ref b), i = head;
        for (int edge = head == 0 ? 1 : 0; edge < 2; edge++)
        {
            if (edge == 1)
            {
                for (; i + count <= end; i += count)
                {
                    c = TWidth.MultiplyAdd(TWidth.Load(ref a, i), TWidth.Load(ref b, i), c);
                }

                if (head != 0)
                {
                    c = TWidth.Rotate(c, TWidth.Count - (int)head);
                }

                if (i == end)
                {
                    break;
                }
            }

            EdgeStep<TVector, TWidth>(edge, head, i, end, out nuint at, out TVector mask, out int rotation);
            c = TWidth.MultiplyAdd(Edge<TVector, TWidth>(ref a, at, mask, rotation), Edge<TVector, TWidth>(ref b, at, mask, rotation), c);
        }


        return TWidth.Sum4(c, default, default, default).ToScalar();
    }

    // The vector at `at`, 0 outside `mask`, rotated into the accumulators' lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Edge<TVector, TWidth>(ref float row, nuint at, TVector mask, int rotation)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector value = TWidth.And(TWidth.Load(ref row, at), mask);
        return rotation == 0 ? value : TWidth.Rotate(value, rotation);
    }

    // The masked step before the main loop (edge 0: the head [0, head) as the vector at 0, rotated so that element i
    // lands in lane (i - head) mod Count, as in the main loop) or after it, once the accumulators are rotated back
    // (edge 1: the tail [stop, end) as the vector ending at the row's end, rotated so that element i lands in lane
    // i mod Count; no rotation when the row is a whole number of vectors). Each lane's elements are added in increasing i.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgeStep<TVector, TWidth>(int edge, nuint head, nuint stop, nuint end, out nuint at, out TVector mask, out int rotation)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint count = (nuint)TWidth.Count;
        if (edge == 0)
        {
            at = 0;
            mask = TWidth.LaneMask(0, (int)head);
            rotation = (int)head;
        }
        else
        {
            at = end - count;
            mask = TWidth.LaneMask((int)(stop - at), (int)count);
            rotation = (int)((0 - at) % count);
        }
    }
}
