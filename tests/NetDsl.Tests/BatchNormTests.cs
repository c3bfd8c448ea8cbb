using System;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Batch normalization's training and inference modes: the running statistics after one and after several
/// <c>ForwardTraining</c> calls (momentum, the unbiased variance) against the oracle, inference on those statistics,
/// the buffers' names and views. Tolerances: <see cref="Tolerance"/>.
/// </summary>
public sealed class BatchNormTests
{
    [Theory]
    [MemberData(nameof(LayerNetworks.BatchNormNames), MemberType = typeof(LayerNetworks))]
    public void RunningStatisticsFollowTheReferenceAndInferenceUsesThem(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = LayerTestSupport.Create(c, seed: 3);
        double[] parameters = LayerTestSupport.D(model.Parameters);
        double[] buffers = c.Reference.InitialBuffers();
        Assert.Equal(buffers, LayerTestSupport.D(model.Buffers));
        var random = new Random(17);

        // Training calls with changing batch sizes; the statistics run on from call to call. The dropouts of these
        // networks come after every batch normalization, so their masks do not touch the statistics.
        int call = 0;
        foreach (int batch in (int[])[3, 5, 2, 4])
        {
            call++;
            float[] inputs = LayerTestSupport.Inputs(c, model, batch, random, training: true);
            model.ForwardTraining(inputs, new float[batch * c.OutputSize]);
            buffers = c.Reference.Train(parameters, buffers, LayerTestSupport.D(inputs), batch, LayerTestSupport.KeepAll(c.Reference, batch)).Buffers;
            LayerTestSupport.AssertBuffers(c, buffers, model.Buffers, $"{name}: running statistics after {call} ForwardTraining call(s) (the last with a batch of {batch})");
        }

        // Inference normalizes with the running statistics, not with the batch's.
        const int inferenceBatch = 3;
        float[] x = LayerTestSupport.Inputs(c, model, inferenceBatch, random, training: true);
        var outputs = new float[inferenceBatch * c.OutputSize];
        model.ForwardBatch(x, outputs);
        Tolerance.AssertOutputsClose(c.Reference.Infer(parameters, buffers, LayerTestSupport.D(x), inferenceBatch), outputs, $"{name}: inference after training");
        var single = new float[c.OutputSize];
        model.Forward(x.AsSpan(0, c.InputSize), single);
        Tolerance.AssertOutputsClose(c.Reference.Infer(parameters, buffers, LayerTestSupport.D(x.AsSpan(0, c.InputSize)), 1), single, $"{name}: single-sample inference after training");
        double[] batchStatistics = c.Reference.Train(parameters, buffers, LayerTestSupport.D(x), inferenceBatch, LayerTestSupport.KeepAll(c.Reference, inferenceBatch)).Outputs;
        Assert.True(batchStatistics.Zip(outputs, (a, b) => Math.Abs(a - b)).Max() > 1e-2, $"{name}: inference gave the batch-statistics outputs.");
    }

    [Fact]
    public void BuffersHavePyTorchsNamesAndViews()
    {
        var model = new BatchNormNet(seed: 1);
        Assert.Equal(
            [("bn2d.running_mean", 0, 4), ("bn2d.running_var", 4, 4), ("bn.running_mean", 8, 10), ("bn.running_var", 18, 10)],
            model.BufferTensors.Select(t => (t.Name, t.Offset, t.Length)));
        Assert.Equal(["conv.weight", "conv.bias", "bn2d.weight", "bn2d.bias", "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias"], model.ParameterTensors.Select(t => t.Name));

        for (int j = 0; j < model.Buffers.Length; j++)
        {
            model.Buffers[j] = j;
        }

        LayerView bn = model.Bn;
        Assert.Equal("bn", bn.Name);
        Assert.Equal("bn.running_mean", bn.RunningMean.Name);
        Assert.Equal("bn.running_var", bn.RunningVar.Name);
        Assert.Equal([10], bn.RunningMean.Shape);
        for (int ch = 0; ch < 10; ch++)
        {
            Assert.Equal(8 + ch, bn.RunningMean[ch]);
            Assert.Equal(18 + ch, bn.RunningVar[ch]);
        }

        Assert.Equal(4f, model.Bn2d.RunningVar[0]);
        bn.RunningVar[3] = -1.5f;
        Assert.Equal(-1.5f, model.Buffers[21]);

        // The affine parameters: weight and bias of shape [C], initialized to 1 and 0.
        model.ResetParameters(1);
        Assert.Equal([10], bn.Weight.Shape);
        Assert.True(bn.Weight.ToArray().All(w => w == 1f) && bn.Bias.ToArray().All(b => b == 0f));
        Assert.Equal(model.Parameters[model.ParameterTensors.Single(t => t.Name == "bn.bias").Offset], bn.Bias[0]);

        // ResetParameters restores the running statistics as well.
        Assert.Equal(LayerNetworks.Get("BatchNormNet").Reference.InitialBuffers(), LayerTestSupport.D(model.Buffers));

        // Without affine parameters there is no weight, but there are running statistics.
        var sequence = new BatchNormSequenceNet(seed: 1);
        Assert.False(sequence.Bn2.HasWeight);
        Assert.False(sequence.Bn2.HasBias);
        Assert.Throws<InvalidOperationException>(() => sequence.Bn2.Weight);
        Assert.Equal("bn2.running_var", sequence.Bn2.RunningVar.Name);
        Assert.Equal(["bn.running_mean", "bn.running_var", "bn2.running_mean", "bn2.running_var"], sequence.BufferTensors.Select(t => t.Name));
    }

    [Fact]
    public void TrainingRefusesASingleValuePerChannelLikePyTorch()
    {
        // BatchNorm1D on [C] sees one value per channel in a batch of one; on [C, L] it sees L values.
        foreach (string name in (string[])["BatchNormNet", "BatchNormNetKernels", "BatchNormNetUnrolled", "ResNet", "ResNetKernels", "ResNetUnrolled"])
        {
            LayerCase c = LayerNetworks.Get(name);
            INetwork model = c.Create(1);
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => model.ForwardTraining(new float[c.InputSize], new float[c.OutputSize]));
            Assert.Contains("more than one value per channel", e.Message, StringComparison.Ordinal);
        }

        var sequence = new BatchNormSequenceNet(1);
        sequence.ForwardTraining(new float[BatchNormSequenceNet.InputSize], new float[BatchNormSequenceNet.OutputSize]);
    }
}
