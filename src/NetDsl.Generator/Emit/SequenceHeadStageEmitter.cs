using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Reductions over the steps of a sequence (<c>MeanOverTime</c>, <c>MaxOverTime</c>, <c>LastStep</c>): one kernel call each way.</summary>
internal sealed class SequenceHeadStageEmitter : IStageEmitter
{
    public static readonly SequenceHeadStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Sequence reductions are never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.SequenceHeadKernels}.{Name(layer)}Forward({context.Input}, {context.Output}, {Sizes(layer)});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string input = layer.Kind == LayerKind.MaxOverTime ? context.Input + ", " : string.Empty;
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine(context.Guarded($"{TypeNames.SequenceHeadKernels}.{Name(layer)}Backward({input}{context.OutputGradient}, {context.InputGradient}, {Sizes(layer)});"));
        writer.WriteLine();
    }

    private static string Name(PlannedLayer layer) => layer.Kind switch
    {
        LayerKind.MeanOverTime => "Mean",
        LayerKind.MaxOverTime => "Max",
        _ => "Last",
    };

    private static string Sizes(PlannedLayer layer) =>
        "batch, " + Literals.Int(layer.InputShape.Dimensions[0]) + ", " + Literals.Int(layer.InputShape.Dimensions[1]);
}
