using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// The geometry of a convolution or pooling layer on <c>[channels, height, width]</c> samples (a 1-D layer has height 1),
/// as PyTorch defines it: input position <c>h = oh * StrideHeight - PadTop + kh * DilationHeight</c>, and likewise for width.
/// Generated code creates one per layer with constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct WindowGeometry(
    int InChannels,
    int InHeight,
    int InWidth,
    int OutChannels,
    int OutHeight,
    int OutWidth,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadLeft,
    int DilationHeight,
    int DilationWidth)
{
    /// <summary>Floats in one input sample.</summary>
    public int InputSize => InChannels * InHeight * InWidth;

    /// <summary>Floats in one output sample.</summary>
    public int OutputSize => OutChannels * OutHeight * OutWidth;

    /// <summary>Input positions per output channel plane.</summary>
    public int InPlane => InHeight * InWidth;

    /// <summary>Output positions per channel plane.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>The range of output columns <c>[first, last)</c> whose kernel column <paramref name="kw"/> reads inside the input.</summary>
    internal (int First, int Last) ValidColumns(int kw)
    {
        int offset = kw * DilationWidth - PadLeft;
        return ValidRange(offset, StrideWidth, InWidth, OutWidth);
    }

    /// <summary>The range of output rows <c>[first, last)</c> whose kernel row <paramref name="kh"/> reads inside the input.</summary>
    internal (int First, int Last) ValidRows(int kh)
    {
        int offset = kh * DilationHeight - PadTop;
        return ValidRange(offset, StrideHeight, InHeight, OutHeight);
    }

    // Outputs o with 0 <= o * stride + offset < size.
    private static (int First, int Last) ValidRange(int offset, int stride, int size, int outputs)
    {
        int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = size - offset <= 0 ? 0 : (size - offset - 1) / stride + 1;
        if (last > outputs)
        {
            last = outputs;
        }

        return (first, last < first ? first : last);
    }
}
