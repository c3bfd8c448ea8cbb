using System;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// Activations: one operator each where opset 17 has it (<c>Relu</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>LeakyRelu</c>,
/// <c>Elu</c>, <c>Softmax</c>, <c>LogSoftmax</c>); GELU and SiLU, which opset 17 lacks, from elementary operators.
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
