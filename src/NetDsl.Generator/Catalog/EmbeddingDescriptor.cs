using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Embedding(vocabulary, dimension)]</c>: PyTorch's <c>nn.Embedding</c> on the network's token indices; always kernel calls.</summary>
internal sealed class EmbeddingDescriptor : LayerDescriptor
{
    public EmbeddingDescriptor()
        : base(LayerKind.Embedding)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count == 2;

    public override LayerResult? Infer(LayerContext context) => EmbeddingRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Embedding;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => true;

    public override string SummaryText(PlannedLayer layer)
    {
        EmbeddingParameters p = layer.HyperParametersAs<EmbeddingParameters>();
        return "Embedding(" + Literals.Int(p.Vocabulary) + ", " + Literals.Int(p.Dimension) + (p.PaddingIndex >= 0 ? ", padding: " + Literals.Int(p.PaddingIndex) : string.Empty) + ")";
    }
}
