using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// The per-step product of a recurrent layer, <c>rec = W_hh h + b_hh</c> for one sample: <c>W_hhᵀ</c> (packed once and
/// cached per thread) is read row by row while every gate output stays in a vector accumulator, each broadcast state
/// element feeding one FMA per vector of outputs. Every output is <c>b + h_0 w_0 + h_1 w_1 + ...</c> fused in that order
/// at every vector width, so the whole-sequence pass and the streaming step agree bit for bit on any machine.
/// </summary>
internal static class RecurrentProduct
{
    [ThreadStatic]
    private static Dictionary<(RecurrentGeometry Geometry, int Block), Entry>? t_entries;

    /// <summary>
    /// <c>W_hhᵀ</c> <c>[H, G*H]</c> of block <paramref name="block"/> (layer and direction), from the cache when
    /// <paramref name="weight"/> is bit for bit the one it was packed from, otherwise packed again.
    /// </summary>
    public static ReadOnlySpan<float> Transposed(ReadOnlySpan<float> weight, in RecurrentGeometry g, int block)
    {
        Dictionary<(RecurrentGeometry, int), Entry> entries = t_entries ??= new Dictionary<(RecurrentGeometry, int), Entry>();
        if (!entries.TryGetValue((g, block), out Entry? entry) || entry.Source.Length != weight.Length)
        {
            entry = new Entry(new float[weight.Length], new float[weight.Length]);
            entries[(g, block)] = entry;
        }
        else if (MemoryMarshal.Cast<float, int>(weight).SequenceEqual(MemoryMarshal.Cast<float, int>(entry.Source.AsSpan())))
        {
            return entry.Packed;
        }

        weight.CopyTo(entry.Source);
        int rows = g.GateWidth;
        int hidden = g.Hidden;
        for (int o = 0; o < rows; o++)
        {
            for (int k = 0; k < hidden; k++)
            {
                entry.Packed[(k * rows) + o] = weight[(o * hidden) + k];
            }
        }

        return entry.Packed;
    }

    /// <summary><c>rec = W_hh h + b_hh</c> from the transposed weight <paramref name="transposed"/> <c>[H, G*H]</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Compute(ReadOnlySpan<float> h, ReadOnlySpan<float> transposed, ReadOnlySpan<float> bias, Span<float> rec)
    {
        int hidden = h.Length;
        int width = rec.Length;
        if (transposed.Length < hidden * width || (!bias.IsEmpty && bias.Length < width))
        {
            throw new ArgumentException($"The recurrent product needs a weight of {hidden * width} and a bias of {width} floats, but got {transposed.Length} and {bias.Length}.");
        }

        ref float w = ref MemoryMarshal.GetReference(transposed);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float r = ref MemoryMarshal.GetReference(rec);
        bool hasBias = !bias.IsEmpty;
        int o = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; o + (4 * Vector512<float>.Count) <= width; o += 4 * Vector512<float>.Count)
            {
                Four512(h, ref w, ref b, hasBias, ref r, o, width);
            }

            for (; o + Vector512<float>.Count <= width; o += Vector512<float>.Count)
            {
                Vector512<float> acc = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)o) : Vector512<float>.Zero;
                for (int k = 0; k < hidden; k++)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(h[k]), Vector512.LoadUnsafe(ref w, (nuint)((k * width) + o)), acc);
                }

                acc.StoreUnsafe(ref r, (nuint)o);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; o + Vector256<float>.Count <= width; o += Vector256<float>.Count)
            {
                Vector256<float> acc = hasBias ? Vector256.LoadUnsafe(ref b, (nuint)o) : Vector256<float>.Zero;
                for (int k = 0; k < hidden; k++)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.Create(h[k]), Vector256.LoadUnsafe(ref w, (nuint)((k * width) + o)), acc);
                }

                acc.StoreUnsafe(ref r, (nuint)o);
            }
        }

        for (; o < width; o++)
        {
            float acc = hasBias ? Unsafe.Add(ref b, o) : 0f;
            for (int k = 0; k < hidden; k++)
            {
                acc = MathF.FusedMultiplyAdd(h[k], Unsafe.Add(ref w, (k * width) + o), acc);
            }

            Unsafe.Add(ref r, o) = acc;
        }
    }

    /// <summary>Four vectors of outputs at once: four independent FMA chains hide the FMA latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four512(ReadOnlySpan<float> h, ref float w, ref float b, bool hasBias, ref float r, int o, int width)
    {
        int n = Vector512<float>.Count;
        Vector512<float> a0 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)o) : Vector512<float>.Zero;
        Vector512<float> a1 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + n)) : Vector512<float>.Zero;
        Vector512<float> a2 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (2 * n))) : Vector512<float>.Zero;
        Vector512<float> a3 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (3 * n))) : Vector512<float>.Zero;
        for (int k = 0; k < h.Length; k++)
        {
            Vector512<float> x = Vector512.Create(h[k]);
            nuint row = (nuint)((k * width) + o);
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref w, row), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref w, row + (nuint)n), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref w, row + (nuint)(2 * n)), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref w, row + (nuint)(3 * n)), a3);
        }

        a0.StoreUnsafe(ref r, (nuint)o);
        a1.StoreUnsafe(ref r, (nuint)(o + n));
        a2.StoreUnsafe(ref r, (nuint)(o + (2 * n)));
        a3.StoreUnsafe(ref r, (nuint)(o + (3 * n)));
    }

    private sealed record Entry(float[] Source, float[] Packed);
}
