using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace NetDsl;

/// <summary>
/// The arrays of frozen parameter storages (<see cref="AlignedStorage.Freeze"/>), whose floats never change: a kernel
/// that finds its weights inside one may keep what it derives from them without comparing them again. The arrays are
/// pinned, so an address identifies one while it lives; they are held weakly, so a frozen network can still be collected.
/// </summary>
internal static class FrozenArrays
{
    private static readonly Lock s_lock = new();
    private static readonly List<WeakReference<float[]>> s_arrays = [];

    // Read without the lock: until a network is frozen, lookups cost one load.
    private static volatile bool s_any;

    public static void Add(float[] array)
    {
        lock (s_lock)
        {
            s_arrays.RemoveAll(reference => !reference.TryGetTarget(out _));
            s_arrays.Add(new WeakReference<float[]>(array));
            s_any = true;
        }
    }

    /// <summary>How many lookups this thread made while some array was frozen (for tests).</summary>
    [ThreadStatic]
    internal static int t_lookups;

    /// <summary>The frozen array that <paramref name="floats"/> lies in, or null. A lookup walks the list: callers ask once per change of weights, not per call.</summary>
    public static float[]? Holding(ReadOnlySpan<float> floats)
    {
        if (!s_any || floats.IsEmpty)
        {
            return null;
        }

        t_lookups++;

        lock (s_lock)
        {
            foreach (WeakReference<float[]> reference in s_arrays)
            {
                if (reference.TryGetTarget(out float[]? array) && Contains(array, floats))
                {
                    return array;
                }
            }
        }

        return null;
    }

    private static bool Contains(float[] array, ReadOnlySpan<float> floats)
    {
        ref float start = ref MemoryMarshal.GetArrayDataReference(array);
        ref float first = ref MemoryMarshal.GetReference(floats);
        nint offset = Unsafe.ByteOffset(ref start, ref first) / sizeof(float);
        return offset >= 0 && offset + floats.Length <= array.Length;
    }
}
