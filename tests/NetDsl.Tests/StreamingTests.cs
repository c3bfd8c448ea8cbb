using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetDsl.Tests;

// Streaming networks: one unidirectional recurrent layer returning its final state, then a head (stacked ones below).
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

// Stacked recurrent attributes of mixed kinds and odd sizes, with element-wise and per-step layers between them. Without
// unrolled layers, so that the final-state network and its every-step twin (the same parameters) run the same head code.
[Network(UnrollLimit = 0)]
[Input(8, 3)]
[LSTM(5, ReturnSequences = true, Name = "lstm")]
[Tanh]
[Linear(7, Name = "proj")]
[GRU(7, Layers = 2, ReturnSequences = false, Name = "gru")]
[Linear(4, Name = "fc")]
public partial class StackedStream;

// StackedStream returning every step: row t of its output is StackedStream's output for the first t + 1 steps.
[Network(UnrollLimit = 0)]
[Input(8, 3)]
[LSTM(5, ReturnSequences = true, Name = "lstm")]
[Tanh]
[Linear(7, Name = "proj")]
[GRU(7, Layers = 2, ReturnSequences = true, Name = "gru")]
[Linear(4, Name = "fc")]
public partial class StackedStreamEveryStep;

// Three recurrent kinds in a row, the last returning every step, then per-step heads: Step returns one row.
[Network]
[Input(6, 3)]
[RNN(7, ReturnSequences = true, Name = "rnn")]
[Dropout(0.3)]
[LSTM(16, Layers = 2, ReturnSequences = true, Name = "lstm")]
[ReLU]
[GRU(5, ReturnSequences = true, Name = "gru")]
[LayerNorm(Name = "norm")]
[Linear(2, Name = "fc"), Sigmoid]
public partial class ThreeKindsStream;

// Tokens through an embedding and two recurrent layers.
[Network]
[Input(7)]
[Embedding(11, 3, Name = "emb")]
[GRU(5, ReturnSequences = true, Name = "gru")]
[SiLU]
[LSTM(7, ReturnSequences = false, Name = "lstm")]
[Linear(3, Name = "fc")]
public partial class TokenStackStream;

// The last step of a sequence is the final state of a stream: LastStep ends the per-step layers, the head follows.
[Network]
[Input(5, 3)]
[GRU(5, ReturnSequences = true, Name = "gru")]
[Linear(7, Name = "proj"), Tanh]
[LastStep]
[Linear(2, Name = "fc")]
public partial class LastStepStream;

