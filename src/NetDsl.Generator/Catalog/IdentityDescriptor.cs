using NetDsl.Generator.Model;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Identity]</c>: passes its input through; after an affine layer it fuses as "no activation".</summary>
internal sealed class IdentityDescriptor : ActivationDescriptor
{
    public IdentityDescriptor()
        : base(LayerKind.Identity, backwardFromOutput: true)
    {
    }

    public override bool IsActivation => false;

    public override bool Computes => false;

    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override ActivationFunction Activation(PlannedLayer layer) => ActivationFunction.Identity;
}
