using System;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

// Token models: an embedding with a padding row into a bidirectional GRU; and the smallest one, an embedding alone.
[Network]
[Input(7)]
[Embedding(11, 3, PaddingIndex = -1, Name = "emb")]
[GRU(4, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(5, Name = "fc")]
public partial class TokenGruNet;

[Network]
[Input(4)]
[Embedding(6, 2, Name = "emb")]
public partial class EmbeddingOnlyNet;

/// <summary>
/// <c>[Embedding]</c> against the double-precision oracle on whole-number token indices (the layer-catalog theories draw
/// real-valued inputs, which are not indices): forward, parameter gradients, the padding row, and bad indices.
/// </summary>
public sealed class EmbeddingTests
{
    private static readonly ReferenceModel TokenGru = new(
        [7],
        R.Embedding(11, 3, "emb", paddingIndex: 10),
        R.GRU(4, "gru", bidirectional: true, returnSequences: false),
        R.Linear(5, "fc"));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    public void InferenceAndTrainingMatchTheReference(int batch, int seed)
    {
        var model = new TokenGruNet(seed);
        var random = new Random(seed);
        float[] tokens = Tokens(random, batch * 7, 11);
        tokens[0] = 10; // the padding row is looked up too, and reads zeros
        double[] parameters = LayerTestSupport.D(model.Parameters);

        double[] expected = TokenGru.Infer(parameters, [], LayerTestSupport.D(tokens), batch);
        var outputs = new float[batch * TokenGruNet.OutputSize];
        model.ForwardBatch(tokens, outputs);
        Tolerance.AssertOutputsClose(expected, outputs, "TokenGruNet.ForwardBatch");
        TokenGruNet.Output single = model.Forward(new TokenGruNet.Input(tokens.AsSpan(0, 7)));
        Tolerance.AssertOutputsClose(expected.AsSpan(0, 5), single, "TokenGruNet.Forward(in Input)");

        model.ForwardTraining(tokens, outputs);
        Tolerance.AssertOutputsClose(expected, outputs, "TokenGruNet.ForwardTraining");
        float[] outputGradients = TestData.Uniform(random, outputs.Length);
        var inputGradients = new float[tokens.Length];
        inputGradients.AsSpan().Fill(float.NaN);
        model.Backward(outputGradients, inputGradients);

        ReferenceGradients reference = TokenGru.Train(parameters, [], LayerTestSupport.D(tokens), batch).Backward(LayerTestSupport.D(outputGradients));
        Tolerance.AssertClose(reference.Parameters, model.Gradients, "TokenGruNet parameter gradients", floor: 1e-3);
        Assert.All(inputGradients, g => Assert.Equal(0f, g)); // indices have no gradient
    }

    [Fact]
    public void ThePaddingRowStartsAtZeroAndGetsNoGradient()
    {
        var model = new TokenGruNet(seed: 4);
        Assert.Equal("emb.weight", model.ParameterTensors[0].Name);
        TensorView weight = model.Emb.Weight;
        for (int d = 0; d < 3; d++)
        {
            Assert.Equal(0f, weight[10, d]); // PaddingIndex = -1 is row V - 1 = 10, as in PyTorch
            Assert.NotEqual(0f, weight[9, d]);
        }

        float[] tokens = [10, 10, 3, 10, 9, 9, 0];
        var outputs = new float[TokenGruNet.OutputSize];
        model.ForwardTraining(tokens, outputs);
        model.Backward(Enumerable.Repeat(1f, TokenGruNet.OutputSize).ToArray());
        Span<float> gradient = model.Gradients.Slice(0, 33);
        Assert.True(gradient.Slice(30, 3).IndexOfAnyExcept(0f) < 0, "the padding row received a gradient");
        Assert.True(gradient.Slice(27, 3).IndexOfAnyExcept(0f) >= 0, "row 9, looked up twice, received no gradient");
        Assert.True(gradient.Slice(3, 3).IndexOfAnyExcept(0f) < 0, "row 1, never looked up, received a gradient");
    }

    [Fact]
    public void RepeatedTokensAddTheirGradients()
    {
        var model = new EmbeddingOnlyNet(seed: 1);
        float[] tokens = [2, 5, 2, 2];
        var outputs = new float[EmbeddingOnlyNet.OutputSize];
        model.Forward(tokens, outputs);
        Assert.Equal(model.Parameters.Slice(4, 2).ToArray(), outputs.AsSpan(0, 2).ToArray());
        Assert.Equal(model.Parameters.Slice(10, 2).ToArray(), outputs.AsSpan(2, 2).ToArray());

        model.ForwardTraining(tokens, outputs);
        model.Backward([1, 2, 10, 20, 100, 200, 1000, 2000]);
        Assert.Equal([1101f, 2202f], model.Gradients.Slice(4, 2).ToArray());
        Assert.Equal([10f, 20f], model.Gradients.Slice(10, 2).ToArray());
        foreach (int row in new[] { 0, 1, 3, 4 })
        {
            Assert.True(model.Gradients.Slice(row * 2, 2).IndexOfAnyExcept(0f) < 0, $"row {row}, never looked up, received a gradient");
        }
    }

    [Theory]
    [InlineData(6f, "Token index 6 at position 2 of sample 0")]
    [InlineData(-1f, "Token index -1 at position 2 of sample 0")]
    [InlineData(1.5f, "Token index 1.5 at position 2 of sample 0")]
    [InlineData(float.NaN, "Token index NaN at position 2 of sample 0")]
    public void ATokenOutsideTheVocabularyIsRefusedWithItsPosition(float token, string start)
    {
        var model = new EmbeddingOnlyNet(seed: 1);
        var outputs = new float[EmbeddingOnlyNet.OutputSize];
        float[] before = outputs.ToArray();
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward([0, 1, token, 3], outputs));
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary of 6: expected a whole number in [0, 6)", e.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatch([0, 1, 2, 3, 0, 1, token, 3], new float[16]));
    }

    [Fact]
    public void TheEmbeddingDrawsFromTheStandardNormalDistribution()
    {
        // 6 x 2 is too few to test a distribution: use the GRU network's 33 and many seeds.
        double sum = 0, sumOfSquares = 0;
        int count = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var model = new EmbeddingOnlyNet(seed);
            foreach (float w in model.Parameters)
            {
                sum += w;
                sumOfSquares += (double)w * w;
                count++;
            }
        }

        double mean = sum / count;
        double variance = (sumOfSquares / count) - (mean * mean);
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(variance, 0.85, 1.15);
    }

    [Fact]
    public void TrainingAndInferenceAllocateNothingAfterWarmUp()
    {
        var model = new TokenGruNet(seed: 1);
        float[] tokens = Tokens(new Random(1), 3 * 7, 11);
        var outputs = new float[3 * TokenGruNet.OutputSize];
        var inputGradients = new float[tokens.Length];
        float[] outputGradients = TestData.Uniform(new Random(2), outputs.Length);
        void Step()
        {
            model.ZeroGradients();
            model.ForwardTraining(tokens, outputs);
            model.Backward(outputGradients, inputGradients);
            model.ForwardBatch(tokens, outputs);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float[] Tokens(Random random, int count, int vocabulary) =>
        Enumerable.Range(0, count).Select(_ => (float)random.Next(vocabulary)).ToArray();
}
