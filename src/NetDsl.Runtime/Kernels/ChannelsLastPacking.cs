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
    [ThreadStatic]
    private static float[]? t_rows;

    // packed[b * depth + k * block + j] = weight[o = b + j, k = tap * in + c]: each tile's weights are one contiguous run.
    // Two block transpositions per block of output channels: each weight row [in][tap] to the depth's order [tap][in]
    // (rows of `scratch`), then the block's rows to the packed columns. One float at a time, the wide layers' packing was
    // most of a training step's forward pass at small batches (0.26 ms for 256 x 256 channels).
    public static void ByOutputChannel(ReadOnlySpan<float> weight, Span<float> packed, int block, int channels, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int taps = cl.Taps, inChannels = g.InChannels, rowLength = inChannels * taps;
        if (packed.Length < channels * cl.Depth || weight.Length < g.OutChannels * rowLength)
        {
            throw new ArgumentException("The channels-last weight packing's spans are too short.");
        }

        Span<float> rows = ThreadScratch.Of(ref t_rows, block * rowLength);
        ref float source = ref MemoryMarshal.GetReference(weight);
        ref float tapMajor = ref MemoryMarshal.GetReference(rows);
        ref float target = ref MemoryMarshal.GetReference(packed);
        for (int b = 0; b < channels; b += block)
        {
            int width = Math.Max(0, Math.Min(block, g.OutChannels - b));
            for (int j = 0; j < width; j++)
            {
                BlockTranspose.Matrix(ref Unsafe.Add(ref source, (b + j) * rowLength), taps, ref Unsafe.Add(ref tapMajor, j * rowLength), inChannels, inChannels, taps);
            }

            ref float packedBlock = ref Unsafe.Add(ref target, b * cl.Depth);
            BlockTranspose.Matrix(ref tapMajor, rowLength, ref packedBlock, block, width, rowLength);
            for (int k = 0; k < rowLength && width < block; k++)
            {
                for (int j = width; j < block; j++)
                {
                    Unsafe.Add(ref packedBlock, k * block + j) = 0f; // channels past the layer's
                }
            }
        }
    }

    // packed[(t * channels + c0) * out + o * block + j] = weight[o, c = c0 + j, t]: per tap and input-channel block, rows over o.
    // Each output channel's weight row [in][tap] is transposed to [tap][in] in AVX blocks, then moved in runs of `block`.
    public static void ByInputChannel(ReadOnlySpan<float> weight, Span<float> packed, int block, int channels, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        int taps = cl.Taps, inChannels = g.InChannels, outChannels = g.OutChannels;
        if (packed.Length < taps * channels * outChannels || weight.Length < outChannels * inChannels * taps)
        {
            throw new ArgumentException("The channels-last weight packing's spans are too short.");
        }

        Span<float> row = ThreadScratch.Of(ref t_rows, inChannels * taps);
        ref float source = ref MemoryMarshal.GetReference(weight);
        ref float tapMajor = ref MemoryMarshal.GetReference(row);
        ref float target = ref MemoryMarshal.GetReference(packed);
        for (int o = 0; o < outChannels; o++)
        {
            BlockTranspose.Matrix(ref Unsafe.Add(ref source, o * inChannels * taps), taps, ref tapMajor, inChannels, inChannels, taps);
            for (int t = 0; t < taps; t++)
            {
                for (int c0 = 0; c0 < channels; c0 += block)
                {
                    ref float run = ref Unsafe.Add(ref target, (t * channels + c0) * outChannels + o * block);
                    int width = Math.Max(0, Math.Min(block, inChannels - c0));
                    if (width > 0)
                    {
                        FloatMoves.Move(ref Unsafe.Add(ref tapMajor, t * inChannels + c0), ref run, width, VectorWidth.For(width));
                    }

                    for (int j = width; j < block; j++)
                    {
                        Unsafe.Add(ref run, j) = 0f;
                    }
                }
            }
        }
    }
}
