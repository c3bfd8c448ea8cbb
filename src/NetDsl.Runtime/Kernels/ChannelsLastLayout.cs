using System;

namespace NetDsl.Kernels;

/// <summary>
/// Conversions between PyTorch's planar layout (<c>[N, C, H, W]</c>) and the channels-last images the channels-last
/// convolution works on (<c>[N, H, W, stride]</c>, channels contiguous, <c>stride</c> at least the channel count and the
/// lanes past the channels zero).
/// </summary>
internal static class ChannelsLastLayout
{
    /// <summary>Writes <paramref name="count"/> planar input samples as zero-padded channels-last images of <paramref name="channelStride"/> floats per pixel.</summary>
    public static void PadInput(ReadOnlySpan<float> samples, int count, Span<float> padded, int channelStride, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        padded.Slice(0, count * cl.PaddedPlane * channelStride).Clear();
        int rows = Math.Min(g.InHeight, cl.PaddedHeight - g.PadTop);
        int columns = Math.Min(g.InWidth, cl.PaddedWidth - g.PadLeft);
        for (int n = 0; n < count; n++)
        {
            for (int ih = 0; ih < rows; ih++)
            {
                for (int iw = 0; iw < columns; iw++)
                {
                    int source = n * g.InputSize + ih * g.InWidth + iw;
                    int target = ((n * cl.PaddedHeight + ih + g.PadTop) * cl.PaddedWidth + iw + g.PadLeft) * channelStride;
                    for (int c = 0; c < g.InChannels; c++)
                    {
                        padded[target + c] = samples[source + c * g.InPlane];
                    }
                }
            }
        }
    }

    /// <summary>The inverse of <see cref="PadInput"/> for gradients: overwrites the planar <paramref name="samples"/> with the padded images' inner pixels (0 where no window reached).</summary>
    public static void CropInput(ReadOnlySpan<float> padded, int count, int channelStride, Span<float> samples, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        samples.Slice(0, count * g.InputSize).Clear();
        int rows = Math.Min(g.InHeight, cl.PaddedHeight - g.PadTop);
        int columns = Math.Min(g.InWidth, cl.PaddedWidth - g.PadLeft);
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < g.InChannels; c++)
            {
                for (int ih = 0; ih < rows; ih++)
                {
                    int target = n * g.InputSize + c * g.InPlane + ih * g.InWidth;
                    int source = ((n * cl.PaddedHeight + ih + g.PadTop) * cl.PaddedWidth + g.PadLeft) * channelStride + c;
                    for (int iw = 0; iw < columns; iw++)
                    {
                        samples[target + iw] = padded[source + iw * channelStride];
                    }
                }
            }
        }
    }

    /// <summary>Writes <paramref name="count"/> planar output-shaped samples as channels-last rows <c>[pixel, stride]</c>, zero past the channels.</summary>
    public static void ToChannelsLast(ReadOnlySpan<float> planes, int count, Span<float> rows, int channelStride, in WindowGeometry g)
    {
        int pixels = g.OutPlane;
        for (int n = 0; n < count; n++)
        {
            for (int p = 0; p < pixels; p++)
            {
                Span<float> row = rows.Slice((n * pixels + p) * channelStride, channelStride);
                for (int c = 0; c < g.OutChannels; c++)
                {
                    row[c] = planes[n * g.OutputSize + c * pixels + p];
                }

                row.Slice(g.OutChannels).Clear();
            }
        }
    }

    /// <summary>The inverse of <see cref="ToChannelsLast"/>: overwrites <paramref name="count"/> planar output samples.</summary>
    public static void ToPlanes(ReadOnlySpan<float> rows, int count, int channelStride, Span<float> planes, in WindowGeometry g)
    {
        int pixels = g.OutPlane;
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < g.OutChannels; c++)
            {
                Span<float> plane = planes.Slice(n * g.OutputSize + c * pixels, pixels);
                int source = n * pixels * channelStride + c;
                for (int p = 0; p < pixels; p++)
                {
                    plane[p] = rows[source + p * channelStride];
                }
            }
        }
    }
}
