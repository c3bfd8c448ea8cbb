using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Flatten]</c> and <c>[Reshape(...)]</c>: a new shape over the same floats; no data moves, no stage.</summary>
internal sealed class ShapeOnlyDescriptor : LayerDescriptor
{
    public ShapeOnlyDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    /// <summary>Reshape takes its dimensions as a params array (any count; the rule checks them), Flatten none.</summary>
    public override bool AcceptsArgumentCount(int count) => Kind == LayerKind.Reshape || count == 0;

    public override LayerResult? Infer(LayerContext context) =>
        Kind == LayerKind.Reshape ? ElementwiseRules.Reshape(context) : ElementwiseRules.Flatten(context);

    public override bool Computes => false;

    public override StageKind? Stage => null;

    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;
}
