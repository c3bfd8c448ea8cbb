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
    public static ReadOnlySpan<float> Transposed(ReadOnlySpan<float> weight, in RecurrentGeometry g, int block) =>
        Transposed(weight, g.Hidden, g, block);

    /// <summary>
    /// <c>W_ihᵀ</c> <c>[input, G*H]</c> of block <paramref name="block"/>, for the input projections of layers with narrow
    /// inputs (<see cref="ProjectsInputs"/>), cached as <see cref="Transposed(ReadOnlySpan{float}, in RecurrentGeometry, int)"/>.
    /// </summary>
    public static ReadOnlySpan<float> TransposedInput(ReadOnlySpan<float> weight, int inputSize, in RecurrentGeometry g, int block) =>
        Transposed(weight, inputSize, g, -1 - block);

    /// <summary>
    /// Whether a layer whose input is <paramref name="inputSize"/> floats wide projects each step's input with
    /// <see cref="Compute"/> on <c>W_ihᵀ</c> (a broadcast per input, every gate output in a register) rather than with
    /// the Linear kernel over all steps: below 64 inputs the Linear kernel's rows are too short to fill its tiles (an
    /// LSTM with 8 inputs and 128 gates: 4.9 us for 50 steps against about 0.5 with the product).
    /// </summary>
    public static bool ProjectsInputs(int inputSize) => inputSize <= 64;

    private static ReadOnlySpan<float> Transposed(ReadOnlySpan<float> weight, int inner, in RecurrentGeometry g, int key)
    {
        Dictionary<(RecurrentGeometry, int), Entry> entries = t_entries ??= new Dictionary<(RecurrentGeometry, int), Entry>();
        if (!entries.TryGetValue((g, key), out Entry? entry) || entry.Source.Length != weight.Length)
        {
            entry = new Entry(new float[weight.Length], new float[weight.Length]);
            entries[(g, key)] = entry;
        }
        else if (MemoryMarshal.Cast<float, int>(weight).SequenceEqual(MemoryMarshal.Cast<float, int>(entry.Source.AsSpan())))
        {
            return entry.Packed;
        }

        weight.CopyTo(entry.Source);
        int rows = g.GateWidth;
        for (int o = 0; o < rows; o++)
        {
            for (int k = 0; k < inner; k++)
            {
                entry.Packed[(k * rows) + o] = weight[(o * inner) + k];
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
            // Eight chains at once where there are 128 outputs (an LSTM of 32): the product is one dependent chain of
            // `hidden` FMAs per output, so the more chains run side by side, the closer it gets to the FMA throughput.
            for (; o + (8 * Vector512<float>.Count) <= width; o += 8 * Vector512<float>.Count)
            {
                Eight512(h, ref w, ref b, hasBias, ref r, o, width);
            }

            for (; o + (4 * Vector512<float>.Count) <= width; o += 4 * Vector512<float>.Count)
            {
                Four512(h, ref w, ref b, hasBias, ref r, o, width);
            }

            if (o + (2 * Vector512<float>.Count) <= width)
            {
                Two512(h, ref w, ref b, hasBias, ref r, o, width); // GRU's 96 gate outputs: 64 + 32
                o += 2 * Vector512<float>.Count;
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

    /// <summary>
    /// <see cref="Compute"/> for <paramref name="count"/> states <c>h_n</c> of <paramref name="hidden"/> floats,
    /// <paramref name="stateStride"/> floats apart (0: one state for all), into rows of <paramref name="recStride"/>: the
    /// Linear kernels' broadcast product over the group, each weight vector loaded once for several samples. Every output
    /// is the chain <see cref="Compute"/> sums (the bias, then the state's elements in order): the same bits.
    /// </summary>
    public static void ComputeGroup(ReadOnlySpan<float> states, int stateStride, int count, int hidden, ReadOnlySpan<float> transposed, ReadOnlySpan<float> bias, Span<float> rec, int recStride)
    {
        int width = recStride;
        if (count <= 0 || rec.Length < count * (long)recStride || (!bias.IsEmpty && bias.Length < width))
        {
            throw new ArgumentException($"The grouped recurrent product's operands are too short for {count} states and {width} outputs.");
        }

        for (int n = 0; n < count; n++)
        {
            Span<float> row = rec.Slice(n * recStride, width);
            if (bias.IsEmpty)
            {
                row.Clear();
            }
            else
            {
                bias.Slice(0, width).CopyTo(row);
            }
        }

        LinearKernels.AccumulateRowProducts(states, stateStride, transposed, rec, count, width, hidden);
    }

    /// <summary>Eight vectors of outputs at once (each output's chain in the same order as in <see cref="Four512"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Eight512(ReadOnlySpan<float> h, ref float w, ref float b, bool hasBias, ref float r, int o, int width)
    {
        int n = Vector512<float>.Count;
        Vector512<float> a0 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)o) : Vector512<float>.Zero;
        Vector512<float> a1 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + n)) : Vector512<float>.Zero;
        Vector512<float> a2 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (2 * n))) : Vector512<float>.Zero;
        Vector512<float> a3 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (3 * n))) : Vector512<float>.Zero;
        Vector512<float> a4 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (4 * n))) : Vector512<float>.Zero;
        Vector512<float> a5 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (5 * n))) : Vector512<float>.Zero;
        Vector512<float> a6 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (6 * n))) : Vector512<float>.Zero;
        Vector512<float> a7 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + (7 * n))) : Vector512<float>.Zero;
        for (int k = 0; k < h.Length; k++)
        {
            Vector512<float> x = Vector512.Create(h[k]);
            ref float row = ref Unsafe.Add(ref w, (k * width) + o);
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)n), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(2 * n)), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(3 * n)), a3);
            a4 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(4 * n)), a4);
            a5 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(5 * n)), a5);
            a6 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(6 * n)), a6);
            a7 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)(7 * n)), a7);
        }

        a0.StoreUnsafe(ref r, (nuint)o);
        a1.StoreUnsafe(ref r, (nuint)(o + n));
        a2.StoreUnsafe(ref r, (nuint)(o + (2 * n)));
        a3.StoreUnsafe(ref r, (nuint)(o + (3 * n)));
        a4.StoreUnsafe(ref r, (nuint)(o + (4 * n)));
        a5.StoreUnsafe(ref r, (nuint)(o + (5 * n)));
        a6.StoreUnsafe(ref r, (nuint)(o + (6 * n)));
        a7.StoreUnsafe(ref r, (nuint)(o + (7 * n)));
    }

    /// <summary>Two vectors of outputs at once (each output's chain as in <see cref="Four512"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Two512(ReadOnlySpan<float> h, ref float w, ref float b, bool hasBias, ref float r, int o, int width)
    {
        int n = Vector512<float>.Count;
        Vector512<float> a0 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)o) : Vector512<float>.Zero;
        Vector512<float> a1 = hasBias ? Vector512.LoadUnsafe(ref b, (nuint)(o + n)) : Vector512<float>.Zero;
        for (int k = 0; k < h.Length; k++)
        {
            Vector512<float> x = Vector512.Create(h[k]);
            ref float row = ref Unsafe.Add(ref w, (k * width) + o);
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref row, (nuint)n), a1);
        }

        a0.StoreUnsafe(ref r, (nuint)o);
        a1.StoreUnsafe(ref r, (nuint)(o + n));
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
