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
}
