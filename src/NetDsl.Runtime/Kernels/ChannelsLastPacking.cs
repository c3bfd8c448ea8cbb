using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>
/// The channels-last convolution's weight layouts, from PyTorch's <c>[out, in, kh, kw]</c>: by output channel for the
/// forward pass and the weight gradient's tiles (a vector of output channels per depth step), by input channel for the
/// input gradient (a vector of input channels per output channel and tap). Channels past the layer's are zero.
/// </summary>
internal static class ChannelsLastPacking
{
    // packed[b * depth + k * block + j] = weight[o = b + j, k = tap * in + c]: each tile's weights are one contiguous run.
    // Written in order, block by block; the `block` rows of `weight` a block reads (one cache line per channel and row)
    // are reused across the taps, so the transposition runs at cache speed even for megabytes of weights.
    public static void ByOutputChannel(ReadOnlySpan<float> weight, Span<float> packed, int block, int channels, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int taps = cl.Taps, inChannels = g.InChannels, rowLength = inChannels * taps;
        if (packed.Length < channels * cl.Depth || weight.Length < g.OutChannels * rowLength)
        {
            throw new ArgumentException("The channels-last weight packing's spans are too short.");
        }

        ref float source = ref MemoryMarshal.GetReference(weight);
        ref float target = ref MemoryMarshal.GetReference(packed);
        for (int b = 0; b < channels; b += block)
        {
            int width = Math.Min(block, g.OutChannels - b);
            for (int c = 0; c < inChannels; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    ref float run = ref Unsafe.Add(ref target, b * cl.Depth + (t * inChannels + c) * block);
                    ref float column = ref Unsafe.Add(ref source, b * rowLength + c * taps + t);
                    int j = 0;
                    for (; j < width; j++)
                    {
                        Unsafe.Add(ref run, j) = Unsafe.Add(ref column, j * rowLength);
                    }

                    for (; j < block; j++)
                    {
                        Unsafe.Add(ref run, j) = 0f;
                    }
                }
            }
        }
    }

    // packed[(t * channels + c0) * out + o * block + j] = weight[o, c = c0 + j, t]: per tap and input-channel block, rows over o.
    // Written in runs of consecutive input channels; each output channel's weights are read within a few cache lines.
    public static void ByInputChannel(ReadOnlySpan<float> weight, Span<float> packed, int block, int channels, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int taps = cl.Taps, inChannels = g.InChannels, outChannels = g.OutChannels;
        if (packed.Length < taps * channels * outChannels || weight.Length < outChannels * inChannels * taps)
        {
            throw new ArgumentException("The channels-last weight packing's spans are too short.");
        }

        ref float source = ref MemoryMarshal.GetReference(weight);
        ref float target = ref MemoryMarshal.GetReference(packed);
        for (int o = 0; o < outChannels; o++)
        {
            ref float row = ref Unsafe.Add(ref source, o * inChannels * taps);
            for (int t = 0; t < taps; t++)
            {
                for (int c0 = 0; c0 < channels; c0 += block)
                {
                    ref float run = ref Unsafe.Add(ref target, (t * channels + c0) * outChannels + o * block);
                    int width = Math.Min(block, inChannels - c0);
                    int j = 0;
                    for (; j < width; j++)
                    {
                        Unsafe.Add(ref run, j) = Unsafe.Add(ref row, (c0 + j) * taps + t);
                    }

                    for (; j < block; j++)
                    {
                        Unsafe.Add(ref run, j) = 0f;
                    }
                }
            }
        }
    }
}
