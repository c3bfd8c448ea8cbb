using System;
using System.IO;
using System.Linq;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>Quantized networks saved as safetensors and read back without the float network; bad files refused by name.</summary>
public sealed class QuantizedWeightFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-int8-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoad_GivesTheSameBits_WithoutTheFloatNetwork()
    {
        (Int8Mlp model, Int8Mlp.Quantized quantized) = Quantized(seed: 1);
        string path = Path.Combine(_folder, "mlp.int8.safetensors");
        quantized.Save(path);

        Int8Mlp.Quantized loaded = Int8Mlp.Quantized.Load(path);

        float[] inputs = Inputs(50, seed: 2);
        var expected = new float[50 * Int8Mlp.OutputSize];
        var actual = new float[expected.Length];
        quantized.ForwardBatch(inputs, expected);
        loaded.ForwardBatch(inputs, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(quantized.Network.Layers, loaded.Network.Layers);
        Assert.Equal(quantized.Network.InputQuantization, loaded.Network.InputQuantization);
        Assert.Equal(File.ReadAllBytes(path), loaded.Network.ToBytes());
        GC.KeepAlive(model);
    }

    [Fact]
    public void AConvolutionalNetwork_RoundTrips()
    {
        var model = new Int8Cnn(2);
        var random = new Random(3);
        float[] inputs = Enumerable.Range(0, 30 * Int8Cnn.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        Int8Cnn.Quantized quantized = model.Quantize(inputs);
        byte[] file = quantized.Network.ToBytes();

        Int8Cnn.Quantized loaded = Int8Cnn.Quantized.FromBytes(file);

        var expected = new float[30 * Int8Cnn.OutputSize];
        var actual = new float[expected.Length];
        quantized.ForwardBatch(inputs, expected);
        loaded.ForwardBatch(inputs, actual);
        Assert.Equal(expected, actual);
        SafeTensorsFile parsed = SafeTensorsFile.Read(file);
        Assert.Equal("I8 [5, 2, 3, 3]", parsed.GetTensor("conv1.weight").Dtype + " " + parsed.GetTensor("conv1.weight").ShapeText);
        Assert.False(parsed.Contains("bn1.weight"), "the batch normalization is folded into conv1");
    }

    [Fact]
    public void FloatActivations_KeepTheirOutputQuantization()
    {
        var model = new Int8Activations(4);
        var random = new Random(5);
        float[] inputs = Enumerable.Range(0, 40 * Int8Activations.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        Int8Activations.Quantized quantized = model.Quantize(inputs);
        byte[] file = quantized.Network.ToBytes();

        Int8Activations.Quantized loaded = Int8Activations.Quantized.FromBytes(file);

        var expected = new float[40 * Int8Activations.OutputSize];
        var actual = new float[expected.Length];
        quantized.ForwardBatch(inputs, expected);
        loaded.ForwardBatch(inputs, actual);
        Assert.Equal(expected, actual);
        Assert.True(SafeTensorsFile.Read(file).Contains("1.output_scale"), "the GELU after fc1 (layer '1') keeps its output scale");
    }

    [Fact]
    public void TheFile_HoldsNamedIntegerTensors()
    {
        (_, Int8Mlp.Quantized quantized) = Quantized(seed: 3);
        SafeTensorsFile file = SafeTensorsFile.Read(quantized.Network.ToBytes());

        string[] expected =
        {
            "fc1.bias I32 [24]", "fc1.output_scale F32 [1]", "fc1.output_zero_point U8 [1]", "fc1.weight I8 [24, 13]", "fc1.weight_scale F32 [24]",
            "fc2.bias I32 [17]", "fc2.output_scale F32 [1]", "fc2.output_zero_point U8 [1]", "fc2.weight I8 [17, 24]", "fc2.weight_scale F32 [17]",
            "fc3.bias F32 [5]", "fc3.weight I8 [5, 17]", "fc3.weight_scale F32 [5]",
            "input_scale F32 [1]", "input_zero_point U8 [1]",
        };
        Assert.Equal(expected, file.Tensors.Select(t => $"{t.Name} {t.Dtype} {t.ShapeText}"));
        Assert.Equal("int8", file.Metadata["netdsl.quantization"]);
        Assert.Equal(new Int8Mlp(0).Architecture, file.Metadata["netdsl.architecture"]);
        Assert.Equal(13 * 24 + 24 * 17 + 17 * 5, file.Tensors.Where(t => t.Dtype == "I8").Sum(t => t.ElementCount));
    }

    [Fact]
    public void Load_RefusesAFloatWeightsFile()
    {
        var model = new Int8Mlp(4);
        string path = Path.Combine(_folder, "float.safetensors");
        model.SaveWeights(path);

        var error = Assert.Throws<WeightFileException>(() => Int8Mlp.Quantized.Load(path));
        Assert.Contains("Expected a quantized network's file (metadata netdsl.quantization = int8), got no such entry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAnotherArchitecture()
    {
        var other = new Int8ReluHead(1);
        byte[] file = other.Quantize(new float[6 * 10]).Network.ToBytes();

        var error = Assert.Throws<WeightFileException>(() => Int8Mlp.Quantized.FromBytes(file));
        Assert.Equal(WeightFileError.ArchitectureMismatch, error.Error);
        Assert.Contains("Expected a file of the architecture " + new Int8Mlp(0).Architecture + ", got " + other.Architecture, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamesAMissingTensor()
    {
        byte[] file = Rewrite(tensor => tensor != "fc2.weight_scale");
        var error = Assert.Throws<WeightFileException>(() => Int8Mlp.Quantized.FromBytes(file));
        Assert.Equal(WeightFileError.MissingTensor, error.Error);
        Assert.Contains("Expected a tensor 'fc2.weight_scale' (F32 [17]); the file has none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAWeightOfMinus128()
    {
        (_, Int8Mlp.Quantized quantized) = Quantized(seed: 5);
        byte[] file = quantized.Network.ToBytes();
        SafeTensorsFile parsed = SafeTensorsFile.Read(file);
        SafeTensorsEntry weight = parsed.GetTensor("fc1.weight");
        file[8 + parsed.HeaderLength + (int)weight.DataBegin + 7] = 0x80;

        var error = Assert.Throws<WeightFileException>(() => Int8Mlp.Quantized.FromBytes(file));
        Assert.Equal(WeightFileError.ValueOutOfRange, error.Error);
        Assert.Contains("Tensor 'fc1.weight' holds -128 at index 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAScaleOfZero()
    {
        (_, Int8Mlp.Quantized quantized) = Quantized(seed: 6);
        byte[] file = quantized.Network.ToBytes();
        SafeTensorsFile parsed = SafeTensorsFile.Read(file);
        SafeTensorsEntry scale = parsed.GetTensor("fc2.weight_scale");
        Array.Clear(file, 8 + parsed.HeaderLength + (int)scale.DataBegin + 4 * 3, 4);

        var error = Assert.Throws<WeightFileException>(() => Int8Mlp.Quantized.FromBytes(file));
        Assert.Contains("Tensor 'fc2.weight_scale' holds 0 at index 3; a scale must be finite and positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ReplacesAFileAtomically()
    {
        (_, Int8Mlp.Quantized first) = Quantized(seed: 7);
        (_, Int8Mlp.Quantized second) = Quantized(seed: 8);
        string path = Path.Combine(_folder, "replace.safetensors");
        first.Save(path);
        second.Save(path);

        Assert.Equal(second.Network.ToBytes(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    /// <summary>A quantized Int8Mlp's file with only the tensors <paramref name="keep"/> accepts, the metadata kept.</summary>
    private static byte[] Rewrite(Func<string, bool> keep)
    {
        (_, Int8Mlp.Quantized quantized) = Quantized(seed: 9);
        SafeTensorsFile file = SafeTensorsFile.Read(quantized.Network.ToBytes());
        var writer = new SafeTensorsWriter();
        foreach ((string key, string value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (SafeTensorsEntry tensor in file.Tensors.Where(t => keep(t.Name)))
        {
            writer.AddRaw(tensor.Name, tensor.Dtype, file.GetRawData(tensor.Name).ToArray(), tensor.Shape.ToArray());
        }

        return writer.ToArray();
    }

    private static (Int8Mlp Model, Int8Mlp.Quantized Quantized) Quantized(int seed)
    {
        var model = new Int8Mlp(seed);
        return (model, model.Quantize(Inputs(100, seed + 100)));
    }

    private static float[] Inputs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * Int8Mlp.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 1.5)).ToArray();
    }
}
