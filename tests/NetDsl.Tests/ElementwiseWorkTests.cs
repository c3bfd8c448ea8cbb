using System;
using NetDsl.Generated;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// ReLU, the other element-wise activations and max pooling split over a <see cref="KernelTeam"/> when large enough (a batch of one chunk on several
/// threads): the same bits as on one thread — ranges of elements, ranges of planes — with values that test the rules
/// (zeros of both signs, NaNs, ties), and no allocation.
/// </summary>
public sealed class ElementwiseWorkTests
{
    [Fact]
    public void ReLUOnATeamGivesTheBitsOfOneThread()
    {
        int length = ElementwiseWork.MinimumFloats + 13;
        float[] x = Palette(new Random(1), length), dy = TestData.Uniform(new Random(2), length);
        float[] y1 = new float[length], y2 = new float[length], dx1 = new float[length], dx2 = new float[length];
        ActivationKernels.ReLU(x, y1);
        ActivationKernels.ReLUBackward(y1, dy, dx1);
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            ActivationKernels.ReLU(x, y2);
            ActivationKernels.ReLUBackward(y2, dy, dx2);
            ExtremeValues.AssertSameBits(y1, y2, "ReLU on a team");
            ExtremeValues.AssertSameBits(dx1, dx2, "ReLU backward on a team");
            AllocationAssert.None("ReLU on a team", () => ActivationKernels.ReLU(x, y2), 3, 5);
            AllocationAssert.None("ReLU backward on a team", () => ActivationKernels.ReLUBackward(y2, dy, dx2), 3, 5);
        }
    }

    /// <summary>The activations whose passes go through the element-wise operators, TensorPrimitives in vector lanes, or scalar functions.</summary>
    public static TheoryData<string> Activations() => ["Sigmoid", "Tanh", "SiLU", "LeakyReLU", "Hardswish", "ELU", "GELU", "GELUTanh", "Softplus", "Mish"];

    [Theory]
    [MemberData(nameof(Activations))]
    public void OtherActivationsOnATeamGiveTheBitsOfOneThread(string activation)
    {
        int length = ElementwiseWork.MinimumFloats + 1021;
        float[] x = Palette(new Random(activation.Length), length), dy = TestData.Uniform(new Random(9), length);
        (Action<float[], float[]> forward, Action<float[], float[], float[]> backward) = activation switch
        {
            "Sigmoid" => ((Action<float[], float[]>)((a, y) => ActivationKernels.Sigmoid(a, y)), (Action<float[], float[], float[]>)((y, d, dx) => ActivationKernels.SigmoidBackward(y, d, dx))),
            "Tanh" => ((a, y) => ActivationKernels.Tanh(a, y), (y, d, dx) => ActivationKernels.TanhBackward(y, d, dx)),
            "SiLU" => ((a, y) => ActivationKernels.SiLU(a, y), (a, d, dx) => ActivationKernels.SiLUBackward(a, d, dx)),
            "LeakyReLU" => ((a, y) => ActivationKernels.LeakyReLU(a, y, 0.01f), (a, d, dx) => ActivationKernels.LeakyReLUBackward(a, d, dx, 0.01f)),
            "Hardswish" => ((a, y) => ActivationKernels.Hardswish(a, y), (a, d, dx) => ActivationKernels.HardswishBackward(a, d, dx)),
            "ELU" => ((a, y) => ActivationKernels.ELU(a, y, 0.7f), (a, d, dx) => ActivationKernels.ELUBackward(a, d, dx, 0.7f)),
            "GELU" => ((a, y) => ActivationKernels.GELU(a, y), (a, d, dx) => ActivationKernels.GELUBackward(a, d, dx)),
            "GELUTanh" => ((a, y) => ActivationKernels.GELUTanh(a, y), (a, d, dx) => ActivationKernels.GELUTanhBackward(a, d, dx)),
            "Softplus" => ((a, y) => ActivationKernels.Softplus(a, y, 1.5f, 20f), (a, d, dx) => ActivationKernels.SoftplusBackward(a, d, dx, 1.5f, 20f)),
            _ => ((a, y) => ActivationKernels.Mish(a, y), (a, d, dx) => ActivationKernels.MishBackward(a, d, dx)),
        };

        // Sigmoid's and Tanh's backward passes read the output, the others the input.
        bool fromOutput = activation is "Sigmoid" or "Tanh";
        float[] y1 = new float[length], y2 = new float[length], dx1 = new float[length], dx2 = new float[length];
        forward(x, y1);
        backward(fromOutput ? y1 : x, dy, dx1);
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            forward(x, y2);
            backward(fromOutput ? y2 : x, dy, dx2);
            ExtremeValues.AssertSameBits(y1, y2, $"{activation} on a team");
            ExtremeValues.AssertSameBits(dx1, dx2, $"{activation} backward on a team");
            AllocationAssert.None($"{activation} on a team", () => forward(x, y2), 3, 5);
            AllocationAssert.None($"{activation} backward on a team", () => backward(fromOutput ? y2 : x, dy, dx2), 3, 5);
        }
    }

    /// <summary>kernel, stride, padding, channels, map size, batch: 2x2 (its own kernel) and other windows.</summary>
    [Theory]
    [InlineData(2, 2, 0, 16, 64, 5)]
    [InlineData(4, 4, 0, 16, 64, 5)]
    [InlineData(3, 2, 1, 7, 61, 11)]
    [InlineData(2, 2, 0, 3, 300, 1)]
    public void MaxPoolingOnATeamGivesTheBitsOfOneThread(int kernel, int stride, int padding, int channels, int size, int batch)
    {
        int outSize = (size + 2 * padding - kernel) / stride + 1;
        var g = new WindowGeometry(channels, size, size, channels, outSize, outSize, kernel, kernel, stride, stride, padding, padding, 1, 1);
        Assert.True((long)batch * g.InputSize >= ElementwiseWork.MinimumFloats, "large enough to be split");
        float[] x = Palette(new Random(kernel * 10 + size), batch * g.InputSize), dy = TestData.Uniform(new Random(3), batch * g.OutputSize);
        float[] y1 = new float[dy.Length], y2 = new float[dy.Length], dx1 = new float[x.Length], dx2 = new float[x.Length];
        PoolingKernels.MaxForward(x, y1, batch, g);
        PoolingKernels.MaxBackward(x, dy, dx1, batch, g);
        using var team = new KernelTeam(2);
        using (KernelTeam.Lend(team))
        {
            dx2.AsSpan().Fill(float.NaN);
            PoolingKernels.MaxForward(x, y2, batch, g);
            PoolingKernels.MaxBackward(x, dy, dx2, batch, g);
            ExtremeValues.AssertSameBits(y1, y2, "max pool on a team");
            ExtremeValues.AssertSameBits(dx1, dx2, "max pool backward on a team");
            AllocationAssert.None("max pool on a team", () => PoolingKernels.MaxForward(x, y2, batch, g), 3, 5);
            AllocationAssert.None("max pool backward on a team", () => PoolingKernels.MaxBackward(x, dy, dx2, batch, g), 3, 5);
        }
    }

    // Mostly uniform values, with zeros of both signs, NaNs and repeated values mixed in.
    private static float[] Palette(Random random, int length)
    {
        float[] special = [0f, -0f, float.NaN, 1f, 1f, -1f];
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.Next(4) == 0 ? special[random.Next(special.Length)] : (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
