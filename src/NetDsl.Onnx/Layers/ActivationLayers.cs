using System;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// Activations: one operator each where opset 17 has it (<c>Relu</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>LeakyRelu</c>,
/// <c>Elu</c>, <c>Softplus</c>, <c>HardSwish</c>, <c>Softmax</c>, <c>LogSoftmax</c>); GELU, SiLU and Mish, which opset 17
/// lacks, from elementary operators.
/// </summary>
internal static class ActivationLayers
{
    /// <summary>An operator without attributes: <c>Relu</c>, <c>Sigmoid</c>, <c>Tanh</c> or <c>Identity</c>.</summary>
    public static Func<LayerContext, string> Unary(string opType) => context => context.Node(opType, [context.Input]);

    /// <summary><c>LeakyRelu</c> with <c>alpha</c> = the negative slope.</summary>
    public static string LeakyReLU(LayerContext context) =>
        context.Node("LeakyRelu", [context.Input], OnnxAttribute.Float("alpha", context.FloatOption("NegativeSlope")));

    /// <summary><c>Elu</c> with <c>alpha</c>.</summary>
    public static string ELU(LayerContext context) =>
        context.Node("Elu", [context.Input], OnnxAttribute.Float("alpha", context.FloatOption("Alpha")));

    /// <summary><c>Softmax</c> or <c>LogSoftmax</c> over axis 1, the features of a 1-D sample.</summary>
    public static Func<LayerContext, string> Softmax(string opType) =>
        context => context.Node(opType, [context.Input], OnnxAttribute.Int("axis", 1));

    /// <summary>SiLU: <c>x * Sigmoid(x)</c>.</summary>
    public static string SiLU(LayerContext context)
    {
        string sigmoid = context.Node("Sigmoid", [context.Input]);
        return context.Node("Mul", [context.Input, sigmoid]);
    }

    /// <summary>
    /// Softplus: <c>Softplus(x)</c>, or <c>Softplus(x * beta) / beta</c> for another beta. ONNX's Softplus has no threshold:
    /// above PyTorch's (<c>beta x &gt; 20</c>, where PyTorch returns <c>x</c>) the two differ by <c>log(1 + exp(-beta x)) / beta</c>,
    /// below 2.1e-9 / beta, under float's rounding of such values.
    /// </summary>
    public static string Softplus(LayerContext context)
    {
        float beta = context.FloatOption("Beta");
        if (beta == 1f)
        {
            return context.Node("Softplus", [context.Input]);
        }

        GraphBuilder builder = context.Builder;
        string scaled = context.Node("Mul", [context.Input, builder.Scalar(beta)]);
        string softplus = context.Node("Softplus", [scaled]);
        return context.Node("Div", [softplus, builder.Scalar(beta)]);
    }

    /// <summary>Hardswish: <c>HardSwish</c> (opset 14), <c>x * max(0, min(1, x / 6 + 1/2))</c>.</summary>
    public static string Hardswish(LayerContext context) => context.Node("HardSwish", [context.Input]);

    /// <summary>Mish (an operator only from opset 18): <c>x * Tanh(Softplus(x))</c>.</summary>
    public static string Mish(LayerContext context)
    {
        string softplus = context.Node("Softplus", [context.Input]);
        string tanh = context.Node("Tanh", [softplus]);
        return context.Node("Mul", [context.Input, tanh]);
    }

    /// <summary>
    /// PReLU: <c>PRelu(x, slope)</c>. ONNX broadcasts the slope from the right, so one slope per channel of a
    /// <c>[N, C, ...]</c> input is reshaped to <c>[C, 1, ...]</c> (a constant <c>Reshape</c> of the weight initializer);
    /// a single slope, or one per feature of a <c>[N, F]</c> input, is used as it is.
    /// </summary>
    public static string PReLU(LayerContext context)
    {
        context.ExpectTensors(1, 1, 0);
        string slope = context.Parameter(0);
        ReadOnlySpan<int> sample = context.Layer.InputShape;
        int slopes = context.ParameterLength(0);
        if (slopes > 1 && sample.Length > 1)
        {
            long[] shape = new long[sample.Length];
            shape[0] = slopes;
            for (int i = 1; i < shape.Length; i++)
            {
                shape[i] = 1;
            }

            string shapeName = context.Builder.AddInitializer(OnnxTensor.Int64s("/" + context.Layer.Name + "/slope_shape", [shape.Length], shape));
            slope = context.Node("Reshape", [slope, shapeName]);
        }

        return context.Node("PRelu", [context.Input, slope]);
    }

    /// <summary>
    /// GELU. Exact: <c>0.5 * (x * (1 + Erf(x / √2)))</c>, the graph PyTorch exports for <c>nn.GELU()</c> at opset 17 (ONNX
    /// Runtime fuses it into one kernel). Tanh form: <c>0.5 * (x * (1 + Tanh(√(2/π) * (x + 0.044715 * x * x * x))))</c>.
    /// </summary>
    public static string GELU(LayerContext context)
    {
        GraphBuilder builder = context.Builder;
        string x = context.Input;
        string inner;
        if (context.Layer.Option("TanhApproximation") != 0)
        {
            string square = context.Node("Mul", [x, x]);
            string cube = context.Node("Mul", [square, x]);
            string scaledCube = context.Node("Mul", [cube, builder.Scalar(0.044715f)]);
            string sum = context.Node("Add", [x, scaledCube]);
            string argument = context.Node("Mul", [sum, builder.Scalar((float)Math.Sqrt(2.0 / Math.PI))]);
            inner = context.Node("Tanh", [argument]);
        }
        else
        {
            string scaled = context.Node("Div", [x, builder.Scalar((float)Math.Sqrt(2.0))]);
            inner = context.Node("Erf", [scaled]);
        }

        string onePlus = context.Node("Add", [inner, builder.Scalar(1f)]);
        string product = context.Node("Mul", [x, onePlus]);
        return context.Node("Mul", [product, builder.Scalar(0.5f)]);
    }
}
