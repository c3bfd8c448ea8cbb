using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Softmax, LogSoftmax and layer normalization: layers whose every output depends on many inputs of its sample through a
/// reduction; they always call their kernels (never unrolled), so they have no single-sample form in locals. Batch
/// normalization, which reduces over the batch, has its own emitter (<see cref="BatchNormStageEmitter"/>).
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
                writer.WriteLine($"{TypeNames.SoftmaxKernels}.{layer.Kind}({io}batch, {layer.InFeatures});");
                break;
            case LayerKind.LayerNorm:
                writer.WriteLine($"{TypeNames.NormalizationKernels}.LayerNormForward({io}{Affine(layer, "p")}{LayerNormRows(layer)}, {Literals.Float(layer.HyperParametersAs<LayerNormParameters>().Eps)});");
                break;
            default:
                throw new InvalidOperationException("Layer kind " + layer.Kind + " has no kernel-only stage.");
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
                writer.WriteLine($"{TypeNames.NormalizationKernels}.LayerNormBackward({context.Input}, {context.OutputGradient}, {Weight(layer)}, {Gradients(layer)}{context.InputGradientOrEmpty}, {LayerNormRows(layer)}, {Literals.Float(layer.HyperParametersAs<LayerNormParameters>().Eps)});");
                break;
            default:
                throw new InvalidOperationException("Layer kind " + layer.Kind + " has no kernel-only stage.");
        }

        writer.WriteLine();
    }

    /// <summary><c>batch, features</c>; per step on a sequence <c>[T, E]</c>, every step of every sample is a row: <c>batch * T, E</c>.</summary>
    private static string LayerNormRows(PlannedLayer layer)
    {
        LayerNormParameters p = layer.HyperParametersAs<LayerNormParameters>();
        int groups = p.GroupsPerSample(layer.InputShape);
        return (groups == 1 ? "batch" : "batch * " + Literals.Int(groups)) + ", " + Literals.Int(p.Features(layer.InputShape));
    }

    internal static string Affine(PlannedLayer layer, string span) =>
        layer.Tensor("weight") is { } weight
            ? AffineStageEmitter.Slice(span, weight) + ", " + AffineStageEmitter.Slice(span, layer.Tensor("bias")!) + ", "
            : "default, default, ";

    internal static string Weight(PlannedLayer layer) => layer.Tensor("weight") is { } weight ? AffineStageEmitter.Slice("p", weight) : "default";

    internal static string Gradients(PlannedLayer layer) => Affine(layer, "g");
}
