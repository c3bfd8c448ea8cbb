using System;
using System.Collections.Generic;

namespace NetDsl.Quantization;

/// <summary>What a stage of the quantized network computes, read from a float network's layers.</summary>
internal enum PlannedKind
{
    Linear,
    Relu,
}

/// <summary>A float layer applied to the dequantized outputs at the end of the network.</summary>
internal enum FloatTail
{
    None,
    Softmax,
    LogSoftmax,
}

/// <summary>One integer stage: a <c>Linear</c> (with the <c>ReLU</c> after it fused) or a lone <c>ReLU</c>.</summary>
internal sealed record PlannedStage(PlannedKind Kind, LayerInfo Layer, bool FusedRelu, int InFeatures, int OutFeatures);

/// <summary>
/// The integer stages of a float network: which layers have an int8 form, which fuse, which vanish at inference
/// (<c>Flatten</c>, <c>Reshape</c>, <c>Dropout</c>, <c>Identity</c>), and the float tail (<c>Softmax</c>, <c>LogSoftmax</c> as
/// the last layer). A layer without an int8 form is a <see cref="NotSupportedException"/> naming it; the generator
/// reports the same layers at compile time (NDSL0034) for networks declared with <c>[Network(Int8 = true)]</c>.
/// </summary>
internal sealed record QuantizationPlan(int InputSize, int OutputSize, IReadOnlyList<PlannedStage> Stages, FloatTail Tail, string Architecture)
{
    /// <summary>The shape of one input sample, as the network declares it.</summary>
    public int[] InputShape { get; init; } = [InputSize];

    /// <summary>The layer kinds with an int8 form (<c>Softmax</c> and <c>LogSoftmax</c> only as the last layer).</summary>
    public static IReadOnlyList<string> SupportedKinds { get; } = new[] { "Linear", "ReLU", "Flatten", "Reshape", "Dropout", "Identity", "Softmax", "LogSoftmax" };

    public static QuantizationPlan Of(INetwork model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(model.Layers, model.Architecture);
    }

    /// <summary>The plan of the network whose layers and architecture string these are.</summary>
    public static QuantizationPlan Of(IReadOnlyList<LayerInfo> layers, string architecture)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(architecture);
        if (layers.Count == 0)
        {
            throw new ArgumentException("Expected a network with at least one layer, got none.", nameof(layers));
        }

        int inputSize = ElementCount(layers[0].InputShape);
        int outputSize = ElementCount(layers[^1].OutputShape);
        var stages = new List<PlannedStage>();
        FloatTail tail = FloatTail.None;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            bool last = i == layers.Count - 1;
            switch (layer.Kind)
            {
                case "Linear" when layer.InputShape.Length == 1:
                    bool relu = !last && layers[i + 1].Kind == "ReLU";
                    stages.Add(new PlannedStage(PlannedKind.Linear, layer, relu, layer.InputShape[0], layer.OutputShape[0]));
                    i += relu ? 1 : 0;
                    break;
                case "ReLU":
                    int features = ElementCount(layer.InputShape);
                    stages.Add(new PlannedStage(PlannedKind.Relu, layer, false, features, features));
                    break;
                case "Flatten" or "Reshape" or "Dropout" or "Identity":
                    break;
                case "Softmax" or "LogSoftmax" when last && layer.InputShape.Length == 1:
                    tail = layer.Kind == "Softmax" ? FloatTail.Softmax : FloatTail.LogSoftmax;
                    break;
                default:
                    throw new NotSupportedException(
                        $"Layer '{layer.Name}' ({layer.Kind}, input [{string.Join(", ", layer.InputShape.ToArray())}]) has no int8 form yet; "
                        + "quantization supports Linear on feature vectors, ReLU, Flatten, Reshape, Dropout, Identity, and Softmax or LogSoftmax as the last layer.");
            }
        }

        return new QuantizationPlan(inputSize, outputSize, stages, tail, architecture) { InputShape = layers[0].InputShape.ToArray() };
    }

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
