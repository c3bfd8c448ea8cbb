using System;
using System.Collections.Generic;
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
internal static class PackedWeightCache
{
    [ThreadStatic]
    private static Dictionary<(WindowGeometry Geometry, int Block), Entry>? t_entries;

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
        else
        {
            // Bits, not float equality: +0 and -0 (and NaNs) must not pass for each other.
            current = MemoryMarshal.Cast<float, int>(weight).SequenceEqual(MemoryMarshal.Cast<float, int>(entry.Source.AsSpan()));
        }

        if (!current)
        {
            weight.CopyTo(entry.Source);
        }

        return entry.Packed;
    }

    private sealed record Entry(float[] Source, float[] Packed);
}
