using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// RNN, LSTM and GRU stages: one call of the runtime's recurrent kernels over the batch, with the layer's parameters as
/// one contiguous span (their blocks in PyTorch's order) and its <c>RecurrentGeometry</c> field. Training keeps every
/// step's states in the stage's auxiliary span for the backward pass; inference passes none.
/// </summary>
internal sealed class RecurrentStageEmitter : IStageEmitter
{
    public static readonly RecurrentStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Recurrent stages are never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Training && context.Auxiliary is { } auxiliary ? auxiliary : "default";
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.RecurrentKernels}.Forward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {context.Output}, {workspace}, batch);");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string workspace = context.Auxiliary ?? throw new InvalidOperationException("A recurrent stage has no auxiliary span.");
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{TypeNames.RecurrentKernels}.Backward(in {GeometryField.Name(stage)}, {context.Input}, {AffineStageEmitter.AllTensors(layer, "p")}, {AffineStageEmitter.AllTensors(layer, "g")}, {workspace}, {context.OutputGradient}, {context.InputGradientOrEmpty}, batch);");
        writer.WriteLine();
    }
}
