using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NetDsl.Quantization;

/// <summary>
/// A quantized network as a safetensors file: for the input, <c>input.scale</c> (F32 [1]) and <c>input.zero_point</c>
/// (U8 [1]); for each <c>Linear</c> layer <c>L</c>, <c>L.weight</c> (I8 [out, in]), <c>L.weight_scale</c> (F32 [out]) and
/// <c>L.bias</c> — I32 [out] in the accumulator's scale <c>input scale * weight scale</c> for a layer requantized to uint8,
/// with <c>L.output_scale</c> (F32 [1]) and <c>L.output_zero_point</c> (U8 [1]); F32 [out] for the last layer, whose outputs
/// stay float; for a residual block's <c>EndResidual</c> add <c>L</c>, <c>L.output_scale</c> and <c>L.output_zero_point</c> only;
/// for a layer computed in float <c>L</c>, <c>L.output_scale</c> and <c>L.output_zero_point</c>, and the float
/// parameters it has under their PyTorch names (F32: <c>L.weight</c>, <c>L.bias</c>, <c>L.running_mean</c>, <c>L.running_var</c>).
/// Metadata: <c>netdsl.quantization = int8</c>, the format version and the architecture, checked on load.
/// </summary>
internal static class QuantizedWeightFile
{
    public const string QuantizationKey = "netdsl.quantization";
    public const string QuantizationValue = "int8";

    public static SafeTensorsWriter Writer(QuantizedNetwork network)
    {
        var writer = new SafeTensorsWriter();
        writer.SetMetadata(QuantizationKey, QuantizationValue);
        writer.SetMetadata(NetDsl.Serialization.NetDslWeightMetadata.VersionKey, NetDsl.Serialization.NetDslWeightMetadata.CurrentVersion);
        writer.SetMetadata(NetDsl.Serialization.NetDslWeightMetadata.ArchitectureKey, network.Architecture);
        AddParameters(writer, "input", network.InputQuantization);
        foreach (QuantizedStage stage in network.Stages)
        {
            (QuantizedLinear? linear, int[] weightShape) = stage switch
            {
                QuantizedLinear l => (l, new[] { l.OutFeatures, l.InFeatures }),
                QuantizedConvolution c => (c.Product, WeightShape(c.Window)),
                _ => ((QuantizedLinear?)null, Array.Empty<int>()),
            };
            if (stage is QuantizedFloatLayer or QuantizedResidualAdd)
            {
                AddFloatParameters(writer, (stage as QuantizedFloatLayer)?.Parameters);
                AddParameters(writer, stage.Name + ".output", stage.Output);
            }

            if (linear is null)
            {
                continue;
            }

            writer.AddRaw(linear.Name + ".weight", "I8", MemoryMarshal.AsBytes(linear.Weights.AsSpan()).ToArray(), weightShape);
            writer.Add(linear.Name + ".weight_scale", linear.WeightScales, linear.OutFeatures);
            if (linear.FloatOutput)
            {
                writer.Add(linear.Name + ".bias", linear.FloatBias, linear.OutFeatures);
                continue;
            }

            writer.AddRaw(linear.Name + ".bias", "I32", LittleEndian(linear.IntegerBias), linear.OutFeatures);
            AddParameters(writer, linear.Name + ".output", linear.Output);
        }

        return writer;
    }

