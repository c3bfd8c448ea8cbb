using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Quantization;

/// <summary>
/// How the int8 convolution reads a sample: copied from PyTorch's planar <c>[C, H, W]</c> into a channels-last buffer
/// with the padding around it (holding the input's zero point, the quantized 0), so that every output pixel reads
/// <see cref="SegmentCount"/> runs of contiguous values at fixed offsets from its own start and no tap needs a check.
/// A run (a <em>segment</em>) is one kernel row, <c>kw * C</c> values, or one tap's <c>C</c> values when the kernel is
/// dilated along the width; each is padded to whole 32-bit units of the path (4 uint8, 2 values widened to int16), and
/// the weights are arranged in the same order with zeros in the padding, which add nothing.
/// </summary>
internal sealed class Int8ConvolutionLayout
{
    private readonly nint[] _segmentOffsets;
    private readonly nint[] _pixelOffsets;

    public Int8ConvolutionLayout(Int8Window window, Int8Path path)
    {
        Window = window;
        ElementBytes = path is Int8Path.Avx2 or Int8Path.Avx512BW ? 2 : 1;
        int unitInputs = path switch
        {
            Int8Path.AvxVnni => 4,
            Int8Path.Avx2 or Int8Path.Avx512BW => 2,
            _ => 1,
        };
        UnitInputs = unitInputs;
        KernelRowSegments = window.DilationWidth == 1;
        SegmentInputs = (KernelRowSegments ? window.KernelWidth : 1) * window.InChannels;
        PaddedSegmentInputs = (SegmentInputs + unitInputs - 1) / unitInputs * unitInputs;
        SegmentCount = window.KernelHeight * (KernelRowSegments ? 1 : window.KernelWidth);
        Depth = SegmentCount * PaddedSegmentInputs;
        PaddedHeight = Math.Max(window.PadTop + window.InHeight, ((window.OutHeight - 1) * window.StrideHeight) + ((window.KernelHeight - 1) * window.DilationHeight) + 1);
        PaddedWidth = Math.Max(window.PadLeft + window.InWidth, ((window.OutWidth - 1) * window.StrideWidth) + ((window.KernelWidth - 1) * window.DilationWidth) + 1);

        // The last unit of the last pixel's last segment may read up to UnitInputs - 1 values past the map.
        BufferBytes = ((PaddedHeight * PaddedWidth * window.InChannels) + unitInputs) * ElementBytes;

        int pixelBytes = window.InChannels * ElementBytes;
        _segmentOffsets = new nint[SegmentCount];
        for (int s = 0; s < SegmentCount; s++)
        {
            (int i, int j) = KernelRowSegments ? (s, 0) : (s / window.KernelWidth, s % window.KernelWidth);
            _segmentOffsets[s] = (nint)((i * window.DilationHeight * PaddedWidth) + (j * window.DilationWidth)) * pixelBytes;
        }

        _pixelOffsets = new nint[window.OutPlane];
        for (int oh = 0; oh < window.OutHeight; oh++)
        {
            for (int ow = 0; ow < window.OutWidth; ow++)
            {
                _pixelOffsets[(oh * window.OutWidth) + ow] = (nint)((oh * window.StrideHeight * PaddedWidth) + (ow * window.StrideWidth)) * pixelBytes;
            }
        }
    }

    public Int8Window Window { get; }

    /// <summary>Bytes per value in the buffer: 1 (uint8) or 2 (widened to int16, for the <c>vpmaddwd</c> paths).</summary>
    public int ElementBytes { get; }

    /// <summary>Values per 32-bit unit of the path's weights (1 on the scalar path).</summary>
    public int UnitInputs { get; }

    /// <summary>Whether a segment is a whole kernel row (no dilation along the width) rather than a single tap.</summary>
    public bool KernelRowSegments { get; }

    /// <summary>The values of one segment: <c>kw * C</c> or <c>C</c>.</summary>
    public int SegmentInputs { get; }

    /// <summary><see cref="SegmentInputs"/> rounded up to whole units.</summary>
    public int PaddedSegmentInputs { get; }

    public int SegmentCount { get; }

    /// <summary>The bytes of one padded segment in the buffer.</summary>
    public nint SegmentBytes => (nint)PaddedSegmentInputs * ElementBytes;

    /// <summary>The depth of the arranged weights: <c>SegmentCount * PaddedSegmentInputs</c>.</summary>
    public int Depth { get; }

    public int PaddedHeight { get; }

    public int PaddedWidth { get; }

    /// <summary>The bytes of one sample's buffer.</summary>
    public int BufferBytes { get; }

    /// <summary>Per segment, its byte offset from the start of an output pixel's window.</summary>
    public ReadOnlySpan<nint> SegmentOffsets => _segmentOffsets;

