using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// Conv1D on <c>[C, L]</c> and Conv2D on <c>[C, H, W]</c>, as PyTorch's Conv1d/Conv2d: weight <c>[out, in, (kh,) kw]</c>,
/// bias <c>[out]</c>, fan-in <c>in * kh * kw</c>. A 1-D convolution is a 2-D one of height 1.
/// </summary>
internal static class ConvolutionRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        bool twoD = layer.Kind == LayerKind.Conv2D;
        Shape input = context.Input;
        int rank = twoD ? 3 : 2;
        if (input.Rank != rank)
        {
            context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, input,
                twoD ? "a 3-D shape [channels, height, width]" + ReshapeHint(input, 3) : "a 2-D shape [channels, length]" + ReshapeHint(input, 2));
            return null;
        }

        int outChannels = (int)layer.Arguments[layer.Arguments.Count - 1];
        int? declaredIn = layer.Arguments.Count == 2 ? (int)layer.Arguments[0] : null;
        int inChannels = input.Dimensions[0];
        int inHeight = twoD ? input.Dimensions[1] : 1;
        int inWidth = input.Dimensions[rank - 1];

        bool valid = true;
        if (outChannels <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (" + context.Kind + ")", "out channels", outChannels);
            valid = false;
        }

        if (declaredIn is <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, "Layer " + context.Label + " (" + context.Kind + ")", "in channels", declaredIn.Value);
            valid = false;
        }
        else if (declaredIn is { } declared && declared != inChannels)
        {
            context.Report(context.Diagnostic(DiagnosticDescriptors.ChannelMismatch, context.Label, context.Kind, input, inChannels, declared, outChannels)
                .WithProperty(DiagnosticPropertyNames.InferredSize, inChannels));
            valid = false;
        }

        int kernelHeight = twoD ? AxisOption(layer, "Kernel", "KernelHeight", 0) : 1;
        int kernelWidth = AxisOption(layer, "Kernel", twoD ? "KernelWidth" : "Kernel", 0);
        int strideHeight = twoD ? AxisOption(layer, "Stride", "StrideHeight", 1) : 1;
        int strideWidth = AxisOption(layer, "Stride", twoD ? "StrideWidth" : "Stride", 1);
        int dilationHeight = twoD ? AxisOption(layer, "Dilation", "DilationHeight", 1) : 1;
        int dilationWidth = AxisOption(layer, "Dilation", twoD ? "DilationWidth" : "Dilation", 1);
        int paddingHeight = twoD ? AxisOption(layer, "Padding", "PaddingHeight", 0) : 0;
        int paddingWidth = AxisOption(layer, "Padding", twoD ? "PaddingWidth" : "Padding", 0);

        valid &= Positive(context, twoD ? "kernel height" : "kernel", kernelHeight, "set Kernel to a positive size");
        valid &= Positive(context, twoD ? "kernel width" : "kernel", kernelWidth, "set Kernel to a positive size");
        valid &= Positive(context, twoD ? "stride height" : "stride", strideHeight, "strides must be positive");
        valid &= Positive(context, twoD ? "stride width" : "stride", strideWidth, "strides must be positive");
        valid &= Positive(context, twoD ? "dilation height" : "dilation", dilationHeight, "dilations must be positive");
        valid &= Positive(context, twoD ? "dilation width" : "dilation", dilationWidth, "dilations must be positive");
        valid &= ValidPadding(context, twoD ? "padding height" : "padding", paddingHeight, strideHeight);
        valid &= ValidPadding(context, twoD ? "padding width" : "padding", paddingWidth, strideWidth);
        if (!valid)
        {
            return null;
        }

        (int top, int bottom) = Pads(paddingHeight, kernelHeight, dilationHeight);
        (int left, int right) = Pads(paddingWidth, kernelWidth, dilationWidth);
        int? outHeight = twoD ? WindowArithmetic.OutputSize(context, "height", inHeight, kernelHeight, strideHeight, top, bottom, dilationHeight) : 1;
        int? outWidth = WindowArithmetic.OutputSize(context, twoD ? "width" : "length", inWidth, kernelWidth, strideWidth, left, right, dilationWidth);
        if (outHeight is not { } height || outWidth is not { } width)
        {
            return null;
        }

        var result = new LayerResult(twoD ? new Shape(new[] { outChannels, height, width }) : new Shape(new[] { outChannels, width }));
        int fanIn = inChannels * kernelHeight * kernelWidth;
        Shape weightShape = twoD
            ? new Shape(new[] { outChannels, inChannels, kernelHeight, kernelWidth })
            : new Shape(new[] { outChannels, inChannels, kernelWidth });
        result.Parameters.Add(Tensors.Default("weight", weightShape, fanIn));
        if (layer.Option("Bias", 1) != 0)
        {
            result.Parameters.Add(Tensors.Default("bias", Shape.Vector(outChannels), fanIn));
        }

        result.Window = new Window(kernelHeight, kernelWidth, strideHeight, strideWidth, top, left, bottom, right, dilationHeight, dilationWidth);
        return result;
    }

    /// <summary>The per-axis option if written, else the shared one if written, else the default.</summary>
    internal static int AxisOption(LayerSpec layer, string shared, string axis, int defaultValue)
    {
        if (layer.Options.Any(o => o.Name == axis))
        {
            return layer.IntOption(axis, defaultValue);
        }

        return layer.IntOption(shared, defaultValue);
    }

    private static bool Positive(LayerContext context, string name, int value, string requirement)
    {
        if (value > 0)
        {
            return true;
        }

        context.ReportInvalid(name, value, requirement);
        return false;
    }

    private static bool ValidPadding(LayerContext context, string name, int value, int stride)
    {
        if (value == -1)
        {
            if (stride == 1)
            {
                return true;
            }

            context.ReportInvalid(name, "ConvPadding.Same", "'same' padding needs stride 1, as in PyTorch");
            return false;
        }

        if (value >= 0)
        {
            return true;
        }

        context.ReportInvalid(name, value, "padding must be zero, positive, or ConvPadding.Same");
        return false;
    }

    /// <summary>The padding before and after; 'same' splits dilation*(kernel-1), the odd element going after, as PyTorch does.</summary>
    private static (int Before, int After) Pads(int padding, int kernel, int dilation)
    {
        if (padding != -1)
        {
            return (padding, padding);
        }

        int total = dilation * (kernel - 1);
        return (total / 2, total - (total / 2));
    }

    private static string ReshapeHint(Shape input, int rank) =>
        input.Rank < rank ? "; add a [Reshape(...)] before it to give the sample that shape" : "; add a pooling or [Flatten]/[Reshape(...)] layer before it";
}
