using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Softmax, LogSoftmax, batch and layer normalization: layers whose every output depends on many inputs through a
/// reduction; they always call their kernels (never unrolled), so they have no single-sample form in locals.
/// </summary>
internal sealed class KernelOnlyStageEmitter : IStageEmitter
{
    public static readonly KernelOnlyStageEmitter Instance = new();

    public string[] EmitSampleForward(SourceWriter writer, NetworkPlan plan, Stage stage, Func<int, string> input, Func<int, Func<int, string>> outputsOfStage) =>
        throw new InvalidOperationException("Stage kind " + stage.Kind + " is never unrolled.");

    public void EmitForward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Of(plan, stage));
        string io = context.Input + ", " + context.Output + ", ";
        switch (layer.Kind)
        {
            case LayerKind.Softmax:
            case LayerKind.LogSoftmax:
                writer.WriteLine(TypeNames.SoftmaxKernels + "." + layer.Kind + "(" + io + "batch, " + Literals.Int(layer.InFeatures) + ");");
                break;
            case LayerKind.LayerNorm:
                writer.WriteLine(TypeNames.NormalizationKernels + ".LayerNormForward(" + io + Affine(layer, "p") + "batch, " + Literals.Int(layer.InFeatures) + ", " + Literals.Float(layer.Option("Eps")) + ");");
                break;
            default:
                string statistics = AffineStageEmitter.Slice("r", layer.Tensor("running_mean")!) + ", " + AffineStageEmitter.Slice("r", layer.Tensor("running_var")!) + ", ";
                string sizes = "batch, " + Literals.Int(Channels(layer)) + ", " + Literals.Int(Positions(layer)) + ", " + Literals.Float(layer.Option("Eps"));
                writer.WriteLine(context.Training
                    ? TypeNames.NormalizationKernels + ".BatchNormTraining(" + io + Affine(layer, "p") + statistics + sizes + ", " + Literals.Float(layer.Option("Momentum")) + ");"
                    : TypeNames.NormalizationKernels + ".BatchNormInference(" + io + Affine(layer, "p") + statistics + sizes + ");");
                break;
        }

        writer.WriteLine();
    }

    public void EmitBackward(SourceWriter writer, NetworkPlan plan, Stage stage, StageContext context)
    {
        PlannedLayer layer = plan.Layers[stage.LayerIndex];
        writer.WriteLine(StageDescription.Backward(plan, stage));
        switch (layer.Kind)
        {
            case LayerKind.Softmax:
            case LayerKind.LogSoftmax:
                writer.WriteLine(context.Guarded(TypeNames.SoftmaxKernels + "." + layer.Kind + "Backward(" + context.Output + ", " + context.OutputGradient + ", " + context.InputGradient + ", batch, " + Literals.Int(layer.InFeatures) + ");"));
                break;
            case LayerKind.LayerNorm:
                writer.WriteLine(TypeNames.NormalizationKernels + ".LayerNormBackward(" + context.Input + ", " + context.OutputGradient + ", " + Weight(layer) + ", " + Gradients(layer)
                    + context.InputGradientOrEmpty + ", batch, " + Literals.Int(layer.InFeatures) + ", " + Literals.Float(layer.Option("Eps")) + ");");
                break;
            default:
                writer.WriteLine(TypeNames.NormalizationKernels + ".BatchNormBackward(" + context.Input + ", " + context.OutputGradient + ", " + Weight(layer) + ", " + Gradients(layer)
                    + context.InputGradientOrEmpty + ", batch, " + Literals.Int(Channels(layer)) + ", " + Literals.Int(Positions(layer)) + ", " + Literals.Float(layer.Option("Eps")) + ");");
                break;
        }

        writer.WriteLine();
    }

    private static string Affine(PlannedLayer layer, string span) =>
        layer.Tensor("weight") is { } weight
            ? AffineStageEmitter.Slice(span, weight) + ", " + AffineStageEmitter.Slice(span, layer.Tensor("bias")!) + ", "
            : "default, default, ";

    private static string Weight(PlannedLayer layer) => layer.Tensor("weight") is { } weight ? AffineStageEmitter.Slice("p", weight) : "default";

    private static string Gradients(PlannedLayer layer) => Affine(layer, "g");

    private static int Channels(PlannedLayer layer) => layer.InputShape.Dimensions[0];

    private static int Positions(PlannedLayer layer) => layer.InFeatures / layer.InputShape.Dimensions[0];
}
