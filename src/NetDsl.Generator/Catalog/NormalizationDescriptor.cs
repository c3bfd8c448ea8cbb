using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[BatchNorm1D]</c>, <c>[BatchNorm2D]</c> (batch statistics in training, running statistics as buffers) and
/// <c>[LayerNorm]</c> (over the whole sample); always kernel calls.
/// </summary>
internal sealed class NormalizationDescriptor : LayerDescriptor
{
    public NormalizationDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override LayerResult? Infer(LayerContext context) => NormalizationRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => Kind == LayerKind.LayerNorm ? StageKind.Normalization : StageKind.BatchNorm;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => Kind == LayerKind.LayerNorm && inputIsSequence;

    /// <summary>
    /// A BatchNorm right after a convolution is folded into its weights and bias; LayerNorm and any other BatchNorm run in
    /// float between a dequantize and a quantize step, with their float parameters.
    /// </summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override string SummaryText(PlannedLayer layer) =>
        Kind == LayerKind.LayerNorm ? AttributeName : AttributeName + "(" + Literals.Int(layer.InputShape.Dimensions[0]) + ")";
}
