using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// <see cref="ExactGelu"/>: the vector passes give, element by element, the bits of the scalar call the unrolled networks
/// make, at every length (the zero-padded tail) and every vector-width setting, special values included; and they stay
/// within a float rounding of the same formula evaluated with <c>Math.Exp</c> (the kernels' previous scalar loop), whose
/// own accuracy against the double-precision reference <c>LayerKernelSweepTests</c> checks.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class ExactGeluTests
{
    private static readonly float[] Specials =
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f,
         float.MaxValue, float.MinValue, 5.5f, -5.5f, 10f, -10f, 20f, -20f, 40f, -40f];

    [Fact]
    public void ThePassesGiveTheScalarCallsBitsAtEveryLengthAndWidth()
    {
        var random = new Random(17);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            for (int length = 0; length <= 41; length++)
            {
                float[] x = Enumerable.Range(0, length).Select(i => random.Next(4) == 0 ? Specials[random.Next(Specials.Length)] : (float)(random.NextDouble() * 16 - 8)).ToArray();
                float[] dy = TestData.Uniform(random, length);
                float[] y = new float[length], dx = new float[length];
                VectorBits.With(bits, () =>
                {
                    ActivationKernels.GELU(x, y);
                    ActivationKernels.GELUBackward(x, dy, dx);
                });
                for (int i = 0; i < length; i++)
                {
                    AssertSameBits(ScalarActivations.GELU(x[i]), y[i], $"GELU({x[i]:R}), element {i} of {length} at {bits} bits");
                    AssertSameBits(ScalarActivations.GELUBackward(x[i], dy[i]), dx[i], $"GELU'({x[i]:R}) * {dy[i]:R}, element {i} of {length} at {bits} bits");
                }
            }
        }
    }

    [Fact]
    public void SpecialValuesFollowTheFormula()
    {
        Assert.Equal(float.PositiveInfinity, ScalarActivations.GELU(float.PositiveInfinity));
        Assert.True(float.IsNaN(ScalarActivations.GELU(float.NaN)));
        Assert.True(float.IsNaN(ScalarActivations.GELU(float.NegativeInfinity))); // -inf * Phi(-inf) = -inf * 0, as PyTorch's formula gives
        Assert.Equal(0f, ScalarActivations.GELU(0f));
        Assert.Equal(-0f, ScalarActivations.GELU(-40f)); // x * Phi(x) underflows; the sign stays
        Assert.True(BitConverter.SingleToInt32Bits(ScalarActivations.GELU(-40f)) < 0);
        Assert.Equal(40f, ScalarActivations.GELU(40f));
        Assert.Equal(1f, ScalarActivations.GELUBackward(40f, 1f));
        Assert.Equal(0f, ScalarActivations.GELUBackward(-40f, 1f));
        Assert.Equal(0.5f, ScalarActivations.GELUBackward(0f, 1f));
    }

    [Fact]
    public void ValuesStayWithinAFloatRoundingOfTheFormulaOnMathExp()
    {
        int worstForward = 0, worstBackward = 0;
        for (float x = -12f; x <= 12f; x += 1f / 1024)
        {
            worstForward = Math.Max(worstForward, UlpDistance(ScalarActivations.GELU(x), (float)(x * NormalCdf(x))));
            worstBackward = Math.Max(worstBackward, UlpDistance(ScalarActivations.GELUBackward(x, 1f), (float)(NormalCdf(x) + x * NormalPdf(x))));
        }

        Assert.True(worstForward <= 1, $"forward: {worstForward} ulps from the formula on Math.Exp");
        Assert.True(worstBackward <= 1, $"backward: {worstBackward} ulps from the formula on Math.Exp");
    }

    [Fact]
    public void APassAllocatesNothing()
    {
        float[] x = TestData.Uniform(new Random(3), 1000), dy = TestData.Uniform(new Random(4), 1000), y = new float[1000], dx = new float[1000];
        AllocationAssert.None("exact GELU forward", () => ActivationKernels.GELU(x, y), warmUps: 3, repetitions: 20);
        AllocationAssert.None("exact GELU backward", () => ActivationKernels.GELUBackward(x, dy, dx), warmUps: 3, repetitions: 20);
    }

    private static void AssertSameBits(float expected, float actual, string what) =>
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{what}: {actual:R}, expected {expected:R}");

    private static int UlpDistance(float a, float b) =>
        a == b ? 0 : (int)Math.Min(int.MaxValue, Math.Abs((long)Ordered(a) - Ordered(b)));

    private static int Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits < 0 ? int.MinValue - bits : bits;
    }

    // The formula of the kernels' previous scalar loop, on Math.Exp.
    private static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
