using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>The save-and-load round trip every kind of quantized stage must survive.</summary>
internal static class QuantizedFileAssert
{
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
