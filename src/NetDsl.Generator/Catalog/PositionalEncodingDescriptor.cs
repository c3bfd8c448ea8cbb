using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[PositionalEncoding]</c>: sinusoids (or a learned table, <c>weight [T, E]</c>) added to every step of a sequence.</summary>
internal sealed class PositionalEncodingDescriptor : LayerDescriptor
{
    public PositionalEncodingDescriptor()
        : base(LayerKind.PositionalEncoding)
    {
    }

    public override LayerResult? Infer(LayerContext context)
    {
        if (context.Input.Rank != 2 || !context.InputIsSequence)
        {
            context.ReportNotASequence();
            return null;
        }

        bool learned = context.Layer.Option("Learned", 0) != 0;
        var result = new LayerResult(context.Input) { HyperParameters = new PositionalEncodingParameters(learned) };
        if (learned)
        {
            result.Parameters.Add(Tensors.StandardNormal("weight", context.Input));
        }

        return result;
    }

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.PositionalEncoding;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence;

    public override string SummaryText(PlannedLayer layer) =>
        layer.HyperParametersAs<PositionalEncodingParameters>().Learned ? "PositionalEncoding(learned)" : "PositionalEncoding";
}
