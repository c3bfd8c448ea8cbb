using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// Groups inferred layers into stages, the units the emitter writes code for: a Linear or convolution with the
/// activation that directly follows it (when its derivative follows from its output), a pool, a lone activation,
/// a normalization, a dropout, the add that closes a residual block. Flatten and Reshape move no data and make no stage.
/// Decides per stage between unrolled code and kernel calls.
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
            int index = stages.Count + 1;
            int inWidth = layer.InFeatures;
            int outWidth = layer.OutFeatures;
            switch (layer.Kind)
            {
                case LayerKind.Linear:
                case LayerKind.Conv1D:
                case LayerKind.Conv2D:
                {
                    bool fuse = i + 1 < layers.Count && LayerNames.IsFusable(layers[i + 1].Kind);
                    Activation activation = fuse ? LayerNames.ActivationOf(layers[i + 1]) : Activation.None;
                    bool linear = layer.Kind == LayerKind.Linear;
                    stages.Add(new Stage(index, linear ? StageKind.Linear : StageKind.Convolution, i, fuse ? i + 1 : -1, activation,
                        inWidth, outWidth, UnrollWork(layer) <= unrollLimit, -1, 0, 0));
                    if (fuse)
                    {
                        i++;
                    }

                    break;
                }

                case LayerKind.MaxPool1D:
                case LayerKind.MaxPool2D:
                case LayerKind.AvgPool1D:
                case LayerKind.AvgPool2D:
                    stages.Add(new Stage(index, StageKind.Pool, i, -1, Activation.None, inWidth, outWidth, UnrollWork(layer) <= unrollLimit, -1, 0, 0));
                    break;

                case LayerKind.GlobalAvgPool:
                    stages.Add(new Stage(index, StageKind.GlobalAvgPool, i, -1, Activation.None, inWidth, outWidth, UnrollWork(layer) <= unrollLimit, -1, 0, 0));
                    break;

                case LayerKind.Identity:
                case LayerKind.ReLU:
                case LayerKind.Sigmoid:
                case LayerKind.Tanh:
                case LayerKind.LeakyReLU:
                case LayerKind.ELU:
                case LayerKind.GELU:
                case LayerKind.SiLU:
                    stages.Add(new Stage(index, StageKind.Activation, i, -1, LayerNames.ActivationOf(layer), inWidth, outWidth, UnrollWork(layer) <= unrollLimit, -1, 0, 0));
                    break;

                case LayerKind.Softmax:
                case LayerKind.LogSoftmax:
                    stages.Add(new Stage(index, StageKind.Softmax, i, -1, Activation.None, inWidth, outWidth, false, -1, 0, 0));
                    break;

                case LayerKind.BatchNorm1D:
                case LayerKind.BatchNorm2D:
                    stages.Add(new Stage(index, StageKind.BatchNorm, i, -1, Activation.None, inWidth, outWidth, false, -1, 0, 0));
                    break;

                case LayerKind.LayerNorm:
                    stages.Add(new Stage(index, StageKind.Normalization, i, -1, Activation.None, inWidth, outWidth, false, -1, 0, 0));
                    break;

                case LayerKind.Dropout:
                    // Unrolled only means that single-sample inference, where dropout is the identity, stays in locals.
                    stages.Add(new Stage(index, StageKind.Dropout, i, -1, Activation.None, inWidth, outWidth, UnrollWork(layer) <= unrollLimit, -1, auxOffset, inWidth));
                    auxOffset += inWidth;
                    break;

                case LayerKind.Residual:
                    residualSources.Push(stages.Count);
                    break;

                case LayerKind.EndResidual:
                    stages.Add(new Stage(index, StageKind.ResidualAdd, i, -1, Activation.None, inWidth, outWidth, UnrollWork(layer) <= unrollLimit, residualSources.Pop(), auxOffset, inWidth));
                    auxOffset += inWidth;
                    break;
            }
        }

        return stages;
    }

    /// <summary>
    /// The size of the straight-line code a layer's stage would unroll into, compared with <c>UnrollLimit</c>: multiply-adds
    /// for Linear (<c>in x out</c>) and convolutions (<c>out x taps</c>), window reads for pools, elements for element-wise
    /// stages. Stages that are never unrolled (softmax, normalization) and layers without a stage count 0.
    /// </summary>
    internal static long UnrollWork(PlannedLayer layer) => layer.Kind switch
    {
        LayerKind.Linear => (long)layer.InFeatures * layer.OutFeatures,
        LayerKind.Conv1D or LayerKind.Conv2D => (long)layer.OutFeatures * TapsPerOutput(layer),
        LayerKind.MaxPool1D or LayerKind.MaxPool2D or LayerKind.AvgPool1D or LayerKind.AvgPool2D =>
            (long)layer.OutFeatures * layer.Window!.KernelHeight * layer.Window.KernelWidth,
        LayerKind.GlobalAvgPool or LayerKind.Identity or LayerKind.ReLU or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.LeakyReLU
            or LayerKind.ELU or LayerKind.GELU or LayerKind.SiLU or LayerKind.Dropout or LayerKind.EndResidual => layer.InFeatures,
        _ => 0,
    };

    /// <summary>Multiply-adds per output element of a convolution: in channels x kernel height x kernel width.</summary>
    internal static long TapsPerOutput(PlannedLayer layer) =>
        (long)layer.InputShape.Dimensions[0] * layer.Window!.KernelHeight * layer.Window.KernelWidth;
}
