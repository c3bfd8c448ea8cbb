using NetDsl.Generated;
using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary>
/// <c>PositionalEncoding</c>: <c>Add(x, table)</c>, the table <c>[T, E]</c> broadcast over the batch: the learned
/// <c>weight</c>, or the sinusoids as a constant initializer <c>/&lt;layer&gt;/sinusoids</c> with the bits NetDsl adds.
/// </summary>
internal static class PositionalEncodingLayers
{
    public static string PositionalEncoding(LayerContext context)
    {
        if (context.ParameterCount == 1)
        {
            return context.Node("Add", [context.Input, context.Parameter(0)]);
        }

        context.ExpectTensors(0, 0, 0);
        int steps = context.Layer.InputShape[0];
        int features = context.Layer.InputShape[1];
        string table = context.Builder.AddInitializer(OnnxTensor.Floats("/" + context.Layer.Name + "/sinusoids", [steps, features], PositionalEncodingKernels.Sinusoids(steps, features)));
        return context.Node("Add", [context.Input, table]);
    }
}
