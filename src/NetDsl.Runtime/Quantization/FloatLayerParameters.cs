using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generated;

namespace NetDsl.Quantization;

/// <summary>One float tensor of a layer computed in float: its PyTorch name (<c>bn.running_var</c>), shape and values.</summary>
internal sealed record FloatLayerTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// The float parameters of a layer that an int8 network computes in float between a dequantize and a quantize step:
/// <c>LayerNorm</c>'s weight and bias, a standalone <c>BatchNorm1D</c>/<c>BatchNorm2D</c>'s weight, bias, running mean and
/// running variance, <c>PReLU</c>'s slopes. Copied out of the float model when quantizing (the quantized network keeps no
/// reference to it), or read from a quantized network's file; in PyTorch's names, layouts and order (parameters, then
/// buffers).
/// </summary>
internal sealed class FloatLayerParameters
{
    private FloatLayerParameters(LayerInfo layer, FloatLayerTensor[] tensors)
    {
        Layer = layer;
        Tensors = tensors;
    }

    /// <summary>The layer these parameters belong to.</summary>
    public LayerInfo Layer { get; }

    /// <summary>The tensors, in the order of <see cref="Expected"/>.</summary>
    public IReadOnlyList<FloatLayerTensor> Tensors { get; }

    /// <summary>The bytes of float values a file of them holds.</summary>
    public long StorageBytes
    {
        get
        {
            long bytes = 0;
            foreach (FloatLayerTensor tensor in Tensors)
            {
                bytes += 4L * tensor.Values.Length;
            }

            return bytes;
        }
    }

    /// <summary>The layer kinds that carry float parameters.</summary>
    public static bool Carries(string kind) => kind is "LayerNorm" or "BatchNorm1D" or "BatchNorm2D" or "PReLU";

    /// <summary>
    /// The tensors <paramref name="layer"/> needs, named and shaped as PyTorch's <c>state_dict</c> has them: LayerNorm's
    /// weight and bias of the normalized shape (when it has them), BatchNorm's <c>[C]</c> weight and bias (when affine),
    /// running_mean and running_var, PReLU's weight <c>[1]</c> or <c>[C]</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(LayerInfo layer)
    {
        var tensors = new List<(string Name, int[] Shape)>();
        switch (layer.Kind)
        {
            case "LayerNorm":
                int[] normalized = LayerNormPerStep(layer) ? [layer.InputShape[^1]] : layer.InputShape.ToArray();
                AddAffine(tensors, layer, normalized);
                break;
            case "BatchNorm1D" or "BatchNorm2D":
                int[] channels = [layer.InputShape[0]];
                AddAffine(tensors, layer, channels);
                tensors.Add((layer.Name + ".running_mean", channels));
                tensors.Add((layer.Name + ".running_var", channels));
                break;
            case "PReLU":
                tensors.Add((layer.Name + ".weight", [PReluSlopes(layer)]));
                break;
            default:
                throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) has no float parameters computed in an int8 network.");
        }

