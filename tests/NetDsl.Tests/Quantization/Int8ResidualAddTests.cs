using System;
using System.Linq;
using System.Numerics;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// The integer residual add (TFLite's <c>ADD</c>) through its stages, on every path, against <see cref="Reference"/>: the
/// same rounding rules in exact BigInteger arithmetic, and the reference itself against the real-valued sum.
/// </summary>
public sealed class Int8ResidualAddTests
{
    /// <summary>(block scale, block zero point, skip scale, skip zero point, output scale, output zero point).</summary>
    public static TheoryData<float, int, float, int, float, int> Quantizations() => new()
    {
        { 0.02f, 128, 0.0003f, 7, 0.021f, 120 },   // s1 >> s2
        { 0.0003f, 7, 0.02f, 128, 0.021f, 120 },   // s2 >> s1
        { 0.05f, 0, 0.05f, 255, 0.05f, 128 },      // equal scales, zero points at both ends
        { 0.013f, 17, 0.0071f, 201, 0.004f, 90 },  // a fine output scale: saturates at 0 and at 255
        { 0.1f, 100, 0.09f, 30, 0.9f, 3 },         // a coarse output scale: many ties
    };

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void TheStages_GiveTheReference_OnEveryPath(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        int checkedValues = 0;
        foreach (object[] row in Quantizations())
        {
            var block = new QuantizationParameters((float)row[0], (int)row[1]);
            var skip = new QuantizationParameters((float)row[2], (int)row[3]);
            var output = new QuantizationParameters((float)row[4], (int)row[5]);
            foreach (bool relu in new[] { false, true })
            {
                foreach ((int rows, int features) in new[] { (1, 1), (1, 7), (3, 8), (2, 33), (5, 131) })
                {
                    var random = new Random(rows * 1000 + features);
                    byte[] x = Bytes(random, rows * features);
                    byte[] kept = Bytes(random, rows * features);
                    var start = new QuantizedResidualStart("block", features, skip, depth: 0);
                    var add = new QuantizedResidualAdd("add", features, block, skip, output, relu, depth: 0, path);
                    var passed = new byte[rows * features];
                    var actual = new byte[rows * features];

                    start.Run(kept, rows, passed, []);
                    add.Run(x, rows, actual, []);

                    Assert.Equal(kept, passed);
                    for (int i = 0; i < actual.Length; i++)
                    {
                        int expected = Reference(x[i], kept[i], block, skip, output, relu);
                        Assert.True(expected == actual[i], $"{path}, {rows} x {features}, relu {relu}, value {i} ({x[i]} + {kept[i]}): reference {expected}, add {actual[i]}.");
                        checkedValues++;
                    }
                }
            }
        }

        Assert.True(checkedValues > 1000);
    }

    [Theory]
    [MemberData(nameof(Quantizations))]
    public void TheReference_IsTheRealSum_WithinHalfAStep(float blockScale, int blockZero, float skipScale, int skipZero, float outputScale, int outputZero)
    {
        var block = new QuantizationParameters(blockScale, blockZero);
        var skip = new QuantizationParameters(skipScale, skipZero);
        var output = new QuantizationParameters(outputScale, outputZero);
        int low = 0, high = 0;
        for (int a = 0; a < 256; a += 3)
        {
            for (int b = 0; b < 256; b += 5)
            {
                double real = (blockScale * (double)(a - blockZero)) + (skipScale * (double)(b - skipZero));
                double ideal = outputZero + (real / outputScale);
                int q = Reference((byte)a, (byte)b, block, skip, output, relu: false);

                // The fixed-point multipliers are exact to 2^-31 relative and the rounded inputs to 2^-21 of a step each.
                double expected = Math.Clamp(ideal, 0, 255);
                Assert.True(Math.Abs(q - expected) <= 0.5 + 1e-4, $"{a} + {b}: real sum {real} is {ideal} output steps, the add gives {q}.");
                low += q == 0 && ideal < 0 ? 1 : 0;
                high += q == 255 && ideal > 255 ? 1 : 0;
            }
        }

        if (outputScale < 0.005f)
        {
            Assert.True(low > 0 && high > 0, $"Expected saturation at both ends with output scale {outputScale}, got {low} at 0 and {high} at 255.");
        }
    }

