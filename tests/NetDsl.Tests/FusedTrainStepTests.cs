using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

// A fully unrolled convolution whose weights each serve many outputs (so a weight's gradient is a sum of taps), with
// padding, then a standalone activation stage and a Linear head.
[Network(UnrollLimit = 1_000_000)]
[Input(2, 4, 5)]
[Conv2D(3, Kernel = 3, Padding = 1, Name = "conv")]
[Tanh]
[Flatten]
[Linear(4, Name = "head"), Sigmoid]
[Linear(3, Name = "out")]
public partial class FusedConvNet;

/// <summary>
/// The generated <c>TrainStep</c> of fully unrolled networks against the separate calls it fuses (ZeroGradients,
/// ForwardTraining, the loss, Backward, <c>Sgd.Step</c>), which the numerics tests check against the double-precision
/// oracle: the same parameters bit for bit after several steps, for every activation, layers without bias, standalone
/// activation stages, shared convolution weights, and two losses.
/// </summary>
public sealed class FusedTrainStepTests
{
    private const float LearningRate = 0.05f;
    private const int Steps = 6;

    [Fact]
    public void SeedNetworkStepsEqualTheSeparateCalls() =>
        AssertEqualSteps<SeedNetUnrolled>((m, x, t, l) => m.TrainStep(new SeedNetUnrolled.Input(x), t, l, LearningRate), new MeanSquaredErrorLoss());

    [Fact]
    public void EveryActivationAndNoBiasEqualTheSeparateCalls()
    {
        AssertEqualSteps<DeepNetUnrolled>((m, x, t, l) => m.TrainStep(new DeepNetUnrolled.Input(x), t, l, LearningRate), new MeanSquaredErrorLoss());
        AssertEqualSteps<DeepNetUnrolled>((m, x, t, l) => m.TrainStep(new DeepNetUnrolled.Input(x), t, l, LearningRate), new CrossEntropyLoss(), classes: true);
    }

    [Theory]
    [InlineData(LossReduction.Mean)]
    [InlineData(LossReduction.Sum)]
    public void TheInlinedMeanSquaredErrorEqualsTheSeparateCalls(LossReduction reduction)
    {
        // The overload for a static type of MeanSquaredErrorLoss inlines the loss; its bits must be those of the loss.
        AssertEqualSteps<SeedNetUnrolled>((m, x, t, l) => m.TrainStep(new SeedNetUnrolled.Input(x), t, (MeanSquaredErrorLoss)l, LearningRate), new MeanSquaredErrorLoss(reduction));
        AssertEqualSteps<DeepNetUnrolled>((m, x, t, l) => m.TrainStep(new DeepNetUnrolled.Input(x), t, (MeanSquaredErrorLoss)l, LearningRate), new MeanSquaredErrorLoss(reduction));
    }

    [Fact]
    public void StandaloneActivationStagesEqualTheSeparateCalls() =>
        AssertEqualSteps<ActivationFirstNetUnrolled>((m, x, t, l) => m.TrainStep(new ActivationFirstNetUnrolled.Input(x), t, l, LearningRate), new MeanSquaredErrorLoss());

    [Fact]
    public void SharedConvolutionWeightsEqualTheSeparateCalls() =>
        AssertEqualSteps<FusedConvNet>((m, x, t, l) => m.TrainStep(new FusedConvNet.Input(x), t, l, LearningRate), new CrossEntropyLoss(labelSmoothing: 0.1f), classes: true);

    [Fact]
    public void OnlyNetworksWithoutModeOrStateGetTheMethod()
    {
        Assert.True(HasTrainStep(typeof(SmoothNetUnrolled)));
        Assert.False(HasTrainStep(typeof(SmoothNetKernels))); // kernel stages keep their activations in workspaces
        Assert.False(HasTrainStep(typeof(DropoutNetUnrolled))); // dropout: training and inference differ
        Assert.False(HasTrainStep(typeof(BatchNormNetUnrolled))); // running statistics
        Assert.False(HasTrainStep(typeof(CnnNetUnrolled))); // pooling is not fused
    }

    private static bool HasTrainStep(Type network) => network.GetMethods().Any(m => m.Name == "TrainStep");

    [Fact]
    public void BadInputIsRefusedAndLeavesNothingRecorded()
    {
        var model = new SeedNetUnrolled(seed: 3);
        var input = new SeedNetUnrolled.Input([0.1f, 0.2f, 0.3f]);
        Assert.Throws<ArgumentNullException>(() => model.TrainStep(input, [1f], (ILoss)null!, LearningRate));
        Assert.Throws<ArgumentNullException>(() => model.TrainStep(input, [1f], (MeanSquaredErrorLoss)null!, LearningRate));
        Assert.Throws<ArgumentException>(() => model.TrainStep(input, [1f, 2f], (ILoss)new MeanSquaredErrorLoss(), LearningRate));
        Assert.Throws<ArgumentException>(() => model.TrainStep(input, [1f, 2f], new MeanSquaredErrorLoss(), LearningRate));
        Assert.Throws<ArgumentException>(() => model.TrainStep(input, [], new MeanSquaredErrorLoss(), LearningRate));

        model.ForwardTraining([0.1f, 0.2f, 0.3f], new float[1]);
        model.TrainStep(input, [1f], new MeanSquaredErrorLoss(), LearningRate);
        // The recorded activations belonged to the parameters before the step: Backward must not use them.
        Assert.Throws<InvalidOperationException>(() => model.Backward([1f]));
    }

    [Fact]
    public void AStepAllocatesNothing()
    {
        var model = new DeepNetUnrolled(seed: 5);
        var input = new DeepNetUnrolled.Input([0.1f, -0.2f, 0.3f, 0.4f, -0.5f]);
        float[] target = [0f, 1f, 0f, 0f];
        var mse = new MeanSquaredErrorLoss();
        ILoss loss = new CrossEntropyLoss();
        float[] label = [2f];
        AllocationAssert.NoneAfterWarmUp(nameof(DeepNetUnrolled), 1,
        [
            ("TrainStep (MeanSquaredErrorLoss)", () => model.TrainStep(input, target, mse, LearningRate)),
            ("TrainStep (ILoss)", () => model.TrainStep(input, label, loss, LearningRate)),
        ]);
    }

    private static void AssertEqualSteps<TNetwork>(Func<TNetwork, float[], float[], ILoss, float> fusedStep, ILoss loss, bool classes = false)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork fused = TNetwork.Create(11), separate = TNetwork.Create(11);
        fused.Gradients.Fill(123f);
        var random = new Random(17);
        var prediction = new float[TNetwork.OutputSize];
        var outputGradient = new float[TNetwork.OutputSize];
        var sgd = new Sgd(LearningRate);
        for (int step = 0; step < Steps; step++)
        {
            float[] x = TestData.Uniform(random, TNetwork.InputSize);
            float[] target = classes ? [random.Next(TNetwork.OutputSize)] : TestData.Uniform(random, TNetwork.OutputSize);

            float fusedLoss = fusedStep(fused, x, target, loss);

            separate.ZeroGradients();
            separate.ForwardTraining(x, prediction);
            float separateLoss = loss.ComputeWithGradient(prediction, target, outputGradient);
            separate.Backward(outputGradient);
            sgd.Step(separate);

            Assert.Equal(separateLoss, fusedLoss);
            float[] expected = separate.Parameters.ToArray(), actual = fused.Parameters.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{typeof(TNetwork).Name}, step {step}: parameter {i} is {actual[i]:R} fused and {expected[i]:R} from the separate calls.");
            }
        }

        Assert.All(fused.Gradients.ToArray(), g => Assert.Equal(123f, g));
    }
}
