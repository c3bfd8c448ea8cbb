using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Linear(out)]</c> or <c>[Linear(in, out)]</c>: PyTorch's nn.Linear; an activation after it may fuse into its stage.</summary>
internal sealed class LinearDescriptor : LayerDescriptor
{
    public LinearDescriptor()
        : base(LayerKind.Linear)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count is 1 or 2;

    public override LayerResult? Infer(LayerContext context) => LinearRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Linear;

    public override bool CanUnroll => true;

    /// <summary>Multiply-adds; a per-step layer on a sequence always calls its kernel (one product over every step of the batch).</summary>
    public override long UnrollWork(PlannedLayer layer) => IsPerStep(layer) ? long.MaxValue : (long)layer.InFeatures * layer.OutFeatures;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence && result.Output.Rank == 2;

    public override string SummaryText(PlannedLayer layer) =>
        "Linear(" + Literals.Int(StepInFeatures(layer)) + ", " + Literals.Int(StepOutFeatures(layer)) + (layer.BiasOffset < 0 ? ", bias: false" : string.Empty) + (IsPerStep(layer) ? ", per step" : string.Empty) + ")";

    /// <summary>Whether the layer applies to every step of a sequence <c>[T, F]</c> (PyTorch's Linear on the last dimension).</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => !IsPerStep(layer);

    public static bool IsPerStep(PlannedLayer layer) => layer.InputShape.Rank == 2;

    /// <summary>The steps the layer applies to: T on a sequence, 1 otherwise.</summary>
    public static int Steps(PlannedLayer layer) => IsPerStep(layer) ? layer.InputShape.Dimensions[0] : 1;

    /// <summary>The inputs of one step (the weight's columns).</summary>
    public static int StepInFeatures(PlannedLayer layer) => layer.InFeatures / Steps(layer);

    /// <summary>The outputs of one step (the weight's rows).</summary>
    public static int StepOutFeatures(PlannedLayer layer) => layer.OutFeatures / Steps(layer);
}
