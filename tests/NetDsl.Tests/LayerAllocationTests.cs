using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// After warm-up (a first round of calls at the batch size, which sizes the workspaces), no call of a network of the
/// layer catalog allocates: CNNs on the kernels and unrolled, and a ResNet with batch normalization, dropout and
/// residual blocks; stacked, bidirectional RNN, LSTM and GRU layers (training keeps their states in the workspace).
/// </summary>
public sealed class LayerAllocationTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    public static TheoryData<int> Batches() => [2, 5];

    [Theory]
    [MemberData(nameof(Batches))]
    public void KernelCnnAllocatesNothing(int batch)
    {
        var model = new CnnNetKernels(seed: 1);
        var input = new CnnNetKernels.Input(new float[CnnNetKernels.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { CnnNetKernels.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void UnrolledCnnAllocatesNothing(int batch)
    {
        var model = new CnnNetUnrolled(seed: 1);
        var input = new CnnNetUnrolled.Input(new float[CnnNetUnrolled.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { CnnNetUnrolled.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void WideKernelCnnAllocatesNothing(int batch)
    {
        var model = new WideCnnNetKernels(seed: 1);
        var input = new WideCnnNetKernels.Input(new float[WideCnnNetKernels.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { WideCnnNetKernels.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void ResNetWithBatchNormAndDropoutAllocatesNothing(int batch)
    {
        var model = new ResNet(seed: 1);
        var input = new ResNet.Input(new float[ResNet.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { ResNet.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void UnrolledResidualNetAllocatesNothing(int batch)
    {
        var model = new ResidualNetUnrolled(seed: 1);
        var input = new ResidualNetUnrolled.Input(new float[ResidualNetUnrolled.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { ResidualNetUnrolled.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void StackedLstmAllocatesNothing(int batch)
    {
        var model = new LstmNet(seed: 1);
        var input = new LstmNet.Input(new float[LstmNet.InputSize]);
        float sink = 0;
        AssertNoAllocations(model, batch, () => { LstmNet.Output y = model.Forward(in input); sink += y[0]; });
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void BidirectionalGruAndRnnAllocateNothing(int batch)
    {
        var gru = new GruNet(seed: 1);
        var gruInput = new GruNet.Input(new float[GruNet.InputSize]);
        var rnn = new RnnNet(seed: 1);
        var rnnInput = new RnnNet.Input(new float[RnnNet.InputSize]);
        float sink = 0;
        AssertNoAllocations(gru, batch, () => { GruNet.Output y = gru.Forward(in gruInput); sink += y[0]; });
        AssertNoAllocations(rnn, batch, () => { RnnNet.Output y = rnn.Forward(in rnnInput); sink += y[0]; });
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
        float[] outputGradients = TestData.Uniform(random, batch * T.OutputSize);
        float[] inputGradients = new float[batch * T.InputSize];
        var sgd = new Sgd(1e-3f);
        float loss = 0;

        var calls = new List<(string Name, Action Call)>
        {
            ("Forward(in Input)", typedForward),
            ("Forward(span, span)", () => model.Forward(input, output)),
            ("ForwardBatch", () => model.ForwardBatch(inputs, outputs)),
            ("ForwardTraining", () => model.ForwardTraining(inputs, outputs)),
            ("Backward(outputGradients)", () => model.Backward(outputGradients)),
            ("Backward(outputGradients, inputGradients)", () => model.Backward(outputGradients, inputGradients)),
            ("ZeroGradients", () => model.ZeroGradients()),
            ("MeanSquaredErrorLoss.ComputeWithGradient", () => loss += Mse.ComputeWithGradient(outputs, targets, outputGradients)),
        };

        AllocationAssert.NoneAfterWarmUp(typeof(T).Name, batch, calls);

        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 10; step++)
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            loss += Mse.ComputeWithGradient(outputs, targets, outputGradients);
            model.Backward(outputGradients, inputGradients);
            sgd.Step(model);
            model.ForwardBatch(inputs, outputs);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
        Assert.True(float.IsFinite(loss));
    }
}
