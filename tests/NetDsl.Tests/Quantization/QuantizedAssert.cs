using System;
using System.Threading.Tasks;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>What every kind of quantized network must do whatever its stages: survive a save-and-load round trip, and give one thread's bits on many.</summary>
internal static class QuantizedAssert
{
    /// <summary>
    /// 8 threads call <paramref name="forwardBatch"/> 20 times each on <paramref name="inputs"/> at once: every call gives
    /// the bits of a call made alone (each thread has its own scratch; nothing is shared between calls).
    /// </summary>
    public static void SameBitsOnManyThreads(Action<float[], float[]> forwardBatch, float[] inputs, int outputCount)
    {
        var expected = new float[outputCount];
        forwardBatch(inputs, expected);

        Parallel.For(0, 8, _ =>
        {
            var actual = new float[expected.Length];
            for (int round = 0; round < 20; round++)
            {
                forwardBatch(inputs, actual);
                Assert.Equal(expected, actual);
            }
        });
    }

    /// <summary>
    /// Writes <paramref name="quantized"/> to bytes and reads it back for <paramref name="model"/>'s layers: the loaded
    /// network gives the same bits on <paramref name="inputs"/>, reports the same layers, and writes the same file again.
    /// </summary>
    public static void RoundTrips(INetwork model, QuantizedNetwork quantized, float[] inputs)
    {
        byte[] file = quantized.ToBytes();
        QuantizedNetwork loaded = QuantizedNetwork.FromBytes(file, model.Layers, model.Architecture);

        var expected = new float[inputs.Length / quantized.InputSize * quantized.OutputSize];
        var actual = new float[expected.Length];
        quantized.ForwardBatch(inputs, expected);
        loaded.ForwardBatch(inputs, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(quantized.Layers, loaded.Layers);
        Assert.Equal(file, loaded.ToBytes());
    }
}
