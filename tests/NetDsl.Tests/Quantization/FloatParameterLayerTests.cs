using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// LayerNorm, a standalone BatchNorm1D/BatchNorm2D and PReLU in int8 networks, computed in float between a dequantize and
/// a quantize step: each stage against a double-precision reference written here, whole networks against their float
/// networks, their files (round trip, tensor names, bad values) and their allocations.
/// </summary>
public sealed class FloatParameterLayerTests
{
    private const int CalibrationSamples = 200;

    public static TheoryData<string> Networks() => new() { nameof(Int8NormMlp), nameof(Int8NormCnn), nameof(Int8NormSignal), nameof(Int8NormSequence) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void EachStage_EqualsDequantizeLayerQuantizeInDouble(string name)
    {
        INetwork model = Create(name, seed: 3);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, CalibrationSamples, seed: 4));
        QuantizedFloatLayer[] stages = quantized.Stages.OfType<QuantizedFloatLayer>().Where(s => s.Parameters is not null).ToArray();
        Assert.NotEmpty(stages);

        var random = new Random(5);
        foreach (QuantizedFloatLayer stage in stages)
        {
            const int rows = 3;
            byte[] x = Enumerable.Range(0, rows * stage.InFeatures).Select(_ => (byte)random.Next(256)).ToArray();
            var y = new byte[rows * stage.OutFeatures];
            stage.Run(x, rows, y, new int[rows * stage.OutFeatures]);

            double[] real = x.Select(q => stage.Input.Scale * (double)(q - stage.Input.ZeroPoint)).ToArray();
            double[] expected = Reference(model, stage.Layer, real, rows);
            int exact = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double quantizedValue = Math.Clamp(Math.Round(expected[i] / stage.Output.Scale, MidpointRounding.AwayFromZero) + stage.Output.ZeroPoint, 0, 255);
                // Float kernels against double: a value within a rounding error of a step's midpoint may land one step over.
                Assert.True(Math.Abs(quantizedValue - y[i]) <= 1, $"{name}, {stage.Name} ({stage.Kind}): output {i} is {y[i]}, the reference {quantizedValue} ({expected[i]}).");
                exact += quantizedValue == y[i] ? 1 : 0;
            }

