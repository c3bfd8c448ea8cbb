using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// <c>MultiheadAttention</c> as the graph of its definition (opset 17 has no attention operator): the projections
/// <c>MatMul</c> + <c>Add</c>, q, k and v <c>Slice</c>d from them and reshaped to <c>[N, heads, T, d]</c>,
/// <c>Softmax(q kᵀ · 1/sqrt(d) [+ causal mask of −∞])</c> on the last axis, <c>MatMul</c> with v, the heads merged back to
/// <c>[N, T, E]</c>, and <c>out_proj</c>.
/// </summary>
internal static class AttentionLayers
{
    public static string MultiheadAttention(LayerContext context)
    {
        context.ExpectTensors(4, 4, 0);
        string layer = "/" + context.Layer.Name + "/";
        int steps = context.Layer.InputShape[0];
        int model = context.Layer.InputShape[1];
        int heads = checked((int)context.IntOption("Heads"));
        int head = model / heads;
        GraphBuilder builder = context.Builder;

        string projections = context.Node("Add", [context.Node("MatMul", [context.Input, Transposed(context, context.Parameter(0))]), context.Parameter(1)]);
        string axis = builder.AddInitializer(OnnxTensor.Int64s(layer + "feature_axis", [1], [2]));
        string split = builder.AddInitializer(OnnxTensor.Int64s(layer + "split_shape", [4], [0, steps, heads, head]));
        string Part(int index, params long[] permutation)
        {
            string start = builder.AddInitializer(OnnxTensor.Int64s(layer + "start_" + index, [1], [(long)index * model]));
            string end = builder.AddInitializer(OnnxTensor.Int64s(layer + "end_" + index, [1], [(long)(index + 1) * model]));
            string slice = context.Node("Slice", [projections, start, end, axis]);
            return context.Node("Transpose", [context.Node("Reshape", [slice, split])], OnnxAttribute.Ints("perm", permutation));
        }

        string queries = Part(0, 0, 2, 1, 3);    // [N, heads, T, d]
        string keys = Part(1, 0, 2, 3, 1);       // [N, heads, d, T]
        string values = Part(2, 0, 2, 1, 3);     // [N, heads, T, d]
        string scores = context.Node("Mul", [context.Node("MatMul", [queries, keys]), builder.Scalar(1f / System.MathF.Sqrt(head))]);
        if (context.IntOption("Causal") != 0)
        {
            var mask = new float[steps * steps];
            for (int i = 0; i < steps; i++)
            {
                for (int j = i + 1; j < steps; j++)
                {
                    mask[(i * steps) + j] = float.NegativeInfinity;
                }
            }

            scores = context.Node("Add", [scores, builder.AddInitializer(OnnxTensor.Floats(layer + "causal_mask", [steps, steps], mask))]);
        }

        string weights = context.Node("Softmax", [scores], OnnxAttribute.Int("axis", -1));
        string merged = context.Node("Transpose", [context.Node("MatMul", [weights, values])], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        string shape = builder.AddInitializer(OnnxTensor.Int64s(layer + "merged_shape", [3], [0, steps, model]));
        string concatenated = context.Node("Reshape", [merged, shape]);
        return context.Node("Add", [context.Node("MatMul", [concatenated, Transposed(context, context.Parameter(2))]), context.Parameter(3)]);
    }

    private static string Transposed(LayerContext context, string weight) =>
        context.Node("Transpose", [weight], OnnxAttribute.Ints("perm", 1, 0));
}
