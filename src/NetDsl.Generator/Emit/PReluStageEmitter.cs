using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>PReLU: kernel calls that read its slopes from the parameters and add to their gradient.</summary>
internal sealed class PReluStageEmitter : IStageEmitter
{
    public static readonly PReluStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Stage kind " + stage.Kind + " is never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.PReluKernels}.Forward({context.Input}, {context.Output}, {AffineStageEmitter.Slice("p", Weight(layer))}, batch, {Sizes(layer)});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{TypeNames.PReluKernels}.Backward({context.Input}, {context.OutputGradient}, {context.InputGradientOrEmpty}, {AffineStageEmitter.Slice("p", Weight(layer))}, {AffineStageEmitter.Slice("g", Weight(layer))}, batch, {Sizes(layer)});");
        writer.WriteLine();
    }

    private static PlannedTensor Weight(PlannedLayer layer) =>
        layer.Tensor("weight") ?? throw new InvalidOperationException("PReLU layer '" + layer.Name + "' has no weight.");

    // Channels (the sample's first dimension) and positions per channel.
    private static string Sizes(PlannedLayer layer)
    {
        int channels = layer.InputShape.Dimensions[0];
        return Literals.Int(channels) + ", " + Literals.Int(layer.InFeatures / channels);
    }
}
