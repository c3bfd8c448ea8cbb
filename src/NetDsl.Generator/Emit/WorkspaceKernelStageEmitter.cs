using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Stages whose kernels keep per-sample state for the backward pass (RNN/LSTM/GRU, multi-head attention): one call of
/// the runtime's kernels over the batch, with the layer's geometry field and its tensors as one contiguous span.
/// Training passes the stage's auxiliary span as the workspace; inference passes none.
/// </summary>
internal sealed class WorkspaceKernelStageEmitter : IStageEmitter
{
    public static readonly WorkspaceKernelStageEmitter Recurrent = new(TypeNames.RecurrentKernels);

    public static readonly WorkspaceKernelStageEmitter Attention = new(TypeNames.AttentionKernels);

    private readonly string _kernels;

    private WorkspaceKernelStageEmitter(string kernels) => _kernels = kernels;

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Stage kind " + stage.Kind + " is never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Training && context.Auxiliary is { } auxiliary ? auxiliary : "default";
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{_kernels}.Forward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {context.Output}, {workspace}, batch);");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Auxiliary ?? throw new InvalidOperationException("Stage kind " + stage.Kind + " has no auxiliary span.");
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{_kernels}.Backward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {AffineStageEmitter.AllTensors(layer, "g")}, {workspace}, {context.OutputGradient}, {context.InputGradientOrEmpty}, batch);");
        writer.WriteLine();
    }
}