    /// <summary>The input's quantization and the stages of <paramref name="plan"/> read from <paramref name="file"/>, every tensor checked.</summary>
    public static (QuantizationParameters Input, QuantizedStage[] Stages) Read(SafeTensorsFile file, QuantizationPlan plan)
    {
        if (!file.Metadata.TryGetValue(QuantizationKey, out string? kind) || kind != QuantizationValue)
        {
            throw new WeightFileException(WeightFileError.InvalidHeader,
                $"Expected a quantized network's file (metadata {QuantizationKey} = {QuantizationValue}), got {(kind is null ? "no such entry: a float weights file? Load it into the float network and quantize that" : "'" + kind + "'")}.");
        }

        if (file.Metadata.TryGetValue(NetDsl.Serialization.NetDslWeightMetadata.VersionKey, out string? version) && version != NetDsl.Serialization.NetDslWeightMetadata.CurrentVersion)
        {
            throw new WeightFileException(WeightFileError.UnsupportedVersion, $"Expected format version {NetDsl.Serialization.NetDslWeightMetadata.CurrentVersion}, got {version}.");
        }

        if (!file.Metadata.TryGetValue(NetDsl.Serialization.NetDslWeightMetadata.ArchitectureKey, out string? architecture) || architecture != plan.Architecture)
        {
            throw new WeightFileException(WeightFileError.ArchitectureMismatch,
                $"Expected a file of the architecture {plan.Architecture}, got {(architecture ?? "a file without an architecture")}.");
        }

        var expected = new HashSet<string>(StringComparer.Ordinal);
        QuantizationParameters input = ReadParameters(file, "input", expected);
        QuantizationParameters current = input;
        var stages = new QuantizedStage[plan.Stages.Count];
        for (int i = 0; i < stages.Length; i++)
        {
            PlannedStage stage = plan.Stages[i];
            if (QuantizedNetwork.PassingQuantizationThrough(stage, current) is { } passing)
            {
                stages[i] = passing;
                continue;
            }

            if (stage.Kind == PlannedKind.ResidualAdd)
            {
                QuantizationParameters sum = ReadParameters(file, stage.Layer.Name + ".output", expected);
                stages[i] = QuantizedResidualAdd.Closing(stages, i, stage, current, sum, Int8Paths.Best);
                current = sum;
                continue;
            }

            if (stage.Kind == PlannedKind.FloatLayer)
            {
                FloatLayerParameters? parameters = FloatLayerParameters.Carries(stage.Layer.Kind) ? ReadFloatParameters(file, stage.Layer, expected) : null;
                QuantizationParameters activated = ReadParameters(file, stage.Layer.Name + ".output", expected);
                stages[i] = new QuantizedFloatLayer(stage.Layer, stage.InFeatures, stage.OutFeatures, current, activated, parameters);
                current = activated;
                continue;
            }

            string name = stage.Layer.Name;
            Int8Window? window = stage.Kind == PlannedKind.Convolution ? stage.Window : null;
            int outputs = window?.OutChannels ?? stage.OutFeatures;
            int depth = window?.Depth ?? stage.InFeatures;
            bool last = window is null && i == stages.Length - 1;
            int[] weightShape = window is null ? [outputs, depth] : WeightShape(window);
            byte[] weightBytes = Raw(file, name + ".weight", "I8", expected, weightShape);
            sbyte[] weights = MemoryMarshal.Cast<byte, sbyte>(weightBytes).ToArray();
            for (int k = 0; k < weights.Length; k++)
            {
                if (weights[k] == sbyte.MinValue)
                {
                    throw new WeightFileException(WeightFileError.ValueOutOfRange,
                        $"Tensor '{name}.weight' holds -128 at index {k}; int8 weights are symmetric, in -127..127.", name + ".weight");
                }
            }

            float[] scales = Floats(file, name + ".weight_scale", expected, outputs);
            for (int o = 0; o < scales.Length; o++)
            {
                CheckScale(scales[o], $"{name}.weight_scale", o);
            }

            var integerBias = new int[outputs];
            float[] floatBias = new float[outputs];
            QuantizationParameters output = default;
            if (last)
            {
                floatBias = Floats(file, name + ".bias", expected, outputs);
            }
            else
            {
                byte[] bias = Raw(file, name + ".bias", "I32", expected, outputs);
                for (int o = 0; o < integerBias.Length; o++)
                {
                    integerBias[o] = BinaryPrimitives.ReadInt32LittleEndian(bias.AsSpan(4 * o));
                }

                output = ReadParameters(file, name + ".output", expected);
            }

            var linear = new QuantizedLinear(name, weights, scales, integerBias, floatBias, depth, outputs, current, output, stage.FusedRelu, last, Int8Paths.Best);
            stages[i] = window is null ? linear : new QuantizedConvolution(name, QuantizedNetwork.ConvolutionKind(stage), window, linear);
            current = output;
        }

        foreach (SafeTensorsEntry entry in file.Tensors)
        {
            if (!expected.Contains(entry.Name))
            {
                throw new WeightFileException(WeightFileError.UnexpectedTensor, $"The file has a tensor '{entry.Name}' that the quantized {plan.Architecture} does not have.", entry.Name);
            }
        }

        return (input, stages);
    }

