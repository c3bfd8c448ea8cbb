using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// After warm-up (construction and a first call at the largest batch size, which sizes the workspace), every
/// forward, backward, loss and optimizer call allocates nothing, on an unrolled, a kernel and a mixed network.
/// </summary>
public sealed class AllocationTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    public static TheoryData<int> Batches() => [1, 32];

    [Theory]
    [MemberData(nameof(Batches))]
    public void FullyUnrolledNetworkAllocatesNothing(int batch)
    {
        var model = new DeepNetUnrolled(seed: 1);
        var input = new DeepNetUnrolled.Input(0.1f, -0.2f, 0.3f, -0.4f, 0.5f);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { DeepNetUnrolled.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void KernelNetworkAllocatesNothing(int batch)
    {
        var model = new WideNetKernels(seed: 1);
        var input = new WideNetKernels.Input(new float[WideNetKernels.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { WideNetKernels.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void MixedNetworkAllocatesNothing(int batch)
    {
        var model = new WideNet(seed: 1);
        var input = new WideNet.Input(new float[WideNet.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { WideNet.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void NetworkWithAPoolInsideItsConvolutionAllocatesNothing(int batch)
    {
        var model = new CheckedPooledConvNet(seed: 1);
        var input = new CheckedPooledConvNet.Input(new float[CheckedPooledConvNet.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { CheckedPooledConvNet.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void ActivationFirstKernelNetworkAllocatesNothing(int batch)
    {
        var model = new ActivationFirstNetKernels(seed: 1);
        var input = new ActivationFirstNetKernels.Input(new float[ActivationFirstNetKernels.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { ActivationFirstNetKernels.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    private static void AssertNoAllocations<T>(T model, int batch, Action typedForward)
        where T : class, INetwork<T>
    {
        var random = new Random(batch);
        float[] input = TestData.Uniform(random, T.InputSize);
        float[] output = new float[T.OutputSize];
        float[] inputs = TestData.Uniform(random, batch * T.InputSize);
        float[] outputs = new float[batch * T.OutputSize];
        float[] targets = TestData.Uniform(random, batch * T.OutputSize);
        float[] outputGradients = new float[batch * T.OutputSize];
        float[] inputGradients = new float[batch * T.InputSize];
        var sgd = new Sgd(1e-3f);
        float loss = 0;

        var calls = new List<(string Name, Action Call)>
        {
            ("Forward(in Input)", typedForward),
            ("Forward(span, span)", () => model.Forward(input, output)),
            ("ForwardBatch", () => model.ForwardBatch(inputs, outputs)),
            ("ForwardTraining", () => model.ForwardTraining(inputs, outputs)),
            ("MeanSquaredErrorLoss.Compute", () => loss += Mse.Compute(outputs, targets)),
            ("MeanSquaredErrorLoss.ComputeWithGradient (gradient only)", () => Mse.ComputeWithGradient(outputs, targets, outputGradients)),
            ("MeanSquaredErrorLoss.ComputeWithGradient", () => loss += Mse.ComputeWithGradient(outputs, targets, outputGradients)),
            ("Backward(outputGradients)", () => model.Backward(outputGradients)),
            ("Backward(outputGradients, inputGradients)", () => model.Backward(outputGradients, inputGradients)),
            ("Sgd.Step(network)", () => sgd.Step(model)),
            ("Sgd.Step(spans)", () => sgd.Step(model.Parameters, model.Gradients)),
            ("ZeroGradients", () => model.ZeroGradients()),
        };

        AllocationAssert.NoneAfterWarmUp(typeof(T).Name, batch, calls);

        // The whole training step in one go, repeated.
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 10; step++)
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            loss += Mse.ComputeWithGradient(outputs, targets, outputGradients);
            model.Backward(outputGradients, inputGradients);
            sgd.Step(model);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
        Assert.True(float.IsFinite(loss));
    }
}
