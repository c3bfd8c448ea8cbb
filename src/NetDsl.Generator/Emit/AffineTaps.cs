using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The connectivity of a Linear or convolution layer, for unrolled code: each output is its bias plus a sum of
/// weight x input products (a convolution is a sparse Linear layer). Also the reverse map, for input gradients.
/// </summary>
internal sealed class AffineTaps
{
    private AffineTaps(int[] biasIndex, List<(int Weight, int Input)>[] forward, List<(int Weight, int Output)>[] backward)
    {
        BiasIndex = biasIndex;
        Forward = forward;
        Backward = backward;
    }

    /// <summary>For each output, the index of its bias element (its channel).</summary>
    public int[] BiasIndex { get; }

    /// <summary>For each output, its (weight index, input index) products, in the kernels' order.</summary>
    public List<(int Weight, int Input)>[] Forward { get; }

    /// <summary>For each input, the (weight index, output index) pairs it feeds, by increasing output.</summary>
    public List<(int Weight, int Output)>[] Backward { get; }

    public static AffineTaps For(PlannedLayer layer)
    {
        int outputs = layer.OutFeatures;
        var biasIndex = new int[outputs];
        var forward = new List<(int, int)>[outputs];
        var backward = new List<(int, int)>[layer.InFeatures];
        for (int i = 0; i < backward.Length; i++)
        {
            backward[i] = new List<(int, int)>();
        }

        if (layer.Kind == LayerKind.Linear)
        {
            int inFeatures = layer.InFeatures;
            for (int o = 0; o < outputs; o++)
            {
                biasIndex[o] = o;
                forward[o] = new List<(int, int)>(inFeatures);
                for (int j = 0; j < inFeatures; j++)
                {
                    forward[o].Add((o * inFeatures + j, j));
                    backward[j].Add((o * inFeatures + j, o));
                }
            }

            return new AffineTaps(biasIndex, forward, backward);
        }

        Window w = layer.Window!;
        int inChannels = layer.InputShape.Dimensions[0];
        int inWidth = layer.InputShape.Dimensions[layer.InputShape.Rank - 1];
        int inHeight = layer.InputShape.Rank == 3 ? layer.InputShape.Dimensions[1] : 1;
        int outChannels = layer.OutputShape.Dimensions[0];
        int outWidth = layer.OutputShape.Dimensions[layer.OutputShape.Rank - 1];
        int outHeight = layer.OutputShape.Rank == 3 ? layer.OutputShape.Dimensions[1] : 1;
        for (int oc = 0; oc < outChannels; oc++)
        {
            for (int oh = 0; oh < outHeight; oh++)
            {
                for (int ow = 0; ow < outWidth; ow++)
                {
                    int o = (oc * outHeight + oh) * outWidth + ow;
                    biasIndex[o] = oc;
                    forward[o] = new List<(int, int)>();
                    for (int ic = 0; ic < inChannels; ic++)
                    {
                        for (int kh = 0; kh < w.KernelHeight; kh++)
                        {
                            int ih = oh * w.StrideHeight - w.PadTop + kh * w.DilationHeight;
                            for (int kw = 0; kw < w.KernelWidth; kw++)
                            {
                                int iw = ow * w.StrideWidth - w.PadLeft + kw * w.DilationWidth;
                                if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth)
                                {
                                    continue;
                                }

                                int weight = ((oc * inChannels + ic) * w.KernelHeight + kh) * w.KernelWidth + kw;
                                int input = (ic * inHeight + ih) * inWidth + iw;
                                forward[o].Add((weight, input));
                            }
                        }
                    }
                }
            }
        }

        for (int o = 0; o < outputs; o++)
        {
            foreach ((int weight, int input) in forward[o])
            {
                backward[input].Add((weight, o));
            }
        }

        return new AffineTaps(biasIndex, forward, backward);
    }
}
