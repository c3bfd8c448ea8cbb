using System.Collections.Generic;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Groups inferred layers into stages, the units the emitter writes code for, as each layer's descriptor says: a Linear
/// or convolution with the activation that directly follows it (when its derivative follows from its output), a pool,
/// a lone activation, a normalization, a dropout, the add that closes a residual block. Layers that move no data make
/// no stage. Decides per stage between unrolled code and kernel calls, and warns (NDSL0031) where a raised UnrollLimit
/// makes a stage unroll into a huge method. These are decisions about the shape of the emitted code, so they live beside
/// the emitters; shape inference calls them last, once the layers are known to be valid, so that the analyzer reports
/// the same warnings.
/// </summary>
internal static class StagePlanner
{
    public static List<Stage> Plan(List<PlannedLayer> layers, int unrollLimit)
    {
        var stages = new List<Stage>();
        var residualSources = new Stack<int>();
        int auxOffset = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            PlannedLayer layer = layers[i];
            LayerDescriptor descriptor = LayerCatalog.For(layer.Kind);
            if (descriptor.OpensResidualBlock)
            {
                residualSources.Push(stages.Count);
                continue;
            }

            if (descriptor.Stage is not { } kind)
            {
                continue;
            }

            ActivationFunction? activation = descriptor.Activation(layer);
            int activationLayer = -1;
            if (kind is StageKind.Linear or StageKind.Convolution && i + 1 < layers.Count
                && LayerCatalog.For(layers[i + 1].Kind).Activation(layers[i + 1]) is { BackwardFromOutput: true } fused)
            {
                activation = fused;
                activationLayer = ++i;
            }

            int auxWidth = descriptor.AuxiliaryWidth(layer);
            stages.Add(new Stage(
                Index: stages.Count + 1,
                Kind: kind,
                LayerIndex: activationLayer >= 0 ? activationLayer - 1 : i,
                ActivationLayerIndex: activationLayer,
                Activation: activation,
                InputWidth: layer.InFeatures,
                OutputWidth: layer.OutFeatures,
                IsUnrolled: descriptor.CanUnroll && descriptor.UnrollWork(layer) <= System.Math.Min(unrollLimit, MaxUnrollWork),
                ResidualSource: kind == StageKind.ResidualAdd ? residualSources.Pop() : -1,
                AuxOffset: auxWidth > 0 ? auxOffset : 0,
                AuxWidth: auxWidth));
            auxOffset += auxWidth;
        }

        return stages;
    }

    /// <summary>
    /// The most straight-line operations one unrolled stage may hold before NDSL0031 warns. The default UnrollLimit (256)
    /// stays far below; 4096 multiply-adds already make a method of thousands of lines, which the compiler and the JIT
    /// handle slowly (the JIT stops optimizing very large methods) and which runs no faster than the kernels.
    /// </summary>
    public const int LargeUnrollWork = 4096;

    /// <summary>
    /// The most straight-line operations any stage is unrolled into, whatever UnrollLimit says: beyond it a stage calls
    /// its kernels. 16384 operations are already thousands of lines (tens of seconds of compilation, see NDSL0031); the
    /// cap keeps an UnrollLimit of int.MaxValue from turning a large layer into a file the compiler cannot finish.
    /// </summary>
    public const int MaxUnrollWork = 16384;

    /// <summary>Warns (NDSL0031) for each stage that an UnrollLimit raised by the user makes unroll into a huge method.</summary>
    public static void CheckUnrolledSizes(NetworkSpec spec, List<LayerSpec> stack, List<PlannedLayer> planned, List<Stage> stages, List<DiagnosticInfo> diagnostics)
    {
        foreach (Stage stage in stages)
        {
            if (!stage.IsUnrolled || stage.LayerIndex >= stack.Count || stage.LayerIndex >= planned.Count)
            {
                continue;
            }

            long work = LayerCatalog.For(planned[stage.LayerIndex].Kind).UnrollWork(planned[stage.LayerIndex]);
            if (work > LargeUnrollWork)
            {
                LayerSpec layer = stack[stage.LayerIndex];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LargeUnrolledStage, layer.AttributeIndex,
                    LayerNames.Label(layer, stage.LayerIndex), layer.AttributeName, work, LargeUnrollWork, spec.UnrollLimit));
            }
        }
    }

    /// <summary>
    /// Reports NDSL0017 and returns false when the per-sample workspace the emitted code declares as constants would not
    /// fit an array: the activations (the input and every stage's output), twice the widest of them (the gradient
    /// scratch), or the auxiliary floats. Each layer fits on its own, but their sum may not (<c>[Input(1500000000)][ReLU]</c>).
    /// </summary>
    public static bool CheckWorkspaceSize(NetworkSpec spec, int inputWidth, List<Stage> stages, List<DiagnosticInfo> diagnostics)
    {
        long activations = inputWidth;
        long widest = inputWidth;
        long auxiliary = 0;
        foreach (Stage stage in stages)
        {
            activations += stage.OutputWidth;
            widest = System.Math.Max(widest, stage.OutputWidth);
            auxiliary += stage.AuxWidth;
        }

        (long Floats, string What)[] arrays =
        {
            (activations, "floats of activations per sample (the input and every stage's output)"),
            (2 * widest, "floats of gradient scratch per sample (twice the widest activation)"),
            (auxiliary, "floats per sample of dropout masks and saved residual gradients"),
        };
        foreach ((long floats, string what) in arrays)
        {
            if (floats > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, spec.NetworkAttributeIndex, spec.ClassName, floats, what));
                return false;
            }
        }

        return true;
    }
}
