using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>
/// TFLite's quantized <c>ADD</c> of two uint8 tensors of different scales: each input, its zero point subtracted, is shifted
/// left by <see cref="LeftShift"/> and rescaled by its own fixed-point multiplier <c>s_i / (2 · max(s1, s2))</c>; the two
/// are summed in int32 and the sum requantized by <c>2 · max(s1, s2) / (2^20 · s_out)</c>, plus the output zero point,
/// clamped. The left shift keeps the rescaled inputs' fractions (2^20 · 255 fits in 28 bits).
/// </summary>
internal readonly record struct Int8ResidualAdd(
    QuantizationParameters Block,
    QuantizationParameters Skip,
    QuantizationParameters Output,
    int BlockMultiplier,
    int BlockShift,
    int SkipMultiplier,
    int SkipShift,
    int OutputMultiplier,
    int OutputShift)
{
    /// <summary>TFLite's <c>left_shift</c> for 8-bit <c>ADD</c>.</summary>
    public const int LeftShift = 20;

    /// <summary>The multipliers of the add whose inputs and output are quantized so, as TFLite's <c>Prepare</c> computes them.</summary>
    public static Int8ResidualAdd Of(QuantizationParameters block, QuantizationParameters skip, QuantizationParameters output)
    {
        double twiceLargerScale = 2.0 * Math.Max((double)block.Scale, skip.Scale);
        (int blockMultiplier, int blockShift) = FixedPointMultiplier.Quantize(block.Scale / twiceLargerScale);
        (int skipMultiplier, int skipShift) = FixedPointMultiplier.Quantize(skip.Scale / twiceLargerScale);
        (int outputMultiplier, int outputShift) = FixedPointMultiplier.Quantize(twiceLargerScale / ((1 << LeftShift) * (double)output.Scale));
        return new Int8ResidualAdd(block, skip, output, blockMultiplier, blockShift, skipMultiplier, skipShift, outputMultiplier, outputShift);
    }

    /// <summary>
    /// <c>y[i] = clamp(add(block[i], skip[i]), min, max)</c> for the first <c>y.Length</c> values; with
    /// <paramref name="allowVectors"/> 8 at a time where AVX2 is supported (the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<byte> block, ReadOnlySpan<byte> skip, Span<byte> y, int min, int max, bool allowVectors = true)
    {
        if (block.Length < y.Length || skip.Length < y.Length)
        {
            throw new ArgumentException($"Expected {y.Length} values in both inputs of the add, but got {block.Length} and {skip.Length}.");
        }

        if (min < byte.MinValue || max > byte.MaxValue || min > max)
        {
            throw new ArgumentException($"Expected a clamp range within [0, 255], but got [{min}, {max}].");
        }

        int i = allowVectors && Avx2.IsSupported ? RunVectors(block, skip, y, min, max) : 0;
        for (; i < y.Length; i++)
        {
            y[i] = Add(block[i], skip[i], min, max);
        }
    }

    /// <summary>One output value, as TFLite's reference <c>AddElementwise</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Add(byte block, byte skip, int min, int max)
    {
        int scaledBlock = FixedPointMultiplier.Apply((block - Block.ZeroPoint) << LeftShift, BlockMultiplier, BlockShift);
        int scaledSkip = FixedPointMultiplier.Apply((skip - Skip.ZeroPoint) << LeftShift, SkipMultiplier, SkipShift);
        int sum = Output.ZeroPoint + FixedPointMultiplier.Apply(scaledBlock + scaledSkip, OutputMultiplier, OutputShift);
        return (byte)Math.Clamp(sum, min, max);
    }

    // Whole groups of 8; returns how many values it wrote.
    private int RunVectors(ReadOnlySpan<byte> block, ReadOnlySpan<byte> skip, Span<byte> y, int min, int max)
    {
        int count = y.Length & ~7;
        ref byte a = ref MemoryMarshal.GetReference(block);
        ref byte b = ref MemoryMarshal.GetReference(skip);
        ref byte target = ref MemoryMarshal.GetReference(y);
        Vector256<int> blockZero = Vector256.Create(Block.ZeroPoint), skipZero = Vector256.Create(Skip.ZeroPoint), outputZero = Vector256.Create(Output.ZeroPoint);
        Vector256<int> lowest = Vector256.Create(min), highest = Vector256.Create(max);
        for (int i = 0; i < count; i += 8)
        {
            Vector256<int> x1 = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i))).AsByte());
            Vector256<int> x2 = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i))).AsByte());
            Vector256<int> scaled1 = Apply(Vector256.ShiftLeft(x1 - blockZero, LeftShift), BlockMultiplier, BlockShift);
            Vector256<int> scaled2 = Apply(Vector256.ShiftLeft(x2 - skipZero, LeftShift), SkipMultiplier, SkipShift);
            Vector256<int> sum = Vector256.Min(Vector256.Max(Apply(scaled1 + scaled2, OutputMultiplier, OutputShift) + outputZero, lowest), highest);
            Vector256<byte> bytes = Vector256.Narrow(Vector256.Narrow(sum, Vector256<int>.Zero).AsUInt16(), Vector256<ushort>.Zero);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, i), bytes.AsUInt64().ToScalar());
        }

        return count;
    }

    /// <summary>
    /// <see cref="FixedPointMultiplier.Apply"/> on 8 lanes with one (non-negative) multiplier: the high multiply from the
    /// 64-bit products of even and odd lanes (<c>vpmuldq</c>), then the rounding division by a power of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Apply(Vector256<int> value, int multiplier, int shift)
    {
        Vector256<int> shifted = Vector256.ShiftLeft(value, Math.Max(shift, 0));
        int right = Math.Max(-shift, 0);
        Vector256<int> m = Vector256.Create(multiplier);
        Vector256<long> nudge = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.ShiftRightLogical(Avx2.Multiply(shifted, m) + nudge, 31);
        Vector256<long> odd = Avx2.ShiftRightLogical(Avx2.Multiply(Avx2.ShiftRightLogical(shifted.AsInt64(), 32).AsInt32(), m) + nudge, 31);
        Vector256<int> high = Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);

        Vector256<int> mask = Vector256.Create((int)((1L << right) - 1));
        Vector256<int> remainder = high & mask;
        Vector256<int> threshold = Vector256.ShiftRightLogical(mask, 1) + Vector256.ShiftRightLogical(high, 31);
        return Vector256.ShiftRightArithmetic(high, right) - Vector256.GreaterThan(remainder, threshold);
    }
}
