using System;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The typed views of convolution and normalization layers read and write the flat parameters in PyTorch's layouts;
/// hand-worked max pooling (ties, padding as -infinity); one model serving changing batch sizes with inference between
/// a training forward pass and its backward pass.
/// </summary>
public sealed class LayerViewTests
{
    [Fact]
    public void ConvolutionViewsIndexTheFlatParametersInPyTorchsLayout()
    {
        var model = new CnnNet(seed: 1);
        for (int j = 0; j < model.Parameters.Length; j++)
        {
            model.Parameters[j] = j;
            model.Gradients[j] = -j;
        }

        // conv1: weight [out 3, in 2, kh 3, kw 2] at offset 0, then bias [3].
        LayerView conv1 = model.Conv1;
        Assert.Equal("conv1", conv1.Name);
        Assert.Equal("conv1.weight", conv1.Weight.Name);
        Assert.Equal([3, 2, 3, 2], conv1.Weight.Shape);
        Assert.Equal("conv1.weight.grad", conv1.WeightGradient.Name);
        for (int o = 0; o < 3; o++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int kh = 0; kh < 3; kh++)
                {
                    for (int kw = 0; kw < 2; kw++)
                    {
                        int flat = (((((o * 2) + i) * 3) + kh) * 2) + kw;
                        Assert.Equal(flat, conv1.Weight[o, i, kh, kw]);
                        Assert.Equal(-flat, conv1.WeightGradient[o, i, kh, kw]);
                    }
                }
            }

