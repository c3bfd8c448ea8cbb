using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetDsl.Tests;

// Streaming networks: one unidirectional recurrent layer returning its final state, then a head.
[Network]
[Input(9, 3)]
[LSTM(5, Layers = 2, ReturnSequences = false, Name = "lstm")]
[Linear(4, Name = "fc1"), Tanh]
[Linear(2, Name = "fc2")]
public partial class StreamingLstm;

// The same parameters on a shorter sequence: the stream's output after 4 steps.
[Network]
[Input(4, 3)]
[LSTM(5, Layers = 2, ReturnSequences = false, Name = "lstm")]
[Linear(4, Name = "fc1"), Tanh]
[Linear(2, Name = "fc2")]
public partial class StreamingLstmPrefix;

[Network]
[Input(6, 2)]
[GRU(7, Bias = false, ReturnSequences = false, Name = "gru")]
[Linear(3, Name = "fc")]
public partial class StreamingGru;

[Network]
[Input(5, 1)]
[RNN(3, Nonlinearity = RnnNonlinearity.ReLU, Layers = 3, ReturnSequences = false, Name = "rnn")]
public partial class StreamingRnn;

// Token streams: an embedding in front of the recurrent layer; one step is one token.
[Network]
[Input(8)]
[Embedding(9, 3, PaddingIndex = 0, Name = "emb")]
[GRU(4, Layers = 2, ReturnSequences = false, Name = "gru")]
[Linear(2, Name = "fc")]
public partial class StreamingTokens;

