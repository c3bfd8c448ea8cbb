using System;
using System.Numerics;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// The fixed-point requantization against references in exact arithmetic (<see cref="BigInteger"/>, rationals with
/// power-of-two denominators) stating TFLite's and gemmlowp's rounding rules: the doubling high multiply rounds half
/// up and saturates only at INT32_MIN * INT32_MIN, the division by a power of two rounds half away from zero, and
/// <c>QuantizeMultiplier</c> rounds the Q0.31 significand half away from zero.
/// </summary>
public sealed class Int8FixedPointMultiplierTests
{
    private static readonly BigInteger TwoTo31 = BigInteger.One << 31;

    private static readonly int[] EdgeValues = [int.MinValue, int.MinValue + 1, -(1 << 30), -65536, -3, -2, -1, 0, 1, 2, 3, 65535, 1 << 30, int.MaxValue - 1, int.MaxValue];

    private static readonly int[] EdgeMultipliers = [int.MinValue, -1, 0, 1, 1 << 30, (1 << 30) + 1, 1518500250, int.MaxValue - 1, int.MaxValue];

    [Fact]
    public void TheRationalRulesAreGemmlowpsCode()
    {
        // The references below state rounding rules; this ties them to gemmlowp's nudge-and-truncate and mask-and-threshold code.
        var random = new Random(151);
        for (int i = 0; i < 200_000; i++)
        {
            int a = RandomInt(random), b = RandomInt(random);
            Assert.Equal(GemmlowpHighMul(a, b), ReferenceHighMul(a, b));
            int exponent = random.Next(32);
            Assert.Equal(GemmlowpDivideByPowerOfTwo(a, exponent), ReferenceDivideByPowerOfTwo(a, exponent));
        }

        foreach (int a in EdgeValues)
        {
            foreach (int b in EdgeMultipliers)
            {
                Assert.Equal(GemmlowpHighMul(a, b), ReferenceHighMul(a, b));
            }

            for (int exponent = 0; exponent <= 31; exponent++)
            {
                Assert.Equal(GemmlowpDivideByPowerOfTwo(a, exponent), ReferenceDivideByPowerOfTwo(a, exponent));
            }
        }
    }

    [Fact]
    public void HighMulAndDivideMatchTheRules()
    {
        Assert.Equal(int.MaxValue, FixedPointMultiplier.SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
        Assert.Equal(0, FixedPointMultiplier.SaturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15));  // -0.5 rounds up to 0
        Assert.Equal(1, FixedPointMultiplier.SaturatingRoundingDoublingHighMul(1 << 15, 1 << 15));     // +0.5 rounds up to 1
        Assert.Equal(-2, FixedPointMultiplier.RoundingDivideByPowerOfTwo(-3, 1));                     // -1.5 rounds away to -2
        Assert.Equal(2, FixedPointMultiplier.RoundingDivideByPowerOfTwo(3, 1));
        Assert.Equal(-1, FixedPointMultiplier.RoundingDivideByPowerOfTwo(int.MinValue, 31));
        Assert.Equal(1, FixedPointMultiplier.RoundingDivideByPowerOfTwo(int.MaxValue, 31));

        var random = new Random(152);
        for (int i = 0; i < 200_000; i++)
        {
            int a = RandomInt(random), b = RandomInt(random);
            Assert.Equal(ReferenceHighMul(a, b), FixedPointMultiplier.SaturatingRoundingDoublingHighMul(a, b));
            int exponent = random.Next(32);
            Assert.Equal(ReferenceDivideByPowerOfTwo(a, exponent), FixedPointMultiplier.RoundingDivideByPowerOfTwo(a, exponent));
        }

        foreach (int a in EdgeValues)
        {
            foreach (int b in EdgeValues)
            {
                Assert.Equal(ReferenceHighMul(a, b), FixedPointMultiplier.SaturatingRoundingDoublingHighMul(a, b));
            }

            for (int exponent = 0; exponent <= 31; exponent++)
            {
                Assert.Equal(ReferenceDivideByPowerOfTwo(a, exponent), FixedPointMultiplier.RoundingDivideByPowerOfTwo(a, exponent));
            }
        }
    }

    [Fact]
    public void ApplyMatchesTheReferenceAtEveryShift()
    {
        var random = new Random(153);
        for (int shift = FixedPointMultiplier.MinShift; shift <= FixedPointMultiplier.MaxShift; shift++)
        {
            foreach (int value in EdgeValues)
            {
                foreach (int multiplier in EdgeMultipliers)
                {
                    AssertApply(value, multiplier, shift);
                }
            }

            for (int i = 0; i < 20_000; i++)
            {
                // Values small enough for the left shift not to wrap, as requantization sees them, and any values.
                int value = i % 2 == 0 ? random.Next(-(1 << (30 - Math.Max(shift, 0))), 1 << (30 - Math.Max(shift, 0))) : RandomInt(random);
                int multiplier = i % 3 == 0 ? RandomInt(random) : random.Next(1 << 30, int.MaxValue) + (random.Next(2) == 0 ? 0 : 1);
                AssertApply(value, multiplier, shift);
            }
        }
    }

