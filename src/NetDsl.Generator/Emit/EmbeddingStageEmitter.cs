using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>Embedding stages: one call of the runtime's embedding kernels over the batch (a row gather, and its scatter-add).</summary>
internal sealed class EmbeddingStageEmitter : IStageEmitter
{
    public static readonly EmbeddingStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Embedding stages are never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        EmbeddingParameters e = layer.HyperParametersAs<EmbeddingParameters>();
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"{TypeNames.EmbeddingKernels}.Forward({context.Input}, {AffineStageEmitter.Slice("p", layer.Tensor("weight")!)}, {context.Output}, batch, {layer.InFeatures}, {e.Vocabulary}, {e.Dimension});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        EmbeddingParameters e = layer.HyperParametersAs<EmbeddingParameters>();
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"{TypeNames.EmbeddingKernels}.Backward({context.Input}, {context.OutputGradient}, {AffineStageEmitter.Slice("g", layer.Tensor("weight")!)}, {context.InputGradientOrEmpty}, batch, {layer.InFeatures}, {e.Vocabulary}, {e.Dimension}, paddingIndex: {e.PaddingIndex});");
        writer.WriteLine();
    }
}
