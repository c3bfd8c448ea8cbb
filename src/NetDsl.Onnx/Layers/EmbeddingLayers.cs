using NetDsl.Onnx.Export;
using NetDsl.Onnx.Model;

namespace NetDsl.Onnx.Layers;

/// <summary><c>Embedding</c>: <c>Gather(weight, Cast(x, int64), axis = 0)</c>, the graph PyTorch exports for <c>nn.Embedding</c>.</summary>
internal static class EmbeddingLayers
{
    /// <summary>ONNX's <c>TensorProto.DataType.INT64</c>.</summary>
    private const long Int64 = 7;

    public static string Embedding(LayerContext context)
    {
        context.ExpectTensors(1, 1, 0);
        string indices = context.Node("Cast", [context.Input], OnnxAttribute.Int("to", Int64));
        return context.Node("Gather", [context.Parameter(0), indices], OnnxAttribute.Int("axis", 0));
    }
}
