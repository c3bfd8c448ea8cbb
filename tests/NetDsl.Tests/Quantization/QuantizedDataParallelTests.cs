using System;
using System.Linq;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// A quantized batch cut between threads gives the bits of one thread's <see cref="QuantizedNetwork.ForwardBatch"/>, for
/// networks with channels-last convolutions, float activations and normalizations, residual blocks, pools and a Softmax tail, at batch sizes that leave
/// uneven and empty shares.
/// </summary>
public sealed class QuantizedDataParallelTests
{
    public static TheoryData<string, int> NetworksAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in new[] { nameof(Int8Mlp), nameof(Int8Shapes), nameof(Int8Cnn), nameof(Int8Activations), nameof(Int8Pools), nameof(Int8Signal), nameof(Int8ResidualCnn), nameof(Int8NormCnn) })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                data.Add(network, threads);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NetworksAndThreads))]
    public void ForwardBatch_GivesTheBitsOfOneThread(string name, int threads)
    {
        QuantizedNetwork network = Quantized(name);
        using var parallel = new QuantizedDataParallel(network, threads);
        foreach (int batch in new[] { 1, 3, 4, 8, 9, 64, 67, 130, 131 })
        {
            float[] inputs = Inputs(network, batch, seed: batch);
            var expected = new float[batch * network.OutputSize];
            var actual = new float[expected.Length];
            for (int n = 0; n < batch; n++)
            {
                // One sample at a time: what the parallel batch must reproduce whatever the cut.
                network.Forward(inputs.AsSpan(n * network.InputSize, network.InputSize), expected.AsSpan(n * network.OutputSize, network.OutputSize));
            }

            parallel.ForwardBatch(inputs, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {threads} threads, batch {batch}: outputs differ from one sample at a time.");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ForwardBatch_AllocatesNothingOnAnyThreadAfterWarmUp(int threads)
    {
        QuantizedNetwork network = Quantized(nameof(Int8Cnn));
        using var parallel = new QuantizedDataParallel(network, threads);
        float[] inputs = Inputs(network, 64, seed: 3);
        var outputs = new float[64 * network.OutputSize];
        AllocationAssert.NoneOnAnyThread($"QuantizedDataParallel.ForwardBatch on {threads} thread(s)", () => parallel.ForwardBatch(inputs, outputs));
    }

    [Fact]
    public void BadArguments_AreRefusedWithWhatWasExpected()
    {
        QuantizedNetwork network = Quantized(nameof(Int8Mlp));
        Assert.Throws<ArgumentNullException>(() => new QuantizedDataParallel(null!, 2));
        var threads = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedDataParallel(network, 0));
        Assert.Contains("at least 1 thread", threads.Message, StringComparison.Ordinal);

        using var parallel = new QuantizedDataParallel(network, 2);
        var partial = Assert.Throws<ArgumentException>(() => parallel.ForwardBatch(new float[network.InputSize * 8 + 1], new float[network.OutputSize * 8]));
        Assert.Contains(network.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), partial.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => parallel.ForwardBatch(new float[network.InputSize * 8], new float[network.OutputSize * 7]));

        parallel.Dispose();
        parallel.Dispose();
        Assert.Throws<ObjectDisposedException>(() => parallel.ForwardBatch(new float[network.InputSize * 8], new float[network.OutputSize * 8]));
    }

    private static QuantizedNetwork Quantized(string name)
    {
        INetwork model = name switch
        {
            nameof(Int8Mlp) => new Int8Mlp(21),
            nameof(Int8Shapes) => new Int8Shapes(22),
            nameof(Int8Cnn) => new Int8Cnn(23),
            nameof(Int8Activations) => new Int8Activations(24),
            nameof(Int8Pools) => new Int8Pools(25),
            nameof(Int8Signal) => new Int8Signal(26),
            nameof(Int8ResidualCnn) => new Int8ResidualCnn(27),
            nameof(Int8NormCnn) => new Int8NormCnn(28),
            _ => throw new ArgumentException(name),
        };
        return QuantizedNetwork.Create(model, Inputs(model.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b), 100, seed: 7));
    }

    private static float[] Inputs(QuantizedNetwork network, int count, int seed) => Inputs(network.InputSize, count, seed);

    private static float[] Inputs(int size, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * size).Select(_ => (float)(random.NextDouble() * 4 - 1.5)).ToArray();
    }
}
