using System;

namespace NetDsl.Quantization;

/// <summary>
/// The geometry of a window layer (Conv1D/2D, MaxPool1D/2D, AvgPool1D/2D) read from its <see cref="LayerInfo"/>: input
/// <c>[C, H, W]</c>, output <c>[C', OH, OW]</c>, kernel, stride, padding (top, left) and dilation, as the generator resolved
/// them. A 1-D layer's <c>[C, L]</c> is <c>[C, 1, L]</c>: its options already say height 1.
/// </summary>
internal sealed record Int8Window(
    int InChannels, int InHeight, int InWidth, int OutChannels, int OutHeight, int OutWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int DilationHeight, int DilationWidth)
{
    public static Int8Window Of(LayerInfo layer)
    {
        ReadOnlySpan<int> input = layer.InputShape;
        ReadOnlySpan<int> output = layer.OutputShape;
        bool flat = input.Length == 2;
        return new Int8Window(
            input[0], flat ? 1 : input[1], input[^1], output[0], flat ? 1 : output[1], output[^1],
            (int)layer.Option("KernelHeight"), (int)layer.Option("KernelWidth"), (int)layer.Option("StrideHeight"), (int)layer.Option("StrideWidth"),
            (int)layer.Option("PadTop"), (int)layer.Option("PadLeft"), (int)layer.Option("DilationHeight"), (int)layer.Option("DilationWidth"));
    }

    /// <summary>Whether the layer is one-dimensional (<c>[C, L]</c>).</summary>
    public bool OneDimensional => InHeight == 1 && KernelHeight == 1 && OutHeight == 1;

    /// <summary>Values per output pixel of a convolution: <c>C * kh * kw</c>, in PyTorch's weight order.</summary>
    public int Depth => InChannels * KernelHeight * KernelWidth;

    public int InPlane => InHeight * InWidth;

    public int OutPlane => OutHeight * OutWidth;

    /// <summary>
    /// The input row and column that tap (<paramref name="i"/>, <paramref name="j"/>) of output pixel
    /// (<paramref name="oh"/>, <paramref name="ow"/>) reads; outside the image where padding is.
    /// </summary>
    public (int Row, int Column) Tap(int oh, int ow, int i, int j) =>
        ((oh * StrideHeight) - PadTop + (i * DilationHeight), (ow * StrideWidth) - PadLeft + (j * DilationWidth));

    public bool Inside(int row, int column) => row >= 0 && row < InHeight && column >= 0 && column < InWidth;
}
