using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Onnx.Export;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// The translation of every layer kind NetDsl has (<see cref="LayerInfo.Kind"/>) into ONNX nodes: the one place that
/// says which kinds the exporter supports. A kind missing here is refused, never skipped.
/// </summary>
internal static class LayerTranslators
{
    private static readonly FrozenDictionary<string, Func<LayerContext, string>> s_translators =
        new Dictionary<string, Func<LayerContext, string>>(StringComparer.Ordinal)
        {
            ["Linear"] = AffineLayers.Linear,
            ["Conv1D"] = AffineLayers.Convolution,
            ["Conv2D"] = AffineLayers.Convolution,
            ["MaxPool1D"] = PoolingLayers.MaxPool,
            ["MaxPool2D"] = PoolingLayers.MaxPool,
            ["AvgPool1D"] = PoolingLayers.AveragePool,
            ["AvgPool2D"] = PoolingLayers.AveragePool,
            ["GlobalAvgPool"] = PoolingLayers.GlobalAveragePool,
            ["Flatten"] = StructureLayers.Flatten,
            ["Reshape"] = StructureLayers.Reshape,
            ["Dropout"] = StructureLayers.Dropout,
            ["BatchNorm1D"] = NormalizationLayers.BatchNormalization,
            ["BatchNorm2D"] = NormalizationLayers.BatchNormalization,
            ["LayerNorm"] = NormalizationLayers.LayerNormalization,
            ["Identity"] = ActivationLayers.Unary("Identity"),
            ["ReLU"] = ActivationLayers.Unary("Relu"),
            ["Sigmoid"] = ActivationLayers.Unary("Sigmoid"),
            ["Tanh"] = ActivationLayers.Unary("Tanh"),
            ["LeakyReLU"] = ActivationLayers.LeakyReLU,
            ["ELU"] = ActivationLayers.ELU,
            ["GELU"] = ActivationLayers.GELU,
            ["SiLU"] = ActivationLayers.SiLU,
            ["Softplus"] = ActivationLayers.Softplus,
            ["Hardswish"] = ActivationLayers.Hardswish,
            ["Mish"] = ActivationLayers.Mish,
            ["PReLU"] = ActivationLayers.PReLU,
            ["Softmax"] = ActivationLayers.Softmax("Softmax"),
            ["LogSoftmax"] = ActivationLayers.Softmax("LogSoftmax"),
            ["Residual"] = StructureLayers.BeginResidual,
            ["EndResidual"] = StructureLayers.EndResidual,
            ["RNN"] = RecurrentLayers.Recurrent,
            ["LSTM"] = RecurrentLayers.Recurrent,
            ["GRU"] = RecurrentLayers.Recurrent,
            ["Embedding"] = EmbeddingLayers.Embedding,
            ["MeanOverTime"] = SequenceHeadLayers.MeanOverTime,
            ["MaxOverTime"] = SequenceHeadLayers.MaxOverTime,
            ["LastStep"] = SequenceHeadLayers.LastStep,
            ["PositionalEncoding"] = PositionalEncodingLayers.PositionalEncoding,
            ["MultiheadAttention"] = AttentionLayers.MultiheadAttention,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The layer kinds that can be exported.</summary>
    public static IReadOnlyCollection<string> SupportedKinds => s_translators.Keys;

    /// <summary>Adds the nodes of the context's layer and returns the value holding its output.</summary>
    /// <exception cref="NotSupportedException">The exporter does not know the layer's kind.</exception>
    public static string Translate(LayerContext context)
    {
        LayerInfo layer = context.Layer;
        if (!s_translators.TryGetValue(layer.Kind, out Func<LayerContext, string>? translate))
        {
            throw new NotSupportedException(
                $"Layer '{layer.Name}' is of kind '{layer.Kind}', which the ONNX exporter does not support; supported kinds: {string.Join(", ", SupportedKinds.Order(StringComparer.Ordinal))}.");
        }

        return translate(context);
    }
}
