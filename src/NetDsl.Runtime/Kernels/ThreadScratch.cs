using System;

namespace NetDsl.Generated;

/// <summary>
/// The kernels' scratch arrays: one per kernel and thread, held in the kernel's own <c>[ThreadStatic]</c> field, grown
/// on first use (at least doubling, so a sequence of growing requests allocates a few times only) and reused after, so
/// calls allocate nothing after warm-up.
/// </summary>
internal static class ThreadScratch
{
    /// <summary>The first <paramref name="length"/> elements of <paramref name="array"/>, which is replaced by a larger one first if it is too short.</summary>
    public static Span<T> Of<T>(ref T[]? array, int length)
    {
        if (array is null || array.Length < length)
        {
            array = new T[Math.Max(length, 2 * (array?.Length ?? 0))];
        }

        return array.AsSpan(0, length);
    }
}
