using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

[Network(UnrollLimit = 0)]
[Input(4)]
[Linear(3, Name = "fc1"), ReLU]
[Linear(2, Name = "fc2")]
public partial class CheckedKernelNet;

[Network]
[Input(4)]
[Linear(3, Name = "fc1"), ReLU]
[Linear(2, Name = "fc2")]
public partial class CheckedUnrolledNet;

[Network]
[Input(2, 6)]
[Conv1D(3, Kernel = 3, Name = "conv")]
[BatchNorm1D(Name = "bn"), ReLU]
[Flatten]
[Linear(2, Name = "fc")]
public partial class CheckedBatchNormNet;

/// <summary>32 outputs on a small map: the convolution writes channels-last and its max pool runs inside it unless checks are on.</summary>
[Network]
[Input(1, 6, 6)]
[Conv2D(32, Kernel = 3, Padding = 1, Name = "conv"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(2, Name = "fc")]
public partial class CheckedPooledConvNet;

/// <summary>The numeric check mode and the tests that turn it on run alone: the switch is process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NumericChecksCollection
{
    public const string Name = "Numeric checks (process-wide switch)";
}

/// <summary>
/// With <see cref="NumericChecks.Enabled"/>, a generated network names the first NaN or infinity: in its input, a layer's
/// output, the gradient arriving at a layer, or a parameter gradient, with the sample and element; without it, values
/// flow through unchecked. Each network runs on the kernels, unrolled, and with batch normalization's segments.
/// </summary>
[Collection(NumericChecksCollection.Name)]
public sealed class NumericChecksTests
{
    public static TheoryData<string> Networks() => ["kernels", "unrolled"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void ANonFiniteInput_IsNamedWithItsSample(string variant)
    {
        INetwork network = Create(variant);
        float[] inputs = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, float.NaN, 4];

        NonFiniteValueException exception = WithChecks(() => network.ForwardBatch(inputs, new float[6]));

        Assert.Equal((2, 2), (exception.Sample, exception.Element));
        Assert.Equal(network.GetType().Name + ": NaN in the input, sample 2, element 2; the values before it were finite.", exception.Message);
        WithChecks(() => network.ForwardTraining(inputs, new float[6]), expected: exception.Message);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void AnInfiniteActivation_IsNamedAtTheFirstLayerThatProducesIt(string variant)
    {
        INetwork network = Create(variant);
        LinearLayerView fc1 = variant == "kernels" ? ((CheckedKernelNet)network).Fc1 : ((CheckedUnrolledNet)network).Fc1;
        fc1.Weight[1, 3] = float.PositiveInfinity;
        float[] input = [1, 1, 1, 1];

        NonFiniteValueException single = WithChecks(() => network.Forward(input, new float[2]));

        Assert.Equal(network.GetType().Name + ": Infinity in the output of layer 'fc1' (Linear, then ReLU, stage 1), sample 0, element 1; the values before it were finite.", single.Message);
        // In a batch the sample is named: the first one's -inf goes through ReLU as 0.
        WithChecks(() => network.ForwardBatch([1, 1, 1, -1, .. input], new float[4]), expected: single.Message.Replace("sample 0", "sample 1", StringComparison.Ordinal));
        WithChecks(() => network.ForwardTraining(input, new float[2]), expected: single.Message);

        // Off, the same call runs through and the infinity reaches the output.
        var output = new float[2];
        network.Forward(input, output);
        Assert.False(float.IsFinite(output[0]) && float.IsFinite(output[1]));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GradientsThatOverflow_AreNamedAtTheLayerWhoseBackwardProducesThem(string variant)
    {
        INetwork network = Create(variant);
        LinearLayerView fc1 = variant == "kernels" ? ((CheckedKernelNet)network).Fc1 : ((CheckedUnrolledNet)network).Fc1;
        LinearLayerView fc2 = variant == "kernels" ? ((CheckedKernelNet)network).Fc2 : ((CheckedUnrolledNet)network).Fc2;
        fc2.Weight[0, 1] = float.MaxValue;
        network.ForwardTraining([1, -1, 0.5f, 2], new float[2]);

        // The output gradient itself.
        NonFiniteValueException arriving = WithChecks(() => network.Backward([float.NaN, 0]));
        Assert.Equal(network.GetType().Name + ": NaN in the gradient arriving at the output, sample 0, element 0; the values before it were finite.", arriving.Message);

        // With activations above 1, the weight gradient dy * h overflows first, in fc2's backward.
        network.ZeroGradients();
        fc1.Weight.AsSpan().Fill(1);
        network.ForwardTraining([4, 4, 4, 4], new float[2]);
        NonFiniteValueException weightGradient = WithChecks(() => network.Backward([float.MaxValue, 0]));
        Assert.StartsWith(network.GetType().Name + ": Infinity in the gradient of fc2.weight, element ", weightGradient.Message, StringComparison.Ordinal);
        Assert.Equal(-1, weightGradient.Sample);

        // With zero inputs the activations are fc1's biases (|b| <= 0.5), so the parameter gradients stay finite and
        // MaxValue * MaxValue overflows at the gradient of fc2's input.
        network.ZeroGradients();
        network.ForwardTraining([0, 0, 0, 0], new float[2]);
        NonFiniteValueException inputGradient = WithChecks(() => network.Backward([float.MaxValue, 0]));
        Assert.Equal(network.GetType().Name + ": Infinity in the gradient at the input of layer 'fc2' (Linear, stage 2), sample 0, element 1; the values before it were finite.", inputGradient.Message);
    }

    [Fact]
    public void AConvolutionWhosePoolRunsInsideIt_IsStillCheckedOnItsOwnOutputs()
    {
        var network = new CheckedPooledConvNet(3);
        float[] input = Enumerable.Repeat(1f, 2 * 36).ToArray();
        var unchecked_ = new float[4];
        var checked_ = new float[4];
        network.ForwardBatch(input, unchecked_);
        NumericChecks.Enabled = true;
        try
        {
            network.ForwardBatch(input, checked_);
        }
        finally
        {
            NumericChecks.Enabled = false;
        }

        Assert.Equal(unchecked_, checked_);

        // Channel 5's centre tap: every output of channel 5 is infinite, named at the convolution (planar element 5 * 36).
        // In inference the ReLU runs after the pool, so the convolution is checked before it, and the message says so:
        // a -infinity, which the ReLU would turn into 0, is reported at the convolution as what it is.
        network.Parameters[5 * 9 + 4] = float.PositiveInfinity;
        NonFiniteValueException exception = WithChecks(() => network.ForwardBatch(input, new float[4]));
        Assert.Equal("CheckedPooledConvNet: Infinity in the output of layer 'conv' (Conv2D, before its ReLU, which runs after the pool, stage 1), sample 0, element 180; the values before it were finite.", exception.Message);
        network.Parameters[5 * 9 + 4] = float.NegativeInfinity;
        exception = WithChecks(() => network.ForwardBatch(input, new float[4]));
        Assert.Equal("CheckedPooledConvNet: -Infinity in the output of layer 'conv' (Conv2D, before its ReLU, which runs after the pool, stage 1), sample 0, element 180; the values before it were finite.", exception.Message);
    }

    [Fact]
    public void TheFusedTrainStep_IsCheckedToo_AndTakesTheSameStep()
    {
        var unchecked_ = new CheckedUnrolledNet(5);
        var checked_ = new CheckedUnrolledNet(5);
        checked_.Gradients.Fill(0.25f);
        var input = new CheckedUnrolledNet.Input(0.5f, -1f, 2f, 0.25f);
        float[] target = [1, -1];

        float expectedLoss = unchecked_.TrainStep(input, target, new MeanSquaredErrorLoss(), 0.1f);
        NumericChecks.Enabled = true;
        float loss;
        try
        {
            loss = checked_.TrainStep(input, target, new MeanSquaredErrorLoss(), 0.1f);
        }
        finally
        {
            NumericChecks.Enabled = false;
        }

        Assert.Equal(expectedLoss, loss);
        Assert.Equal(unchecked_.Parameters.ToArray(), checked_.Parameters.ToArray());
        Assert.All(checked_.Gradients.ToArray(), g => Assert.Equal(0.25f, g)); // left as it was, as the fused step leaves it

        var bad = new CheckedUnrolledNet.Input(0.5f, float.NegativeInfinity, 2f, 0.25f);
        NonFiniteValueException exception = WithChecks(() => checked_.TrainStep(bad, target, new CrossEntropyLoss(), 0.1f));
        Assert.Equal("CheckedUnrolledNet: -Infinity in the input, sample 0, element 1; the values before it were finite.", exception.Message);
    }

    [Fact]
    public void BatchNormalizationsSegments_AreCheckedToo()
    {
        var network = new CheckedBatchNormNet(3);
        network.Conv.Weight.AsSpan()[0] = float.PositiveInfinity;
        float[] inputs = new float[2 * 12];
        inputs.AsSpan().Fill(1);

        NonFiniteValueException exception = WithChecks(() => network.ForwardTraining(inputs, new float[4]));

        Assert.Equal("CheckedBatchNormNet: Infinity in the output of layer 'conv' (Conv1D, stage 1), sample 0, element 0; the values before it were finite.", exception.Message);
    }

    private static INetwork Create(string variant) => variant == "kernels" ? new CheckedKernelNet(7) : new CheckedUnrolledNet(7);

    private static NonFiniteValueException WithChecks(Action action, string? expected = null)
    {
        NumericChecks.Enabled = true;
        try
        {
            NonFiniteValueException exception = Assert.Throws<NonFiniteValueException>(action);
            if (expected is not null)
            {
                Assert.Equal(expected, exception.Message);
            }

            return exception;
        }
        finally
        {
            NumericChecks.Enabled = false;
        }
    }
}
