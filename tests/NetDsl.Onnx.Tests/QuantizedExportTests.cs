using System;
using System.Linq;
using NetDsl.Quantization;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// Int8 networks exported in QDQ form run in ONNX Runtime (with its QDQ fusions into integer kernels, and without any
/// graph rewrite, in float) and give NetDsl's int8 outputs to within one quantization step of the last layer's inputs.
/// </summary>
public sealed class QuantizedExportTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool> Cases() => new()
    {
        { nameof(Int8MlpNet), true }, { nameof(Int8MlpNet), false }, { nameof(Int8ShapesNet), true }, { nameof(Int8ShapesNet), false },
        { nameof(Int8CnnNet), true }, { nameof(Int8CnnNet), false },
        { nameof(Int8ActivationsNet), true }, { nameof(Int8ActivationsNet), false },
        { nameof(Int8PoolsNet), true }, { nameof(Int8PoolsNet), false },
        { nameof(Int8SignalNet), true }, { nameof(Int8SignalNet), false },
        { nameof(Int8NormMlpNet), true }, { nameof(Int8NormMlpNet), false },
        { nameof(Int8NormCnnNet), true }, { nameof(Int8NormCnnNet), false },
        { nameof(Int8NormSequenceNet), true }, { nameof(Int8NormSequenceNet), false },
        { nameof(Int8ResidualCnnNet), true }, { nameof(Int8ResidualCnnNet), false },
        { nameof(Int8ResidualMlpNet), true }, { nameof(Int8ResidualMlpNet), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntime_GivesNetDslsInt8Outputs(string name, bool optimize)
    {
        (INetwork model, QuantizedNetwork quantized) = Create(name);
        var random = new Random(3);
        int inputSize = quantized.InputSize;
        float[] inputs = Enumerable.Range(0, 40 * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var expected = new float[40 * quantized.OutputSize];
        quantized.ForwardBatch(inputs, expected);

        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(quantized), optimize);
        (float[] actual, long[] shape) = runner.Run(inputs, 40, model.Layers[0].InputShape);

        Assert.Equal([40L, quantized.OutputSize], shape);
        float[] step = OneStep(quantized);
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            largest = Math.Max(largest, difference / step[i % quantized.OutputSize]);
            Assert.True(difference <= step[i % quantized.OutputSize] + 1e-5 * Math.Abs(expected[i]),
                $"{name}, output {i % quantized.OutputSize} of sample {i / quantized.OutputSize}: NetDsl {expected[i]}, ONNX Runtime {actual[i]}, one step {step[i % quantized.OutputSize]}.");
        }

        output.WriteLine($"{name} (optimize: {optimize}): largest difference {largest:0.000} of one step.");
    }

    [Fact]
    public void TheModel_CarriesTheIntegerTensors()
    {
        (_, QuantizedNetwork quantized) = Create(nameof(Int8MlpNet));
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(quantized), optimize: false);

        Assert.Equal("int8", runner.Session.ModelMetadata.CustomMetadataMap["netdsl.quantization"]);
        Assert.Equal(quantized.Architecture, runner.Session.ModelMetadata.CustomMetadataMap["netdsl.architecture"]);
    }

    /// <summary>
    /// Per output of the last Linear layer: how much it moves when each of its inputs moves by one quantization step,
    /// <c>s_in * s_w[o] * sum_k |w_q[o, k]|</c> — the size of one rounding difference in the layer before. A softmax tail
    /// only shrinks differences (its outputs move at most as much as its inputs' spread).
    /// </summary>
    private static float[] OneStep(QuantizedNetwork network)
    {
        var last = (QuantizedLinear)network.Stages[^1];
        var step = new float[last.OutFeatures];
        for (int o = 0; o < step.Length; o++)
        {
            long total = 0;
            for (int k = 0; k < last.InFeatures; k++)
            {
                total += Math.Abs((int)last.Weights[o * last.InFeatures + k]);
            }

            step[o] = (float)(last.Input.Scale * (double)last.WeightScales[o] * total);
        }

        return step;
    }

    [Fact]
    public void FloatParameters_AreInitializersUnderTheirPyTorchNames()
    {
        (_, QuantizedNetwork quantized) = Create(nameof(Int8NormMlpNet));
        var model = Onnx.Export.QuantizedModelTranslator.Translate(quantized, new OnnxExportOptions());

        string[] initializers = model.Graph.Initializers.Select(t => t.Name).ToArray();
        Assert.Subset(initializers.ToHashSet(), new[] { "norm.weight", "norm.bias", "prelu1.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "prelu2.weight" }.ToHashSet());
        string[] operations = model.Graph.Nodes.Select(n => n.OpType).ToArray();
        Assert.Contains("LayerNormalization", operations);
        Assert.Contains("BatchNormalization", operations);
        Assert.Equal(2, operations.Count(o => o == "PRelu"));
    }

    /// <summary>The normalizations' and PReLUs' tensors away from their initial values, so that each of them matters.</summary>
    private static INetwork WithFloatParameters(INetwork model)
    {
        var random = new Random(6);
        var kinds = model.Layers.ToDictionary(l => l.Name, l => l.Kind);
        foreach ((TensorInfo tensor, bool buffer) in model.ParameterTensors.Select(t => (t, false)).Concat(model.BufferTensors.Select(t => (t, true))))
        {
            string kind = kinds[tensor.Name[..tensor.Name.LastIndexOf('.')]];
            if (kind is not ("LayerNorm" or "BatchNorm1D" or "BatchNorm2D" or "PReLU"))
            {
                continue;
            }

            Span<float> values = (buffer ? model.Buffers : model.Parameters).Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++)
            {
                double u = random.NextDouble();
                values[i] = (float)(kind == "PReLU" ? (0.8 * u) - 0.3
                    : tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 0.3 + (1.5 * u)
                    : tensor.Name.EndsWith(".weight", StringComparison.Ordinal) ? 0.5 + u
                    : u - 0.5);
            }
        }

        return model;
    }

    private static (INetwork Model, QuantizedNetwork Quantized) Create(string name)
    {
        INetwork model = name switch
        {
            nameof(Int8MlpNet) => new Int8MlpNet(seed: 4),
            nameof(Int8CnnNet) => new Int8CnnNet(seed: 4),
            nameof(Int8ActivationsNet) => new Int8ActivationsNet(seed: 4),
            nameof(Int8PoolsNet) => new Int8PoolsNet(seed: 4),
            nameof(Int8SignalNet) => new Int8SignalNet(seed: 4),
            nameof(Int8NormMlpNet) => WithFloatParameters(new Int8NormMlpNet(seed: 4)),
            nameof(Int8NormCnnNet) => WithFloatParameters(new Int8NormCnnNet(seed: 4)),
            nameof(Int8NormSequenceNet) => WithFloatParameters(new Int8NormSequenceNet(seed: 4)),
            nameof(Int8ResidualCnnNet) => new Int8ResidualCnnNet(seed: 4),
            nameof(Int8ResidualMlpNet) => new Int8ResidualMlpNet(seed: 4),
            _ => new Int8ShapesNet(seed: 4),
        };
        int inputSize = model.Layers[0].InputShape.ToArray().Aggregate(1, (a, b) => a * b);
        var random = new Random(5);
        float[] calibration = Enumerable.Range(0, 300 * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        return (model, QuantizedNetwork.Create(model, calibration));
    }
}
