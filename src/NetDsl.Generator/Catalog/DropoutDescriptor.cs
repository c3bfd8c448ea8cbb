using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Dropout(p)]</c>: in training, zeroes each element with probability p and scales the rest by 1/(1-p); its mask is kept for backward.</summary>
internal sealed class DropoutDescriptor : LayerDescriptor
{
    public DropoutDescriptor()
        : base(LayerKind.Dropout)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count <= 1;

    public override LayerResult? Infer(LayerContext context) => ElementwiseRules.Dropout(context);

    public override StageKind? Stage => StageKind.Dropout;

    /// <summary>Inference has no dropout: nothing to quantize.</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    /// <summary>Unrolled only means that single-sample inference, where dropout is the identity, stays in locals.</summary>
    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => layer.InFeatures;

    public override int AuxiliaryWidth(PlannedLayer layer) => layer.InFeatures;

    public override string SummaryText(PlannedLayer layer) => "Dropout(p=" + SummaryFormat.Number(layer.HyperParametersAs<DropoutParameters>().P) + ")";

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence;
}
