using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Quantization;

/// <summary>
/// Requantization with TFLite's fixed-point multipliers (gemmlowp's rounding): a real multiplier becomes a Q0.31
/// significand in [2^30, 2^31) and a power-of-two shift, and an int32 is multiplied by it with integer operations only,
/// bit for bit as TFLite's (double-rounding) <c>MultiplyByQuantizedMultiplier</c>.
/// </summary>
internal static class FixedPointMultiplier
{
    /// <summary>The smallest shift <see cref="Apply"/> takes: a right shift of 31.</summary>
    public const int MinShift = -31;

    /// <summary>The largest shift <see cref="Apply"/> takes: a left shift of 30 (<c>1 &lt;&lt; 31</c> is not an int32 power of two).</summary>
    public const int MaxShift = 30;

    /// <summary>
    /// TFLite's <c>QuantizeMultiplier</c>: <paramref name="realMultiplier"/> ≈ <c>Multiplier * 2^(Shift - 31)</c> with
    /// <c>Multiplier</c> in [2^30, 2^31), rounded half away from zero; a significand that rounds up to 2^31 is halved and
    /// the shift raised. Multipliers below about 2^-32 (shift below -31) and 0 give (0, 0), which maps everything to 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="realMultiplier"/> is negative, NaN, infinite, or 2^30 or more (a shift above 30).</exception>
    public static (int Multiplier, int Shift) Quantize(double realMultiplier)
    {
        if (!double.IsFinite(realMultiplier) || realMultiplier < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, $"Expected a finite, non-negative real multiplier, but got {realMultiplier}.");
        }

        if (realMultiplier == 0)
        {
            return (0, 0);
        }

        (double significand, int shift) = FrExp(realMultiplier);
        long fixedPoint = (long)Math.Round(significand * (1L << 31), MidpointRounding.AwayFromZero);
        if (fixedPoint == 1L << 31)
        {
            fixedPoint /= 2;
            shift++;
        }

        if (shift < MinShift)
        {
            return (0, 0);
        }

        if (shift > MaxShift)
        {
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, $"Expected a real multiplier below 2^30 (a shift of at most {MaxShift}), but got {realMultiplier}, whose shift is {shift}.");
        }

        return ((int)fixedPoint, shift);
    }

    /// <summary>
    /// TFLite's <c>MultiplyByQuantizedMultiplier</c>: <c>value * 2^max(shift, 0)</c> (wrapping in int32, as TFLite's
    /// does in practice), then gemmlowp's <c>SaturatingRoundingDoublingHighMul</c> by <paramref name="multiplier"/>, then
    /// <c>RoundingDivideByPOT</c> by <c>2^max(-shift, 0)</c>. <paramref name="shift"/> must be in [-31, 30].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int value, int multiplier, int shift)
    {
        int leftShift = Math.Max(shift, 0);
        int rightShift = Math.Max(-shift, 0);
        return RoundingDivideByPowerOfTwo(SaturatingRoundingDoublingHighMul(unchecked(value * (1 << leftShift)), multiplier), rightShift);
    }

    /// <summary>
    /// Per element, <c>y[n * outputs + o] = clamp(outputZeroPoint + Apply(acc + biases[o], multipliers[o], shifts[o]), min, max)</c>,
    /// with <c>acc + biases[o]</c> saturated to int32 (where TFLite's sum would overflow).
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, a shift is outside [-31, 30], or <paramref name="min"/>..<paramref name="max"/> is not a range within [0, 255].</exception>
    public static void Requantize(
        ReadOnlySpan<int> accumulators, int rows, int outputs, ReadOnlySpan<int> biases, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int outputZeroPoint, int min, int max, Span<byte> y) =>
        Requantize(accumulators, rows, outputs, biases, multipliers, shifts, outputZeroPoint, min, max, y, allowVectors: true);

    /// <summary>
    /// As above; with <paramref name="allowVectors"/> the rows run through <see cref="VectorRequantization"/> 32 outputs at
    /// a time (the same bits) when every multiplier is non-negative, all rows as one run when their length is a multiple of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Requantize(
        ReadOnlySpan<int> accumulators, int rows, int outputs, ReadOnlySpan<int> biases, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int outputZeroPoint, int min, int max, Span<byte> y, bool allowVectors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        long count = (long)rows * outputs;
        if (accumulators.Length < count || y.Length < count)
        {
            throw new ArgumentException($"Expected at least {count} accumulators and outputs ({rows} rows of {outputs}), but got {accumulators.Length} and {y.Length}.");
        }

        if (biases.Length < outputs || multipliers.Length < outputs || shifts.Length < outputs)
        {
            throw new ArgumentException($"Expected {outputs} biases, multipliers and shifts, but got {biases.Length}, {multipliers.Length} and {shifts.Length}.");
        }

        if (min < byte.MinValue || max > byte.MaxValue || min > max)
        {
            throw new ArgumentException($"Expected a clamp range within [0, 255], but got [{min}, {max}].");
        }

        bool vectors = allowVectors && VectorRequantization.IsSupported;
        for (int o = 0; o < outputs; o++)
        {
            if (shifts[o] < MinShift || shifts[o] > MaxShift)
            {
                throw new ArgumentOutOfRangeException(nameof(shifts), shifts[o], $"Expected shifts in [{MinShift}, {MaxShift}], but shifts[{o}] is {shifts[o]}.");
            }

            vectors &= multipliers[o] >= 0;
        }

        biases = biases[..outputs];
        multipliers = multipliers[..outputs];
        shifts = shifts[..outputs];
        if (vectors && outputs % 8 == 0 && rows > 1)
        {
            VectorRequantization.Rows(accumulators[..(int)count], outputs, biases, multipliers, shifts, outputZeroPoint, min, max, y);
            return;
        }

        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<int> row = accumulators.Slice(n * outputs, outputs);
            Span<byte> destination = y.Slice(n * outputs, outputs);
            int first = vectors ? VectorRequantization.Row(row, biases, multipliers, shifts, outputZeroPoint, min, max, destination) : 0;
            for (int o = first; o < row.Length; o++)
            {
                int biased = (int)Math.Clamp((long)row[o] + biases[o], int.MinValue, int.MaxValue);
                long result = outputZeroPoint + (long)Apply(biased, multipliers[o], shifts[o]);
                destination[o] = (byte)Math.Clamp(result, min, max);
            }
        }
    }

    /// <summary>
    /// gemmlowp's <c>SaturatingRoundingDoublingHighMul</c>: <c>a * b / 2^31</c> rounded half up (its nudge-and-truncate
    /// is <c>floor((a * b + 2^30) / 2^31)</c> for either sign), saturated at <see cref="int.MaxValue"/>, which only
    /// <c>int.MinValue * int.MinValue</c> exceeds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b) =>
        (int)Math.Min((((long)a * b) + (1L << 30)) >> 31, int.MaxValue);

    /// <summary>gemmlowp's <c>RoundingDivideByPOT</c>: <c>value / 2^exponent</c> rounded half away from zero, for <paramref name="exponent"/> in [0, 31].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPowerOfTwo(int value, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = value & mask;
        int threshold = (mask >> 1) + (int)((uint)value >> 31);
        return (value >> exponent) + (remainder > threshold ? 1 : 0);
    }

    // frexp: value = significand * 2^exponent with significand in [0.5, 1), for finite positive values (subnormals too).
    private static (double Significand, int Exponent) FrExp(double value)
    {
        int exponent = Math.ILogB(value) + 1;
        return (Math.ScaleB(value, -exponent), exponent);
    }
}
