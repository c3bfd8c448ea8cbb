using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every public entry point that takes data checks it and throws a specific exception whose message says what was
/// expected and what arrived, and writes nothing when it throws.
/// </summary>
public sealed class BadInputTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void SpanForwardRejectsWrongLengthsAndSaysWhatItExpected(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed: 1);
        var output = new float[c.OutputSize];
        output.AsSpan().Fill(7f);

        foreach (int length in (int[])[0, c.InputSize - 1, c.InputSize + 1, 2 * c.InputSize])
        {
            var input = new float[length];
            ArgumentException e = Assert.Throws<ArgumentException>(() => model.Forward(input, output));
            Assert.Equal("input", e.ParamName);
            Assert.Contains($"length {c.InputSize}", e.Message);
            Assert.Contains($"length {length}", e.Message);
        }

        foreach (int length in (int[])[0, c.OutputSize + 1])
        {
            var wrongOutput = new float[length];
            wrongOutput.AsSpan().Fill(7f);
            ArgumentException e = Assert.Throws<ArgumentException>(() => model.Forward(new float[c.InputSize], wrongOutput));
            Assert.Equal("output", e.ParamName);
            Assert.Contains($"length {c.OutputSize}", e.Message);
            Assert.Contains($"length {length}", e.Message);
            Assert.All(wrongOutput, v => Assert.Equal(7f, v));
        }

        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void BatchedForwardsRejectPartialSamplesAndMismatchedOutputs(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed: 1);
        Action<float[], float[]>[] forwards = [(x, y) => model.ForwardBatch(x, y), (x, y) => model.ForwardTraining(x, y)];
        foreach (Action<float[], float[]> forward in forwards)
        {
            // Not a whole number of samples (and the empty batch).
            foreach (int length in (int[])[0, c.InputSize + 1, (3 * c.InputSize) - 1])
            {
                var outputs = Enumerable.Repeat(7f, 3 * c.OutputSize).ToArray();
                ArgumentException e = Assert.Throws<ArgumentException>(() => forward(new float[length], outputs));
                Assert.Equal("inputs", e.ParamName);
                Assert.Contains($"{c.InputSize} floats each", e.Message);
                Assert.Contains($"length {length}", e.Message);
                Assert.All(outputs, v => Assert.Equal(7f, v));
            }

            // Whole samples, but the output does not hold one output per sample.
            foreach (int length in (int[])[(3 * c.OutputSize) - 1, 3 * c.OutputSize + 1, c.OutputSize])
            {
                var outputs = Enumerable.Repeat(7f, length).ToArray();
                ArgumentException e = Assert.Throws<ArgumentException>(() => forward(new float[3 * c.InputSize], outputs));
                Assert.Equal("outputs", e.ParamName);
                Assert.Contains($"length {3 * c.OutputSize}", e.Message);
                Assert.Contains($"length {length}", e.Message);
                Assert.All(outputs, v => Assert.Equal(7f, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void BackwardBeforeAnyTrainingForwardThrowsInvalidOperation(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed: 1);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[c.OutputSize]));
        Assert.Contains(name, e.Message);
        Assert.Contains("ForwardTraining", e.Message);
        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[c.OutputSize], new float[c.InputSize]));

        // Inference records nothing for Backward.
        model.ForwardBatch(new float[c.InputSize], new float[c.OutputSize]);
        model.Forward(new float[c.InputSize], new float[c.OutputSize]);
        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[c.OutputSize]));
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0);
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void BackwardRejectsGradientsThatDoNotMatchTheRecordedBatch(string name)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed: 1);
        const int batch = 3;
        model.ForwardTraining(TestData.Uniform(new Random(1), batch * c.InputSize), new float[batch * c.OutputSize]);

        foreach (int length in (int[])[0, c.OutputSize, (batch * c.OutputSize) + 1])
        {
            ArgumentException e = Assert.Throws<ArgumentException>(() => model.Backward(new float[length]));
            Assert.Equal("outputGradients", e.ParamName);
            Assert.Contains($"length {batch * c.OutputSize}", e.Message);
            Assert.Contains($"length {length}", e.Message);
        }

        var inputGradients = Enumerable.Repeat(7f, (batch * c.InputSize) - 1).ToArray();
        ArgumentException inputError = Assert.Throws<ArgumentException>(() => model.Backward(Enumerable.Repeat(1f, batch * c.OutputSize).ToArray(), inputGradients));
        Assert.Equal("inputGradients", inputError.ParamName);
        Assert.Contains($"length {batch * c.InputSize}", inputError.Message);
        Assert.Contains($"length {(batch * c.InputSize) - 1}", inputError.Message);

        // Nothing was half-written: no gradient was accumulated and the input gradients are untouched.
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0, $"{name}: a rejected Backward accumulated gradients.");
        Assert.All(inputGradients, v => Assert.Equal(7f, v));

        // The recording survived the rejected calls.
        model.Backward(Enumerable.Repeat(1f, batch * c.OutputSize).ToArray());
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) >= 0);
    }

    [Fact]
    public void TypedInputRejectsTheWrongNumberOfValues()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new SeedNet.Input(new float[2]));
        Assert.Contains("length 3", e.Message);
        Assert.Contains("length 2", e.Message);
        Assert.Throws<ArgumentException>(() => new WideNetKernels.Input(new float[41]));
        Assert.Throws<ArgumentException>(() => new SeedNet.Output(new float[2]));
    }

    [Fact]
    public void MeanSquaredErrorLossRejectsMismatchedAndEmptySpans()
    {
        ArgumentException mismatched = Assert.Throws<ArgumentException>(() => Mse.Compute(new float[3], new float[4]));
        Assert.Equal("targets", mismatched.ParamName);
        Assert.Contains("length 3", mismatched.Message);
        Assert.Contains("length 4", mismatched.Message);

        ArgumentException empty = Assert.Throws<ArgumentException>(() => Mse.Compute([], []));
        Assert.Equal("predictions", empty.ParamName);
        Assert.Contains("empty", empty.Message);

        var gradients = Enumerable.Repeat(7f, 3).ToArray();
        Assert.Throws<ArgumentException>(() => Mse.ComputeWithGradient(new float[3], new float[2], gradients));
        Assert.Throws<ArgumentException>(() => Mse.ComputeWithGradient([], [], gradients));
        ArgumentException wrongGradients = Assert.Throws<ArgumentException>(() => Mse.ComputeWithGradient(new float[4], new float[4], gradients));
        Assert.Equal("gradients", wrongGradients.ParamName);
        Assert.Contains("length 4", wrongGradients.Message);
        Assert.Contains("length 3", wrongGradients.Message);
        Assert.Throws<ArgumentException>(() => Mse.ComputeWithGradient(new float[3], new float[3], new float[2]));
        Assert.All(gradients, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void SgdRejectsInvalidLearningRatesAndMismatchedSpans()
    {
        foreach (float rate in (float[])[float.NaN, -1f, -float.Epsilon, float.PositiveInfinity, float.NegativeInfinity])
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(rate));
            var sgd = new Sgd(0.1f);
            Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = rate);
            Assert.Equal(0.1f, sgd.LearningRate);
        }

        Assert.Equal(0f, new Sgd(0f).LearningRate);

        var parameters = new float[] { 1f, 2f, 3f };
        ArgumentException e = Assert.Throws<ArgumentException>(() => new Sgd(0.1f).Step(parameters, new float[2]));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
        Assert.Equal([1f, 2f, 3f], parameters);

        Assert.Throws<ArgumentNullException>(() => new Sgd(0.1f).Step((INetwork)null!));
        Assert.Throws<ArgumentNullException>(() => ((IOptimizer)null!).Step(new SeedNet(1)));
    }

    [Fact]
    public void ViewIndexersRejectOutOfRangeIndicesAndNameTheTensor()
    {
        var model = new SeedNet(seed: 1);

        // fc1.weight is [2, 3].
        foreach ((int row, int column) in new[] { (2, 0), (0, 3), (-1, 0), (0, -1), (int.MaxValue, 0) })
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fc1.Weight[row, column]);
            Assert.Contains("fc1.weight", e.Message);
            Assert.Contains("[2, 3]", e.Message);
        }

        foreach (int index in (int[])[6, -1])
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fc1.Weight[index]);
            Assert.Contains("fc1.weight", e.Message);
        }

        ArgumentOutOfRangeException bias = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fc2.Bias[1]);
        Assert.Contains("fc2.bias", bias.Message);
        ArgumentOutOfRangeException gradient = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fc1.WeightGradient[0, 3]);
        Assert.Contains("fc1.weight.grad", gradient.Message);
        ArgumentOutOfRangeException biasGradient = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fc1.BiasGradient[2]);
        Assert.Contains("fc1.bias.grad", biasGradient.Message);

        // A layer declared with Bias = false has no bias view.
        var deep = new DeepNet(seed: 1);
        Assert.False(deep.Fc2.HasBias);
        InvalidOperationException noBias = Assert.Throws<InvalidOperationException>(() => deep.Fc2.Bias);
        Assert.Contains("fc2", noBias.Message);
        Assert.Throws<InvalidOperationException>(() => deep.Fc2.BiasGradient);
    }

    [Fact]
    public void CopyFromWithTheWrongLengthWritesNothing()
    {
        var model = new SeedNet(seed: 1);
        float[] before = model.Parameters.ToArray();
        foreach (int length in (int[])[0, 5, 7, 11])
        {
            ArgumentException e = Assert.Throws<ArgumentException>(() => model.Fc1.Weight.CopyFrom(Enumerable.Repeat(9f, length).ToArray()));
            Assert.Equal("values", e.ParamName);
            Assert.Contains("fc1.weight", e.Message);
            Assert.Contains("6", e.Message);
            Assert.Contains($"got {length}", e.Message);
        }

        Assert.Throws<ArgumentException>(() => model.Fc2.Bias.CopyFrom([1f, 2f]));
        Assert.Throws<ArgumentException>(() => model.Fc1.WeightGradient.CopyFrom([1f]));
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0);
    }

    [Fact]
    public void TensorViewConstructorRejectsAViewOutsideItsStorage()
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => new TensorView(new float[10], "x.weight", 5, 2, 3, isVector: false));
        Assert.Contains("x.weight", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorView(new float[10], "x.weight", -1, 1, 3, isVector: true));
        Assert.Throws<ArgumentNullException>(() => new TensorView(null!, "x", 0, 1, 1, isVector: true));
    }
}
