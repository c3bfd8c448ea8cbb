using System;
using System.Collections.Generic;

namespace NetDsl.Quantization;

/// <summary>What a stage of the quantized network computes, read from a float network's layers.</summary>
internal enum PlannedKind
{
    Linear,
    Relu,
    Convolution,
    MaxPool,

    /// <summary>A layer computed in float between a dequantize and a quantize step (<see cref="FloatLayers"/>, <see cref="FloatLayerParameters"/>).</summary>
    FloatLayer,

    /// <summary>A <c>Residual</c> layer: the samples entering the block are kept for its <see cref="ResidualAdd"/>.</summary>
    ResidualStart,

    /// <summary>An <c>EndResidual</c> layer: the block's output plus the kept samples (with a <c>ReLU</c> after it fused).</summary>
    ResidualAdd,
}

/// <summary>A float layer applied to the dequantized outputs at the end of the network.</summary>
internal enum FloatTail
{
    None,
    Softmax,
    LogSoftmax,
}

/// <summary>
/// One integer stage: a <c>Linear</c> or <c>Conv2D</c> (with a <c>BatchNorm2D</c> right after a convolution folded in,
/// <see cref="FoldedNorm"/>, and a <c>ReLU</c> after either fused), a <c>MaxPool2D</c>, a lone <c>ReLU</c>, or a residual
/// block's start or add (a <c>ReLU</c> after the add fused).
/// </summary>
internal sealed record PlannedStage(PlannedKind Kind, LayerInfo Layer, bool FusedRelu, int InFeatures, int OutFeatures)
{
    /// <summary>The batch normalization folded into a convolution's weights and bias, or null.</summary>
    public LayerInfo? FoldedNorm { get; init; }

    /// <summary>A convolution's or pool's geometry.</summary>
    public Int8Window? Window { get; init; }

    /// <summary>For a residual block's start and add, how many blocks enclose the block (0 for an outermost one).</summary>
    public int BlockDepth { get; init; }
}

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
    public static IReadOnlyList<string> SupportedKinds { get; } = new[]
    {
        "Linear", "Conv1D", "Conv2D", "BatchNorm1D", "BatchNorm2D", "MaxPool1D", "MaxPool2D", "ReLU", "Flatten", "Reshape", "Dropout", "Identity", "Softmax", "LogSoftmax",
        "Sigmoid", "Tanh", "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Hardswish", "Mish", "AvgPool1D", "AvgPool2D", "GlobalAvgPool",
        "LayerNorm", "PReLU", "Residual", "EndResidual",
    };

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
        var openBlocks = new Stack<int>();
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
                case "Conv2D" or "Conv1D" when !last:
                    LayerInfo? norm = layers[i + 1].Kind == (layer.Kind == "Conv2D" ? "BatchNorm2D" : "BatchNorm1D") ? layers[i + 1] : null;
                    int after = i + (norm is null ? 1 : 2);
                    bool convolutionRelu = after < layers.Count && layers[after].Kind == "ReLU";
                    stages.Add(new PlannedStage(PlannedKind.Convolution, layer, convolutionRelu, ElementCount(layer.InputShape), ElementCount(layer.OutputShape))
                    {
                        FoldedNorm = norm,
                        Window = Int8Window.Of(layer),
                    });
                    i = after - 1 + (convolutionRelu ? 1 : 0);
                    break;
                case "MaxPool2D" or "MaxPool1D":
                    stages.Add(new PlannedStage(PlannedKind.MaxPool, layer, false, ElementCount(layer.InputShape), ElementCount(layer.OutputShape)) { Window = Int8Window.Of(layer) });
                    break;
                case "ReLU":
                    int features = ElementCount(layer.InputShape);
                    stages.Add(new PlannedStage(PlannedKind.Relu, layer, false, features, features));
                    break;
                case "Flatten" or "Reshape" or "Dropout" or "Identity":
                    break;
                case "Residual":
                    int blockFeatures = ElementCount(layer.InputShape);
                    stages.Add(new PlannedStage(PlannedKind.ResidualStart, layer, false, blockFeatures, blockFeatures) { BlockDepth = openBlocks.Count });
                    openBlocks.Push(i);
                    break;
                case "EndResidual":
                    int blockStart = (int)layer.Option("BlockStart");
                    int? innermost = openBlocks.Count > 0 ? openBlocks.Pop() : null;
                    if (innermost != blockStart)
                    {
                        throw new ArgumentException(
                            $"Layer '{layer.Name}' (EndResidual) closes the block opened by layer {blockStart}, but the innermost open Residual is {(innermost is null ? "none" : "layer " + innermost)}.",
                            nameof(layers));
                    }

                    bool addRelu = !last && layers[i + 1].Kind == "ReLU";
                    int sum = ElementCount(layer.OutputShape);
                    stages.Add(new PlannedStage(PlannedKind.ResidualAdd, layer, addRelu, sum, sum) { BlockDepth = openBlocks.Count });
                    i += addRelu ? 1 : 0;
                    break;
                case string kind when FloatLayers.Handles(kind) || FloatLayerParameters.Carries(kind):
                    stages.Add(new PlannedStage(PlannedKind.FloatLayer, layer, false, ElementCount(layer.InputShape), ElementCount(layer.OutputShape)));
                    break;
                case "Softmax" or "LogSoftmax" when last && layer.InputShape.Length == 1:
                    tail = layer.Kind == "Softmax" ? FloatTail.Softmax : FloatTail.LogSoftmax;
                    break;
                default:
                    throw new NotSupportedException(
                        $"Layer '{layer.Name}' ({layer.Kind}, input [{string.Join(", ", layer.InputShape.ToArray())}]) has no int8 form yet; "
                        + "quantization supports Linear on feature vectors, Conv1D/Conv2D (not as the last layer; a BatchNorm1D/2D right after one is folded into it), max pools, ReLU, the other element-wise activations, PReLU, LayerNorm, BatchNorm1D/2D elsewhere, average pools and GlobalAvgPool (those in float), residual blocks (Residual ... EndResidual, the add in integers), Flatten, Reshape, Dropout, Identity, and Softmax or LogSoftmax as the last layer.");
            }
        }

        if (openBlocks.Count > 0)
        {
            throw new ArgumentException($"Expected every Residual block to be closed by an EndResidual, but layer {openBlocks.Peek()} ('{layers[openBlocks.Peek()].Name}') opens one that is never closed.", nameof(layers));
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
