using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The activations vectorized with operator structs (Leaky ReLU, Hardswish and their gradients): at every vector
/// width and at lengths that leave every kind of remainder, the span kernels give the scalar functions' bits (which
/// generated code mixes with them), in place too, and both agree with the double-precision reference.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class VectorizedActivationTests
{
    private const float Slope = 0.3f;

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            foreach (string name in new[] { "LeakyReLU", "Hardswish" })
            {
                data.Add(bits, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SpanKernelsGiveTheScalarFunctionsBitsAtEveryWidth(int vectorBits, string name)
    {
        var random = new Random(vectorBits + name.Length);
        VectorBits.With(vectorBits, () =>
        {
            foreach (int length in new[] { 1, 7, 15, 16, 17, 33, 100 })
            {
                float[] x = Inputs(random, length);
                float[] dy = TestData.Uniform(random, length);
                (float[] y, float[] dx) = Kernels(name, x, dy);
                for (int i = 0; i < length; i++)
                {
                    (float scalarY, float scalarDx) = Scalar(name, x[i], dy[i]);
                    string what = $"{name} at {vectorBits} bits, length {length}, x[{i}] = {x[i]:R}";
                    Assert.True(BitsEqual(scalarY, y[i]), $"{what}: forward {y[i]:R}, scalar {scalarY:R}");
                    Assert.True(BitsEqual(scalarDx, dx[i]), $"{what}: gradient {dx[i]:R}, scalar {scalarDx:R}");
                }

                // In place: the forward over its input, the backward over its output gradient.
                float[] inPlace = (float[])x.Clone();
                float[] gradientInPlace = (float[])dy.Clone();
                if (name == "LeakyReLU")
                {
                    ActivationKernels.LeakyReLU(inPlace, inPlace, Slope);
                    ActivationKernels.LeakyReLUBackward(x, gradientInPlace, gradientInPlace, Slope);
                }
                else
                {
                    ActivationKernels.Hardswish(inPlace, inPlace);
                    ActivationKernels.HardswishBackward(x, gradientInPlace, gradientInPlace);
                }

                Assert.True(y.Zip(inPlace).All(p => BitsEqual(p.First, p.Second)), $"{name} in place at {vectorBits} bits, length {length}");
                Assert.True(dx.Zip(gradientInPlace).All(p => BitsEqual(p.First, p.Second)), $"{name}'s gradient in place at {vectorBits} bits, length {length}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SpanKernelsMatchTheDoublePrecisionReference(int vectorBits, string name)
    {
        var random = new Random(vectorBits * 3 + name.Length);
        ReferenceActivation kind = Enum.Parse<ReferenceActivation>(name);
        VectorBits.With(vectorBits, () =>
        {
            foreach (int length in new[] { 1, 7, 15, 17, 33, 100 })
            {
                // Away from the kinks (0; Hardswish's -3 and 3), where the reference's one-sided derivative may differ.
                float[] x = TestData.Uniform(random, length, -6f, 6f).Select(v => Math.Abs(v) < 1e-3f || Math.Abs(Math.Abs(v) - 3f) < 1e-3f ? 0.5f : v).ToArray();
                float[] dy = TestData.Uniform(random, length);
                (float[] y, float[] dx) = Kernels(name, x, dy);
                Tolerance.AssertClose(x.Select(v => ReferenceMath.Activate(kind, Slope, v)).ToArray(), y, $"{name} at {vectorBits} bits, length {length}: forward");
                Tolerance.AssertClose(x.Select((v, j) => dy[j] * ReferenceMath.Derivative(kind, Slope, v)).ToArray(), dx, $"{name} at {vectorBits} bits, length {length}: gradient");
            }
        });
    }

    [Fact]
    public void ADestinationLongerThanTheInputKeepsItsTailAndAShorterOneIsRefused()
    {
        float[] y = [9f, 9f, 9f, 9f, 9f];
        ActivationKernels.LeakyReLU([-1f, 2f, -3f], y, Slope);
        Assert.Equal([-1f * Slope, 2f, -3f * Slope, 9f, 9f], y);
        Assert.Throws<ArgumentException>(() => ActivationKernels.Hardswish(new float[17], new float[16]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.HardswishBackward(new float[17], new float[16], new float[17]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.LeakyReLUBackward(new float[17], new float[17], new float[3], Slope));
    }

    /// <summary>Moderate values, the kinks themselves, both zeros, infinities and NaN, in random order.</summary>
    private static float[] Inputs(Random random, int length)
    {
        float[] special = [0f, -0f, 3f, -3f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon, 1e30f, -1e30f, 2.999999f, -3.0000002f];
        return Enumerable.Range(0, length)
            .Select(_ => random.Next(3) == 0 ? special[random.Next(special.Length)] : (float)(random.NextDouble() * 16 - 8))
            .ToArray();
    }

    private static (float[] Y, float[] Dx) Kernels(string name, float[] x, float[] dy)
    {
        float[] y = new float[x.Length];
        float[] dx = new float[x.Length];
        if (name == "LeakyReLU")
        {
            ActivationKernels.LeakyReLU(x, y, Slope);
            ActivationKernels.LeakyReLUBackward(x, dy, dx, Slope);
        }
        else
        {
            ActivationKernels.Hardswish(x, y);
            ActivationKernels.HardswishBackward(x, dy, dx);
        }

        return (y, dx);
    }

    private static (float Y, float Dx) Scalar(string name, float x, float dy) => name == "LeakyReLU"
        ? (ScalarActivations.LeakyReLU(x, Slope), ScalarActivations.LeakyReLUBackward(x, dy, Slope))
        : (ScalarActivations.Hardswish(x), ScalarActivations.HardswishBackward(x, dy));

    /// <summary>Bit for bit, except that any NaN equals any NaN (a payload is not a result).</summary>
    private static bool BitsEqual(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));
}
