using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Positional encodings: the table (the shared sinusoids, or the layer's learned weight) added to every sample.</summary>
internal sealed class PositionalEncodingStageEmitter : IStageEmitter
{
    public static readonly PositionalEncodingStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Positional encodings are never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string table = layer.Tensor("weight") is { } weight
            ? AffineStageEmitter.Slice("p", weight)
            : TypeNames.PositionalEncodingKernels + ".Sinusoids(" + Literals.Int(layer.InputShape.Dimensions[0]) + ", " + Literals.Int(layer.InputShape.Dimensions[1]) + ")";
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.PositionalEncodingKernels}.Forward({context.Input}, {table}, {context.Output}, batch, {layer.InFeatures});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        string tableGradient = layer.Tensor("weight") is { } weight ? AffineStageEmitter.Slice("g", weight) : "default";
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{TypeNames.PositionalEncodingKernels}.Backward({context.OutputGradient}, {tableGradient}, {context.InputGradientOrEmpty}, batch, {layer.InFeatures});");
        writer.WriteLine();
    }
}
