using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// Exports each sample network with random parameters and trained batch-normalization statistics, runs the model in
/// ONNX Runtime on random batches of 1 and 3 samples, and compares the outputs with NetDsl's <c>ForwardBatch</c>.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeMatchesForwardBatch(string name, bool optimize)
    {
        INetwork network = PreparedNetwork(name);
        byte[] model = OnnxExporter.ToBytes(network);
        using var runner = new OnnxRuntimeRunner(model, optimize);
        int outputSize = SampleNetworks.OutputSize(network);
        int[] outputShape = network.Layers[^1].OutputShape.ToArray();
        var random = new Random(name.Length * 31 + (optimize ? 1 : 0));
        foreach (int batch in new[] { 1, 3 })
        {
            float[] inputs = SampleNetworks.Inputs(name, network, random, batch);
            float[] expected = new float[batch * outputSize];
            network.ForwardBatch(inputs, expected);

            (float[] actual, long[] shape) = runner.Run(inputs, batch, network.Layers[0].InputShape);

            Assert.Equal([batch, .. outputShape.Select(d => (long)d)], shape);
            output.WriteLine($"{name}, batch {batch}, optimize {optimize}: worst ratio {Tolerance.WorstRatio(expected, actual, outputSize):E3}");
            Tolerance.AssertClose(expected, actual, outputSize, $"{name} (batch {batch}, ONNX Runtime optimizations {(optimize ? "on" : "off")})");
        }
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in SampleNetworks.Names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    /// <summary>
    /// The network with every parameter moved by a random amount (so normalization weights and biases are not 1 and 0),
    /// then a few training-mode passes so batch normalization's running statistics are not 0 and 1.
    /// </summary>
    internal static INetwork PreparedNetwork(string name)
    {
        INetwork network = SampleNetworks.Create(name);
        var random = new Random(12345);
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += (float)((random.NextDouble() * 2 - 1) * 0.3);
        }

        int outputSize = SampleNetworks.OutputSize(network);
        const int Batch = 8;
        for (int step = 0; step < 4; step++)
        {
            float[] inputs = SampleNetworks.Inputs(name, network, random, Batch);
            network.ForwardTraining(inputs, new float[Batch * outputSize]);
        }

        if (network.BufferTensors.Count > 0)
        {
            foreach (TensorInfo tensor in network.BufferTensors)
            {
                float initial = tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f : 0f;
                Assert.Contains(network.Buffers.Slice(tensor.Offset, tensor.Length).ToArray(), value => Math.Abs(value - initial) > 1e-3);
            }
        }

        return network;
    }

    internal static float[] Uniform(Random random, int count, float bound)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }

        return values;
    }
}
