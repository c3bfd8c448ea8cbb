using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Softmax]</c> and <c>[LogSoftmax]</c> over a one-dimensional sample; always kernel calls.</summary>
internal sealed class SoftmaxDescriptor : LayerDescriptor
{
    public SoftmaxDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override LayerResult? Infer(LayerContext context) => ElementwiseRules.Softmax(context);

    public override StageKind? Stage => StageKind.Softmax;

    /// <summary>As the last layer only: the quantized twin applies it in float to the dequantized outputs.</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => isLast && layer.InputShape.Rank == 1;
}
