using System;
using System.Runtime.InteropServices;
using Xunit;

namespace NetDsl.Serialization.Tests;

/// <summary>Helpers to fill networks with recognizable values and compare them bit for bit.</summary>
internal static class Models
{
    /// <summary>A SeedNet whose parameters are 1, 2, …, 11 in state_dict order (fc1.weight, fc1.bias, fc2.weight, fc2.bias).</summary>
    public static SeedNet Counting()
    {
        var model = new SeedNet(0);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = i + 1;
        }

        return model;
    }

    /// <summary>Copies the parameters of <paramref name="source"/> into <paramref name="destination"/> (same tensors) and returns it.</summary>
    public static T Copy<T>(INetwork source, T destination)
        where T : INetwork
    {
        source.Parameters.CopyTo(destination.Parameters);
        return destination;
    }

    /// <summary>The parameters' bit patterns, so that NaNs and negative zeros compare exactly.</summary>
    public static int[] Bits(INetwork network) => MemoryMarshal.Cast<float, int>(network.Parameters).ToArray();

    public static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    public static void AssertSameParameters(INetwork expected, INetwork actual) => Assert.Equal(Bits(expected), Bits(actual));
}
