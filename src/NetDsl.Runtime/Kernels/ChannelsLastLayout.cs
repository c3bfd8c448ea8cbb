using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>
/// Conversions between PyTorch's planar layout (<c>[N, C, H, W]</c>) and the channels-last images the channels-last
/// convolution works on (<c>[N, H, W, stride]</c>, channels contiguous, <c>stride</c> at least the channel count and the
/// lanes past the channels zero).
/// </summary>
/// <remarks>
/// The loops index through <see cref="Unsafe"/> references: each conversion touches every element of a layer's input
/// or output once, and with bounds checks on both sides they cost as much as a narrow convolution's arithmetic. The
/// callers size every span for the whole group before calling.
/// </remarks>
internal static class ChannelsLastLayout
{
    /// <summary>Writes <paramref name="count"/> planar input samples as zero-padded channels-last images of <paramref name="channelStride"/> floats per pixel.</summary>
    public static void PadInput(ReadOnlySpan<float> samples, int count, Span<float> padded, int channelStride, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int rows = Math.Min(g.InHeight, cl.PaddedHeight - g.PadTop);
        int columns = Math.Min(g.InWidth, cl.PaddedWidth - g.PadLeft);
        if (count * g.InputSize > samples.Length || (count * cl.PaddedPlane - 1) * channelStride + g.InChannels > padded.Length)
        {
            throw new ArgumentException("The channels-last conversion's spans are too short.");
        }

        if (channelStride == g.InChannels)
        {
            ClearAroundInput(padded, count, g, cl, rows, columns);
        }
        else
        {
            padded.Slice(0, count * cl.PaddedPlane * channelStride).Clear(); // the lanes past the channels too
        }

        ref float source = ref MemoryMarshal.GetReference(samples);
        ref float target = ref MemoryMarshal.GetReference(padded);
        for (int n = 0; n < count; n++)
        {
            for (int ih = 0; ih < rows; ih++)
            {
                // An input row of every channel ([InChannels, columns], channel planes apart) becomes a row of pixels.
                ref float sourceRow = ref Unsafe.Add(ref source, n * g.InputSize + ih * g.InWidth);
                ref float targetRow = ref Unsafe.Add(ref target, ((n * cl.PaddedHeight + ih + g.PadTop) * cl.PaddedWidth + g.PadLeft) * channelStride);
                BlockTranspose.Matrix(ref sourceRow, g.InPlane, ref targetRow, channelStride, g.InChannels, columns);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> channels-last input samples (<c>[H, W, InChannels]</c>) as zero-padded images of
    /// <c>InChannels</c> floats per pixel: each input row is one contiguous copy.
    /// </summary>
    public static void PadChannelsLastInput(ReadOnlySpan<float> samples, int count, Span<float> padded, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int channels = g.InChannels;
        int rows = Math.Min(g.InHeight, cl.PaddedHeight - g.PadTop);
        int columns = Math.Min(g.InWidth, cl.PaddedWidth - g.PadLeft);
        if (count * g.InputSize > samples.Length || count * cl.PaddedPlane * channels > padded.Length)
        {
            throw new ArgumentException("The channels-last conversion's spans are too short.");
        }

        ClearAroundInput(padded, count, g, cl, rows, columns);

        for (int n = 0; n < count; n++)
        {
            for (int ih = 0; ih < rows; ih++)
            {
                samples.Slice(n * g.InputSize + ih * g.InWidth * channels, columns * channels)
                    .CopyTo(padded.Slice(((n * cl.PaddedHeight + ih + g.PadTop) * cl.PaddedWidth + g.PadLeft) * channels));
            }
        }
    }

    /// <summary>
    /// Zeroes every float of <paramref name="count"/> padded images of <c>InChannels</c> floats per pixel except where the
    /// input goes (rows <c>PadTop</c> to <c>PadTop + rows</c>, columns <c>PadLeft</c> to <c>PadLeft + columns</c>): the border
    /// between two input rows is one run (a row's right padding and the next row's left), so the images are cleared in
    /// about one run per row instead of whole and then overwritten (N4's second layer: a third of the floats).
    /// </summary>
    private static void ClearAroundInput(Span<float> padded, int count, in WindowGeometry g, in ChannelsLastGeometry cl, int rows, int columns)
    {
        int channels = g.InChannels;
        int rowFloats = cl.PaddedWidth * channels, inputFloats = Math.Max(0, columns) * channels;
        int cleared = 0; // the end of what is cleared or filled so far
        for (int n = 0; n < count; n++)
        {
            for (int ih = 0; ih < rows; ih++)
            {
                int start = (n * cl.PaddedHeight + ih + g.PadTop) * rowFloats + g.PadLeft * channels;
                padded.Slice(cleared, start - cleared).Clear();
                cleared = start + inputFloats;
            }
        }

        padded.Slice(cleared, count * cl.PaddedPlane * channels - cleared).Clear();
    }

    /// <summary>
    /// Copies channels <paramref name="firstChannel"/> to <paramref name="endChannel"/> of <paramref name="pixels"/> rows of
    /// <paramref name="channelStride"/> floats into rows of <paramref name="channels"/> floats (a channels-last output
    /// whose channel count is not a whole number of the kernel's blocks).
    /// </summary>
    public static void CopyChannels(ReadOnlySpan<float> rows, int pixels, int channelStride, Span<float> target, int channels, int firstChannel, int endChannel)
    {
        if ((long)pixels * channelStride > rows.Length || (long)pixels * channels > target.Length || endChannel > channels)
        {
            throw new ArgumentException("The channels-last copy's spans are too short.");
        }

        int width = endChannel - firstChannel;
        for (int q = 0; q < pixels; q++)
        {
            rows.Slice(q * channelStride + firstChannel, width).CopyTo(target.Slice(q * channels + firstChannel, width));
        }
    }

    /// <summary>The inverse of <see cref="PadInput"/> for gradients: overwrites the planar <paramref name="samples"/> with the padded images' inner pixels (0 where no window reached).</summary>
    public static void CropInput(ReadOnlySpan<float> padded, int count, int channelStride, Span<float> samples, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int rows = Math.Min(g.InHeight, cl.PaddedHeight - g.PadTop);
        int columns = Math.Min(g.InWidth, cl.PaddedWidth - g.PadLeft);
        if (count * g.InputSize > samples.Length || (count * cl.PaddedPlane - 1) * channelStride + g.InChannels > padded.Length)
        {
            throw new ArgumentException("The channels-last conversion's spans are too short.");
        }

        if (rows < g.InHeight || columns < g.InWidth)
        {
            samples.Slice(0, count * g.InputSize).Clear(); // inputs no window reached
        }

        ref float source = ref MemoryMarshal.GetReference(padded);
        ref float target = ref MemoryMarshal.GetReference(samples);
        for (int n = 0; n < count; n++)
        {
            for (int ih = 0; ih < rows; ih++)
            {
                // A row of pixels ([columns, channelStride]) becomes the input row of every channel.
                ref float sourceRow = ref Unsafe.Add(ref source, ((n * cl.PaddedHeight + ih + g.PadTop) * cl.PaddedWidth + g.PadLeft) * channelStride);
                ref float targetRow = ref Unsafe.Add(ref target, n * g.InputSize + ih * g.InWidth);
                BlockTranspose.Matrix(ref sourceRow, channelStride, ref targetRow, g.InPlane, columns, g.InChannels);
            }
        }
    }

    /// <summary>Writes <paramref name="count"/> planar output-shaped samples as channels-last rows <c>[pixel, stride]</c>, zero past the channels.</summary>
    public static void ToChannelsLast(ReadOnlySpan<float> planes, int count, Span<float> rows, int channelStride, in WindowGeometry g)
    {
        int pixels = g.OutPlane;
        if (count * g.OutputSize > planes.Length || count * pixels * channelStride > rows.Length)
        {
            throw new ArgumentException("The channels-last conversion's spans are too short.");
        }

        ref float source = ref MemoryMarshal.GetReference(planes);
        ref float target = ref MemoryMarshal.GetReference(rows);
        for (int n = 0; n < count; n++)
        {
            ref float sampleRows = ref Unsafe.Add(ref target, n * pixels * channelStride);
            BlockTranspose.Matrix(ref Unsafe.Add(ref source, n * g.OutputSize), pixels, ref sampleRows, channelStride, g.OutChannels, pixels);
            for (int p = 0; p < pixels && channelStride > g.OutChannels; p++)
            {
                for (int c = g.OutChannels; c < channelStride; c++)
                {
                    Unsafe.Add(ref sampleRows, p * channelStride + c) = 0f;
                }
            }
        }
    }

    /// <summary>The inverse of <see cref="ToChannelsLast"/> for channels <paramref name="firstChannel"/> to <paramref name="endChannel"/>: overwrites their planes in <paramref name="count"/> output samples.</summary>
    public static void ToPlanes(ReadOnlySpan<float> rows, int count, int channelStride, Span<float> planes, int firstChannel, int endChannel, in WindowGeometry g)
    {
        int pixels = g.OutPlane;
        if (count * g.OutputSize > planes.Length || count * pixels * channelStride > rows.Length)
        {
            throw new ArgumentException("The channels-last conversion's spans are too short.");
        }

        ref float source = ref MemoryMarshal.GetReference(rows);
        ref float target = ref MemoryMarshal.GetReference(planes);
        for (int n = 0; n < count && endChannel > firstChannel; n++)
        {
            BlockTranspose.Matrix(ref Unsafe.Add(ref source, n * pixels * channelStride + firstChannel), channelStride,
                ref Unsafe.Add(ref target, n * g.OutputSize + firstChannel * pixels), pixels, pixels, endChannel - firstChannel);
        }
    }
}
