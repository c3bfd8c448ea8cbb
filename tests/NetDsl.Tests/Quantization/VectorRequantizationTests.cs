using System;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// The AVX2 requantization and the vectorized input quantization give the scalar loops' bits (on a machine without AVX2 or
/// 256-bit vectors both calls run the scalar loops).
/// </summary>
public sealed class VectorRequantizationTests
{
    [Theory]
    [InlineData(1, 32, 1)]
    [InlineData(3, 128, 2)]
    [InlineData(5, 45, 3)]     // a tail of 13 outputs after one vector block
    [InlineData(64, 96, 4)]
    [InlineData(2, 7, 5)]      // shorter than a block: scalar only
    [InlineData(64, 16, 6)]    // rows of a multiple of 8 run as one: 32 values span two rows
    [InlineData(9, 8, 7)]      // ... four rows, and a tail of one row
    [InlineData(7, 24, 8)]     // ... parameters that wrap inside a block of 32
    [InlineData(3, 40, 9)]
    public void Requantize_VectorsEqualTheScalarLoop(int rows, int outputs, int seed)
    {
        var random = new Random(seed);
        var accumulators = new int[rows * outputs];
        var biases = new int[outputs];
        var multipliers = new int[outputs];
        var shifts = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            // Real multipliers from 2^-33 (all to zero) to 2^5 (left shifts), as layers with very different scales give.
            double real = Math.Pow(2, random.NextDouble() * 38 - 33);
            (multipliers[o], shifts[o]) = FixedPointMultiplier.Quantize(real);
            biases[o] = random.Next(-5_000_000, 5_000_000);
        }

        for (int i = 0; i < accumulators.Length; i++)
        {
            accumulators[i] = (i % 11) switch
            {
                0 => 0,
                1 => -biases[i % outputs] + random.Next(-3, 4), // sums near zero: rounding ties and signs
                _ => random.Next(-20_000_000, 20_000_000),
            };
        }

        foreach ((int zeroPoint, int min, int max) in new[] { (0, 0, 255), (128, 0, 255), (37, 37, 255), (200, 10, 250) })
        {
            var expected = new byte[accumulators.Length];
            var actual = new byte[accumulators.Length];
            FixedPointMultiplier.Requantize(accumulators, rows, outputs, biases, multipliers, shifts, zeroPoint, min, max, expected, allowVectors: false);
            FixedPointMultiplier.Requantize(accumulators, rows, outputs, biases, multipliers, shifts, zeroPoint, min, max, actual, allowVectors: true);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Requantize_ExactTiesRoundAwayFromZero_InBothPaths()
    {
        // Multiplier 1/4 exactly: 2^30 with shift -1. Sums of 4k + 2 are ties: 2 -> 1 (0.5 rounds up), -2 -> -1 (away), 6 -> 2.
        (int multiplier, int shift) = FixedPointMultiplier.Quantize(0.25);
        int[] sums = { 2, -2, 6, -6, 1, -1, 3, -3, 0, 4, -4, 10, -10, 14, -14, 18, -18, 22, -22, 26, -26, 30, -30, 34, -34, 38, -38, 42, -42, 46, -46, 50 };
        var expected = new byte[32];
        var actual = new byte[32];
        int[] zeros = new int[32], multipliers = new int[32], shifts = new int[32];
        Array.Fill(multipliers, multiplier);
        Array.Fill(shifts, shift);
        FixedPointMultiplier.Requantize(sums, 1, 32, zeros, multipliers, shifts, 100, 0, 255, expected, allowVectors: false);
        FixedPointMultiplier.Requantize(sums, 1, 32, zeros, multipliers, shifts, 100, 0, 255, actual, allowVectors: true);

        Assert.Equal(expected, actual);
        Assert.Equal(new byte[] { 101, 99, 102, 98 }, actual[..4]);
    }

    [Fact]
    public void QuantizeInputs_VectorsEqualTheScalarLoop()
    {
        var random = new Random(9);
        var parameters = new QuantizationParameters(0.0371f, 117);
        var x = new float[1000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 7) switch
            {
                0 => (random.Next(-300, 300) + 0.5f) * parameters.Scale,     // ties, before the division's rounding
                1 => random.Next(-300, 300) * parameters.Scale,
                _ => (float)(random.NextDouble() * 12 - 6),
            };
        }

        x[3] = float.NaN;
        x[10] = float.PositiveInfinity;
        x[17] = float.NegativeInfinity;
        x[24] = 1e30f;
        x[31] = -0f;
        x[38] = 0.49999997f * parameters.Scale;

        var expected = new byte[x.Length];
        var actual = new byte[x.Length];
        ActivationQuantization.Quantize(x, parameters, expected, allowVectors: false);
        ActivationQuantization.Quantize(x, parameters, actual, allowVectors: true);

        Assert.Equal(expected, actual);
    }
}
