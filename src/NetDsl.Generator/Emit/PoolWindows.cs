using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>For unrolled pooling code: the input indices each output reads (padding skipped) and its averaging divisor.</summary>
internal sealed class PoolWindows
{
    private PoolWindows(List<int>[] inputs, int[] divisors, List<int>[] readers)
    {
        Inputs = inputs;
        Divisors = divisors;
        Readers = readers;
    }

    /// <summary>For each output, the input indices of its window in row-major window order.</summary>
    public List<int>[] Inputs { get; }

    /// <summary>For each output, the divisor of average pooling (PyTorch's rule, with or without padding).</summary>
    public int[] Divisors { get; }

    /// <summary>For each input, the outputs whose window contains it, by increasing output.</summary>
    public List<int>[] Readers { get; }

    public static PoolWindows For(PlannedLayer layer, bool countIncludePad)
    {
        Window w = layer.Window!;
        int channels = layer.InputShape.Dimensions[0];
        int inWidth = layer.InputShape.Dimensions[layer.InputShape.Rank - 1];
        int inHeight = layer.InputShape.Rank == 3 ? layer.InputShape.Dimensions[1] : 1;
        int outWidth = layer.OutputShape.Dimensions[layer.OutputShape.Rank - 1];
        int outHeight = layer.OutputShape.Rank == 3 ? layer.OutputShape.Dimensions[1] : 1;
        var inputs = new List<int>[layer.OutFeatures];
        var divisors = new int[layer.OutFeatures];
        var readers = new List<int>[layer.InFeatures];
        for (int i = 0; i < readers.Length; i++)
        {
            readers[i] = new List<int>();
        }

        for (int c = 0; c < channels; c++)
        {
            for (int oh = 0; oh < outHeight; oh++)
            {
                for (int ow = 0; ow < outWidth; ow++)
                {
                    int o = (c * outHeight + oh) * outWidth + ow;
                    inputs[o] = new List<int>();
                    for (int kh = 0; kh < w.KernelHeight; kh++)
                    {
                        int ih = oh * w.StrideHeight - w.PadTop + kh * w.DilationHeight;
                        for (int kw = 0; kw < w.KernelWidth; kw++)
                        {
                            int iw = ow * w.StrideWidth - w.PadLeft + kw * w.DilationWidth;
                            if (ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth)
                            {
                                int input = (c * inHeight + ih) * inWidth + iw;
                                inputs[o].Add(input);
                                readers[input].Add(o);
                            }
                        }
                    }

                    if (countIncludePad)
                    {
                        int h0 = oh * w.StrideHeight - w.PadTop;
                        int w0 = ow * w.StrideWidth - w.PadLeft;
                        int h1 = System.Math.Min(h0 + w.KernelHeight, inHeight + w.PadTop);
                        int w1 = System.Math.Min(w0 + w.KernelWidth, inWidth + w.PadLeft);
                        divisors[o] = (h1 - h0) * (w1 - w0);
                    }
                    else
                    {
                        divisors[o] = inputs[o].Count;
                    }
                }
            }
        }

        return new PoolWindows(inputs, divisors, readers);
    }
}
