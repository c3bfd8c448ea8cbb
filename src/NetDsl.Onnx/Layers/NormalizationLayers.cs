using System;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// BatchNorm1D/2D as <c>BatchNormalization</c> in inference mode (running statistics), LayerNorm as
/// <c>LayerNormalization</c> over every non-batch axis. Layers without affine parameters get constant scale 1 and
/// bias 0 initializers, named after the layer (they are not <c>state_dict</c> entries).
/// </summary>
internal static class NormalizationLayers
{
    /// <summary>
    /// <c>BatchNormalization(x, weight, bias, running_mean, running_var)</c> with <c>epsilon</c>; opset 15's
    /// <c>training_mode</c> defaults to 0 (inference). It accepts <c>[N, C]</c>, <c>[N, C, L]</c> and <c>[N, C, H, W]</c> alike.
    /// </summary>
    public static string BatchNormalization(LayerContext context)
    {
        context.ExpectTensors(0, 2, 2);
        int channels = context.Layer.InputShape[0];
        string scale;
        string bias;
        if (context.ParameterCount == 2)
        {
            scale = context.Parameter(0);
            bias = context.Parameter(1);
        }
        else
        {
            scale = Filled(context, "scale", [channels], 1f);
            bias = Filled(context, "bias", [channels], 0f);
        }

        return context.Node("BatchNormalization", [context.Input, scale, bias, context.Buffer(0), context.Buffer(1)],
            OnnxAttribute.Float("epsilon", context.FloatOption("Eps")));
    }

    /// <summary>
    /// <c>LayerNormalization(x, weight, bias)</c> with <c>axis = 1</c> and <c>epsilon</c>: the mean and biased variance over
    /// all axes after the batch, as <c>nn.LayerNorm(sample_shape)</c>; weight and bias have the sample's shape. A per-step
    /// LayerNorm on a sequence uses <c>axis = -1</c>: each step's features, as <c>nn.LayerNorm(E)</c>.
    /// Without elementwise affine parameters, the scale is a constant 1 and the optional bias is left out.
    /// </summary>
    public static string LayerNormalization(LayerContext context)
    {
        context.ExpectTensors(0, 2, 0);
        bool perStep = context.Layer.HasOption("PerStep") && context.Layer.Option("PerStep") != 0;
        ReadOnlySpan<int> normalized = perStep ? context.Layer.InputShape[^1..] : context.Layer.InputShape;
        string[] inputs = context.ParameterCount == 2
            ? [context.Input, context.Parameter(0), context.Parameter(1)]
            : [context.Input, Filled(context, "scale", normalized, 1f)];
        return context.Node("LayerNormalization", inputs,
            OnnxAttribute.Int("axis", perStep ? -1 : 1),
            OnnxAttribute.Float("epsilon", context.FloatOption("Eps")));
    }

    private static string Filled(LayerContext context, string role, ReadOnlySpan<int> shape, float value)
    {
        long[] dimensions = new long[shape.Length];
        int count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            dimensions[i] = shape[i];
            count *= shape[i];
        }

        float[] values = new float[count];
        Array.Fill(values, value);
        return context.Builder.AddInitializer(OnnxTensor.Floats("/" + context.Layer.Name + "/" + role, dimensions, values));
    }
}
