using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// <c>[MeanOverTime]</c>, <c>[MaxOverTime]</c>, <c>[LastStep]</c>: a sequence of steps <c>[T, F]</c> to <c>[F]</c>. Only on a
/// sequence (see <see cref="LayerDescriptor.OutputIsSequence"/>): on the final state of a recurrent layer with
/// <c>ReturnSequences = false</c>, or a convolution's <c>[C, L]</c>, it is NDSL0023.
/// </summary>
internal sealed class SequenceHeadDescriptor : LayerDescriptor
{
    public SequenceHeadDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override LayerResult? Infer(LayerContext context)
    {
        if (context.Input.Rank != 2 || !context.InputIsSequence)
        {
            context.ReportNotASequence();
            return null;
        }

        return new LayerResult(Shape.Vector(context.Input.Dimensions[1]));
    }

    public override StageKind? Stage => StageKind.SequenceHead;
}
