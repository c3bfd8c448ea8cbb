using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Batch normalization. Inference is one kernel call on the running statistics. Training needs the statistics of the
/// whole batch, so each pass comes in two halves that the training passes' segments are split between
/// (<see cref="SegmentedTrainingEmitter"/>): forward, the moments of the input, then the normalization; backward, the
/// gradient sums (and the weight and bias gradients), then the input gradient.
/// </summary>
internal sealed class BatchNormStageEmitter : IStageEmitter
{
    public static readonly BatchNormStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Batch normalization is never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        if (context.Training)
        {
            throw new InvalidOperationException("Batch normalization's training forward is emitted in halves: EmitMoments and EmitNormalization.");
        }

        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage) + context.LayoutNote);
        string layout = context.InputChannelsLast ? ", " + StageContext.Layout(channelsLast: true) : string.Empty;
        writer.WriteLine($"{TypeNames.NormalizationKernels}.BatchNormInference({context.Input}, {context.Output}, {KernelOnlyStageEmitter.Affine(layer, "p")}{RunningStatistics(layer)}{Sizes(layer)}, {Literals.Float(Eps(layer))}{layout});");
        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context) =>
        throw new InvalidOperationException("Batch normalization's backward pass is emitted in halves: EmitGradientSums and EmitInputGradient.");

    /// <summary>Forward, first half: the moments of the stage's input over the network's samples into <paramref name="statistics"/>.</summary>
    public static void EmitMoments(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context, string statistics, int nextSegment)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage));
        writer.WriteLine($"// First half: each channel's mean and squared deviations over these samples; segment {nextSegment} normalizes with the whole batch's.");
        writer.WriteLine($"{TypeNames.NormalizationKernels}.BatchNormMoments({context.Input}, {statistics}, {Sizes(layer)});");
    }

    /// <summary>Forward, second half: the normalization with the whole batch's statistics, which also update the running statistics.</summary>
    public static void EmitNormalization(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context, string statistics)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine($"// Stage {stage.Index}, layer '{layer.Name}', second half: normalized with the batch's statistics, which also update the running statistics.");
        writer.WriteLine($"{TypeNames.NormalizationKernels}.BatchNormNormalize({context.Input}, {context.Output}, {KernelOnlyStageEmitter.Affine(layer, "p")}{RunningStatistics(layer)}{statistics}, {Sizes(layer)}, {Literals.Float(Eps(layer))}, {Literals.Float(layer.HyperParametersAs<BatchNormParameters>().Momentum)});");
        writer.WriteLine();
    }

    /// <summary>Backward, first half: the sums of the output gradient over the network's samples, added to the weight and bias gradients.</summary>
    public static void EmitGradientSums(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context, string statistics, int nextSegment)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Backward(plan, stage));
        writer.WriteLine($"// First half: each channel's sums of dy and dy * xhat over these samples, added to the weight and bias gradients; segment {nextSegment} computes the input gradient from the whole batch's.");
        writer.WriteLine($"{TypeNames.NormalizationKernels}.BatchNormGradientSums({context.Input}, {context.OutputGradient}, {KernelOnlyStageEmitter.Gradients(layer)}{statistics}, {Sizes(layer)}, {Literals.Float(Eps(layer))});");
    }

    /// <summary>Backward, second half: the input gradient from the whole batch's sums.</summary>
    public static void EmitInputGradient(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context, string statistics)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine($"// Backward of stage {stage.Index}, layer '{layer.Name}', second half: the input gradient, from the batch's sums.");
        writer.WriteLine($"{TypeNames.NormalizationKernels}.BatchNormInputGradient({context.Input}, {context.OutputGradient}, {KernelOnlyStageEmitter.Weight(layer)}, {context.InputGradientOrEmpty}, {statistics}, {Sizes(layer)}, {Literals.Float(Eps(layer))});");
        writer.WriteLine();
    }

    private static string RunningStatistics(PlannedLayer layer) =>
        AffineStageEmitter.Slice("r", layer.Tensor("running_mean")!) + ", " + AffineStageEmitter.Slice("r", layer.Tensor("running_var")!) + ", ";

    private static double Eps(PlannedLayer layer) => layer.HyperParametersAs<BatchNormParameters>().Eps;

    private static string Sizes(PlannedLayer layer) =>
        "batch, " + Literals.Int(layer.InputShape.Dimensions[0]) + ", " + Literals.Int(layer.InFeatures / layer.InputShape.Dimensions[0]);
}
