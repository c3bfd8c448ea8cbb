using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The activations in double lanes (<see cref="ExactGelu"/>, <see cref="TanhGelu"/>, <see cref="MishLanes"/> through <see cref="DoubleLaneMap"/>): the
/// vector passes give, element by element, the bits of the scalar call the unrolled networks make, at every length (the
/// zero-padded tail) and every vector-width setting, special values included; the exact GELU stays within a float rounding
/// of the same formula on <c>Math.Exp</c> (the kernels' previous scalar loop), and the tanh form within a float rounding
/// of its definition on <c>Math.Tanh</c> where that definition does not cancel. Accuracy against the double-precision
/// reference: <c>LayerKernelSweepTests</c>.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class DoubleLaneActivationTests
{
    private static readonly float[] Specials =
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f,
         float.MaxValue, float.MinValue, 5.5f, -5.5f, 10f, -10f, 20f, -20f, 40f, -40f];

    [Fact]
    public void MishsPassesGiveTheScalarCallsBitsAtEveryLengthAndWidth()
    {
        var random = new Random(19);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            for (int length = 0; length <= 41; length++)
            {
                float[] x = Enumerable.Range(0, length).Select(i => random.Next(4) == 0 ? Specials[random.Next(Specials.Length)] : (float)(random.NextDouble() * 60 - 30)).ToArray();
                float[] dy = TestData.Uniform(random, length);
                float[] y = new float[length], dx = new float[length];
                VectorBits.With(bits, () =>
                {
                    ActivationKernels.Mish(x, y);
                    ActivationKernels.MishBackward(x, dy, dx);
                });
                for (int i = 0; i < length; i++)
                {
                    AssertSameBits(ScalarActivations.Mish(x[i]), y[i], $"Mish({x[i]:R}), element {i} of {length} at {bits} bits");
                    AssertSameBits(ScalarActivations.MishBackward(x[i], dy[i]), dx[i], $"Mish'({x[i]:R}) * {dy[i]:R}, element {i} of {length} at {bits} bits");
                }
            }
        }

        Assert.Equal(float.PositiveInfinity, ScalarActivations.Mish(float.PositiveInfinity));
        Assert.Equal(40f, ScalarActivations.Mish(40f));
        Assert.True(float.IsNaN(ScalarActivations.Mish(float.NaN)));
    }

    [Fact]
    public void MishStaysWithinAFloatRoundingOfItsDefinition()
    {
        int worstForward = 0, worstBackward = 0;
        for (float x = -30f; x <= 30f; x += 1f / 512)
        {
            // log(1 + e) by its series for tiny e (Math has no log1p; Math.Log(1 + e) keeps few digits there), as the
            // previous scalar function computed it.
            static double LogOnePlus(double e) => e < 1e-5 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.Log(1.0 + e);
            double softplus = x > 0 ? x + LogOnePlus(Math.Exp(-x)) : LogOnePlus(Math.Exp(x));
            double t = Math.Tanh(softplus);
            double sigmoid = 1 / (1 + Math.Exp(-(double)x));
            worstForward = Math.Max(worstForward, UlpDistance(ScalarActivations.Mish(x), (float)(x * t)));
            worstBackward = Math.Max(worstBackward, UlpDistance(ScalarActivations.MishBackward(x, 1f), (float)(t + x * sigmoid * (1 - t * t))));
        }

        Assert.True(worstForward <= 1, $"forward: {worstForward} ulps from x tanh(softplus(x))");
        Assert.True(worstBackward <= 2, $"backward: {worstBackward} ulps from its definition");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThePassesGiveTheScalarCallsBitsAtEveryLengthAndWidth(bool tanh)
    {
        var random = new Random(tanh ? 18 : 17);
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            for (int length = 0; length <= 41; length++)
            {
                float[] x = Enumerable.Range(0, length).Select(i => random.Next(4) == 0 ? Specials[random.Next(Specials.Length)] : (float)(random.NextDouble() * 16 - 8)).ToArray();
                float[] dy = TestData.Uniform(random, length);
                float[] y = new float[length], dx = new float[length];
                VectorBits.With(bits, () =>
                {
                    if (tanh)
                    {
                        ActivationKernels.GELUTanh(x, y);
                        ActivationKernels.GELUTanhBackward(x, dy, dx);
                    }
                    else
                    {
                        ActivationKernels.GELU(x, y);
                        ActivationKernels.GELUBackward(x, dy, dx);
                    }
                });
                for (int i = 0; i < length; i++)
                {
                    float expected = tanh ? ScalarActivations.GELUTanh(x[i]) : ScalarActivations.GELU(x[i]);
                    float expectedDx = tanh ? ScalarActivations.GELUTanhBackward(x[i], dy[i]) : ScalarActivations.GELUBackward(x[i], dy[i]);
                    AssertSameBits(expected, y[i], $"GELU({x[i]:R}), tanh {tanh}, element {i} of {length} at {bits} bits");
                    AssertSameBits(expectedDx, dx[i], $"GELU'({x[i]:R}) * {dy[i]:R}, tanh {tanh}, element {i} of {length} at {bits} bits");
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
    public void TheTanhFormStaysWithinAFloatRoundingOfItsDefinition()
    {
        // Above x = -5 the definition's 1 + tanh(u) keeps enough digits in double; below, it cancels (at x = -7 it is
        // about 1e-15, the size of tanh's own rounding), and the lanes' 1 / (1 + exp(-2u)) is the accurate one.
        const double sqrtTwoOverPi = 0.79788456080286535588;
        int worstForward = 0, worstBackward = 0;
        for (float x = -5f; x <= 12f; x += 1f / 1024)
        {
            double u = sqrtTwoOverPi * (x + 0.044715 * x * x * x);
            double t = Math.Tanh(u);
            double du = sqrtTwoOverPi * (1 + 3 * 0.044715 * x * x);
            worstForward = Math.Max(worstForward, UlpDistance(ScalarActivations.GELUTanh(x), (float)(0.5 * x * (1 + t))));
            worstBackward = Math.Max(worstBackward, UlpDistance(ScalarActivations.GELUTanhBackward(x, 1f), (float)(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)));
        }

        Assert.True(worstForward <= 1, $"forward: {worstForward} ulps from the definition on Math.Tanh");
        Assert.True(worstBackward <= 1, $"backward: {worstBackward} ulps from the definition on Math.Tanh");
        Assert.True(ScalarActivations.GELUTanh(-7f) < 0 && ScalarActivations.GELUTanh(-7f) > -1e-13f, "x = -7: a tiny negative value, not the definition's cancelled 0 or noise");
    }

    [Fact]
    public void APassAllocatesNothing()
    {
        float[] x = TestData.Uniform(new Random(3), 1000), dy = TestData.Uniform(new Random(4), 1000), y = new float[1000], dx = new float[1000];
        AllocationAssert.None("exact GELU forward", () => ActivationKernels.GELU(x, y), warmUps: 3, repetitions: 20);
        AllocationAssert.None("exact GELU backward", () => ActivationKernels.GELUBackward(x, dy, dx), warmUps: 3, repetitions: 20);
        AllocationAssert.None("tanh GELU forward", () => ActivationKernels.GELUTanh(x, y), warmUps: 3, repetitions: 20);
        AllocationAssert.None("tanh GELU backward", () => ActivationKernels.GELUTanhBackward(x, dy, dx), warmUps: 3, repetitions: 20);
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
