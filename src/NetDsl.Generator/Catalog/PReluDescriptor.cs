using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[PReLU]</c> or <c>[PReLU(channels)]</c>: PyTorch's nn.PReLU, a leaky ReLU whose slopes are a parameter
/// (<c>weight</c>, shape <c>[1]</c> or <c>[channels]</c>, starting at <c>Init</c>, 0.25). Channels are the sample's first
/// dimension. Its backward needs the input and adds to the slopes' gradient, so it is a kernel stage of its own.
/// </summary>
internal sealed class PReluDescriptor : LayerDescriptor
{
    public PReluDescriptor()
        : base(LayerKind.PReLU)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count <= 1;

    public override LayerResult? Infer(LayerContext context)
    {
        int channels = context.Input.Dimensions[0];
        int slopes = context.Layer.Arguments.Count > 0 ? (int)context.Layer.Arguments[0] : 1;
        if (slopes != 1 && slopes != channels)
        {
            context.ReportInvalid("numParameters", slopes, "it must be 1 (one slope for every channel) or the number of channels of its input " + context.Input + ", " + Literals.Int(channels));
            return null;
        }

        double init = context.Layer.Option("Init", 0.25);
        if (double.IsNaN(init) || double.IsInfinity(init))
        {
            context.ReportInvalid("Init", SummaryFormat.Number(init), "it must be a finite number");
            return null;
        }

        var result = new LayerResult(context.Input) { HyperParameters = new PReluParameters(slopes) };
        result.Parameters.Add(Tensors.Constant("weight", Shape.Vector(slopes), init));
        return result;
    }

    public override bool HasParameters => true;

    public override bool IsActivation => true;

    /// <summary>In float between a dequantize and a quantize step, with its float slopes.</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override StageKind? Stage => StageKind.LearnedActivation;

    public override string SummaryText(PlannedLayer layer) =>
        layer.ParameterCount == 1 ? "PReLU" : "PReLU(" + Literals.Int(layer.ParameterCount) + ")";
}
