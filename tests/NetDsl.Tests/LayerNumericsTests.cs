using System;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The layer catalog against the double-precision oracle: inference forward, training forward with every parameter
/// gradient and the input gradient, and the running statistics a training pass leaves, on every test network along every
/// emit path, over seeds and batch sizes; and the three emit paths of each architecture against each other.
/// Tolerances: <see cref="Tolerance"/> (1e-5 of the compared tensor's largest element; outputs floored at 1, parameter
/// gradients at the network's largest gradient).
/// </summary>
public sealed class LayerNumericsTests
{
    public static TheoryData<string, int, int> NetworkSeedBatch()
    {
        var data = new TheoryData<string, int, int>();
        foreach (LayerCase c in LayerNetworks.All)
        {
            foreach (int seed in LayerTestSupport.Seeds)
            {
                foreach (int batch in LayerTestSupport.BatchSizes)
                {
                    data.Add(c.Name, seed, batch);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, int> ArchitectureBatch()
    {
        var data = new TheoryData<string, int>();
        foreach (string architecture in LayerNetworks.Architectures)
        {
            foreach (int batch in LayerTestSupport.BatchSizes)
            {
                data.Add(architecture, batch);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NetworkSeedBatch))]
    public void InferenceMatchesTheReference(string name, int seed, int batch)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = LayerTestSupport.Create(c, seed);
        var random = new Random((seed * 1000) + (batch * 10) + 3);
        LayerTestSupport.RandomizeBuffers(model, random); // running statistics as after training: inference must use them
        float[] inputs = LayerTestSupport.Inputs(c, model, batch, random, training: false);
        double[] expected = c.Reference.Infer(LayerTestSupport.D(model.Parameters), LayerTestSupport.D(model.Buffers), LayerTestSupport.D(inputs), batch);
        float[] buffers = model.Buffers.ToArray();

        var outputs = new float[batch * c.OutputSize];
        model.ForwardBatch(inputs, outputs);
        Tolerance.AssertOutputsClose(expected, outputs, $"{name}.ForwardBatch");
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<double> expectedSample = expected.AsSpan(n * c.OutputSize, c.OutputSize);
            var output = new float[c.OutputSize];
            model.Forward(inputs.AsSpan(n * c.InputSize, c.InputSize), output);
            Tolerance.AssertOutputsClose(expectedSample, output, $"{name}.Forward(span, span), sample {n}");
            Tolerance.AssertOutputsClose(expectedSample, c.ForwardTyped(model, inputs.AsSpan(n * c.InputSize, c.InputSize).ToArray()), $"{name}.Forward(in Input), sample {n}");
        }

        Assert.True(model.Buffers.SequenceEqual(buffers), $"{name}: inference changed the running statistics.");
    }

    [Theory]
    [MemberData(nameof(NetworkSeedBatch))]
    public void TrainingForwardAndGradientsMatchTheReference(string name, int seed, int batch)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = LayerTestSupport.Create(c, seed);
        var random = new Random((seed * 1000) + (batch * 10) + 4);
        LayerTestSupport.RandomizeBuffers(model, random);
        if (batch < c.MinimumTrainingBatch)
        {
            // PyTorch refuses a training batch with a single value per channel; so does NetDsl.
            Assert.Throws<InvalidOperationException>(() => model.ForwardTraining(new float[batch * c.InputSize], new float[batch * c.OutputSize]));
            return;
        }

        float[] inputs = LayerTestSupport.Inputs(c, model, batch, random, training: true);
        double[] parameters = LayerTestSupport.D(model.Parameters);
        double[] buffersBefore = LayerTestSupport.D(model.Buffers);

        var outputs = new float[batch * c.OutputSize];
        model.ForwardTraining(inputs, outputs);
        bool[][]? masks = c.HasDropout ? LayerTestSupport.ReadDropoutMasks(c, model, batch, outputs) : null;
        float[] outputGradients = TestData.Uniform(random, outputs.Length);
        var inputGradients = new float[inputs.Length];
        inputGradients.AsSpan().Fill(float.NaN); // must be overwritten
        model.Backward(outputGradients, inputGradients);

        ReferenceTrace trace = c.Reference.Train(parameters, buffersBefore, LayerTestSupport.D(inputs), batch, masks);
        ReferenceGradients expected = trace.Backward(LayerTestSupport.D(outputGradients));
        Sensitivity sensitivity = LayerTestSupport.MeasureSensitivity(c, parameters, buffersBefore, LayerTestSupport.D(inputs), batch, masks, LayerTestSupport.D(outputGradients));
        LayerTestSupport.AssertTraining(c, trace.Outputs, expected.Parameters, expected.Inputs, sensitivity, outputs, model.Gradients, inputGradients, name);
        LayerTestSupport.AssertBuffers(c, trace.Buffers, model.Buffers, $"{name}: running statistics after ForwardTraining");

        // Backward without the input gradient adds the same parameter gradients; a second Backward adds them again.
        float[] once = model.Gradients.ToArray();
        model.ZeroGradients();
        model.Backward(outputGradients);
        Assert.True(model.Gradients.SequenceEqual(once), $"{name}: Backward(dy) and Backward(dy, dx) differ in the parameter gradients.");
        model.Backward(outputGradients, inputGradients);
        Tolerance.AssertClose(once.Select(g => 2.0 * g).ToArray(), model.Gradients, $"{name}: gradients after two Backward calls");
    }

    [Theory]
    [MemberData(nameof(ArchitectureBatch))]
    public void EmitPathsAgree(string architecture, int batch)
    {
        LayerCase[] variants = [LayerNetworks.Get(architecture, EmitPath.Default), LayerNetworks.Get(architecture, EmitPath.Kernels), LayerNetworks.Get(architecture, EmitPath.Unrolled)];

        // The same seed everywhere gives the same dropout generator; the parameters and buffers are then copied across.
        INetwork[] models = variants.Select(v => v.Create(42)).ToArray();
        INetwork source = LayerTestSupport.Create(variants[0], 5);
        var random = new Random(batch);
        LayerTestSupport.RandomizeBuffers(source, random);
        foreach (INetwork model in models)
        {
            source.Parameters.CopyTo(model.Parameters);
            source.Buffers.CopyTo(model.Buffers);
        }

        bool training = batch >= variants[0].MinimumTrainingBatch;
        float[] inputs = LayerTestSupport.Inputs(variants[0], source, batch, random, training);
        float[] outputGradients = TestData.Uniform(random, batch * variants[0].OutputSize);
        var outputs = new float[3][];
        var trainingOutputs = new float[3][];
        var inputGradients = new float[3][];
        bool[][]? masks = null;
        for (int m = 2; m >= 0; m--)
        {
            outputs[m] = new float[batch * variants[m].OutputSize];
            models[m].ForwardBatch(inputs, outputs[m]);
            if (training)
            {
                trainingOutputs[m] = new float[outputs[m].Length];
                models[m].ForwardTraining(inputs, trainingOutputs[m]);
                if (m == 2 && variants[m].HasDropout)
                {
                    masks = LayerTestSupport.ReadDropoutMasks(variants[m], models[m], batch, trainingOutputs[m]);
                }

                inputGradients[m] = new float[inputs.Length];
                models[m].Backward(outputGradients, inputGradients[m]);
            }
        }

        // The unrolled variant is the yardstick; the other two must agree with it to float rounding (and to the
        // conditioning of the point, measured on the oracle with the same masks).
        Sensitivity? sensitivity = training
            ? LayerTestSupport.MeasureSensitivity(variants[2], LayerTestSupport.D(source.Parameters), LayerTestSupport.D(source.Buffers), LayerTestSupport.D(inputs), batch, masks, LayerTestSupport.D(outputGradients))
            : null;
        for (int m = 0; m < 2; m++)
        {
            string what = $"{variants[m].Name} against {variants[2].Name}, batch {batch}";
            Tolerance.AssertOutputsClose(outputs[2], outputs[m], $"{what}: ForwardBatch");
            if (sensitivity is null)
            {
                continue;
            }

            LayerTestSupport.AssertTraining(variants[m], LayerTestSupport.D(trainingOutputs[2]), LayerTestSupport.D(models[2].Gradients), LayerTestSupport.D(inputGradients[2]), sensitivity,
                trainingOutputs[m], models[m].Gradients, inputGradients[m], what);
            LayerTestSupport.AssertBuffers(variants[m], LayerTestSupport.D(models[2].Buffers), models[m].Buffers, $"{what}: running statistics");
        }
    }

    [Theory]
    [MemberData(nameof(LayerNetworks.Names), MemberType = typeof(LayerNetworks))]
    public void ShapesAndTensorsFollowPyTorch(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        ReferenceModel reference = c.Reference;
        Assert.Equal(reference.InputShape, c.InputShape);
        Assert.Equal(reference.OutputShape, c.OutputShape);
        Assert.Equal(reference.InputSize, c.InputSize);
        Assert.Equal(reference.OutputSize, c.OutputSize);
        Assert.Equal(reference.ParameterCount, c.ParameterCount);

        INetwork model = c.Create(1);
        Assert.Equal(reference.ParameterTensors.Select(t => (t.Name, t.Offset, string.Join(",", t.Shape))), model.ParameterTensors.Select(t => (t.Name, t.Offset, string.Join(",", t.Shape.ToArray()))));
        Assert.Equal(reference.BufferTensors.Select(t => (t.Name, t.Offset, string.Join(",", t.Shape))), model.BufferTensors.Select(t => (t.Name, t.Offset, string.Join(",", t.Shape.ToArray()))));
        Assert.Equal(reference.BufferCount, model.Buffers.Length);

        // PyTorch's initial values: Linear and convolution tensors uniform in ±1/sqrt(fan_in) (and spread over that range),
        // normalization weights 1 and biases 0, running means 0 and variances 1.
        Assert.Equal(reference.InitialBuffers(), LayerTestSupport.D(model.Buffers));
        foreach (ReferenceTensor tensor in reference.ParameterTensors)
        {
            float[] values = model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
            if (tensor.Name.EndsWith(".in_proj_weight", StringComparison.Ordinal))
            {
                // Attention's in_proj_weight [3E, E]: Xavier uniform, ±sqrt(6 / (fan_in + fan_out)).
                double xavier = Math.Sqrt(6.0 / (tensor.Shape[0] + tensor.Shape[1]));
                Assert.True(values.All(v => Math.Abs(v) <= xavier * (1 + 1e-6)) && values.Max(v => Math.Abs(v)) >= 0.5 * xavier, $"{name}: {tensor.Name} is not Xavier uniform in ±{xavier}.");
                continue;
            }

            if (tensor.FanIn == 0 && double.IsNaN(tensor.InitialValue))
            {
                // The oracle's mark for PyTorch's N(0, 1) (embeddings, learned positions): finite, spread like a standard normal.
                double mean = values.Average(v => (double)v);
                double deviation = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
                Assert.True(values.All(float.IsFinite) && (values.Length < 16 || (deviation > 0.5 && deviation < 1.6)), $"{name}: {tensor.Name} does not look drawn from N(0, 1) (standard deviation {deviation}).");
                continue;
            }

            if (tensor.FanIn == 0)
            {
                Assert.True(values.All(v => v == tensor.InitialValue), $"{name}: {tensor.Name} does not start at {tensor.InitialValue}.");
                continue;
            }

            double bound = 1 / Math.Sqrt(tensor.FanIn);
            Assert.True(values.All(v => Math.Abs(v) <= bound * (1 + 1e-6)), $"{name}: {tensor.Name} has values beyond ±1/sqrt({tensor.FanIn}).");
            if (values.Length >= 16)
            {
                // 16 uniform draws all within half the range: probability 2^-16.
                Assert.True(values.Max(v => Math.Abs(v)) >= 0.5 * bound, $"{name}: {tensor.Name} does not spread over ±1/sqrt({tensor.FanIn}).");
            }
        }
    }
}
