using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Multi-head self-attention stages: one call of the runtime's attention kernels each way, with the layer's four tensors as one span.</summary>
internal sealed class AttentionStageEmitter : IStageEmitter
{
    public static readonly AttentionStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Attention stages are never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Training && context.Auxiliary is { } auxiliary ? auxiliary : "default";
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.AttentionKernels}.Forward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {context.Output}, {workspace}, batch);");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Auxiliary ?? throw new InvalidOperationException("An attention stage has no auxiliary span.");
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{TypeNames.AttentionKernels}.Backward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {AffineStageEmitter.AllTensors(layer, "g")}, {workspace}, {context.OutputGradient}, {context.InputGradientOrEmpty}, batch);");
        writer.WriteLine();
    }
}
