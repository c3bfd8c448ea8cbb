using System;
using System.Linq;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Two channels-last convolutions, each with a max pool inside (the second's pool leaves a row and column unread): both pack their weights.</summary>
#pragma warning disable NDSL0021 // on purpose: the second pool floors 5x5 to 2x2
[Network]
[Input(3, 10, 10)]
[Conv2D(16, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[MaxPool2D(2)]
[Conv2D(32, Kernel = 3, Padding = 1, Name = "conv2"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(5, Name = "fc")]
public partial class FreezableConvNet;
#pragma warning restore NDSL0021

/// <summary>
/// <see cref="NetworkFreezing.Freeze"/>: a frozen network gives the same bits, refuses every write with an
/// <see cref="InvalidOperationException"/> (and a failed load changes nothing), still saves, and its convolutions use
/// their packed weights without comparing them again — soundly, since no span can reach the frozen parameters.
/// </summary>
public sealed class FreezeTests
{
    private const int Batch = 3;

    [Fact]
    public void AFrozenNetworkGivesTheSameBitsAtBatchOneAndAtABatch()
    {
        var network = new FreezableConvNet(seed: 5);
        float[] x = Inputs(Batch, seed: 1);
        float[] before = Run(network, x, Batch), beforeOne = Run(network, x.AsSpan(0, FreezableConvNet.InputSize).ToArray(), 1);

        network.Freeze();

        Assert.True(network.IsFrozen());
        Assert.Equal(Bits(before), Bits(Run(network, x, Batch)));
        Assert.Equal(Bits(beforeOne), Bits(Run(network, x.AsSpan(0, FreezableConvNet.InputSize).ToArray(), 1)));
    }

    [Fact]
    public void AFrozenNetworksConvolutionsDoNotCompareTheirWeightsAgain()
    {
        var network = new FreezableConvNet(seed: 6);
        float[] x = Inputs(1, seed: 2);
        float[] y = new float[FreezableConvNet.OutputSize];
        network.ForwardBatch(x, y);
        int compares = PackedWeightCache.t_compares;
        network.ForwardBatch(x, y);
        Assert.True(PackedWeightCache.t_compares > compares, "a network that is not frozen compares its weights with the cached copy");

        network.Freeze();
        network.ForwardBatch(x, y); // packs once from the frozen array
        compares = PackedWeightCache.t_compares;
        for (int i = 0; i < 5; i++)
        {
            network.ForwardBatch(x, y);
        }

        Assert.Equal(compares, PackedWeightCache.t_compares);
    }

    [Fact]
    public void ANetworkThatIsNotFrozenLooksForItsWeightsAmongTheFrozenArraysOnlyOnce()
    {
        new FreezableConvNet(seed: 14).Freeze(); // some array in the process is frozen: lookups are live
        var network = new FreezableConvNet(seed: 15);
        float[] x = Inputs(1, seed: 7);
        float[] y = new float[FreezableConvNet.OutputSize];
        network.ForwardBatch(x, y);
        int lookups = FrozenArrays.t_lookups;
        for (int i = 0; i < 5; i++)
        {
            network.ForwardBatch(x, y);
        }

        Assert.Equal(lookups, FrozenArrays.t_lookups);
        network.Freeze(); // the parameters move: found frozen at their new address
        network.ForwardBatch(x, y);
        int compares = PackedWeightCache.t_compares;
        network.ForwardBatch(x, y);
        Assert.Equal(compares, PackedWeightCache.t_compares);
    }

    [Fact]
    public void TwoFrozenNetworksOfOneShapeTakingTurnsOnAThreadEachGetTheirOwnOutputs()
    {
        var first = new FreezableConvNet(seed: 7);
        var second = new FreezableConvNet(seed: 8);
        float[] x = Inputs(Batch, seed: 3);
        float[] firstExpected = Run(first, x, Batch), secondExpected = Run(second, x, Batch);
        first.Freeze();
        second.Freeze();
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(Bits(firstExpected), Bits(Run(first, x, Batch)));
            Assert.Equal(Bits(secondExpected), Bits(Run(second, x, Batch)));
        }
    }

    [Fact]
    public void ASpanTakenBeforeFreezingNoLongerReachesTheParameters()
    {
        var network = new FreezableConvNet(seed: 9);
        float[] x = Inputs(1, seed: 4);
        Span<float> stale = network.Parameters;
        float[] before = Run(network, x, 1);
        network.Freeze();
        Run(network, x, 1);

        stale.Fill(1000f);

        Assert.Equal(Bits(before), Bits(Run(network, x, 1)));
        Assert.DoesNotContain(1000f, network.ReadParameters().ToArray());
    }

    [Fact]
    public void EveryWriteToAFrozenNetworkThrowsAndNamesFreeze()
    {
        var network = new FreezableConvNet(seed: 10);
        byte[] otherWeights = new FreezableConvNet(seed: 11).SaveWeightsToArray();
        network.Freeze();
        float[] parameters = network.ReadParameters().ToArray();

        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.Parameters[0] = 1f));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.ResetParameters(1)));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.Conv1.Weight));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.Conv1.Bias));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.Fc.Weight));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.LoadWeights(otherWeights)));
        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => new Sgd(0.1f).Step(network)));
        var trainerError = Assert.Throws<ArgumentException>(() => new Trainer<FreezableConvNet>(network, new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f) }));
        Assert.Contains("frozen", trainerError.Message, StringComparison.Ordinal);

        Assert.Equal(parameters, network.ReadParameters().ToArray());
    }

    [Fact]
    public void AFrozenUnrolledNetworksFusedTrainingStepThrowsAndItsForwardPassIsUnchanged()
    {
        var network = new SeedNetUnrolled(seed: 3);
        float[] before = network.Parameters.ToArray();
        SeedNetUnrolled.Output expected = network.Forward(new SeedNetUnrolled.Input([1f, 2f, 3f]));
        network.Freeze();

        AssertNamesFreeze(Assert.Throws<InvalidOperationException>(() => network.TrainStep(new SeedNetUnrolled.Input([1f, 2f, 3f]), [0.5f], new MeanSquaredErrorLoss(), 0.1f)));

        Assert.Equal(before, network.ReadParameters().ToArray());
        Assert.Equal(expected.ToString(), network.Forward(new SeedNetUnrolled.Input([1f, 2f, 3f])).ToString());
    }

    [Fact]
    public void AFrozenNetworkStillReadsSavesAndComputesGradients()
    {
        var network = new FreezableConvNet(seed: 12);
        float[] parameters = network.Parameters.ToArray();
        network.Freeze();
        network.Freeze(); // a second call does nothing

        Assert.Equal(parameters, network.ReadParameters().ToArray());
        Assert.Equal(parameters, WeightFile.Load<FreezableConvNet>(network.SaveWeightsToArray()).Parameters.ToArray());

        // Gradients are not parameters: a frozen network still computes them (to explain a prediction, for example).
        float[] x = Inputs(2, seed: 5);
        network.ZeroGradients();
        network.ForwardTraining(x, new float[2 * FreezableConvNet.OutputSize]);
        network.Backward(Enumerable.Repeat(1f, 2 * FreezableConvNet.OutputSize).ToArray());
        Assert.Contains(network.Gradients.ToArray(), g => g != 0);
    }

    [Fact]
    public void AFrozenNetworksForwardPassAllocatesNothing()
    {
        var network = new FreezableConvNet(seed: 13);
        network.Freeze();
        float[] x = Inputs(Batch, seed: 6);
        float[] y = new float[Batch * FreezableConvNet.OutputSize];
        AllocationAssert.None("a frozen network's forward pass", () => network.ForwardBatch(x, y), warmUps: 3, repetitions: 10);
    }

    private static void AssertNamesFreeze(InvalidOperationException exception) =>
        Assert.Contains("frozen for inference (Freeze)", exception.Message, StringComparison.Ordinal);

    private static float[] Run(FreezableConvNet network, float[] x, int batch)
    {
        float[] y = new float[batch * FreezableConvNet.OutputSize];
        network.ForwardBatch(x, y);
        return y;
    }

    private static float[] Inputs(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * FreezableConvNet.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
