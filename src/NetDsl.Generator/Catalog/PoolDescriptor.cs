using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[MaxPool1D]</c>, <c>[MaxPool2D]</c>, <c>[AvgPool1D]</c> and <c>[AvgPool2D]</c>, as PyTorch's pools.</summary>
internal sealed class PoolDescriptor : LayerDescriptor
{
    public PoolDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public bool IsMax => Kind is LayerKind.MaxPool1D or LayerKind.MaxPool2D;

    public bool IsTwoDimensional => Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D;

    public override bool AcceptsArgumentCount(int count) => count == 1;

    public override LayerResult? Infer(LayerContext context) => PoolRule.Infer(context);

    public override StageKind? Stage => StageKind.Pool;

    /// <summary>
    /// Max pools in integers (the largest uint8 is the largest value, quantized: quantization is monotonic); average pools
    /// in float between a dequantize and a quantize step.
    /// </summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => (long)layer.OutFeatures * layer.Window!.KernelHeight * layer.Window.KernelWidth;

    public override string SummaryText(PlannedLayer layer)
    {
        Window w = layer.Window!;
        var parts = new List<string> { SummaryFormat.Kernel(w, IsTwoDimensional) };
        if (w.StrideWidth != w.KernelWidth)
        {
            parts.Add("stride " + Literals.Int(w.StrideWidth));
        }

        if (w.PadLeft != 0)
        {
            parts.Add("padding " + Literals.Int(w.PadLeft));
        }

        return AttributeName + "(" + string.Join(", ", parts) + ")";
    }
}