    /// <summary>A convolution's weight shape as PyTorch's: <c>[out, C, kh, kw]</c>, or <c>[out, C, k]</c> for a 1-D one.</summary>
    public static int[] WeightShape(Int8Window window) => window.OneDimensional
        ? [window.OutChannels, window.InChannels, window.KernelWidth]
        : [window.OutChannels, window.InChannels, window.KernelHeight, window.KernelWidth];

    private static void AddParameters(SafeTensorsWriter writer, string prefix, QuantizationParameters parameters)
    {
        writer.Add(prefix + "_scale", new[] { parameters.Scale }, 1);
        writer.AddRaw(prefix + "_zero_point", "U8", new[] { (byte)parameters.ZeroPoint }, 1);
    }

    private static void AddFloatParameters(SafeTensorsWriter writer, FloatLayerParameters? parameters)
    {
        foreach (FloatLayerTensor tensor in parameters?.Tensors ?? [])
        {
            writer.Add(tensor.Name, tensor.Values, tensor.Shape);
        }
    }

    private static FloatLayerParameters ReadFloatParameters(SafeTensorsFile file, LayerInfo layer, HashSet<string> expected)
    {
        IReadOnlyList<(string Name, int[] Shape)> names = FloatLayerParameters.Expected(layer);
        var tensors = new FloatLayerTensor[names.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            (string name, int[] shape) = names[i];
            tensors[i] = new FloatLayerTensor(name, shape, Floats(file, name, expected, shape));
        }

        return FloatLayerParameters.Checked(layer, tensors);
    }

    private static QuantizationParameters ReadParameters(SafeTensorsFile file, string prefix, HashSet<string> expected)
    {
        float scale = Floats(file, prefix + "_scale", expected, 1)[0];
        CheckScale(scale, prefix + "_scale", 0);
        byte zeroPoint = Raw(file, prefix + "_zero_point", "U8", expected, 1)[0];
        return new QuantizationParameters(scale, zeroPoint);
    }

    private static void CheckScale(float scale, string tensor, int index)
    {
        if (!(float.IsFinite(scale) && scale > 0))
        {
            throw new WeightFileException(WeightFileError.ValueOutOfRange,
                $"Tensor '{tensor}' holds {scale.ToString(CultureInfo.InvariantCulture)} at index {index}; a scale must be finite and positive.", tensor);
        }
    }

    private static float[] Floats(SafeTensorsFile file, string name, HashSet<string> expected, params int[] shape)
    {
        Entry(file, name, "F32", expected, shape);
        return file.GetFloat32(name);
    }

    private static byte[] Raw(SafeTensorsFile file, string name, string dtype, HashSet<string> expected, params int[] shape)
    {
        Entry(file, name, dtype, expected, shape);
        return file.GetRawData(name).ToArray();
    }

    private static void Entry(SafeTensorsFile file, string name, string dtype, HashSet<string> expected, int[] shape)
    {
        expected.Add(name);
        if (!file.TryGetTensor(name, out SafeTensorsEntry? entry))
        {
            throw new WeightFileException(WeightFileError.MissingTensor, $"Expected a tensor '{name}' ({dtype} [{string.Join(", ", shape)}]); the file has none.", name);
        }

        if (entry.Dtype != dtype)
        {
            throw new WeightFileException(WeightFileError.UnsupportedDtype, $"Expected tensor '{name}' of dtype {dtype}, got {entry.Dtype}.", name);
        }

        if (!entry.Shape.SequenceEqual(shape))
        {
            throw new WeightFileException(WeightFileError.ShapeMismatch, $"Expected tensor '{name}' of shape [{string.Join(", ", shape)}], got {entry.ShapeText}.", name);
        }
    }

    private static byte[] LittleEndian(int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }
}
