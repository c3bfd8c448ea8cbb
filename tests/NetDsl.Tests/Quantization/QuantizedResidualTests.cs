using System;
using System.Linq;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// Int8 networks with residual blocks (the add in integers, <see cref="Int8ResidualAddTests"/>): against their float
/// networks, their per-layer report, files, threads and allocations. The integer reference of whole networks is
/// <see cref="QuantizedNetworkTests"/>'.
/// </summary>
public sealed class QuantizedResidualTests
{
    public static TheoryData<string> Networks() => new() { nameof(Int8ResidualCnn), nameof(Int8ResidualMlp), nameof(Int8NestedResidual) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_KeepTheFloatNetworksArgMax(string name)
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(name, seed: 21);
        float[] inputs = QuantizedNetworkTests.Inputs(model, 200, seed: 22);
        var exact = new float[200 * quantized.OutputSize];
        var int8 = new float[exact.Length];
        model.ForwardBatch(inputs, exact);
        quantized.ForwardBatch(inputs, int8);

        int classes = quantized.OutputSize;
        int agreeing = Enumerable.Range(0, 200).Count(n => ArgMax(exact.AsSpan(n * classes, classes)) == ArgMax(int8.AsSpan(n * classes, classes)));
        Assert.True(agreeing >= 180, $"{name}: the int8 arg-max is the float one on {agreeing} of 200 samples.");
    }

    [Fact]
    public void AnAddAsTheLastStage_IsWithinAFewStepsOfTheFloatSum()
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(nameof(Int8ResidualMlp), seed: 23);
        float[] inputs = QuantizedNetworkTests.Inputs(model, 100, seed: 123); // calibration samples: no output beyond the calibrated range
        var exact = new float[100 * quantized.OutputSize];
        var int8 = new float[exact.Length];
        model.ForwardBatch(inputs, exact);
        quantized.ForwardBatch(inputs, int8);

