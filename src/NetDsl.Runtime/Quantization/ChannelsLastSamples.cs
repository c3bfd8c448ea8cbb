using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Quantization;

/// <summary>Moves uint8 samples from the channels-last layout <c>[pixels, C]</c> to PyTorch's planar <c>[C, pixels]</c>.</summary>
internal static class ChannelsLastSamples
{
    /// <summary>
    /// <c>planar[c * pixels + p] = channelsLast[p * channels + c]</c> for each of <paramref name="rows"/> samples of
    /// <c>channels * pixels</c> values.
    /// </summary>
    public static void ToPlanar(ReadOnlySpan<byte> channelsLast, int rows, int channels, int pixels, Span<byte> planar)
    {
        int sample = channels * pixels;
        if (channelsLast.Length < rows * sample || planar.Length < rows * sample)
        {
            throw new ArgumentException($"Expected {rows} samples of {channels} x {pixels} values on both sides, but got {channelsLast.Length} and {planar.Length}.");
        }

        ref byte source = ref MemoryMarshal.GetReference(channelsLast);
        ref byte target = ref MemoryMarshal.GetReference(planar);
        for (int n = 0; n < rows; n++)
        {
            ref byte from = ref Unsafe.Add(ref source, n * sample);
            ref byte to = ref Unsafe.Add(ref target, n * sample);
            for (int c = 0; c < channels; c++)
            {
                ref byte plane = ref Unsafe.Add(ref to, c * pixels);
                for (int p = 0; p < pixels; p++)
                {
                    Unsafe.Add(ref plane, p) = Unsafe.Add(ref from, (p * channels) + c);
                }
            }
        }
    }
}
