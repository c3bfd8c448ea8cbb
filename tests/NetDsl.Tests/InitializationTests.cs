using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace NetDsl.Tests;

/// <summary>PyTorch's default initialization, deterministic from the seed.</summary>
public sealed class InitializationTests
{
    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void TheSameSeedGivesTheSameParametersBitForBit(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork first = c.Create(seed: 42);
        INetwork second = c.Create(seed: 42);
        Assert.True(Bits(first.Parameters).SequenceEqual(Bits(second.Parameters)), $"{name}: two networks from seed 42 differ.");
        Assert.True(first.Gradients.IndexOfAnyExcept(0f) < 0, $"{name}: a new network's gradients are not zero.");

        // The three emit paths of one architecture initialize identically too.
        INetwork kernels = Networks.Get(c.Architecture, EmitPath.Kernels).Create(seed: 42);
        Assert.True(Bits(first.Parameters).SequenceEqual(Bits(kernels.Parameters)), $"{name}: differs from the kernel variant for the same seed.");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void DifferentSeedsGiveDifferentParameters(string name)
    {
        NetworkCase c = Networks.Get(name);
        float[] a = c.Create(seed: 1).Parameters.ToArray();
        float[] b = c.Create(seed: 2).Parameters.ToArray();
        int equal = a.Zip(b).Count(pair => pair.First == pair.Second);
        Assert.True(equal <= a.Length / 10, $"{name}: seeds 1 and 2 agree on {equal} of {a.Length} parameters.");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void WeightsAndBiasesLieWithinOneOverTheSquareRootOfFanIn(string name)
    {
        NetworkCase c = Networks.Get(name);
        foreach (int seed in (int[])[0, 1, 42, -5, int.MaxValue])
        {
            INetwork model = c.Create(seed);
            AssertWithinBounds(c, model, $"{name}, seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void TheParameterlessConstructorInitializesToo(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork first = c.CreateUnseeded();
        INetwork second = c.CreateUnseeded();
        AssertWithinBounds(c, first, $"{name}, new()");
        Assert.True(first.Parameters.IndexOfAnyExcept(0f) >= 0, $"{name}: new() left every parameter zero.");
        Assert.True(first.Gradients.IndexOfAnyExcept(0f) < 0);

        // Two random seeds almost surely differ (the chance that Random.Shared repeats a seed is 2^-31).
        Assert.False(first.Parameters.SequenceEqual(second.Parameters), $"{name}: two new() networks are identical.");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void InitializationFillsEachLayersWeightThenBiasFromOneGenerator(string name)
    {
        // The documented contract: one SeededRandom(seed) fills the layers in order, each weight then its bias,
        // with Initializers.PyTorchDefault and fan-in = the layer's input size.
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed: 1234);
        var expected = new float[c.ParameterCount];
        var random = new SeededRandom(1234);
        int offset = 0;
        foreach (LinearLayerView layer in c.LinearLayers(model))
        {
            int weights = layer.InFeatures * layer.OutFeatures;
            int biases = layer.HasBias ? layer.OutFeatures : 0;
            Initializers.PyTorchDefault(expected.AsSpan(offset, weights), expected.AsSpan(offset + weights, biases), layer.InFeatures, random);
            offset += weights + biases;
        }

        Assert.True(Bits(expected).SequenceEqual(Bits(model.Parameters)), $"{name}: parameters differ from the documented fill order.");
    }

    [Fact]
    public void ALargeLayerLooksUniform()
    {
        foreach (int seed in (int[])[42, 43])
        {
            var model = new WideNet(seed);
            float[] weights = model.Fc1.Weight.ToArray(); // 33 x 40 = 1320 values
            float bound = 1f / MathF.Sqrt(40);
            double mean = weights.Average(w => (double)w);
            double deviation = Math.Sqrt(weights.Average(w => (w - mean) * (w - mean)));

            // Uniform(-b, b): mean 0 (standard error b / sqrt(3 * 1320) = 0.016 b), standard deviation b / sqrt(3)
            // (relative standard error about 1.2 %), extremes near ±b, and each tenth of the range holds about 132.
            Assert.True(Math.Abs(mean) < 0.08 * bound, $"seed {seed}: mean {mean}");
            Assert.InRange(deviation, 0.95 * bound / Math.Sqrt(3), 1.05 * bound / Math.Sqrt(3));
            Assert.True(weights.Min() < -0.98 * bound && weights.Max() > 0.98 * bound, $"seed {seed}: range [{weights.Min()}, {weights.Max()}] for bound {bound}");
            int[] histogram = new int[10];
            foreach (float w in weights)
            {
                histogram[Math.Clamp((int)((w + bound) / (2 * bound) * 10), 0, 9)]++;
            }

            Assert.All(histogram, count => Assert.InRange(count, 132 - 50, 132 + 50));
        }
    }

    [Fact]
    public void ResetParametersRestoresTheSeededStateAndZeroesGradients()
    {
        var model = new SeedNet(seed: 9);
        float[] initial = model.Parameters.ToArray();
        model.Parameters.Fill(3f);
        model.Gradients.Fill(1f);
        model.ResetParameters(9);
        Assert.True(Bits(initial).SequenceEqual(Bits(model.Parameters)));
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0);

        var kernels = new WideNetKernels(seed: 9);
        float[] kernelInitial = kernels.Parameters.ToArray();
        kernels.ResetParameters(10);
        Assert.False(kernels.Parameters.SequenceEqual(kernelInitial));
        kernels.ResetParameters(9);
        Assert.True(Bits(kernelInitial).SequenceEqual(Bits(kernels.Parameters)));
    }

    private static void AssertWithinBounds(NetworkCase c, INetwork model, string what)
    {
        foreach (LinearLayerView layer in c.LinearLayers(model))
        {
            float bound = 1f / MathF.Sqrt(layer.InFeatures);
            foreach (float w in layer.Weight.AsSpan())
            {
                if (!(w >= -bound && w <= bound))
                {
                    Assert.Fail($"{what}: {layer.Weight.Name} holds {w}, outside ±{bound}.");
                }
            }

            if (layer.HasBias)
            {
                foreach (float b in layer.Bias.AsSpan())
                {
                    if (!(b >= -bound && b <= bound))
                    {
                        Assert.Fail($"{what}: {layer.Bias.Name} holds {b}, outside ±{bound}.");
                    }
                }
            }
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
