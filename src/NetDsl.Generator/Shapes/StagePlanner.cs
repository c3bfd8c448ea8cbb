using System.Collections.Generic;
using NetDsl.Generator.Catalog;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// Groups inferred layers into stages, the units the emitter writes code for, as each layer's descriptor says: a Linear
/// or convolution with the activation that directly follows it (when its derivative follows from its output), a pool,
/// a lone activation, a normalization, a dropout, the add that closes a residual block. Layers that move no data make
/// no stage. Decides per stage between unrolled code and kernel calls.
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

            int auxWidth = descriptor.KeepsAuxiliary ? layer.InFeatures : 0;
            stages.Add(new Stage(
                Index: stages.Count + 1,
                Kind: kind,
                LayerIndex: activationLayer >= 0 ? activationLayer - 1 : i,
                ActivationLayerIndex: activationLayer,
                Activation: activation,
                InputWidth: layer.InFeatures,
                OutputWidth: layer.OutFeatures,
                IsUnrolled: descriptor.CanUnroll && descriptor.UnrollWork(layer) <= unrollLimit,
                ResidualSource: kind == StageKind.ResidualAdd ? residualSources.Pop() : -1,
                AuxOffset: auxWidth > 0 ? auxOffset : 0,
                AuxWidth: auxWidth));
            auxOffset += auxWidth;
        }

        return stages;
    }
}
