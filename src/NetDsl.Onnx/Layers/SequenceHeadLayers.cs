using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// Reductions over the steps of <c>[N, T, F]</c>: <c>MeanOverTime</c> as <c>ReduceMean</c>, <c>MaxOverTime</c> as
/// <c>ReduceMax</c> (axis 1, <c>keepdims = 0</c>; opset 17 takes the axes as an attribute), <c>LastStep</c> as a
/// <c>Gather</c> of step T−1.
/// </summary>
internal static class SequenceHeadLayers
{
    public static string MeanOverTime(LayerContext context) =>
        context.Node("ReduceMean", [context.Input], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));

    public static string MaxOverTime(LayerContext context) =>
        context.Node("ReduceMax", [context.Input], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));

    public static string LastStep(LayerContext context)
    {
        long last = context.Layer.InputShape[0] - 1;
        string index = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + context.Layer.Name + "/last_step", [], [last]));
        return context.Node("Gather", [context.Input, index], OnnxAttribute.Int("axis", 1));
    }
}