        float step = quantized.Layers[^1].Output.Scale;
        Assert.Equal("EndResidual", quantized.Layers[^1].Kind);
        for (int i = 0; i < exact.Length; i++)
        {
            Assert.True(Math.Abs(exact[i] - int8[i]) <= 6 * step, $"Output {i}: float {exact[i]}, int8 {int8[i]}, one step {step}.");
        }
    }

    [Fact]
    public void Layers_KeepBlocksPlanarAndFuseTheReluIntoTheAdd()
    {
        (_, QuantizedNetwork quantized) = Quantize(nameof(Int8ResidualCnn), seed: 25);

        Assert.Equal(new[] { "conv1", "block", "conv2", "conv3", "add" }, quantized.Layers.Select(l => l.Name).Take(5));
        Assert.Equal(new[] { "Conv2D+ReLU", "Residual", "Conv2D+BatchNorm2D+ReLU", "Conv2D", "EndResidual+ReLU", "MaxPool2D", "Linear" }, quantized.Layers.Select(l => l.Kind));
        var windows = quantized.Stages.OfType<QuantizedWindowStage>().ToArray();
        Assert.Equal(new[] { false, false, true, false }, windows.Select(w => w.ChannelsLastInput));
        Assert.Equal(new[] { false, true, false, false }, windows.Select(w => w.ChannelsLastOutput));
        Assert.Equal(0, quantized.Layers.Single(l => l.Kind == "EndResidual+ReLU").Output.ZeroPoint);
    }

    [Fact]
    public void Evaluate_ReportsTheAdds()
    {
        var model = new Int8NestedResidual(26);
        float[] inputs = QuantizedNetworkTests.Inputs(model, 200, seed: 27);
        var logits = new float[200 * Int8NestedResidual.OutputSize];
        model.ForwardBatch(inputs, logits);
        int[] labels = Enumerable.Range(0, 200).Select(n => ArgMax(logits.AsSpan(n * 3, 3))).ToArray();
        QuantizedNetwork quantized = model.Quantize(inputs.AsSpan(0, 100 * Int8NestedResidual.InputSize)).Network;

        QuantizationReport report = quantized.Evaluate(model, inputs, labels);

        Assert.Equal(
            new[] { "fc1", "outer", "fc2", "inner", "fc3", "fc4", "innerAdd", "fc5", "outerAdd", "fc6" },
            report.Layers.Where(l => l.Kind != "Tanh (float)").Select(l => l.Name));
        LayerQuantizationError innerAdd = report.Layers.Single(l => l.Name == "innerAdd");
        Assert.Equal("EndResidual+ReLU", innerAdd.Kind);
        Assert.All(report.Layers, layer => Assert.InRange(layer.RelativeError, 1e-6, 0.1));
        Assert.InRange(report.Int8Accuracy, 0.9, 1.0);
    }

    [Fact]
    public void ManyThreads_GiveTheSameBits()
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(nameof(Int8NestedResidual), seed: 28);
        QuantizedAssert.SameBitsOnManyThreads((x, y) => quantized.ForwardBatch(x, y), QuantizedNetworkTests.Inputs(model, 64, seed: 29), 64 * quantized.OutputSize);
    }

    [Theory]
    [InlineData(nameof(Int8ResidualCnn))]
    [InlineData(nameof(Int8NestedResidual))]
    public void Forward_AllocatesNothingAfterWarmUp(string name)
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(name, seed: 30);
        float[] inputs = QuantizedNetworkTests.Inputs(model, 70, seed: 31);
        var outputs = new float[70 * quantized.OutputSize];
        var output = new float[quantized.OutputSize];
        AllocationAssert.None($"{name}.ForwardBatch and Forward", () =>
        {
            quantized.ForwardBatch(inputs, outputs);
            quantized.Forward(inputs.AsSpan(0, quantized.InputSize), output);
        }, warmUps: 50, repetitions: 10);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void SaveThenLoad_GivesTheSameBits(string name)
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(name, seed: 32);
        QuantizedAssert.RoundTrips(model, quantized, QuantizedNetworkTests.Inputs(model, 30, seed: 33));
    }

    [Fact]
    public void TheFile_HoldsTheAddsOutputQuantizationOnly()
    {
        (_, QuantizedNetwork quantized) = Quantize(nameof(Int8ResidualMlp), seed: 34);
        SafeTensorsFile file = SafeTensorsFile.Read(quantized.ToBytes());

        Assert.Equal(
            new[] { "add1.output_scale F32 [1]", "add1.output_zero_point U8 [1]", "add2.output_scale F32 [1]", "add2.output_zero_point U8 [1]" },
            file.Tensors.Where(t => t.Name.StartsWith("add", StringComparison.Ordinal)).Select(t => $"{t.Name} {t.Dtype} {t.ShapeText}"));
        Assert.DoesNotContain(file.Tensors, t => t.Name.StartsWith("block", StringComparison.Ordinal));
        Assert.Equal("I32", file.GetTensor("fc4.bias").Dtype); // the last Linear ends a block: requantized, not the float output
    }

    [Theory]
    [InlineData("F16", 1, 1f, WeightFileError.UnsupportedDtype, "Expected tensor 'innerAdd.output_scale' of dtype F32, got F16")]
    [InlineData("F32", 2, 1f, WeightFileError.ShapeMismatch, "Expected tensor 'innerAdd.output_scale' of shape [1], got [2]")]
    [InlineData("F32", 1, 0f, WeightFileError.ValueOutOfRange, "Tensor 'innerAdd.output_scale' holds 0 at index 0; a scale must be finite and positive")]
    [InlineData("F32", 1, float.NaN, WeightFileError.ValueOutOfRange, "Tensor 'innerAdd.output_scale' holds NaN at index 0; a scale must be finite and positive")]
    public void Load_RefusesABadAddScale(string dtype, int count, float value, WeightFileError error, string message)
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(nameof(Int8NestedResidual), seed: 35);
        byte[] file = Rewrite(quantized, "innerAdd.output_scale", writer =>
        {
            if (dtype == "F32")
            {
                writer.Add("innerAdd.output_scale", Enumerable.Repeat(value, count).ToArray(), count);
            }
            else
            {
                writer.AddRaw("innerAdd.output_scale", dtype, new byte[2 * count], count);
            }
        });

        var thrown = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(file, model.Layers, model.Architecture));
        Assert.Equal(error, thrown.Error);
        Assert.Contains(message, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesAMissingAddZeroPoint()
    {
        (INetwork model, QuantizedNetwork quantized) = Quantize(nameof(Int8NestedResidual), seed: 36);
        byte[] file = Rewrite(quantized, "outerAdd.output_zero_point", _ => { });

        var thrown = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(file, model.Layers, model.Architecture));
        Assert.Equal(WeightFileError.MissingTensor, thrown.Error);
        Assert.Contains("Expected a tensor 'outerAdd.output_zero_point' (U8 [1]); the file has none", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePlan_RefusesAnEndResidualThatClosesAnotherBlock()
    {
        LayerInfo[] layers = [Layer("outer", "Residual"), Layer("inner", "Residual"), Layer("end", "EndResidual", blockStart: 0), Layer("end2", "EndResidual", blockStart: 1)];
        var error = Assert.Throws<ArgumentException>(() => QuantizationPlan.Of(layers, "hand-written"));
        Assert.Contains("Layer 'end' (EndResidual) closes the block opened by layer 0, but the innermost open Residual is layer 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePlan_RefusesABlockNeverClosed()
    {
        LayerInfo[] layers = [Layer("open", "Residual"), Layer("relu", "ReLU")];
        var error = Assert.Throws<ArgumentException>(() => QuantizationPlan.Of(layers, "hand-written"));
        Assert.Contains("layer 0 ('open') opens one that is never closed", error.Message, StringComparison.Ordinal);
    }

    private static LayerInfo Layer(string name, string kind, int? blockStart = null) => new(
        name, kind, [4], [4], [], [], blockStart is null ? [] : ["BlockStart"], blockStart is null ? [] : [blockStart.Value]);

    /// <summary>The network's file with the tensor <paramref name="replaced"/> left out and whatever <paramref name="add"/> writes instead.</summary>
    private static byte[] Rewrite(QuantizedNetwork network, string replaced, Action<SafeTensorsWriter> add)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(network.ToBytes());
        var writer = new SafeTensorsWriter();
        foreach ((string key, string value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (SafeTensorsEntry tensor in file.Tensors.Where(t => t.Name != replaced))
        {
            writer.AddRaw(tensor.Name, tensor.Dtype, file.GetRawData(tensor.Name).ToArray(), tensor.Shape.ToArray());
        }

        add(writer);
        return writer.ToArray();
    }

    private static (INetwork Model, QuantizedNetwork Quantized) Quantize(string name, int seed)
    {
        INetwork model = QuantizedNetworkTests.Create(name, seed);
        return (model, QuantizedNetwork.Create(model, QuantizedNetworkTests.Inputs(model, 200, seed + 100)));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