    /// <summary>Per output pixel, the byte offset of its window's first value (top left, first channel) in the buffer.</summary>
    public ReadOnlySpan<nint> PixelOffsets => _pixelOffsets;

    /// <summary>PyTorch's <c>[out, C, kh, kw]</c> weights in the order of the segments, <c>[out, Depth]</c>, zeros in their padding.</summary>
    public sbyte[] ArrangeWeights(ReadOnlySpan<sbyte> weights)
    {
        Int8Window g = Window;
        int outputs = g.OutChannels;
        if (weights.Length != outputs * g.Depth)
        {
            throw new ArgumentException($"Expected {outputs * g.Depth} convolution weights ([{outputs}, {g.InChannels}, {g.KernelHeight}, {g.KernelWidth}]), but got {weights.Length}.", nameof(weights));
        }

        var arranged = new sbyte[outputs * Depth];
        for (int o = 0; o < outputs; o++)
        {
            for (int c = 0; c < g.InChannels; c++)
            {
                for (int i = 0; i < g.KernelHeight; i++)
                {
                    for (int j = 0; j < g.KernelWidth; j++)
                    {
                        (int segment, int position) = KernelRowSegments ? (i, (j * g.InChannels) + c) : ((i * g.KernelWidth) + j, c);
                        arranged[(o * Depth) + (segment * PaddedSegmentInputs) + position] = weights[(((o * g.InChannels) + c) * g.KernelHeight + i) * g.KernelWidth + j];
                    }
                }
            }
        }

        return arranged;
    }

    /// <summary>Sets every value of <paramref name="buffer"/> to <paramref name="zeroPoint"/>: the padding keeps it, the map is overwritten per sample.</summary>
    public void Clear(Span<byte> buffer, byte zeroPoint)
    {
        if (ElementBytes == 1)
        {
            buffer.Slice(0, BufferBytes).Fill(zeroPoint);
        }
        else
        {
            MemoryMarshal.Cast<byte, short>(buffer.Slice(0, BufferBytes)).Fill(zeroPoint);
        }
    }

    /// <summary>
    /// Copies <paramref name="sample"/> (planar <c>[C, H, W]</c>, or <c>[H, W, C]</c> if <paramref name="channelsLast"/>)
    /// into the map inside the padding of <paramref name="buffer"/>, channels last.
    /// </summary>
    public void Fill(ReadOnlySpan<byte> sample, Span<byte> buffer, bool channelsLast)
    {
        Int8Window g = Window;
        if (sample.Length < g.InChannels * g.InPlane || buffer.Length < BufferBytes)
        {
            throw new ArgumentException($"Expected a sample of {g.InChannels * g.InPlane} values and a buffer of {BufferBytes} bytes, but got {sample.Length} and {buffer.Length}.");
        }

        // The geometry in locals: writes through the references could alias the window's fields.
        (int channels, int height, int width, int plane) = (g.InChannels, g.InHeight, g.InWidth, g.InPlane);
        int rowValues = PaddedWidth * channels;
        int first = (g.PadTop * rowValues) + (g.PadLeft * channels);
        ref byte source = ref MemoryMarshal.GetReference(sample);
        ref byte target = ref MemoryMarshal.GetReference(buffer);
        if (channelsLast || channels == 1)
        {
            // A row of the map is contiguous on both sides.
            int values = width * channels;
            for (int h = 0; h < height; h++)
            {
                ref byte from = ref Unsafe.Add(ref source, h * values);
                int to = first + (h * rowValues);
                if (ElementBytes == 1)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref target, to), ref from, (uint)values);
                    continue;
                }

                ref short wide = ref Unsafe.As<byte, short>(ref Unsafe.Add(ref target, 2 * to));
                for (int k = 0; k < values; k++)
                {
                    Unsafe.Add(ref wide, k) = Unsafe.Add(ref from, k);
                }
            }

            return;
        }

        for (int h = 0; h < height; h++)
        {
            int to = first + (h * rowValues);
            for (int c = 0; c < channels; c++)
            {
                ref byte row = ref Unsafe.Add(ref source, (c * plane) + (h * width));
                if (ElementBytes == 1)
                {
                    ref byte column = ref Unsafe.Add(ref target, to + c);
                    for (int w = 0; w < width; w++)
                    {
                        Unsafe.Add(ref column, w * channels) = Unsafe.Add(ref row, w);
                    }
                }
                else
                {
                    ref short column = ref Unsafe.As<byte, short>(ref Unsafe.Add(ref target, 2 * (to + c)));
                    for (int w = 0; w < width; w++)
                    {
                        Unsafe.Add(ref column, w * channels) = Unsafe.Add(ref row, w);
                    }
                }
            }
        }
    }
}
