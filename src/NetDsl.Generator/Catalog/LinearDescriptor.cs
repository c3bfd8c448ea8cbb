using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Linear(out)]</c> or <c>[Linear(in, out)]</c>: PyTorch's nn.Linear; an activation after it may fuse into its stage.</summary>
internal sealed class LinearDescriptor : LayerDescriptor
{
    public LinearDescriptor()
        : base(LayerKind.Linear)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count is 1 or 2;

    public override LayerResult? Infer(LayerContext context) => LinearRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Linear;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => (long)layer.InFeatures * layer.OutFeatures;

    public override string SummaryText(PlannedLayer layer) =>
        "Linear(" + Literals.Int(layer.InFeatures) + ", " + Literals.Int(layer.OutFeatures) + (layer.BiasOffset < 0 ? ", bias: false" : string.Empty) + ")";
}