// Inputs wider than 64 floats: the inner recurrent layers project them through the Linear kernel (all steps at once in the
// whole-sequence pass, one row in a step) rather than through RecurrentProduct.
[Network]
[Input(5, 3)]
[GRU(72, ReturnSequences = true, Name = "gru")]
[Linear(66, Name = "proj"), ReLU]
[LSTM(5, Layers = 2, ReturnSequences = true, Name = "lstm")]
[Linear(2, Name = "fc")]
public partial class WideStackStream;

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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void StackedRecurrentLayersStream_EveryPrefixGivesTheForwardBits(int seed)
    {
        var model = new StackedStream(seed);
        var everyStep = new StackedStreamEveryStep(seed: 0);
        model.Parameters.CopyTo(everyStep.Parameters); // ReturnSequences does not change the parameters
        float[] x = TestData.Uniform(new Random(seed), StackedStream.InputSize);
        float[] rows = Forward(everyStep, x);

        StackedStream.StreamState state = default;
        StackedStream.Output output = default;
        for (int t = 0; t < 8; t++)
        {
            output = model.Step(ref state, x.AsSpan(t * StackedStream.StepSize, StackedStream.StepSize));
            AssertSameBits(rows.AsSpan(t * StackedStream.OutputSize, StackedStream.OutputSize).ToArray(), Floats(output), $"stacked LSTM, GRU x2 after {t + 1} steps");
        }

        AssertSameBits(Forward(model, x), Floats(output), "stacked LSTM, GRU x2 on the whole sequence");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ANetworkReturningEveryStepStreamsEachRow(int seed)
    {
        var model = new ThreeKindsStream(seed);
        float[] x = TestData.Uniform(new Random(seed), ThreeKindsStream.InputSize);
        float[] rows = Forward(model, x);
        Assert.Equal(ThreeKindsStream.OutputSize / 6, ThreeKindsStream.StepOutputSize);

        ThreeKindsStream.StreamState state = default;
        var written = new float[ThreeKindsStream.StepOutputSize];
        for (int t = 0; t < 6; t++)
        {
            ThreeKindsStream.StreamState copy = state;
            ThreeKindsStream.StepOutput output = model.Step(ref state, x.AsSpan(t * 3, 3));
            model.Step(ref copy, x.AsSpan(t * 3, 3), written);
            float[] expected = rows.AsSpan(t * ThreeKindsStream.StepOutputSize, ThreeKindsStream.StepOutputSize).ToArray();
            AssertSameBits(expected, Floats(output), $"RNN, LSTM x2, GRU, step {t}");
            AssertSameBits(expected, written, $"RNN, LSTM x2, GRU into a span, step {t}");
        }
    }

    [Fact]
    public void WideInputsOfInnerRecurrentLayersStreamToo()
    {
        var model = new WideStackStream(seed: 8);
        float[] x = TestData.Uniform(new Random(8), WideStackStream.InputSize);
        float[] rows = Forward(model, x);
        WideStackStream.StreamState state = default;
        var output = new float[WideStackStream.StepOutputSize];
        for (int t = 0; t < 5; t++)
        {
            model.Step(ref state, x.AsSpan(t * 3, 3), output);
            AssertSameBits(rows.AsSpan(t * 2, 2).ToArray(), output, $"GRU(72), Linear(66), LSTM x2, step {t}");
        }
    }

    [Fact]
    public void TokensStreamThroughAnEmbeddingAndStackedLayers()
    {
        var model = new TokenStackStream(seed: 6);
        float[] tokens = [4, 10, 0, 3, 3, 9, 1];
        TokenStackStream.StreamState state = default;
        TokenStackStream.Output output = default;
        foreach (float token in tokens)
        {
            output = model.Step(ref state, (int)token);
        }

        AssertSameBits(Forward(model, tokens), Floats(output), "Embedding + GRU + SiLU + LSTM");
    }

    [Fact]
    public void LastStepEndsTheStreamedLayers()
    {
        var model = new LastStepStream(seed: 7);
        float[] x = TestData.Uniform(new Random(7), LastStepStream.InputSize);
        LastStepStream.StreamState state = default;
        LastStepStream.Output output = default;
        for (int t = 0; t < 5; t++)
        {
            output = model.Step(ref state, x.AsSpan(t * 3, 3));
        }

        AssertSameBits(Forward(model, x), Floats(output), "GRU, per-step Linear, LastStep, Linear");
    }

    [Fact]
    public void ResetStartsAStackedStreamOver()
    {
        var model = new ThreeKindsStream(seed: 3);
        float[] a = TestData.Uniform(new Random(11), ThreeKindsStream.InputSize);
        float[] b = TestData.Uniform(new Random(12), ThreeKindsStream.InputSize);
        ThreeKindsStream.StreamState state = default;
        for (int t = 0; t < 6; t++)
        {
            model.Step(ref state, a.AsSpan(t * 3, 3));
        }

        Assert.True(((ReadOnlySpan<float>)state).IndexOfAnyExcept(0f) >= 0);
        state.Reset();
        Assert.True(((ReadOnlySpan<float>)state).IndexOfAnyExcept(0f) < 0);
        float[] rows = Forward(model, b);
        for (int t = 0; t < 6; t++)
        {
            ThreeKindsStream.StepOutput output = model.Step(ref state, b.AsSpan(t * 3, 3));
            AssertSameBits(rows.AsSpan(t * 2, 2).ToArray(), Floats(output), $"after Reset, step {t}");
        }
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
    public void ManyThreadsStreamThroughOneStackedModel()
    {
        var model = new ThreeKindsStream(seed: 9);
        float[][] sequences = Enumerable.Range(0, 16).Select(i => TestData.Uniform(new Random(200 + i), ThreeKindsStream.InputSize)).ToArray();
        float[][] expected = sequences.Select(s => Forward(model, s)).ToArray();
        var actual = new float[sequences.Length][];
        Parallel.For(0, sequences.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var rows = new float[ThreeKindsStream.OutputSize];
            ThreeKindsStream.StreamState state = default;
            for (int repeat = 0; repeat < 50; repeat++)
            {
                state.Reset();
                for (int t = 0; t < 6; t++)
                {
                    model.Step(ref state, sequences[i].AsSpan(t * 3, 3), rows.AsSpan(t * ThreeKindsStream.StepOutputSize, ThreeKindsStream.StepOutputSize));
                }
            }

            actual[i] = rows;
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
    public void StackedStepsAllocateNothingAfterTheFirstCallOfAThread()
    {
        var stacked = new StackedStream(seed: 1);
        var threeKinds = new ThreeKindsStream(seed: 1);
        var tokens = new TokenStackStream(seed: 1);
        float[] x = TestData.Uniform(new Random(1), StackedStream.InputSize);
        var stackedOutput = new float[StackedStream.OutputSize];
        var rowOutput = new float[ThreeKindsStream.StepOutputSize];
        StackedStream.StreamState stackedState = default;
        ThreeKindsStream.StreamState threeKindsState = default;
        TokenStackStream.StreamState tokenState = default;
        void StepAll(int t)
        {
            stacked.Step(ref stackedState, x.AsSpan((t % 8) * 3, 3), stackedOutput);
            threeKinds.Step(ref threeKindsState, x.AsSpan((t % 8) * 3, 3), rowOutput);
            tokens.Step(ref tokenState, t % 11);
        }

        // As above: past the first calls (the workspaces) and tiered compilation's call-count threshold (30).
        for (int t = 0; t < 101; t++)
        {
            StepAll(t);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++)
        {
            StepAll(t);
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
