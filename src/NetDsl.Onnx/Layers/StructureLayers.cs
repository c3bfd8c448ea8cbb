using System;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>Layers that move no data or only pass it on: Flatten, Reshape, Dropout (inference), Residual and EndResidual.</summary>
internal static class StructureLayers
{
    /// <summary><c>Flatten(axis = 1)</c>: <c>[N, ...]</c> to <c>[N, product]</c>.</summary>
    public static string Flatten(LayerContext context) => context.Node("Flatten", [context.Input], OnnxAttribute.Int("axis", 1));

    /// <summary>
    /// <c>Reshape</c> to a constant shape <c>[0, d0, d1, ...]</c>: the output dimensions resolved by NetDsl (so no −1 left
    /// in them) after a 0, which with <c>allowzero = 0</c> copies the input's batch dimension. Unlike −1, this keeps the
    /// batch dimension's identity for shape inference and stays well-defined for an empty batch.
    /// </summary>
    public static string Reshape(LayerContext context)
    {
        ReadOnlySpan<int> shape = context.Layer.OutputShape;
        long[] target = new long[shape.Length + 1];
        for (int i = 0; i < shape.Length; i++)
        {
            target[i + 1] = shape[i];
        }

        string shapeName = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + context.Layer.Name + "/shape", [target.Length], target));
        return context.Node("Reshape", [context.Input, shapeName]);
    }

    /// <summary><c>Dropout</c> in inference: <c>Identity</c> (ONNX's <c>Dropout</c> would need a training-mode input to ever drop).</summary>
    public static string Dropout(LayerContext context) => context.Node("Identity", [context.Input]);

    /// <summary><c>Residual</c>: no node; remembers the block's input for its <c>EndResidual</c>.</summary>
    public static string BeginResidual(LayerContext context)
    {
        context.BlockInputs[context.Index] = context.Input;
        return context.Input;
    }

    /// <summary><c>EndResidual</c>: <c>Add(block output, block input)</c>, the input found through <c>BlockStart</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>BlockStart</c> names no earlier <c>Residual</c> layer.</exception>
    public static string EndResidual(LayerContext context)
    {
        int start = checked((int)context.IntOption("BlockStart"));
        if (!context.BlockInputs.TryGetValue(start, out string? blockInput))
        {
            throw new InvalidOperationException($"Layer '{context.Layer.Name}' (EndResidual) closes the block of layer {start}, which is not an earlier Residual layer.");
        }

        return context.Node("Add", [context.Input, blockInput]);
    }
}