            Assert.True(exact >= 0.95 * y.Length, $"{name}, {stage.Name}: only {exact} of {y.Length} outputs equal the reference.");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_StayCloseToTheFloatNetwork(string name)
    {
        INetwork model = Create(name, seed: 7);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, CalibrationSamples, seed: 8));
        const int samples = 100;
        float[] inputs = Inputs(model, samples, seed: 9);
        var exact = new float[samples * quantized.OutputSize];
        var int8 = new float[exact.Length];
        model.ForwardBatch(inputs, exact);
        quantized.ForwardBatch(inputs, int8);

        double squares = 0, errors = 0;
        int sameClass = 0;
        for (int n = 0; n < samples; n++)
        {
            for (int o = 0; o < quantized.OutputSize; o++)
            {
                int i = n * quantized.OutputSize + o;
                squares += exact[i] * (double)exact[i];
                errors += (exact[i] - (double)int8[i]) * (exact[i] - int8[i]);
            }

            sameClass += ArgMax(exact.AsSpan(n * quantized.OutputSize, quantized.OutputSize)) == ArgMax(int8.AsSpan(n * quantized.OutputSize, quantized.OutputSize)) ? 1 : 0;
        }

        double relative = Math.Sqrt(errors / squares);
        Assert.True(relative < 0.05, $"{name}: relative RMS error of the int8 outputs {relative:P2}.");
        Assert.True(sameClass >= 90, $"{name}: the int8 network's arg-max equals the float network's on {sameClass} of {samples} samples.");
    }

    [Fact]
    public void Quantize_CopiesTheParametersOut()
    {
        INetwork model = Create(nameof(Int8NormMlp), seed: 11);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, 50, seed: 12));
        float[] inputs = Inputs(model, 20, seed: 13);
        var before = new float[20 * quantized.OutputSize];
        quantized.ForwardBatch(inputs, before);

        model.Parameters.Fill(0.5f);
        model.Buffers.Fill(2f);

        var after = new float[before.Length];
        quantized.ForwardBatch(inputs, after);
        Assert.Equal(before, after);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void SaveThenLoad_GivesTheSameBits(string name)
    {
        INetwork model = Create(name, seed: 15);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, 80, seed: 16));
        QuantizedAssert.RoundTrips(model, quantized, Inputs(model, 70, seed: 17));
    }

    [Fact]
    public void TheFile_HoldsTheFloatParametersUnderPyTorchNames()
    {
        var model = (Int8NormCnn)Create(nameof(Int8NormCnn), seed: 19);
        Int8NormCnn.Quantized quantized = model.Quantize(Inputs(model, 40, seed: 20));
        SafeTensorsFile file = SafeTensorsFile.Read(quantized.Network.ToBytes());

        string Describe(string tensor) => file.GetTensor(tensor).Dtype + " " + file.GetTensor(tensor).ShapeText;
        Assert.Equal("F32 [5]", Describe("bn2.weight"));
        Assert.Equal("F32 [5]", Describe("bn2.bias"));
        Assert.Equal("F32 [5]", Describe("bn2.running_mean"));
        Assert.Equal("F32 [5]", Describe("bn2.running_var"));
        Assert.Equal("F32 [5]", Describe("prelu.weight"));
        Assert.Equal("F32 [1]", Describe("prelu.output_scale"));
        Assert.Equal("U8 [1]", Describe("norm.output_zero_point"));
        Assert.False(file.Contains("norm.weight"), "the LayerNorm has no elementwise affine parameters");
        Assert.False(file.Contains("bn1.running_var"), "bn1 is folded into conv1");
        Assert.Equal(model.Buffers.Slice(model.BufferTensors.Single(t => t.Name == "bn2.running_var").Offset, 5).ToArray(), file.GetFloat32("bn2.running_var"));

        var mlp = (Int8NormMlp)Create(nameof(Int8NormMlp), seed: 21);
        SafeTensorsFile mlpFile = SafeTensorsFile.Read(mlp.Quantize(Inputs(mlp, 40, seed: 22)).Network.ToBytes());
        Assert.Equal("F32 [14]", mlpFile.GetTensor("norm.weight").Dtype + " " + mlpFile.GetTensor("norm.weight").ShapeText);
        Assert.Equal("F32 [1]", mlpFile.GetTensor("prelu1.weight").Dtype + " " + mlpFile.GetTensor("prelu1.weight").ShapeText);
        Assert.Equal("[9]", mlpFile.GetTensor("prelu2.weight").ShapeText);

        var sequence = (Int8NormSequence)Create(nameof(Int8NormSequence), seed: 23);
        SafeTensorsFile sequenceFile = SafeTensorsFile.Read(sequence.Quantize(Inputs(sequence, 40, seed: 24)).Network.ToBytes());
        Assert.Equal("[5]", sequenceFile.GetTensor("norm.bias").ShapeText);
    }

    [Fact]
    public void StorageBytes_AndTheReport_CountTheFloatParameters()
    {
        INetwork model = Create(nameof(Int8NormMlp), seed: 25);
        float[] inputs = Inputs(model, 60, seed: 26);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, inputs);

        // norm: weight and bias of 14; prelu1: 1 slope; bn: weight, bias, running mean and variance of 9; prelu2: 9 slopes.
        long floatParameters = 4L * ((2 * 14) + 1 + (4 * 9) + 9);
        long linears = (14 * 11) + (8 * 14) + (9 * 14) + (8 * 9) + (4 * 9) + (8 * 4);
        Assert.Equal(linears + floatParameters, quantized.StorageBytes);
        Assert.Equal(4L * 9 * 4, quantized.Layers.Single(l => l.Name == "bn").StorageBytes);

        QuantizationReport report = quantized.Evaluate(model, inputs, new int[60]);
        Assert.Equal(4L * (model.Parameters.Length + model.Buffers.Length), report.FloatWeightBytes);
    }

    [Fact]
    public void Load_RefusesANegativeRunningVariance()
    {
        (INetwork model, byte[] file) = File(nameof(Int8NormMlp));
        SetFloat(file, "bn.running_var", 4, -0.25f);

        var error = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(file, model.Layers, model.Architecture));
        Assert.Equal(WeightFileError.ValueOutOfRange, error.Error);
        Assert.Equal("bn.running_var", error.TensorName);
        Assert.Contains("Tensor 'bn.running_var' holds -0.25 at index 4; expected a finite variance, at least 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("norm.weight", float.NaN)]
    [InlineData("prelu2.weight", float.PositiveInfinity)]
    [InlineData("bn.running_mean", float.NegativeInfinity)]
    public void Load_RefusesANonFiniteParameter(string tensor, float value)
    {
        (INetwork model, byte[] file) = File(nameof(Int8NormMlp));
        SetFloat(file, tensor, 2, value);

        var error = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(file, model.Layers, model.Architecture));
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains($"Tensor '{tensor}' holds {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} at index 2; expected a finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesAMissingOrMisshapenParameter()
    {
        (INetwork model, byte[] file) = File(nameof(Int8NormMlp));
        byte[] missing = Rewrite(file, (name, dtype, shape, data) => name == "bn.running_mean" ? null : (dtype, shape, data));
        var absent = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(missing, model.Layers, model.Architecture));
        Assert.Equal(WeightFileError.MissingTensor, absent.Error);
        Assert.Contains("Expected a tensor 'bn.running_mean' (F32 [9]); the file has none", absent.Message, StringComparison.Ordinal);

        byte[] oneSlope = Rewrite(file, (name, dtype, shape, data) => name == "prelu2.weight" ? (dtype, [1], data.AsSpan(0, 4).ToArray()) : (dtype, shape, data));
        var misshapen = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(oneSlope, model.Layers, model.Architecture));
        Assert.Equal(WeightFileError.ShapeMismatch, misshapen.Error);
        Assert.Contains("Expected tensor 'prelu2.weight' of shape [9], got [1]", misshapen.Message, StringComparison.Ordinal);

        byte[] halves = Rewrite(file, (name, dtype, shape, data) => name == "norm.bias" ? ("F16", shape, data.AsSpan(0, 2 * 14).ToArray()) : (dtype, shape, data));
        var wrongType = Assert.Throws<WeightFileException>(() => QuantizedNetwork.FromBytes(halves, model.Layers, model.Architecture));
        Assert.Contains("Expected tensor 'norm.bias' of dtype F32, got F16", wrongType.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Forward_AllocatesNothingAfterWarmUp(string name)
    {
        INetwork model = Create(name, seed: 27);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, 40, seed: 28));
        float[] inputs = Inputs(model, 64, seed: 29);
        var outputs = new float[64 * quantized.OutputSize];
        AllocationAssert.None($"{name}: ForwardBatch of 64", () => quantized.ForwardBatch(inputs, outputs), warmUps: 50, repetitions: 10);
        AllocationAssert.None($"{name}: Forward", () => quantized.Forward(inputs.AsSpan(0, quantized.InputSize), outputs), warmUps: 50, repetitions: 10);
    }

    /// <summary>The layer in double from the float model's own tensors, looked up by their PyTorch names.</summary>
    private static double[] Reference(INetwork model, LayerInfo layer, double[] x, int rows)
    {
        int sample = x.Length / rows;
        int channels = layer.InputShape[0];
        int positions = sample / channels;
        var y = new double[x.Length];
        switch (layer.Kind)
        {
            case "LayerNorm":
                float[]? weight = Tensor(model, layer.Name + ".weight");
                float[]? bias = Tensor(model, layer.Name + ".bias");
                int features = layer.Option("PerStep") != 0 ? layer.InputShape[^1] : sample;
                for (int start = 0; start < x.Length; start += features)
                {
                    double mean = x.Skip(start).Take(features).Average();
                    double variance = x.Skip(start).Take(features).Select(v => (v - mean) * (v - mean)).Average();
                    for (int i = 0; i < features; i++)
                    {
                        double normalized = (x[start + i] - mean) / Math.Sqrt(variance + layer.Option("Eps"));
                        y[start + i] = weight is null ? normalized : (normalized * weight[i]) + bias![i];
                    }
                }

                break;
            case "BatchNorm1D" or "BatchNorm2D":
                float[] gamma = Tensor(model, layer.Name + ".weight")!;
                float[] beta = Tensor(model, layer.Name + ".bias")!;
                float[] runningMean = Tensor(model, layer.Name + ".running_mean")!;
                float[] runningVariance = Tensor(model, layer.Name + ".running_var")!;
                for (int i = 0; i < x.Length; i++)
                {
                    int c = i / positions % channels;
                    y[i] = ((x[i] - runningMean[c]) / Math.Sqrt(runningVariance[c] + layer.Option("Eps")) * gamma[c]) + beta[c];
                }

                break;
            case "PReLU":
                float[] slopes = Tensor(model, layer.Name + ".weight")!;
                for (int i = 0; i < x.Length; i++)
                {
                    double slope = slopes.Length == 1 ? slopes[0] : slopes[i / positions % channels];
                    y[i] = x[i] > 0 ? x[i] : slope * x[i];
                }

                break;
            default:
                throw new ArgumentException($"No reference for {layer.Kind}.", nameof(layer));
        }

        return y;
    }

    private static float[]? Tensor(INetwork model, string name)
    {
        if (model.ParameterTensors.FirstOrDefault(t => t.Name == name) is { } parameter)
        {
            return model.Parameters.Slice(parameter.Offset, parameter.Length).ToArray();
        }

        return model.BufferTensors.FirstOrDefault(t => t.Name == name) is { } buffer ? model.Buffers.Slice(buffer.Offset, buffer.Length).ToArray() : null;
    }

    /// <summary>
    /// The network with every normalization's and PReLU's tensors away from their initial values (weights 0.5..1.5, biases
    /// and running means ±0.5, running variances 0.3..1.8, slopes −0.3..0.5), so that each of them matters.
    /// </summary>
    private static INetwork Create(string name, int seed)
    {
        INetwork model = name switch
        {
            nameof(Int8NormMlp) => new Int8NormMlp(seed),
            nameof(Int8NormCnn) => new Int8NormCnn(seed),
            nameof(Int8NormSignal) => new Int8NormSignal(seed),
            nameof(Int8NormSequence) => new Int8NormSequence(seed),
            _ => throw new ArgumentException(name),
        };
        var random = new Random(seed);
        var kinds = model.Layers.ToDictionary(l => l.Name, l => l.Kind);
        foreach ((TensorInfo tensor, bool buffer) in model.ParameterTensors.Select(t => (t, false)).Concat(model.BufferTensors.Select(t => (t, true))))
        {
            string layer = tensor.Name[..tensor.Name.LastIndexOf('.')];
            if (kinds[layer] is not ("LayerNorm" or "BatchNorm1D" or "BatchNorm2D" or "PReLU"))
            {
                continue;
            }

            Span<float> values = (buffer ? model.Buffers : model.Parameters).Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++)
            {
                double u = random.NextDouble();
                values[i] = (float)(kinds[layer] == "PReLU" ? (0.8 * u) - 0.3
                    : tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 0.3 + (1.5 * u)
                    : tensor.Name.EndsWith(".weight", StringComparison.Ordinal) ? 0.5 + u
                    : u - 0.5);
            }
        }

        return model;
    }

    private static (INetwork Model, byte[] File) File(string name)
    {
        INetwork model = Create(name, seed: 31);
        return (model, QuantizedNetwork.Create(model, Inputs(model, 40, seed: 32)).ToBytes());
    }

    private static void SetFloat(byte[] file, string tensor, int index, float value)
    {
        SafeTensorsFile parsed = SafeTensorsFile.Read(file);
        BitConverter.TryWriteBytes(file.AsSpan(8 + parsed.HeaderLength + (int)parsed.GetTensor(tensor).DataBegin + (4 * index), 4), value);
    }

    /// <summary>The file with each tensor as <paramref name="change"/> returns it (null drops it), the metadata kept.</summary>
    private static byte[] Rewrite(byte[] original, Func<string, string, int[], byte[], (string Dtype, int[] Shape, byte[] Data)?> change)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(original);
        var writer = new SafeTensorsWriter();
        foreach ((string key, string value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (SafeTensorsEntry tensor in file.Tensors)
        {
            if (change(tensor.Name, tensor.Dtype, tensor.Shape.ToArray(), file.GetRawData(tensor.Name).ToArray()) is { } changed)
            {
                writer.AddRaw(tensor.Name, changed.Dtype, changed.Data, changed.Shape);
            }
        }

        return writer.ToArray();
    }

    private static float[] Inputs(INetwork model, int count, int seed)
    {
        int size = 1;
        foreach (int d in model.Layers[0].InputShape)
        {
            size *= d;
        }

        var random = new Random(seed);
        return Enumerable.Range(0, count * size).Select(_ => (float)((random.NextDouble() * 4) - 1.5)).ToArray();
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
