using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>
/// <c>FixedPointMultiplier.Requantize</c> for 32 outputs at a time with AVX2, the same bits as the scalar loop:
/// the left shift wraps, <c>SaturatingRoundingDoublingHighMul</c> takes the 64-bit products of even and odd lanes
/// (<c>vpmuldq</c>), <c>RoundingDivideByPOT</c> shifts each lane by its channel's exponent (<c>vpsravd</c>).
/// </summary>
/// <remarks>
/// The caller checks that every multiplier is non-negative (as <see cref="FixedPointMultiplier.Quantize"/> makes them), so
/// that the high multiply's only saturating case, <c>int.MinValue</c> squared, cannot occur.
/// </remarks>
internal static class VectorRequantization
{
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Outputs 0 to the largest multiple of 8 of one row (32 at a time, then 8); returns how many it wrote.</summary>
    public static int Row(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> biases, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<byte> y)
    {
        int count = accumulators.Length & ~7;
        if (count > 0)
        {
            Rows(accumulators[..count], count, biases, multipliers, shifts, zeroPoint, min, max, y);
        }

        return count;
    }

    /// <summary>
    /// Whole rows of <paramref name="outputs"/> values, a multiple of 8, as one run (no work per row: a convolution's
    /// rows are its pixels, often only 8 or 16 channels long): value <c>i</c> takes the parameters of output
    /// <c>i % outputs</c>, 32 values at a time, then 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows(ReadOnlySpan<int> accumulators, int outputs, ReadOnlySpan<int> biases, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<byte> y)
    {
        if (outputs <= 0 || outputs % 8 != 0 || accumulators.Length % outputs != 0 || y.Length < accumulators.Length
            || biases.Length < outputs || multipliers.Length < outputs || shifts.Length < outputs)
        {
            throw new ArgumentException($"Expected whole rows of a multiple of 8 outputs ({outputs}) and as many outputs and parameters, but got {accumulators.Length} values, room for {y.Length} and {biases.Length}, {multipliers.Length} and {shifts.Length} parameters.");
        }

        int count = accumulators.Length;
        ref int acc = ref MemoryMarshal.GetReference(accumulators);
        ref int bias = ref MemoryMarshal.GetReference(biases);
        ref int multiplier = ref MemoryMarshal.GetReference(multipliers);
        ref int shift = ref MemoryMarshal.GetReference(shifts);
        ref byte target = ref MemoryMarshal.GetReference(y);
        Vector256<int> offset = Vector256.Create(zeroPoint);
        Vector256<int> lowest = Vector256.Create(min);
        Vector256<int> highest = Vector256.Create(max);
        int i = 0, o = 0;
        for (; i <= count - 32; i += 32)
        {
            int o1 = Next(o, outputs), o2 = Next(o1, outputs), o3 = Next(o2, outputs);
            Vector256<int> a = Eight(ref acc, i, ref bias, ref multiplier, ref shift, o, offset, lowest, highest);
            Vector256<int> b = Eight(ref acc, i + 8, ref bias, ref multiplier, ref shift, o1, offset, lowest, highest);
            Vector256<int> c = Eight(ref acc, i + 16, ref bias, ref multiplier, ref shift, o2, offset, lowest, highest);
            Vector256<int> d = Eight(ref acc, i + 24, ref bias, ref multiplier, ref shift, o3, offset, lowest, highest);
            Vector256.Narrow(Vector256.Narrow(a, b).AsUInt16(), Vector256.Narrow(c, d).AsUInt16()).StoreUnsafe(ref target, (nuint)i);
            o = Next(o3, outputs);
        }

        for (; i < count; i += 8, o = Next(o, outputs))
        {
            StoreEight(Eight(ref acc, i, ref bias, ref multiplier, ref shift, o, offset, lowest, highest), ref Unsafe.Add(ref target, i));
        }
    }

    // The parameters' index of the 8 values after those of output `o`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(int o, int outputs) => o + 8 == outputs ? 0 : o + 8;

    // Eight outputs: narrowed with zeros, the first 8 bytes are theirs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreEight(Vector256<int> values, ref byte target)
    {
        Vector256<byte> bytes = Vector256.Narrow(Vector256.Narrow(values, Vector256<int>.Zero).AsUInt16(), Vector256<ushort>.Zero);
        Unsafe.WriteUnaligned(ref target, bytes.AsUInt64().ToScalar());
    }

    /// <summary><c>a + b</c> saturated to int32, as the scalar loop's clamp of the 64-bit sum: an overflow has the sign of neither.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> SaturatingAdd(Vector256<int> a, Vector256<int> b)
    {
        Vector256<int> sum = a + b;
        Vector256<int> overflow = Vector256.ShiftRightArithmetic((a ^ sum) & (b ^ sum), 31);
        Vector256<int> saturated = Vector256.ShiftRightArithmetic(a, 31) ^ Vector256.Create(int.MaxValue);
        return Vector256.ConditionalSelect(overflow, saturated, sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Eight(ref int acc, int i, ref int bias, ref int multiplier, ref int shift, int o, Vector256<int> zeroPoint, Vector256<int> min, Vector256<int> max)
    {
        Vector256<int> value = SaturatingAdd(Vector256.LoadUnsafe(ref acc, (nuint)i), Vector256.LoadUnsafe(ref bias, (nuint)o));
        Vector256<int> m = Vector256.LoadUnsafe(ref multiplier, (nuint)o);
        Vector256<int> s = Vector256.LoadUnsafe(ref shift, (nuint)o);
        Vector256<uint> left = Vector256.Max(s, Vector256<int>.Zero).AsUInt32();
        Vector256<int> right = Vector256.Max(-s, Vector256<int>.Zero);
        Vector256<int> shifted = Avx2.ShiftLeftLogicalVariable(value, left);

        // (a * b + 2^30) >> 31 per lane: even lanes' products in place, odd lanes' moved down first; the results' low 32
        // bits are the same whether the 64-bit shift is logical or arithmetic.
        Vector256<long> nudge = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.ShiftRightLogical(Avx2.Multiply(shifted, m) + nudge, 31);
        Vector256<long> odd = Avx2.ShiftRightLogical(
            Avx2.Multiply(Avx2.ShiftRightLogical(shifted.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + nudge, 31);
        Vector256<int> high = Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);

        // RoundingDivideByPOT(high, right): the remainder against half the divisor, ties away from zero.
        Vector256<int> mask = Avx2.ShiftLeftLogicalVariable(Vector256<int>.One, right.AsUInt32()) - Vector256<int>.One;
        Vector256<int> remainder = high & mask;
        Vector256<int> threshold = Vector256.ShiftRightLogical(mask, 1) + Vector256.ShiftRightLogical(high, 31);
        Vector256<int> divided = Avx2.ShiftRightArithmeticVariable(high, right.AsUInt32()) - Vector256.GreaterThan(remainder, threshold);
        return Vector256.Min(Vector256.Max(divided + zeroPoint, min), max);
    }
}
