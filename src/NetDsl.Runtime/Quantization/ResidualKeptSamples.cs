using System;

namespace NetDsl.Quantization;

/// <summary>
/// The uint8 samples each open residual block started from, per thread, one buffer per nesting depth: a
/// <see cref="QuantizedResidualStart"/> writes the buffer of its depth, the matching <see cref="QuantizedResidualAdd"/>
/// reads it. Blocks of the same depth never overlap, so one buffer per depth is a stack of kept tensors.
/// </summary>
internal static class ResidualKeptSamples
{
    [ThreadStatic]
    private static byte[]?[]? t_kept;

    /// <summary>This thread's buffer for blocks at <paramref name="depth"/> (0 for the outermost), at least <paramref name="length"/> bytes.</summary>
    public static Span<byte> At(int depth, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        if (t_kept is null || t_kept.Length <= depth)
        {
            byte[]?[] grown = new byte[]?[Math.Max(depth + 1, 4)];
            t_kept?.CopyTo(grown, 0);
            t_kept = grown;
        }

        return NetDsl.Generated.ThreadScratch.Of(ref t_kept[depth], length);
    }
}
