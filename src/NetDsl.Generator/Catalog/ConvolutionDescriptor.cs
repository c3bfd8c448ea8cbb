using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary><c>[Conv1D]</c> and <c>[Conv2D]</c>: PyTorch's nn.Conv1d/Conv2d; an activation after it may fuse into its stage.</summary>
internal sealed class ConvolutionDescriptor : LayerDescriptor
{
    public ConvolutionDescriptor(LayerKind kind)
        : base(kind)
    {
    }

    public override bool AcceptsArgumentCount(int count) => count is 1 or 2;

    public override LayerResult? Infer(LayerContext context) => ConvolutionRule.Infer(context);

    public override bool HasParameters => true;

    public override StageKind? Stage => StageKind.Convolution;

    /// <summary>Conv1D and Conv2D, not as the last layer: their outputs are requantized to uint8 (a last Linear is what writes floats).</summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => !isLast;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => (long)layer.OutFeatures * TapsPerOutput(layer);

    /// <summary>Multiply-adds per output element: in channels x kernel height x kernel width.</summary>
    public static long TapsPerOutput(PlannedLayer layer) =>
        (long)layer.InputShape.Dimensions[0] * layer.Window!.KernelHeight * layer.Window.KernelWidth;

    public override string SummaryText(PlannedLayer layer)
    {
        Window w = layer.Window!;
        bool twoD = Kind == LayerKind.Conv2D;
        var parts = new List<string> { Literals.Int(layer.InputShape.Dimensions[0]), Literals.Int(layer.OutputShape.Dimensions[0]), SummaryFormat.Kernel(w, twoD) };
        SummaryFormat.AddWindowExtras(parts, twoD, w);
        if (layer.BiasOffset < 0)
        {
            parts.Add("bias: false");
        }

        return AttributeName + "(" + string.Join(", ", parts) + ")";
    }
}