/// <summary>
/// The streaming API: stepping through a sequence from a default state gives the whole-sequence <c>Forward</c> bit for
/// bit, at every prefix; streams are independent values; Step allocates nothing and runs on many threads at once.
/// </summary>
public sealed class StreamingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SteppingThroughASequenceGivesTheForwardBits(int seed)
    {
        float[] x = TestData.Uniform(new Random(seed), StreamingLstm.InputSize);
        var lstm = new StreamingLstm(seed);
        StreamingLstm.StreamState lstmState = default;
        StreamingLstm.Output lstmOutput = default;
        for (int t = 0; t < 9; t++)
        {
            lstmOutput = lstm.Step(ref lstmState, x.AsSpan(t * StreamingLstm.StepSize, StreamingLstm.StepSize));
        }

        AssertSameBits(Forward(lstm, x), Floats(lstmOutput), "LSTM");

        float[] g = TestData.Uniform(new Random(seed), StreamingGru.InputSize);
        var gru = new StreamingGru(seed);
        StreamingGru.StreamState gruState = default;
        var gruOutput = new float[StreamingGru.OutputSize];
        for (int t = 0; t < 6; t++)
        {
            gru.Step(ref gruState, g.AsSpan(t * StreamingGru.StepSize, StreamingGru.StepSize), gruOutput);
        }

        AssertSameBits(Forward(gru, g), gruOutput, "GRU");

        float[] r = TestData.Uniform(new Random(seed), StreamingRnn.InputSize);
        var rnn = new StreamingRnn(seed);
        StreamingRnn.StreamState rnnState = default;
        StreamingRnn.Output rnnOutput = default;
        for (int t = 0; t < 5; t++)
        {
            rnnOutput = rnn.Step(ref rnnState, r.AsSpan(t, 1));
        }

        AssertSameBits(Forward(rnn, r), Floats(rnnOutput), "RNN");
    }

    [Fact]
    public void TokensStreamThroughTheEmbedding()
    {
        var model = new StreamingTokens(seed: 4);
        float[] tokens = [3, 0, 8, 1, 1, 5, 7, 2];
        StreamingTokens.StreamState state = default;
        StreamingTokens.Output output = default;
        foreach (float token in tokens)
        {
            output = model.Step(ref state, (int)token);
        }

        AssertSameBits(Forward(model, tokens), Floats(output), "Embedding + GRU");

        StreamingTokens.StreamState before = state;
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(ref state, 9));
        Assert.Contains("vocabulary of 9", e.Message, StringComparison.Ordinal);
        Assert.True(((ReadOnlySpan<float>)state).SequenceEqual(before), "a refused token changed the state");
    }

    [Fact]
    public void EveryStepGivesTheOutputOfTheSequenceEndingThere()
    {
        var model = new StreamingLstm(seed: 5);
        var prefix = new StreamingLstmPrefix(seed: 0);
        model.Parameters.CopyTo(prefix.Parameters); // the sequence length does not change the parameters
        float[] x = TestData.Uniform(new Random(5), StreamingLstm.InputSize);

        StreamingLstm.StreamState state = default;
        StreamingLstm.Output afterFour = default;
        for (int t = 0; t < 4; t++)
        {
            afterFour = model.Step(ref state, x.AsSpan(t * 3, 3));
        }

        var expected = new float[StreamingLstmPrefix.OutputSize];
        prefix.Forward(x.AsSpan(0, StreamingLstmPrefix.InputSize), expected);
        AssertSameBits(expected, Floats(afterFour), "the output after 4 steps against a 4-step network");
    }

    [Fact]
    public void StreamsAreIndependentValuesAndResetStartsOver()
    {
        var model = new StreamingGru(seed: 2);
        float[] a = TestData.Uniform(new Random(1), StreamingGru.InputSize);
        float[] b = TestData.Uniform(new Random(2), StreamingGru.InputSize);
        StreamingGru.StreamState first = default;
        StreamingGru.StreamState second = default;
        StreamingGru.Output outA = default, outB = default;
        for (int t = 0; t < 6; t++)
        {
            outA = model.Step(ref first, a.AsSpan(t * 2, 2)); // interleaved with the other stream
            outB = model.Step(ref second, b.AsSpan(t * 2, 2));
        }

        AssertSameBits(Forward(model, a), Floats(outA), "stream A, interleaved");
        AssertSameBits(Forward(model, b), Floats(outB), "stream B, interleaved");

        StreamingGru.StreamState copy = first; // a value: stepping the copy leaves the original alone
        model.Step(ref copy, a.AsSpan(0, 2));
        Assert.False(((ReadOnlySpan<float>)copy).SequenceEqual(first));

        first.Reset();
        Assert.True(((ReadOnlySpan<float>)first).IndexOfAnyExcept(0f) < 0);
        for (int t = 0; t < 6; t++)
        {
            outA = model.Step(ref first, b.AsSpan(t * 2, 2));
        }

        AssertSameBits(Forward(model, b), Floats(outA), "after Reset");
    }

    [Fact]
    public void ManyThreadsStreamThroughOneModel()
    {
        var model = new StreamingLstm(seed: 9);
        float[][] sequences = Enumerable.Range(0, 16).Select(i => TestData.Uniform(new Random(100 + i), StreamingLstm.InputSize)).ToArray();
        float[][] expected = sequences.Select(s => Forward(model, s)).ToArray();
        var actual = new float[sequences.Length][];
        Parallel.For(0, sequences.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            StreamingLstm.StreamState state = default;
            StreamingLstm.Output output = default;
            for (int repeat = 0; repeat < 50; repeat++)
            {
                state.Reset();
                for (int t = 0; t < 9; t++)
                {
                    output = model.Step(ref state, sequences[i].AsSpan(t * 3, 3));
                }
            }

            actual[i] = Floats(output);
        });

        for (int i = 0; i < sequences.Length; i++)
        {
            AssertSameBits(expected[i], actual[i], $"stream {i}");
        }
    }

    [Fact]
    public void StepAllocatesNothingAfterTheFirstCallOfAThread()
    {
        var model = new StreamingLstm(seed: 1);
        float[] x = TestData.Uniform(new Random(1), StreamingLstm.InputSize);
        var output = new float[StreamingLstm.OutputSize];
        StreamingLstm.StreamState state = default;
        model.Step(ref state, x.AsSpan(0, 3), output);

        // The first call allocates the thread's workspace; the next ones run past tiered compilation's call-count threshold
        // (30), whose promotion of the methods can itself count a few bytes on this thread (88 measured when this test ran
        // alone), which are the JIT's, not the step's.
        for (int t = 0; t < 100; t++)
        {
            model.Step(ref state, x.AsSpan((t % 9) * 3, 3), output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++)
        {
            model.Step(ref state, x.AsSpan((t % 9) * 3, 3), output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AStepOfTheWrongSizeIsRefused()
    {
        var model = new StreamingGru(seed: 1);
        StreamingGru.StreamState state = default;
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.Step(ref state, new float[3]));
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Contains("2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Step(ref state, new float[2], new float[2]));
        Assert.True(((ReadOnlySpan<float>)state).IndexOfAnyExcept(0f) < 0, "a refused step changed the state");
    }

    private static float[] Floats(ReadOnlySpan<float> values) => values.ToArray();

    private static float[] Forward(INetwork model, float[] x)
    {
        var y = new float[model.Layers[^1].OutputShape.ToArray().Aggregate(1, (a, b) => a * b)];
        model.ForwardBatch(x, y);
        return y;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what}: output {i} is {actual[i]:R}, the whole-sequence forward gives {expected[i]:R}");
        }
    }
}
