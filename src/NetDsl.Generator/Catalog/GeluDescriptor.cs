using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[GELU]</c>, exact (erf) or with <c>TanhApproximation = true</c> PyTorch's <c>approximate='tanh'</c>, a runtime function of its own.</summary>
internal sealed class GeluDescriptor : ActivationDescriptor
{
    public GeluDescriptor()
        : base(LayerKind.GELU, backwardFromOutput: false)
    {
    }

    public override LayerResult? Infer(LayerContext context) =>
        new(context.Input) { HyperParameters = new GeluParameters(TanhApproximation: context.Layer.Option("TanhApproximation", 0) != 0) };

    public override ActivationFunction Activation(PlannedLayer layer) =>
        new(UsesTanh(layer) ? "GELUTanh" : "GELU", false, EquatableArray<double>.Empty);

    public override string SummaryText(PlannedLayer layer) => UsesTanh(layer) ? "GELU(tanh)" : "GELU";

    private static bool UsesTanh(PlannedLayer layer) => layer.HyperParametersAs<GeluParameters>().TanhApproximation;
}
