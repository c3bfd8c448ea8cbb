using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Quantization;

/// <summary>
/// Float activations to uint8, 64 or 32 at a time where 512- or 256-bit vectors are accelerated: the same bits as
/// <see cref="QuantizationParameters.Quantize"/> (an IEEE division by the scale, rounding half away from zero, the zero
/// point added, clamped to 0..255).
/// </summary>
internal static class ActivationQuantization
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, QuantizationParameters parameters, Span<byte> q, bool allowVectors = true)
    {
        if (q.Length < x.Length)
        {
            throw new ArgumentException($"Expected room for {x.Length} bytes, got {q.Length}.", nameof(q));
        }

        int i = 0;
        if (allowVectors && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> scale = Vector512.Create(parameters.Scale);
            Vector512<float> zeroPoint = Vector512.Create((float)parameters.ZeroPoint);
            ref float source = ref MemoryMarshal.GetReference(x);
            ref byte target = ref MemoryMarshal.GetReference(q);
            for (; i <= x.Length - 64; i += 64)
            {
                Vector512<int> a = Step(Vector512.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                Vector512<int> b = Step(Vector512.LoadUnsafe(ref source, (nuint)(i + 16)), scale, zeroPoint);
                Vector512<int> c = Step(Vector512.LoadUnsafe(ref source, (nuint)(i + 32)), scale, zeroPoint);
                Vector512<int> d = Step(Vector512.LoadUnsafe(ref source, (nuint)(i + 48)), scale, zeroPoint);
                Vector512.Narrow(Vector512.Narrow(a, b).AsUInt16(), Vector512.Narrow(c, d).AsUInt16()).StoreUnsafe(ref target, (nuint)i);
            }
        }

        if (allowVectors && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> scale = Vector256.Create(parameters.Scale);
            Vector256<float> zeroPoint = Vector256.Create((float)parameters.ZeroPoint);
            ref float source = ref MemoryMarshal.GetReference(x);
            ref byte target = ref MemoryMarshal.GetReference(q);
            for (; i <= x.Length - 32; i += 32)
            {
                Vector256<int> a = Step(Vector256.LoadUnsafe(ref source, (nuint)i), scale, zeroPoint);
                Vector256<int> b = Step(Vector256.LoadUnsafe(ref source, (nuint)(i + 8)), scale, zeroPoint);
                Vector256<int> c = Step(Vector256.LoadUnsafe(ref source, (nuint)(i + 16)), scale, zeroPoint);
                Vector256<int> d = Step(Vector256.LoadUnsafe(ref source, (nuint)(i + 24)), scale, zeroPoint);
                Vector256<ushort> low = Vector256.Narrow(a, b).AsUInt16();
                Vector256<ushort> high = Vector256.Narrow(c, d).AsUInt16();
                Vector256.Narrow(low, high).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            q[i] = parameters.Quantize(x[i]);
        }
    }

    /// <summary>As the 256-bit step, 16 lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Step(Vector512<float> x, Vector512<float> scale, Vector512<float> zeroPoint)
    {
        Vector512<float> v = x / scale;
        Vector512<float> whole = Vector512.Truncate(v);
        Vector512<float> away = Vector512.GreaterThanOrEqual(Vector512.Abs(v - whole), Vector512.Create(0.5f));
        Vector512<float> rounded = whole + (Vector512.CopySign(Vector512<float>.One, v) & away);
        Vector512<float> clamped = Vector512.Min(Vector512.Max(rounded + zeroPoint, Vector512<float>.Zero), Vector512.Create(255f));
        return Vector512.ConvertToInt32(clamped);
    }

    /// <summary>
    /// <c>round(x / scale)</c> half away from zero as <c>trunc(v) ± 1</c> where the fraction is at least one half (the
    /// fraction <c>v - trunc(v)</c> is exact in float), plus the zero point, clamped: whole numbers 0..255.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Step(Vector256<float> x, Vector256<float> scale, Vector256<float> zeroPoint)
    {
        Vector256<float> v = x / scale;
        Vector256<float> whole = Vector256.Truncate(v);
        Vector256<float> away = Vector256.GreaterThanOrEqual(Vector256.Abs(v - whole), Vector256.Create(0.5f));
        Vector256<float> rounded = whole + (Vector256.CopySign(Vector256<float>.One, v) & away);
        Vector256<float> clamped = Vector256.Min(Vector256.Max(rounded + zeroPoint, Vector256<float>.Zero), Vector256.Create(255f));
        return Vector256.ConvertToInt32(clamped);
    }
}