    [Fact]
    public void QuantizeMatchesTheReferenceAndRoundTrips()
    {
        var random = new Random(154);
        for (int i = 0; i < 200_000; i++)
        {
            // Log-uniform over 1e-10 .. 1e3.
            double real = Math.Pow(10, -10 + (13 * random.NextDouble()));
            AssertQuantize(real);
        }

        double[] edges =
        [
            1e-10, 1e3, 0.5, 1.0, 0.75, 2.0, Math.BitDecrement(1.0), Math.BitIncrement(0.5), Math.BitDecrement(0.5),
            1.0 - Math.ScaleB(1, -33), 1.0 - Math.ScaleB(1, -31), 1.0 - Math.ScaleB(1, -32),
            Math.ScaleB(1, -32), Math.ScaleB(1, -33), Math.BitDecrement(Math.ScaleB(1, -32)), Math.ScaleB(1, -32) * (1 - Math.ScaleB(1, -40)),
            Math.ScaleB(1, -33) * (2 - Math.ScaleB(1, -40)), Math.ScaleB(1, 29) * 1.5,
            double.Epsilon, 1e-300, 1.0 / 3, 0.1, 255.0 / 127 / 1000,
        ];
        foreach (double real in edges)
        {
            AssertQuantize(real);
        }

        Assert.Equal((0, 0), FixedPointMultiplier.Quantize(0.0));
        Assert.Equal((0, 0), FixedPointMultiplier.Quantize(-0.0));
        Assert.Equal((1 << 30, 0), FixedPointMultiplier.Quantize(0.5));
        Assert.Equal((1 << 30, 1), FixedPointMultiplier.Quantize(1.0));
        Assert.Equal((1 << 30, 1), FixedPointMultiplier.Quantize(Math.BitDecrement(1.0)));   // the significand rounds up to 2^31
        Assert.Equal((1 << 30, -31), FixedPointMultiplier.Quantize(Math.ScaleB(1, -32)));
        Assert.Equal((1 << 30, -31), FixedPointMultiplier.Quantize(Math.BitDecrement(Math.ScaleB(1, -32))));
        Assert.Equal((0, 0), FixedPointMultiplier.Quantize(Math.ScaleB(1, -33)));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-1e-20)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1073741824.0)]
    [InlineData(1073741823.9999999)]
    [InlineData(1e12)]
    public void QuantizeRejectsWhatHasNoMultiplier(double real)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.Quantize(real));
        Assert.Equal("realMultiplier", e.ParamName);
        Assert.Contains(real.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequantizeMatchesTheReference()
    {
        var random = new Random(155);
        const int rows = 7, outputs = 37;
        var accumulators = new int[rows * outputs];
        for (int i = 0; i < accumulators.Length; i++)
        {
            accumulators[i] = i % 11 == 0 ? RandomInt(random) : random.Next(-2_000_000, 2_000_000);
        }

        accumulators[0] = int.MaxValue;
        accumulators[1] = int.MinValue;
        var biases = new int[outputs];
        var multipliers = new int[outputs];
        var shifts = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            biases[o] = o % 9 == 0 ? RandomInt(random) : random.Next(-100_000, 100_000);
            (multipliers[o], shifts[o]) = FixedPointMultiplier.Quantize(Math.Pow(10, -6 + (6.5 * random.NextDouble())));
        }

        biases[0] = int.MaxValue;
        biases[1] = int.MinValue;
        (multipliers[2], shifts[2]) = (int.MaxValue, FixedPointMultiplier.MaxShift);
        (multipliers[3], shifts[3]) = (int.MaxValue, FixedPointMultiplier.MinShift);
        foreach ((int zeroPoint, int min, int max) in new[] { (0, 0, 255), (128, 0, 255), (255, 0, 255), (3, 3, 200), (17, 17, 17) })
        {
            var y = new byte[(rows * outputs) + 3];
            Array.Fill(y, (byte)0xA5);
            FixedPointMultiplier.Requantize(accumulators, rows, outputs, biases, multipliers, shifts, zeroPoint, min, max, y);
            for (int n = 0; n < rows; n++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    BigInteger biased = BigInteger.Clamp((BigInteger)accumulators[(n * outputs) + o] + biases[o], int.MinValue, int.MaxValue);
                    BigInteger expected = BigInteger.Clamp(zeroPoint + ReferenceApply((int)biased, multipliers[o], shifts[o]), min, max);
                    Assert.Equal((int)expected, y[(n * outputs) + o]);
                }
            }

            Assert.Equal([0xA5, 0xA5, 0xA5], y[^3..]);
        }
    }

    [Fact]
    public void RequantizeRejectsBadArguments()
    {
        int[] acc = new int[4], ones = [1, 1], shifts = [0, 0];
        byte[] y = new byte[4];
        Assert.Throws<ArgumentException>(() => FixedPointMultiplier.Requantize(acc, 3, 2, ones, ones, shifts, 0, 0, 255, y));
        Assert.Throws<ArgumentException>(() => FixedPointMultiplier.Requantize(acc, 2, 2, ones, ones, [0], 0, 0, 255, y));
        Assert.Throws<ArgumentException>(() => FixedPointMultiplier.Requantize(acc, 2, 2, ones, ones, shifts, 0, 10, 9, y));
        Assert.Throws<ArgumentException>(() => FixedPointMultiplier.Requantize(acc, 2, 2, ones, ones, shifts, 0, 0, 256, y));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.Requantize(acc, 2, 2, ones, ones, [0, 31], 0, 0, 255, y));
        Assert.Contains("shifts[1] is 31", e.Message, StringComparison.Ordinal);
    }

    private static void AssertApply(int value, int multiplier, int shift)
    {
        int expected = ReferenceApply(value, multiplier, shift);
        int actual = FixedPointMultiplier.Apply(value, multiplier, shift);
        if (actual != expected)
        {
            Assert.Fail($"Apply({value}, {multiplier}, {shift}) is {actual}, expected {expected}.");
        }
    }

    private static void AssertQuantize(double real)
    {
        (int expectedMultiplier, int expectedShift) = ReferenceQuantize(real);
        (int multiplier, int shift) = FixedPointMultiplier.Quantize(real);
        Assert.True(
            (multiplier, shift) == (expectedMultiplier, expectedShift),
            $"Quantize({real:R}) is ({multiplier}, {shift}), expected ({expectedMultiplier}, {expectedShift}).");
        if (multiplier == 0)
        {
            Assert.True(real < Math.ScaleB(1, -32), $"Quantize({real:R}) flushed to 0.");
            return;
        }

        Assert.InRange(multiplier, 1 << 30, int.MaxValue);
        double represented = Math.ScaleB(multiplier, shift - 31);
        Assert.True(Math.Abs(represented - real) <= Math.ScaleB(real, -31), $"Quantize({real:R}) represents {represented:R}.");
    }

    // ---- References: exact arithmetic, rounding rules stated directly. ----

    // round_half_up(a * b / 2^31), except INT32_MIN * INT32_MIN, whose 2^31 does not fit and saturates.
    private static int ReferenceHighMul(int a, int b)
    {
        if (a == int.MinValue && b == int.MinValue)
        {
            return int.MaxValue;
        }

        return (int)FloorDivide((2 * (BigInteger)a * b) + TwoTo31, 2 * TwoTo31);
    }

    // round_half_away_from_zero(x / 2^e).
    private static int ReferenceDivideByPowerOfTwo(int x, int exponent)
    {
        BigInteger divisor = BigInteger.One << exponent;
        BigInteger magnitude = FloorDivide((2 * BigInteger.Abs(x)) + divisor, 2 * divisor);
        return (int)(x < 0 ? -magnitude : magnitude);
    }

    // TFLite: (x * 2^max(shift, 0)) wrapped to int32, high multiply, then divide by 2^max(-shift, 0).
    private static int ReferenceApply(int value, int multiplier, int shift)
    {
        BigInteger shifted = (BigInteger)value << Math.Max(shift, 0);
        int wrapped = (int)(uint)(shifted & uint.MaxValue);
        return ReferenceDivideByPowerOfTwo(ReferenceHighMul(wrapped, multiplier), Math.Max(-shift, 0));
    }

    // real = q * 2^e with q in [0.5, 1), from the bits of the double; M = round_half_away(q * 2^31); M = 2^31 → (2^30, e + 1).
    private static (int Multiplier, int Shift) ReferenceQuantize(double real)
    {
        long bits = BitConverter.DoubleToInt64Bits(real);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        BigInteger mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exponent = biased == 0 ? -1074 : biased - 1075;      // real = mantissa * 2^exponent exactly
        int length = (int)mantissa.GetBitLength();
        int shift = exponent + length;                           // q = mantissa / 2^length in [0.5, 1)

        // M = round_half_away(mantissa * 2^31 / 2^length), all positive.
        BigInteger numerator = mantissa << 31;
        BigInteger divisor = BigInteger.One << length;
        BigInteger m = FloorDivide((2 * numerator) + divisor, 2 * divisor);
        if (m == TwoTo31)
        {
            m = TwoTo31 / 2;
            shift++;
        }

        return shift < -31 ? (0, 0) : ((int)m, shift);
    }

    private static BigInteger FloorDivide(BigInteger numerator, BigInteger divisor)
    {
        BigInteger quotient = BigInteger.DivRem(numerator, divisor, out BigInteger remainder);
        return remainder.Sign != 0 && (remainder.Sign < 0) != (divisor.Sign < 0) ? quotient - 1 : quotient;
    }

    // ---- gemmlowp's code, transcribed (C++ integer division truncates toward zero, as C#'s does). ----

    private static int GemmlowpHighMul(int a, int b)
    {
        bool overflow = a == b && a == int.MinValue;
        long ab = (long)a * b;
        int nudge = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
        int high = (int)((ab + nudge) / (1L << 31));
        return overflow ? int.MaxValue : high;
    }

    private static int GemmlowpDivideByPowerOfTwo(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    private static int RandomInt(Random random) => (int)(uint)random.NextInt64(0, 1L << 32);
}
