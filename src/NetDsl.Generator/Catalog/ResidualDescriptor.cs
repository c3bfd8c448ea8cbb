using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[Residual]</c> opens a block (no stage) and <c>[EndResidual]</c> closes it: a stage adding the block's input to its
/// output, keeping the output gradient for the block's input. Shape inference checks the nesting and that the block
/// keeps its shape.
/// </summary>
internal sealed class ResidualDescriptor : LayerDescriptor
{
    public ResidualDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override LayerResult? Infer(LayerContext context) => new(context.Input);

    public override bool Computes => false;

    public override bool OpensResidualBlock => Kind == LayerKind.Residual;

    public override StageKind? Stage => Kind == LayerKind.EndResidual ? StageKind.ResidualAdd : null;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => Kind == LayerKind.EndResidual ? layer.InFeatures : 0;

    public override int AuxiliaryWidth(PlannedLayer layer) => Kind == LayerKind.EndResidual ? layer.InFeatures : 0;

    public override string SummaryText(PlannedLayer layer) =>
        Kind == LayerKind.Residual ? "Residual (block start)" : "EndResidual (+ block input)";

    /// <summary>The int8 twin keeps the block's input and adds it to the block's output in integers (TFLite's <c>ADD</c>).</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence;
}
