using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[MultiheadAttention(heads)]</c>: self-attention on a sequence <c>[T, E]</c> to <c>[T, E]</c>, PyTorch's
/// <c>nn.MultiheadAttention</c> tensors; always kernel calls, keeping q, k, v, the attention weights and the heads'
/// outputs of every step in the training workspace.
/// </summary>
internal sealed class AttentionDescriptor : LayerDescriptor
{
    public AttentionDescriptor()
        : base(LayerKind.MultiheadAttention)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count == 1;

    public override LayerResult? Infer(LayerContext context)
    {
        int heads = (int)context.Layer.Arguments[0];
        Shape input = context.Input;
        if (heads <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (MultiheadAttention)", "heads", heads);
            return null;
        }

        if (input.Rank != 2 || !context.InputIsSequence)
        {
            context.ReportNotASequence();
            return null;
        }

        int model = input.Dimensions[1];
        if (model % heads != 0)
        {
            context.ReportInvalid("heads", heads, "the model dimension " + model + " does not divide by the number of heads " + heads
                + "; the model dimension must divide by the number of heads (each head takes " + model + " / heads features)");
            return null;
        }

        if ((long)model * model * 4 > int.MaxValue || ((long)input.Dimensions[0] * input.Dimensions[0] * heads) + (4L * input.Dimensions[0] * model) > int.MaxValue)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Network, ((long)model * model * 4).ToString(System.Globalization.CultureInfo.InvariantCulture), "floats in the tensors or workspace of layer " + context.Label + " (MultiheadAttention)");
            return null;
        }

        var result = new LayerResult(input) { HyperParameters = new AttentionParameters(heads, context.Layer.Option("Causal", 0) != 0) };
        result.Parameters.Add(Tensors.Xavier("in_proj_weight", new Shape(new[] { 3 * model, model }), model, 3 * model));
        result.Parameters.Add(Tensors.Constant("in_proj_bias", Shape.Vector(3 * model), 0));
        result.Parameters.Add(Tensors.Default("out_proj.weight", new Shape(new[] { model, model }), model));
        result.Parameters.Add(Tensors.Constant("out_proj.bias", Shape.Vector(model), 0));
        return result;
    }

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Attention;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence;

    /// <summary>The runtime's <c>AttentionGeometry.WorkspaceSize</c>: q, k, v <c>[T, 3E]</c>, the weights <c>[heads, T, T]</c>, the heads' outputs <c>[T, E]</c>.</summary>
    public override int AuxiliaryWidth(PlannedLayer layer)
    {
        int steps = layer.InputShape.Dimensions[0];
        int model = layer.InputShape.Dimensions[1];
        return (4 * steps * model) + (layer.HyperParametersAs<AttentionParameters>().Heads * steps * steps);
    }

    public override string SummaryText(PlannedLayer layer)
    {
        AttentionParameters a = layer.HyperParametersAs<AttentionParameters>();
        return "MultiheadAttention(" + Emit.Literals.Int(layer.InputShape.Dimensions[1]) + ", heads: " + Emit.Literals.Int(a.Heads) + (a.Causal ? ", causal" : string.Empty) + ")";
    }
}
