using System.Globalization;
using NetDsl.Generator.Diagnostics;

namespace NetDsl.Generator.Shapes.Rules;

/// <summary>
/// The output size of a sliding window along one axis, as PyTorch computes it:
/// <c>floor((in + padBefore + padAfter - dilation*(kernel-1) - 1) / stride) + 1</c>, with the arithmetic spelled out in messages.
/// </summary>
internal static class WindowArithmetic
{
    /// <summary>The output size along the axis, or null after reporting a window that does not fit.</summary>
    public static int? OutputSize(LayerContext context, string axis, int input, int kernel, int stride, int padBefore, int padAfter, int dilation)
    {
        long effectiveKernel = (long)dilation * (kernel - 1) + 1;
        long padded = (long)input + padBefore + padAfter;
        if (effectiveKernel > padded)
        {
            string window = dilation == 1
                ? Int(kernel)
                : Int(dilation) + "*(" + Int(kernel) + "-1)+1 = " + Int(effectiveKernel);
            string available = padBefore + padAfter == 0
                ? axis + " " + Int(input)
                : "padded " + axis + " " + Int(input) + PaddingTerm(padBefore, padAfter) + " = " + Int(padded);
            context.Report(DiagnosticDescriptors.WindowLargerThanInput, context.Label, context.Kind, context.Input, axis, window, available);
            return null;
        }

        long span = padded - effectiveKernel;
        long output = span / stride + 1;
        long remainder = span % stride;
        if (remainder != 0)
        {
            string exact = ((double)span / stride + 1).ToString("0.###", CultureInfo.InvariantCulture);
            string arithmetic = "(" + Int(input) + PaddingTerm(padBefore, padAfter) + " - " + Int(dilation) + "*(" + Int(kernel) + "-1) - 1) / " + Int(stride) + " + 1 = " + exact;
            context.Report(DiagnosticDescriptors.OutputSizeNotWhole, context.Label, context.Kind, axis, arithmetic, Int(output), Int(remainder));
        }

        if (output > int.MaxValue)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Network, Int(output),
                "positions along the " + axis + " of the output of layer " + context.Label + " (" + context.Kind + ": padding " + Int(padBefore) + " and " + Int(padAfter) + ")");
            return null;
        }

        return (int)output;
    }

    private static string PaddingTerm(int before, int after)
    {
        if (before == after)
        {
            return " + 2*" + Int(before);
        }

        return " + " + Int(before) + " + " + Int(after);
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
