using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[GlobalAvgPool]</c>: <c>[C, ...]</c> to <c>[C]</c>, the mean of each channel (nn.AdaptiveAvgPool to 1 and a flatten).</summary>
internal sealed class GlobalAvgPoolDescriptor : LayerDescriptor
{
    public GlobalAvgPoolDescriptor()
        : base(LayerKind.GlobalAvgPool)
    {
    }

    public override LayerResult? Infer(LayerContext context) => PoolRule.InferGlobal(context);

    public override StageKind? Stage => StageKind.GlobalAvgPool;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => layer.InFeatures;

    /// <summary>In float between a dequantize and a quantize step.</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;
}
