using System;
using NetDsl.Generated;

namespace NetDsl.Quantization;

/// <summary>
/// The layers without an integer form that a quantized network runs in float between a dequantize and a quantize step:
/// the element-wise activations, with the same vectorized kernels the generated float networks call and the layer's
/// options, and the average pools, summed in double.
/// </summary>
internal static class FloatLayers
{
    /// <summary>The layer kinds this class computes.</summary>
    public static bool Handles(string kind) =>
        kind is "Sigmoid" or "Tanh" or "LeakyReLU" or "ELU" or "GELU" or "SiLU" or "Softplus" or "Hardswish" or "Mish" or "AvgPool1D" or "AvgPool2D" or "GlobalAvgPool";

    /// <summary>Computes <paramref name="rows"/> samples of <paramref name="layer"/>.</summary>
    public static void Apply(LayerInfo layer, ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        switch (layer.Kind)
        {
            case "AvgPool1D" or "AvgPool2D": AveragePool(layer, x, y, rows); return;
            case "GlobalAvgPool": GlobalAveragePool(layer, x, y, rows); return;
            default: Activation(layer, x, y); return;
        }
    }

    private static void Activation(LayerInfo layer, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (layer.Kind)
        {
            case "Sigmoid": ActivationKernels.Sigmoid(x, y); break;
            case "Tanh": ActivationKernels.Tanh(x, y); break;
            case "LeakyReLU": ActivationKernels.LeakyReLU(x, y, (float)layer.Option("NegativeSlope")); break;
            case "ELU": ActivationKernels.ELU(x, y, (float)layer.Option("Alpha")); break;
            case "GELU" when layer.HasOption("TanhApproximation") && layer.Option("TanhApproximation") != 0: ActivationKernels.GELUTanh(x, y); break;
            case "GELU": ActivationKernels.GELU(x, y); break;
            case "SiLU": ActivationKernels.SiLU(x, y); break;
            case "Softplus": ActivationKernels.Softplus(x, y, (float)layer.Option("Beta"), (float)layer.Option("Threshold")); break;
            case "Hardswish": ActivationKernels.Hardswish(x, y); break;
            case "Mish": ActivationKernels.Mish(x, y); break;
            default: throw new NotSupportedException($"Layer '{layer.Name}' ({layer.Kind}) is not an element-wise activation computed in float.");
        }
    }

    /// <summary>PyTorch's <c>AvgPool2d</c>: the window's mean, padded positions counted when <c>CountIncludePad</c> (its default).</summary>
    private static void AveragePool(LayerInfo layer, ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        Int8Window g = Int8Window.Of(layer);
        bool countPadding = !layer.HasOption("CountIncludePad") || layer.Option("CountIncludePad") != 0;
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < g.OutChannels; c++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double sum = 0;
                        int count = 0;
                        for (int i = 0; i < g.KernelHeight; i++)
                        {
                            for (int j = 0; j < g.KernelWidth; j++)
                            {
                                (int row, int column) = g.Tap(oh, ow, i, j);
                                if (g.Inside(row, column))
                                {
                                    sum += x[((n * g.InChannels + c) * g.InHeight + row) * g.InWidth + column];
                                    count++;
                                }
                                else if (countPadding && row >= -g.PadTop && row < g.InHeight + (int)layer.Option("PadBottom") && column >= -g.PadLeft && column < g.InWidth + (int)layer.Option("PadRight"))
                                {
                                    count++;
                                }
                            }
                        }

                        y[((n * g.OutChannels + c) * g.OutHeight + oh) * g.OutWidth + ow] = (float)(sum / Math.Max(count, 1));
                    }
                }
            }
        }
    }

    /// <summary><c>GlobalAvgPool</c>: each channel's mean over all its positions, <c>[C, ...]</c> to <c>[C]</c>.</summary>
    private static void GlobalAveragePool(LayerInfo layer, ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        int channels = layer.InputShape[0];
        int positions = 1;
        for (int d = 1; d < layer.InputShape.Length; d++)
        {
            positions *= layer.InputShape[d];
        }

        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                foreach (float value in x.Slice((n * channels + c) * positions, positions))
                {
                    sum += value;
                }

                y[n * channels + c] = (float)(sum / positions);
            }
        }
    }
}
