using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>MaxPool1D/2D as <c>MaxPool</c>, AvgPool1D/2D as <c>AveragePool</c>, GlobalAvgPool as <c>GlobalAveragePool</c> then <c>Flatten</c>.</summary>
internal static class PoolingLayers
{
    /// <summary><c>MaxPool</c> (padding counts as −∞, as in PyTorch; <c>ceil_mode</c> 0).</summary>
    public static string MaxPool(LayerContext context) =>
        context.Node("MaxPool", [context.Input],
            WindowAttributes.KernelShape(context),
            WindowAttributes.Strides(context),
            WindowAttributes.Pads(context));

    /// <summary>
    /// <c>AveragePool</c> with <c>count_include_pad</c> from the layer. NetDsl's padding is at most half the kernel and
    /// <c>ceil_mode</c> is off, so no window reaches past the padding and both divisors agree with PyTorch's.
    /// </summary>
    public static string AveragePool(LayerContext context) =>
        context.Node("AveragePool", [context.Input],
            WindowAttributes.KernelShape(context),
            WindowAttributes.Strides(context),
            WindowAttributes.Pads(context),
            OnnxAttribute.Int("count_include_pad", context.Layer.Option("CountIncludePad") != 0 ? 1 : 0));

    /// <summary><c>GlobalAvgPool</c>: <c>GlobalAveragePool</c> (<c>[N, C, ...]</c> to <c>[N, C, 1, ...]</c>), then <c>Flatten(axis = 1)</c> to <c>[N, C]</c>.</summary>
    public static string GlobalAveragePool(LayerContext context)
    {
        string pooled = context.Node("GlobalAveragePool", [context.Input]);
        return context.Node("Flatten", [pooled], OnnxAttribute.Int("axis", 1));
    }
}
