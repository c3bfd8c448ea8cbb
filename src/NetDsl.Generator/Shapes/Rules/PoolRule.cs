using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// MaxPool1D/2D and AvgPool1D/2D as PyTorch's: stride defaults to the kernel, padding is at most half the kernel;
/// and GlobalAvgPool, <c>[C, ...]</c> to <c>[C]</c>.
/// </summary>
internal static class PoolRule
{
    public static LayerResult? Infer(LayerContext context)
    {
        LayerSpec layer = context.Layer;
        bool twoD = layer.Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D;
        Shape input = context.Input;
        int rank = twoD ? 3 : 2;
        if (input.Rank != rank)
        {
            context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, input,
                twoD ? "a 3-D shape [channels, height, width]" : "a 2-D shape [channels, length]");
            return null;
        }

        int kernel = (int)layer.Arguments[0];
        int stride = layer.IntOption("Stride", 0);
        int padding = layer.IntOption("Padding", 0);
        if (kernel <= 0)
        {
            context.ReportInvalid("kernel", kernel, "pooling windows must have a positive size");
            return null;
        }

        if (stride < 0)
        {
            context.ReportInvalid("stride", stride, "strides must be positive (0 means the kernel size)");
            return null;
        }

        if (padding < 0 || padding > kernel / 2)
        {
            context.ReportInvalid("padding", padding, "pooling padding must be between 0 and half the kernel (" + (kernel / 2) + "), as in PyTorch");
            return null;
        }

        if (stride == 0)
        {
            stride = kernel;
        }

        int? outHeight = twoD ? WindowArithmetic.OutputSize(context, "height", input.Dimensions[1], kernel, stride, padding, padding, 1) : 1;
        int? outWidth = WindowArithmetic.OutputSize(context, twoD ? "width" : "length", input.Dimensions[rank - 1], kernel, stride, padding, padding, 1);
        if (outHeight is not { } height || outWidth is not { } width)
        {
            return null;
        }

        int channels = input.Dimensions[0];
        var result = new LayerResult(twoD ? new Shape(new[] { channels, height, width }) : new Shape(new[] { channels, width }));
        int kernelHeight = twoD ? kernel : 1;
        int strideHeight = twoD ? stride : 1;
        int padHeight = twoD ? padding : 0;
        result.Window = new Window(kernelHeight, kernel, strideHeight, stride, padHeight, padding, padHeight, padding, 1, 1);
        if (layer.Kind is LayerKind.AvgPool1D or LayerKind.AvgPool2D)
        {
            result.HyperParameters = new AveragePoolParameters(CountIncludePad: layer.Option("CountIncludePad", 1) != 0);
        }

        return result;
    }

    public static LayerResult? InferGlobal(LayerContext context)
    {
        Shape input = context.Input;
        if (input.Rank < 2)
        {
            context.Report(DiagnosticDescriptors.WrongInputRank, context.Label, context.Kind, input, "a shape with channels and positions, such as [channels, height, width]");
            return null;
        }

        return new LayerResult(Shape.Vector(input.Dimensions[0]));
    }
}
