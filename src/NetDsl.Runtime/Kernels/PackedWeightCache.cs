using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>
/// The channels-last forward pass's packed weights, kept per thread and per layer shape between calls, so that inference
/// (whose weights do not change) packs each layer once instead of on every call — at batch 1 the packing cost as much as
/// a quarter of a small network's forward pass. A cached packing is used only when the weights passed in are, bit for
/// bit, the ones it was made from (a copy is kept and compared: a compare reads each weight once, a packing reads and
/// transposes it); otherwise the weights are packed again and the copy replaced. Two networks with a layer of the same
/// shape on one thread take turns in one entry, which costs them the packing but never a wrong result.
/// </summary>
/// <remarks>
/// Weights of a frozen network (<see cref="NetworkFreezing.Freeze"/>) are not compared: they lie in an array that nothing
/// writes (<see cref="FrozenArrays"/>), so the same address means the same floats. At batch 1 the compare was about 3 µs
/// of N4's 56 µs forward pass.
/// </remarks>
internal static class PackedWeightCache
{
    [ThreadStatic]
    private static Dictionary<(WindowGeometry Geometry, int Block), Entry>? t_entries;

    /// <summary>How many times this thread compared weights with their cached copy (for tests).</summary>
    [ThreadStatic]
    internal static int t_compares;

    /// <summary>
    /// The cached packing of <paramref name="weight"/> for a layer of geometry <paramref name="g"/> packed in blocks of
    /// <paramref name="block"/> channels (<paramref name="length"/> floats), and whether it is <paramref name="current"/>;
    /// when it is not, the caller packs <paramref name="weight"/> into the returned span, which the cache then keeps.
    /// </summary>
    public static Span<float> Lookup(ReadOnlySpan<float> weight, in WindowGeometry g, int block, int length, out bool current)
    {
        Dictionary<(WindowGeometry, int), Entry> entries = t_entries ??= new Dictionary<(WindowGeometry, int), Entry>();
        if (!entries.TryGetValue((g, block), out Entry? entry) || entry.Source.Length != weight.Length || entry.Packed.Length != length)
        {
            entry = new Entry(new float[weight.Length], new float[length]);
            entries[(g, block)] = entry;
            current = false;
        }
        else if (entry.Frozen is not null && Unsafe.AreSame(ref MemoryMarshal.GetReference(weight), ref entry.FrozenWeight))
        {
            current = true;
        }
        else
        {
            // Bits, not float equality: +0 and -0 (and NaNs) must not pass for each other.
            t_compares++;
            current = MemoryMarshal.Cast<float, int>(weight).SequenceEqual(MemoryMarshal.Cast<float, int>(entry.Source.AsSpan()));
        }

        if (!current)
        {
            weight.CopyTo(entry.Source);
        }

        if (!current || (entry.Frozen is null && entry.NotFrozenAt != Address(weight)))
        {
            // Weights just packed, or found equal to a packing made from another array (the network froze since): from
            // now on, weights in a frozen array are recognized by their address. Weights found in no frozen array are not
            // looked up again while they stay where they are (FrozenArrays takes a lock): freezing moves parameters to a
            // new array, so a network frozen since shows up at another address. A reused address can only cost a compare.
            entry.Frozen = FrozenArrays.Holding(weight);
            entry.FrozenOffset = entry.Frozen is null ? 0 : (int)(Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(entry.Frozen), ref MemoryMarshal.GetReference(weight)) / sizeof(float));
            entry.NotFrozenAt = entry.Frozen is null ? Address(weight) : 0;
        }

        return entry.Packed;
    }

    private static unsafe nint Address(ReadOnlySpan<float> weight) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(weight));

    private sealed class Entry(float[] source, float[] packed)
    {
        public float[] Source { get; } = source;

        public float[] Packed { get; } = packed;

        /// <summary>The frozen array the weights were packed from (held, so that its address stays its own), or null.</summary>
        public float[]? Frozen { get; set; }

        public int FrozenOffset { get; set; }

        /// <summary>The address of the weights last found in no frozen array, or 0.</summary>
        public nint NotFrozenAt { get; set; }

        public ref float FrozenWeight => ref Frozen![FrozenOffset];
    }
}
