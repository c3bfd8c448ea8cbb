using NetDsl.Generator.Model;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[GELU]</c>, exact (erf) or with <c>TanhApproximation = true</c> PyTorch's <c>approximate='tanh'</c>, a runtime function of its own.</summary>
internal sealed class GeluDescriptor : ActivationDescriptor
{
    private const string TanhApproximation = "TanhApproximation";

    public GeluDescriptor()
        : base(LayerKind.GELU, backwardFromOutput: false, new ActivationParameter(TanhApproximation, 0, Positional: false))
    {
    }

    public override ActivationFunction Activation(PlannedLayer layer) =>
        new(UsesTanh(layer) ? "GELUTanh" : "GELU", false, EquatableArray<double>.Empty);

    public override string SummaryText(PlannedLayer layer) => UsesTanh(layer) ? "GELU(tanh)" : "GELU";

    private static bool UsesTanh(PlannedLayer layer) => layer.Option(TanhApproximation) != 0;
}
