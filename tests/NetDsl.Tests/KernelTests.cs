using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Tests that change <see cref="ElementwiseKernels.MaximumVectorBits"/>, a process-wide setting, run in this
/// collection, which xunit runs alone (no other test runs while it does).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class VectorWidthCollection
{
    public const string Name = "Vector width";
}

/// <summary>
/// The vectorized kernels against plain loops, for every length from 0 to 70 (every remainder of 4-, 8- and 16-float
/// vectors, below and above one vector) at every vector width the machine allows.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class KernelTests
{
    private const int MaximumLength = 70;
    private const int Guard = 16; // sentinel floats on either side of every destination
    private const float Sentinel = -12345.5f;

    public static TheoryData<int> VectorWidths() => [512, 256, 128, 0];

    public enum Activation
    {
        ReLU,
        Sigmoid,
        Tanh,
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void ActivationBackwardsMatchPlainLoopsBitForBit(int vectorBits)
    {
        var random = new Random(vectorBits);
        WithVectorBits(vectorBits, () =>
        {
            foreach (Activation activation in Enum.GetValues<Activation>())
            {
                for (int length = 0; length <= MaximumLength; length++)
                {
                    float[] y = ActivationOutputs(activation, random, length);
                    float[] dy = TestData.Uniform(random, length, -2f, 2f);
                    var expected = new float[length];
                    for (int j = 0; j < length; j++)
                    {
                        expected[j] = activation switch
                        {
                            Activation.ReLU => y[j] > 0f ? dy[j] : 0f,
                            Activation.Sigmoid => dy[j] * (y[j] * (1f - y[j])),
                            _ => dy[j] * (1f - (y[j] * y[j])),
                        };
                    }

                    string what = $"{activation}Backward, length {length}, {vectorBits}-bit vectors";

                    // Into a separate destination, framed by sentinels that must survive.
                    float[] framed = Framed(length);
                    Backward(activation, y, dy, framed.AsSpan(Guard, length));
                    AssertFramed(expected, framed, what);

                    // In place: the destination is dy itself.
                    float[] inPlace = Framed(length);
                    dy.CopyTo(inPlace, Guard);
                    Backward(activation, y, inPlace.AsSpan(Guard, length), inPlace.AsSpan(Guard, length));
                    AssertFramed(expected, inPlace, what + ", in place");
                }
            }
        });
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void ActivationBackwardsRejectMismatchedLengths(int vectorBits)
    {
        WithVectorBits(vectorBits, () =>
        {
            Assert.Throws<ArgumentException>(() => ActivationKernels.ReLUBackward(new float[8], new float[7], new float[8]));
            Assert.Throws<ArgumentException>(() => ActivationKernels.SigmoidBackward(new float[8], new float[8], new float[9]));
            Assert.Throws<ArgumentException>(() => ActivationKernels.TanhBackward(new float[17], new float[16], new float[17]));
        });
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void ActivationForwardsMatchTheirDefinitions(int vectorBits)
    {
        var random = new Random(vectorBits + 1);
        WithVectorBits(vectorBits, () =>
        {
            for (int length = 0; length <= MaximumLength; length++)
            {
                float[] x = TestData.Uniform(random, length, -6f, 6f);
                if (length > 2)
                {
                    x[1] = 0f;
                    x[2] = -0f;
                }

                float[] relu = Framed(length);
                ActivationKernels.ReLU(x, relu.AsSpan(Guard, length));
                AssertFramed(Array.ConvertAll(x, v => v > 0f ? v : 0f), relu, $"ReLU, length {length}");

                // TensorPrimitives' Sigmoid and Tanh are accurate to a few ulp; outputs are at most 1 in magnitude.
                float[] sigmoid = Framed(length);
                ActivationKernels.Sigmoid(x, sigmoid.AsSpan(Guard, length));
                float[] tanh = Framed(length);
                ActivationKernels.Tanh(x, tanh.AsSpan(Guard, length));
                for (int j = 0; j < length; j++)
                {
                    Assert.Equal(1.0 / (1.0 + Math.Exp(-x[j])), sigmoid[Guard + j], 1e-6);
                    Assert.Equal(Math.Tanh(x[j]), tanh[Guard + j], 1e-6);
                    Assert.Equal(ScalarActivations.Sigmoid(x[j]), sigmoid[Guard + j], 1e-6);
                    Assert.Equal(ScalarActivations.Tanh(x[j]), tanh[Guard + j], 1e-6);
                    Assert.Equal(ScalarActivations.ReLU(x[j]), relu[Guard + j]);
                }

                AssertSentinels(sigmoid, length, "Sigmoid");
                AssertSentinels(tanh, length, "Tanh");

                // In place, as the generated code calls them.
                float[] buffer = (float[])x.Clone();
                ActivationKernels.ReLU(buffer, buffer);
                Assert.Equal(Array.ConvertAll(x, v => v > 0f ? v : 0f), buffer);
            }
        });
    }

    private delegate void SpanKernel(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>
    /// TensorPrimitives computes a span shorter than a vector with its scalar functions, which round differently from its
    /// vector lanes; the kernels give every element the lanes' bits whatever the span's length, so that a stream's step
    /// (a few features) matches the same layer on a whole sequence (many).
    /// </summary>
    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("SiLU")]
    public void ExpActivationsGiveEachElementTheSameBitsWhateverTheSpansLength(string name)
    {
        SpanKernel kernel = name switch
        {
            "Sigmoid" => ActivationKernels.Sigmoid,
            "Tanh" => ActivationKernels.Tanh,
            _ => ActivationKernels.SiLU,
        };
        float[] x = TestData.Uniform(new Random(5), 37, -6f, 6f);
        var whole = new float[x.Length];
        kernel(x, whole);
        for (int length = 1; length <= 17; length++)
        {
            for (int start = 0; start + length <= x.Length; start += length)
            {
                var part = new float[length];
                kernel(x.AsSpan(start, length), part);
                for (int j = 0; j < length; j++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(whole[start + j]) == BitConverter.SingleToInt32Bits(part[j]),
                        $"{name} of {x[start + j]:R} in a span of {length}: {part[j]:R}, in a span of {x.Length}: {whole[start + j]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void LinearKernelsMatchPlainLoops(int vectorBits)
    {
        var random = new Random(vectorBits + 2);
        WithVectorBits(vectorBits, () =>
        {
            // Every input length up to 70 covers each vector width's whole vectors, partial last vectors and (for 512-bit
            // vectors) a block of 4 vectors plus a remainder; longer rows reach several blocks. Outputs and batches of 4 or
            // more reach the 4x4 tiles, and their remainders (1 to 3) the single-row tiles.
            int[] inputLengths = [.. Enumerable.Range(1, MaximumLength), 100, 131, 200];
            foreach (int inFeatures in inputLengths)
            {
                foreach (int outFeatures in (int[])[1, 2, 3, 4, 5, 10, 17])
                {
                    foreach (int batch in (int[])[0, 1, 2, 3, 4, 5, 9, 17])
                    {
                        CheckLinear(random, batch, inFeatures, outFeatures, withBias: (inFeatures + outFeatures + batch) % 2 == 0, $"batch {batch}, {inFeatures} -> {outFeatures}, {vectorBits}-bit vectors");
                    }
                }
            }

            // Wide outputs too (every remainder on the output side of dx = dz W).
            for (int outFeatures = 1; outFeatures <= MaximumLength; outFeatures++)
            {
                CheckLinear(random, 2, 5, outFeatures, withBias: true, $"batch 2, 5 -> {outFeatures}, {vectorBits}-bit vectors");
            }
        });
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void LinearForwardGivesTheSameBitsAtEveryAlignment(int vectorBits)
    {
        // The forward tiles align their loads to the weight rows' addresses; the sums must not depend on them.
        var random = new Random(vectorBits + 5);
        WithVectorBits(vectorBits, () =>
        {
            foreach ((int batch, int inFeatures, int outFeatures) in (ReadOnlySpan<(int, int, int)>)[(1, 5, 3), (5, 17, 5), (4, 33, 4), (3, 70, 9), (2, 131, 6)])
            {
                float[] x = TestData.Uniform(random, batch * inFeatures);
                float[] weight = TestData.Uniform(random, outFeatures * inFeatures);
                float[] bias = TestData.Uniform(random, outFeatures);
                float[] first = new float[batch * outFeatures];
                LinearKernels.Forward(x, weight, bias, first, batch, inFeatures, outFeatures);
                for (int shift = 1; shift < 16; shift++)
                {
                    float[] y = new float[batch * outFeatures];
                    LinearKernels.Forward(Shifted(x, random), ShiftedBy(weight, shift), bias, y, batch, inFeatures, outFeatures);
                    Assert.True(first.AsSpan().SequenceEqual(y), $"batch {batch}, {inFeatures} -> {outFeatures}, weights {shift} floats further, {vectorBits}-bit vectors");
                }
            }
        });
    }

    [Fact]
    public void LinearKernelsRejectBadShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearKernels.Forward([], new float[3], [], [], 0, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearKernels.Forward([], new float[3], [], [], 0, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearKernels.Forward([], new float[3], [], [], -1, 3, 1));
        ArgumentException shortInput = Assert.Throws<ArgumentException>(() => LinearKernels.Forward(new float[5], new float[6], [], new float[4], 2, 3, 2));
        Assert.Contains("6", shortInput.Message);
        Assert.Throws<ArgumentException>(() => LinearKernels.Forward(new float[6], new float[5], [], new float[4], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => LinearKernels.Forward(new float[6], new float[6], new float[1], new float[4], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => LinearKernels.Forward(new float[6], new float[6], [], new float[3], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => LinearKernels.BackwardInput(new float[3], new float[6], new float[6], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => LinearKernels.AccumulateParameterGradients(new float[6], new float[4], new float[5], [], 2, 3, 2));
    }

    private static void CheckLinear(Random random, int batch, int inFeatures, int outFeatures, bool withBias, string what)
    {
        float[] x = TestData.Uniform(random, batch * inFeatures);
        float[] weight = TestData.Uniform(random, outFeatures * inFeatures);
        float[] bias = withBias ? TestData.Uniform(random, outFeatures) : [];
        float[] dz = TestData.Uniform(random, batch * outFeatures);

        // Forward: y[n, o] = b[o] + sum_i W[o, i] x[n, i]. Each result is held to 1e-5 of the sum of the absolute
        // values of its terms: the float error of an n-term dot product is at most about n * 6e-8 of that sum.
        float[] y = Framed(batch * outFeatures);
        LinearKernels.Forward(Shifted(x, random), Shifted(weight, random), bias, y.AsSpan(Guard, batch * outFeatures), batch, inFeatures, outFeatures);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = withBias ? bias[o] : 0;
                double magnitude = withBias ? Math.Abs(bias[o]) : 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    double term = (double)weight[(o * inFeatures) + i] * x[(n * inFeatures) + i];
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                AssertNear(sum, y[Guard + (n * outFeatures) + o], magnitude, "Forward y", n, o, what);
            }
        }

        AssertSentinels(y, batch * outFeatures, "Forward " + what);

        // BackwardInput overwrites dx = dz W: dx[n, i] = sum_o dz[n, o] W[o, i].
        float[] dx = Framed(batch * inFeatures);
        dx.AsSpan(Guard, batch * inFeatures).Fill(float.NaN);
        LinearKernels.BackwardInput(Shifted(dz, random), Shifted(weight, random), dx.AsSpan(Guard, batch * inFeatures), batch, inFeatures, outFeatures);
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = 0;
                double magnitude = 0;
                for (int o = 0; o < outFeatures; o++)
                {
                    double term = (double)dz[(n * outFeatures) + o] * weight[(o * inFeatures) + i];
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                AssertNear(sum, dx[Guard + (n * inFeatures) + i], magnitude, "BackwardInput dx", n, i, what);
            }
        }

        AssertSentinels(dx, batch * inFeatures, "BackwardInput " + what);

        // AccumulateParameterGradients adds dW[o, i] += sum_n dz[n, o] x[n, i] and db[o] += sum_n dz[n, o].
        float[] weightGradientStart = TestData.Uniform(random, outFeatures * inFeatures);
        float[] biasGradientStart = withBias ? TestData.Uniform(random, outFeatures) : [];
        float[] weightGradient = Framed(outFeatures * inFeatures);
        weightGradientStart.CopyTo(weightGradient, Guard);
        float[] biasGradient = Framed(biasGradientStart.Length);
        biasGradientStart.CopyTo(biasGradient, Guard);
        LinearKernels.AccumulateParameterGradients(Shifted(x, random), Shifted(dz, random), weightGradient.AsSpan(Guard, outFeatures * inFeatures), biasGradient.AsSpan(Guard, biasGradientStart.Length), batch, inFeatures, outFeatures);
        for (int o = 0; o < outFeatures; o++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = weightGradientStart[(o * inFeatures) + i];
                double magnitude = Math.Abs(sum);
                for (int n = 0; n < batch; n++)
                {
                    double term = (double)dz[(n * outFeatures) + o] * x[(n * inFeatures) + i];
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                AssertNear(sum, weightGradient[Guard + (o * inFeatures) + i], magnitude, "dW", o, i, what);
            }

            if (withBias)
            {
                double sum = biasGradientStart[o];
                double magnitude = Math.Abs(sum);
                for (int n = 0; n < batch; n++)
                {
                    sum += dz[(n * outFeatures) + o];
                    magnitude += Math.Abs(dz[(n * outFeatures) + o]);
                }

                AssertNear(sum, biasGradient[Guard + o], magnitude, "db", o, 0, what);
            }
        }

        AssertSentinels(weightGradient, outFeatures * inFeatures, "dW " + what);
        AssertSentinels(biasGradient, biasGradientStart.Length, "db " + what);
    }

    private static void Backward(Activation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        switch (activation)
        {
            case Activation.ReLU:
                ActivationKernels.ReLUBackward(y, dy, dx);
                break;
            case Activation.Sigmoid:
                ActivationKernels.SigmoidBackward(y, dy, dx);
                break;
            default:
                ActivationKernels.TanhBackward(y, dy, dx);
                break;
        }
    }

    // Outputs the activation can produce: ReLU's include exact zeros, Sigmoid's lie in (0, 1), Tanh's in (-1, 1).
    private static float[] ActivationOutputs(Activation activation, Random random, int length)
    {
        float[] y = activation switch
        {
            Activation.ReLU => TestData.Uniform(random, length, -1f, 1f),
            Activation.Sigmoid => TestData.Uniform(random, length, 0.001f, 0.999f),
            _ => TestData.Uniform(random, length, -0.999f, 0.999f),
        };
        if (activation == Activation.ReLU)
        {
            for (int j = 0; j < length; j += 3)
            {
                y[j] = 0f;
            }
        }

        return y;
    }

    private static void WithVectorBits(int vectorBits, Action test)
    {
        int saved = ElementwiseKernels.MaximumVectorBits;
        ElementwiseKernels.MaximumVectorBits = vectorBits;
        try
        {
            test();
        }
        finally
        {
            ElementwiseKernels.MaximumVectorBits = saved;
        }
    }

    // The values at a random offset of up to 15 floats into a new array, so that the kernels meet every alignment of
    // their rows to 16-, 32- and 64-byte vectors.
    private static ReadOnlySpan<float> Shifted(float[] values, Random random) => ShiftedBy(values, random.Next(16));

    private static ReadOnlySpan<float> ShiftedBy(float[] values, int shift)
    {
        var buffer = new float[shift + values.Length];
        values.CopyTo(buffer, shift);
        return buffer.AsSpan(shift);
    }

    private static float[] Framed(int length)
    {
        var buffer = new float[length + (2 * Guard)];
        buffer.AsSpan().Fill(Sentinel);
        return buffer;
    }

    private static void AssertFramed(float[] expected, float[] framed, string what)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            float actual = framed[Guard + j];
            if (BitConverter.SingleToInt32Bits(expected[j]) != BitConverter.SingleToInt32Bits(actual))
            {
                Assert.Fail($"{what}: element {j} is {actual:R}, expected {expected[j]:R}.");
            }
        }

        AssertSentinels(framed, expected.Length, what);
    }

    private static void AssertSentinels(float[] framed, int length, string what)
    {
        for (int j = 0; j < Guard; j++)
        {
            if (framed[j] != Sentinel)
            {
                Assert.Fail($"{what}: wrote before the destination.");
            }

            if (framed[Guard + length + j] != Sentinel)
            {
                Assert.Fail($"{what}: wrote past the destination.");
            }
        }
    }

    private static void AssertNear(double expected, float actual, double magnitude, string label, int row, int column, string what)
    {
        double bound = 1e-5 * Math.Max(magnitude, 1e-30);
        if (!(Math.Abs(actual - expected) <= bound))
        {
            Assert.Fail($"{label}[{row}, {column}], {what}: expected {expected:R}, got {actual:R} (bound {bound:E2}).");
        }
    }
}
