using System;

namespace NetDsl.Generated;

/// <summary>The taps of a pooling window that fall inside the input, along one dimension.</summary>
internal static class WindowTaps
{
    /// <summary>Of the taps <c>start + k * dilation</c> (<c>k</c> below <paramref name="taps"/>), the first inside <c>[0, length)</c> and how many are inside.</summary>
    public static (int First, int Count) Inside(int start, int taps, int dilation, int length)
    {
        int first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int end = start >= length ? 0 : Math.Min(taps, (length - 1 - start) / dilation + 1);
        return (first, Math.Max(0, end - first));
    }
}
