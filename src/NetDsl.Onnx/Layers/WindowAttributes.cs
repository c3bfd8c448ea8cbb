using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// The window attributes of Conv, MaxPool and AveragePool from a layer's resolved options: <c>kernel_shape</c>,
/// <c>strides</c>, <c>dilations</c>, and <c>pads</c> as ONNX orders them (all begins, then all ends). A one-dimensional
/// layer uses the width options only (NetDsl describes it as a window of height 1).
/// </summary>
internal static class WindowAttributes
{
    /// <summary><c>kernel_shape</c>: <c>[kw]</c> or <c>[kh, kw]</c>.</summary>
    public static OnnxAttribute KernelShape(LayerContext context) => Pair(context, "kernel_shape", "KernelHeight", "KernelWidth");

    /// <summary><c>strides</c>: <c>[sw]</c> or <c>[sh, sw]</c>.</summary>
    public static OnnxAttribute Strides(LayerContext context) => Pair(context, "strides", "StrideHeight", "StrideWidth");

    /// <summary><c>dilations</c>: <c>[dw]</c> or <c>[dh, dw]</c>.</summary>
    public static OnnxAttribute Dilations(LayerContext context) => Pair(context, "dilations", "DilationHeight", "DilationWidth");

    /// <summary><c>pads</c>: <c>[left, right]</c> or <c>[top, left, bottom, right]</c>.</summary>
    public static OnnxAttribute Pads(LayerContext context) => context.IsOneDimensional
        ? OnnxAttribute.Ints("pads", context.IntOption("PadLeft"), context.IntOption("PadRight"))
        : OnnxAttribute.Ints("pads", context.IntOption("PadTop"), context.IntOption("PadLeft"), context.IntOption("PadBottom"), context.IntOption("PadRight"));

    private static OnnxAttribute Pair(LayerContext context, string name, string height, string width) => context.IsOneDimensional
        ? OnnxAttribute.Ints(name, context.IntOption(width))
        : OnnxAttribute.Ints(name, context.IntOption(height), context.IntOption(width));
}