    [Fact]
    public void TheMultipliers_AreTFLites()
    {
        Int8ResidualAdd add = Int8ResidualAdd.Of(new QuantizationParameters(0.02f, 3), new QuantizationParameters(0.005f, 9), new QuantizationParameters(0.03f, 11));

        Assert.Equal((1 << 30, 0), (add.BlockMultiplier, add.BlockShift));              // 0.5 = 2^30 / 2^31
        double twiceLarger = 2.0 * 0.02f;
        Assert.InRange(Real(add.SkipMultiplier, add.SkipShift) / ((double)0.005f / twiceLarger), 1 - 1e-9, 1 + 1e-9);
        Assert.InRange(Real(add.OutputMultiplier, add.OutputShift) / (twiceLarger / ((1 << 20) * (double)0.03f)), 1 - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public void Run_RefusesShortInputs()
    {
        Int8ResidualAdd add = Int8ResidualAdd.Of(new QuantizationParameters(0.1f, 0), new QuantizationParameters(0.1f, 0), new QuantizationParameters(0.1f, 0));
        var error = Assert.Throws<ArgumentException>(() => add.Run(new byte[9], new byte[8], new byte[9], 0, 255));
        Assert.Contains("Expected 9 values in both inputs of the add, but got 9 and 8", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// TFLite's reference <c>AddElementwise</c> for uint8, in exact integers: <c>(q - z) · 2^20</c> per input,
    /// <c>SaturatingRoundingDoublingHighMul</c> as <c>floor((v · m + 2^30) / 2^31)</c>, <c>RoundingDivideByPOT</c> as a
    /// rational rounded half away from zero, the multipliers from TFLite's <c>QuantizeMultiplier</c> of the real ratios.
    /// </summary>
    internal static int Reference(byte blockValue, byte skipValue, QuantizationParameters block, QuantizationParameters skip, QuantizationParameters output, bool relu)
    {
        double twiceLarger = 2.0 * Math.Max((double)block.Scale, skip.Scale);
        BigInteger scaledBlock = Multiply((BigInteger)(blockValue - block.ZeroPoint) << 20, FixedPointMultiplier.Quantize(block.Scale / twiceLarger));
        BigInteger scaledSkip = Multiply((BigInteger)(skipValue - skip.ZeroPoint) << 20, FixedPointMultiplier.Quantize(skip.Scale / twiceLarger));
        BigInteger sum = output.ZeroPoint + Multiply(scaledBlock + scaledSkip, FixedPointMultiplier.Quantize(twiceLarger / ((1 << 20) * (double)output.Scale)));
        return (int)BigInteger.Min(255, BigInteger.Max(relu ? output.ZeroPoint : 0, sum));
    }

    private static BigInteger Multiply(BigInteger value, (int Multiplier, int Shift) multiplier)
    {
        BigInteger shifted = value << Math.Max(multiplier.Shift, 0);
        BigInteger high = FloorDivide((shifted * multiplier.Multiplier) + (BigInteger.One << 30), BigInteger.One << 31);
        BigInteger divisor = BigInteger.One << Math.Max(-multiplier.Shift, 0);
        BigInteger magnitude = FloorDivide((2 * BigInteger.Abs(high)) + divisor, 2 * divisor);
        return high.Sign < 0 ? -magnitude : magnitude;
    }

    private static BigInteger FloorDivide(BigInteger numerator, BigInteger denominator)
    {
        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        return remainder.Sign < 0 ? quotient - 1 : quotient;
    }

    private static double Real(int multiplier, int shift) => multiplier * Math.Pow(2, shift - 31);

    private static byte[] Bytes(Random random, int count)
    {
        byte[] values = new byte[count];
        random.NextBytes(values);
        values[0] = 0;
        values[^1] = 255;
        return values;
    }
}
