using NetDsl.Onnx.Export;

namespace NetDsl.Onnx.Layers;

/// <summary>Layers with weights: Linear as <c>Gemm</c>, Conv1D and Conv2D as <c>Conv</c> (1-D or 2-D).</summary>
internal static class AffineLayers
{
    /// <summary>
    /// <c>Linear</c>: <c>Gemm(x, weight, bias, transB = 1)</c>, which computes <c>x · weightᵀ + bias</c> with the weight in
    /// PyTorch's <c>[out, in]</c> layout; without bias, <c>Gemm</c>'s optional third input is left out. On a sequence
    /// (a per-step layer), <c>Add(MatMul(x, Transpose(weight)), bias)</c>, as PyTorch exports a 3-D Linear.
    /// </summary>
    public static string Linear(LayerContext context)
    {
        context.ExpectTensors(1, 2, 0);
        if (context.Layer.InputShape.Length == 2)
        {
            // On a sequence [N, T, in], every step: MatMul with the transposed weight (Gemm is 2-D only), then the bias.
            string transposed = context.Node("Transpose", [context.Parameter(0)], Model.OnnxAttribute.Ints("perm", 1, 0));
            string product = context.Node("MatMul", [context.Input, transposed]);
            return context.ParameterCount == 2 ? context.Node("Add", [product, context.Parameter(1)]) : product;
        }

        string[] inputs = context.ParameterCount == 2
            ? [context.Input, context.Parameter(0), context.Parameter(1)]
            : [context.Input, context.Parameter(0)];
        return context.Node("Gemm", inputs, Model.OnnxAttribute.Int("transB", 1));
    }

    /// <summary>
    /// <c>Conv1D</c> and <c>Conv2D</c>: <c>Conv(x, weight[, bias])</c> with the resolved kernel, strides, dilations and
    /// explicit pads (PyTorch's <c>padding='same'</c> is already resolved to its asymmetric pads).
    /// </summary>
    public static string Convolution(LayerContext context)
    {
        context.ExpectTensors(1, 2, 0);
        string[] inputs = context.ParameterCount == 2
            ? [context.Input, context.Parameter(0), context.Parameter(1)]
            : [context.Input, context.Parameter(0)];
        return context.Node("Conv", inputs,
            WindowAttributes.KernelShape(context),
            WindowAttributes.Strides(context),
            WindowAttributes.Pads(context),
            WindowAttributes.Dilations(context),
            Model.OnnxAttribute.Int("group", 1));
    }
}