            Assert.Equal(36 + o, conv1.Bias[o]);
        }

        // conv2 (no bias) follows conv1's bias: weight [4, 3, 2, 2] at offset 39.
        LayerView conv2 = model.Conv2;
        Assert.False(conv2.HasBias);
        Assert.Throws<InvalidOperationException>(() => conv2.Bias);
        Assert.Equal(39 + (((((1 * 3) + 2) * 2) + 1) * 2) + 0, conv2.Weight[1, 2, 1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => conv2.Weight[4, 0, 0, 0]);

        // Writes land in the flat storage.
        conv2.Weight[3, 2, 1, 1] = -7.5f;
        Assert.Equal(-7.5f, model.Parameters[39 + 47]);

        // A Conv1D weight is [out, in, kernel].
        var sequence = new SequenceNet(seed: 1);
        Assert.Equal([5, 3, 3], sequence.Conv1.Weight.Shape);
        sequence.Conv1.Weight[4, 2, 1] = 123f;
        Assert.Equal(123f, sequence.Parameters[(((4 * 3) + 2) * 3) + 1]);
        Assert.Equal([6, 4, 3], sequence.Conv3.Weight.Shape);
        Assert.False(sequence.Conv3.HasBias);

        // LayerNorm's weight and bias have the sample's shape.
        var reshape = new ReshapeNet(seed: 1);
        Assert.Equal([3, 6], reshape.Ln.Weight.Shape);
        Assert.Equal([3, 6], reshape.Ln.Bias.Shape);
        Assert.True(reshape.Ln.Weight.ToArray().All(w => w == 1f));
        int lnWeight = reshape.ParameterTensors.Single(t => t.Name == "ln.weight").Offset;
        reshape.Ln.Weight[2, 5] = 3f;
        Assert.Equal(3f, reshape.Parameters[lnWeight + 17]);
        Assert.Equal([11], new ResidualNet(seed: 1).Ln.Weight.Shape);
    }

    [Fact]
    public void SummaryAndArchitectureShowBothSidesOfAsymmetricSamePadding()
    {
        // 'same' padding of an even kernel pads (k - 1) / 2 before and the rest after, as PyTorch does; the descriptions
        // (which weight files record to recognize a network) must not show it as the symmetric padding before.
        Assert.Contains("conv2=Conv1D(5,4,k4,padding(1,2))", new SequenceNet(1).Architecture, StringComparison.Ordinal);
        Assert.Contains("conv1=Conv1D(3,5,k3,padding2,dilation2)", new SequenceNet(1).Architecture, StringComparison.Ordinal);
        Assert.Contains("conv2=Conv1D(2,2,k2,padding(0,1))", new ResidualConvNet(1).Architecture, StringComparison.Ordinal);
        Assert.Contains("conv=Conv2D(4,2,2x2,padding(0,1)x(0,1))", new ReshapeNet(1).Architecture, StringComparison.Ordinal);
        Assert.Contains("conv1=Conv2D(2,3,3x2,stride2,padding1x1)", new CnnNet(1).Architecture, StringComparison.Ordinal);
        Assert.Contains("Conv1D(5, 4, k4, padding (1, 2))", SequenceNet.Summary, StringComparison.Ordinal);
    }

    public static TheoryData<float> LogitOffsets() => [0f, 50f, 100f, 1000f, -1000f];

    [Theory]
    [MemberData(nameof(LogitOffsets))]
    public void SoftmaxAndLogSoftmaxAreStableForLargeLogits(float offset)
    {
        // PyTorch subtracts the maximum before exponentiating; exp(100) already overflows float.
        float[] x = [offset + 1f, offset - 2f, offset + 3.5f, offset, offset - 0.25f, offset + 3f, offset - 30f];
        float[] dy = [0.3f, -0.1f, 0.7f, -0.9f, 0.2f, 0.4f, -0.5f];
        (INetwork Model, ReferenceModel Reference)[] cases =
        [
            (new SoftmaxNet(1), new ReferenceModel([7], ReferenceLayers.Softmax())),
            (new LogSoftmaxNet(1), new ReferenceModel([7], ReferenceLayers.LogSoftmax())),
        ];
        foreach ((INetwork model, ReferenceModel reference) in cases)
        {
            string what = $"{model.GetType().Name} at offset {offset}";
            ReferenceTrace trace = reference.Train([], [], LayerTestSupport.D(x), 1);
            var y = new float[7];
            model.Forward(x, y);
            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: Forward");
            model.ForwardTraining(x, y);
            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: ForwardTraining");
            var dx = new float[7];
            model.Backward(dy, dx);
            Tolerance.AssertClose(trace.Backward(LayerTestSupport.D(dy)).Inputs, dx, $"{what}: input gradients");
        }
    }

    public static TheoryData<string> TieNames() => ["MaxPoolTieNet", "MaxPoolTieNetKernels", "MaxPoolTieNetUnrolled"];

    [Theory]
    [MemberData(nameof(TieNames))]
    public void MaxPoolingSendsTiesToTheFirstMaximumAndNeverPicksThePadding(string name)
    {
        // MaxPool1d(3, stride=2, padding=1) on [-5, -4, -4, -7, -1]: windows [pad, -5, -4], [-4, -4, -7], [-7, -1, pad].
        // With padding counted as 0 the outputs would be [0, -4, 0]; the tie in the second window goes to index 1.
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = c.Create(1);
        float[] x = [-5, -4, -4, -7, -1];
        var y = new float[3];
        model.ForwardTraining(x, y);
        Assert.Equal([-4f, -4f, -1f], y);
        var dx = new float[5];
        model.Backward([1f, 2f, 4f], dx);
        Assert.Equal([0f, 3f, 0f, 0f, 4f], dx);
        Assert.Equal([-4f, -4f, -1f], c.ForwardTyped(model, x));

        // The oracle agrees.
        ReferenceTrace trace = c.Reference.Train([], [], [-5, -4, -4, -7, -1], 1);
        Assert.Equal([-4, -4, -1], trace.Outputs);
        Assert.Equal([0, 3, 0, 0, 4], trace.Backward([1, 2, 4]).Inputs);
    }

    [Theory]
    [MemberData(nameof(LayerNetworks.Names), MemberType = typeof(LayerNetworks))]
    public void OneModelServesChangingBatchesAndInferenceDoesNotDisturbTheRecording(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = LayerTestSupport.Create(c, seed: 3);
        var random = new Random(3);
        foreach (int batch in (int[])[2, 5, 3, 5, 2])
        {
            float[] inputs = LayerTestSupport.Inputs(c, model, batch, random, training: true);
            float[] outputGradients = TestData.Uniform(random, batch * c.OutputSize);
            double[] buffers = LayerTestSupport.D(model.Buffers);
            model.ZeroGradients();
            var outputs = new float[batch * c.OutputSize];
            model.ForwardTraining(inputs, outputs);
            bool[][]? masks = c.HasDropout ? LayerTestSupport.ReadDropoutMasks(c, model, batch, outputs) : null;

            // Inference between the training forward pass and its backward pass, on other data and batch sizes.
            float[] other = TestData.Uniform(random, 4 * c.InputSize);
            model.ForwardBatch(other, new float[4 * c.OutputSize]);
            model.Forward(other.AsSpan(0, c.InputSize), new float[c.OutputSize]);
            c.ForwardTyped(model, other.AsSpan(c.InputSize, c.InputSize).ToArray());

            var inputGradients = new float[inputs.Length];
            model.Backward(outputGradients, inputGradients);
            double[] parameters = LayerTestSupport.D(model.Parameters);
            ReferenceTrace trace = c.Reference.Train(parameters, buffers, LayerTestSupport.D(inputs), batch, masks);
            ReferenceGradients expected = trace.Backward(LayerTestSupport.D(outputGradients));
            Sensitivity sensitivity = LayerTestSupport.MeasureSensitivity(c, parameters, buffers, LayerTestSupport.D(inputs), batch, masks, LayerTestSupport.D(outputGradients));
            LayerTestSupport.AssertTraining(c, trace.Outputs, expected.Parameters, expected.Inputs, sensitivity, outputs, model.Gradients, inputGradients, $"{name}, batch {batch}");
            LayerTestSupport.AssertBuffers(c, trace.Buffers, model.Buffers, $"{name}, batch {batch}: running statistics");
        }
    }
}