        return tensors;
    }

    /// <summary>The parameters of <paramref name="layer"/> copied out of <paramref name="model"/>'s parameters and buffers.</summary>
    public static FloatLayerParameters CopyFrom(INetwork model, LayerInfo layer)
    {
        IReadOnlyList<(string Name, int[] Shape)> expected = Expected(layer);
        var tensors = new FloatLayerTensor[expected.Count];
        int parameterCount = layer.ParameterTensors.Count;
        for (int i = 0; i < tensors.Length; i++)
        {
            TensorInfo info = i < parameterCount ? model.ParameterTensors[layer.ParameterTensors[i]] : model.BufferTensors[layer.BufferTensors[i - parameterCount]];
            ReadOnlySpan<float> storage = i < parameterCount ? model.ReadParameters() : model.Buffers;
            (string name, int[] shape) = expected[i];
            if (info.Length != ElementCount(shape))
            {
                throw new InvalidOperationException(
                    $"Expected layer '{layer.Name}' ({layer.Kind}) to have a tensor '{name}' of [{string.Join(", ", shape)}], got '{info.Name}' of {info.Length} values. This is a bug in NetDsl; please report it with the declaration.");
            }

            tensors[i] = new FloatLayerTensor(name, shape, storage.Slice(info.Offset, info.Length).ToArray());
        }

        return new FloatLayerParameters(layer, tensors);
    }

    /// <summary>
    /// Parameters read from a file, in the order of <see cref="Expected"/>, checked: every value finite, every running
    /// variance at least 0 (a <see cref="WeightFileException"/> naming the tensor otherwise).
    /// </summary>
    public static FloatLayerParameters Checked(LayerInfo layer, FloatLayerTensor[] tensors)
    {
        foreach (FloatLayerTensor tensor in tensors)
        {
            bool variance = tensor.Name.EndsWith(".running_var", StringComparison.Ordinal);
            for (int i = 0; i < tensor.Values.Length; i++)
            {
                float value = tensor.Values[i];
                if (!float.IsFinite(value) || (variance && value < 0))
                {
                    throw new WeightFileException(WeightFileError.ValueOutOfRange,
                        $"Tensor '{tensor.Name}' holds {value.ToString(CultureInfo.InvariantCulture)} at index {i}; expected {(variance ? "a finite variance, at least 0" : "a finite value")}.", tensor.Name);
                }
            }
        }

        return new FloatLayerParameters(layer, tensors);
    }

    /// <summary>Computes <paramref name="rows"/> samples of the layer with the float network's own kernels.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        int sample = ElementCount(Layer.InputShape);
        switch (Layer.Kind)
        {
            case "LayerNorm":
                int features = LayerNormPerStep(Layer) ? Layer.InputShape[^1] : sample;
                NormalizationKernels.LayerNormForward(x, y, Values(0, Tensors.Count), Values(1, Tensors.Count), rows * (sample / features), features, (float)Layer.Option("Eps"));
                break;
            case "BatchNorm1D" or "BatchNorm2D":
                int channels = Layer.InputShape[0];
                int affine = Tensors.Count - 2;
                NormalizationKernels.BatchNormInference(x, y, Values(0, affine), Values(1, affine), Tensors[affine].Values, Tensors[affine + 1].Values,
                    rows, channels, sample / channels, (float)Layer.Option("Eps"));
                break;
            case "PReLU":
                PReluKernels.Forward(x.Slice(0, rows * sample), y.Slice(0, rows * sample), Tensors[0].Values, rows, Layer.InputShape[0], sample / Layer.InputShape[0]);
                break;
            default:
                throw new NotSupportedException($"Layer '{Layer.Name}' ({Layer.Kind}) has no float parameters computed in an int8 network.");
        }
    }

    /// <summary>Tensor <paramref name="index"/>'s values when the layer's affine parameters are there (<paramref name="affine"/> tensors of them), else empty.</summary>
    private ReadOnlySpan<float> Values(int index, int affine) => index < affine ? Tensors[index].Values : default;

    private static void AddAffine(List<(string Name, int[] Shape)> tensors, LayerInfo layer, int[] shape)
    {
        if (layer.ParameterTensors.Count == 2)
        {
            tensors.Add((layer.Name + ".weight", shape));
            tensors.Add((layer.Name + ".bias", shape));
        }
    }

    /// <summary>A LayerNorm on a sequence <c>[T, E]</c> normalizes each step's E features (<c>nn.LayerNorm(E)</c>), otherwise the whole sample.</summary>
    private static bool LayerNormPerStep(LayerInfo layer) => layer.HasOption("PerStep") && layer.Option("PerStep") != 0;

    /// <summary>PReLU's <c>num_parameters</c>: 1, or one slope per channel (the sample's first dimension).</summary>
    private static int PReluSlopes(LayerInfo layer) => layer.HasOption("NumParameters")
        ? (int)layer.Option("NumParameters")
        : throw new InvalidOperationException($"Layer '{layer.Name}' (PReLU) does not say how many slopes it has (option NumParameters); regenerate the network with this NetDsl.");

    private static int ElementCount(ReadOnlySpan<int> shape)
    {
        int count = 1;
        foreach (int dimension in shape)
        {
            count *= dimension;
        }

        return count;
    }
}
