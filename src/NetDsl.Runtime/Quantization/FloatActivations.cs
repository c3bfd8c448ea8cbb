using System;
using NetDsl.Generated;

namespace NetDsl.Quantization;

/// <summary>
/// The element-wise activations without an integer form, which a quantized network runs in float between a dequantize
/// and a quantize step: the same vectorized kernels the generated float networks call, with the layer's options.
/// </summary>
internal static class FloatActivations
{
    /// <summary>The layer kinds this class computes.</summary>
    public static bool Handles(string kind) =>
        kind is "Sigmoid" or "Tanh" or "LeakyReLU" or "ELU" or "GELU" or "SiLU" or "Softplus" or "Hardswish" or "Mish";

    public static void Apply(LayerInfo layer, ReadOnlySpan<float> x, Span<float> y)
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
}
