using System;

namespace NetDsl.Generated;

/// <summary>
/// The sizes the channels-last convolution derives from a <see cref="WindowGeometry"/>: the zero-padded input it reads
/// (<c>[PaddedHeight, PaddedWidth, channels]</c> per sample, exactly the rows and columns some window reaches), the taps
/// of the kernel as offsets in that padded image, and how many samples are processed together.
/// </summary>
/// <remarks>
/// Offsets are in pixels of the padded image; multiplied by a channel stride they become float offsets. A pixel of the
/// output at <c>(oh, ow)</c> of sample <c>n</c> reads the padded pixel <c>n * PaddedPlane + oh * StrideHeight * PaddedWidth
/// + ow * StrideWidth</c> plus the offset of each tap, so stride, padding and dilation never appear in the inner loops.
/// </remarks>
internal readonly struct ChannelsLastGeometry
{
    // Samples are processed in groups of about this many output pixels: enough rows for the 6-row tiles to waste little
    // at the end of a group, few enough that a group's padded input and transposed output stay in the core's L2.
    private const int PixelsPerGroup = 384;

    public ChannelsLastGeometry(in WindowGeometry g, int batch)
    {
        PaddedHeight = (g.OutHeight - 1) * g.StrideHeight + (g.KernelHeight - 1) * g.DilationHeight + 1;
        PaddedWidth = (g.OutWidth - 1) * g.StrideWidth + (g.KernelWidth - 1) * g.DilationWidth + 1;
        Taps = g.KernelHeight * g.KernelWidth;
        Depth = Taps * g.InChannels;
        SamplesPerGroup = Math.Clamp((PixelsPerGroup + g.OutPlane - 1) / Math.Max(1, g.OutPlane), 1, Math.Max(1, batch));
    }

    /// <summary>Rows of the padded input: from the first row a window reaches (input row <c>-PadTop</c>) to the last.</summary>
    public int PaddedHeight { get; }

    /// <summary>Columns of the padded input, likewise.</summary>
    public int PaddedWidth { get; }

    public int PaddedPlane => PaddedHeight * PaddedWidth;

    /// <summary>Kernel positions, <c>KernelHeight * KernelWidth</c>.</summary>
    public int Taps { get; }

    /// <summary>The length of each output's dot product, <c>Taps * InChannels</c>, ordered tap by tap, channels within a tap.</summary>
    public int Depth { get; }

    public int SamplesPerGroup { get; }

    /// <summary>
    /// Whether a channels-last input is its own padded image: no padding, and every row and column of the input is one some
    /// window reads (so the image has the input's rows and columns), as in an unpadded stride-1 layer. The kernels then
    /// read it in place instead of copying it.
    /// </summary>
    public bool InputIsPaddedImage(in WindowGeometry g) =>
        g.PadTop == 0 && g.PadLeft == 0 && PaddedHeight == g.InHeight && PaddedWidth == g.InWidth;

    /// <summary>The padded-image pixel offset of each kernel tap, in tap order (<c>kh * KernelWidth + kw</c>).</summary>
    public void FillTapOffsets(Span<int> offsets, in WindowGeometry g)
    {
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                offsets[kh * g.KernelWidth + kw] = kh * g.DilationHeight * PaddedWidth + kw * g.DilationWidth;
            }
        }
    }

    /// <summary>
    /// For each output pixel of <paramref name="samples"/> samples (sample-major, then row, then column), the float offset
    /// of the padded pixel its window starts at, in an image of <paramref name="channelStride"/> floats per pixel.
    /// </summary>
    public void FillPixelOffsets(Span<int> offsets, int samples, int channelStride, in WindowGeometry g)
    {
        int q = 0;
        for (int n = 0; n < samples; n++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int rowStart = n * PaddedPlane + oh * g.StrideHeight * PaddedWidth;
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    offsets[q++] = (rowStart + ow * g.StrideWidth) * channelStride;
                }
            }
        }
    }
}
