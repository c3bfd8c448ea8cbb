using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Quantization;

/// <summary>
/// The int8 convolution's sums: every output pixel of one sample times every output channel, read straight from the
/// padded channels-last buffer of <see cref="Int8ConvolutionLayout"/> by the register tiles of <see cref="Int8RowTiles"/>
/// (output channels in the vector lanes, 4 pixels per tile), exact in int32 on every <see cref="Int8Path"/>.
/// </summary>
internal static class Int8Convolution
{
    /// <summary>
    /// Overwrites <c>sums[p * outputs + o]</c> with <c>Σ x · w[o]</c> over output pixel <c>p</c>'s window in
    /// <paramref name="buffer"/>, for every pixel and output channel; <paramref name="weights"/> are arranged by
    /// <see cref="Int8ConvolutionLayout.ArrangeWeights"/> and packed for the layout's path.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, or the weights are not arranged for this layout.</exception>
    public static void Accumulate(ReadOnlySpan<byte> buffer, Int8ConvolutionLayout layout, PackedInt8Weights weights, Span<int> sums)
    {
        int pixels = layout.Window.OutPlane;
        if (weights.Depth != layout.Depth || weights.Outputs != layout.Window.OutChannels)
        {
            throw new ArgumentException($"Expected weights of [{layout.Window.OutChannels}, {layout.Depth}] arranged for the layout, but got [{weights.Outputs}, {weights.Depth}].", nameof(weights));
        }

        if (buffer.Length < layout.BufferBytes || sums.Length < pixels * weights.Outputs)
        {
            throw new ArgumentException($"Expected a buffer of at least {layout.BufferBytes} bytes and room for {pixels * weights.Outputs} sums, but got {buffer.Length} and {sums.Length}.");
        }

        ref byte input = ref MemoryMarshal.GetReference(buffer);
        ref int y = ref MemoryMarshal.GetReference(sums);
        switch (weights.Path)
        {
            case Int8Path.AvxVnni:
                Run<Vector256<int>, VnniStep>(ref input, layout, weights, ref y);
                break;
            case Int8Path.Avx512BW:
                Run<Vector512<int>, Avx512BWStep>(ref input, layout, weights, ref y);
                break;
            case Int8Path.Avx2:
                Run<Vector256<int>, Avx2Step>(ref input, layout, weights, ref y);
                break;
            default:
                RunScalar(ref input, layout, weights, ref y);
                break;
        }
    }

    private static void Run<TVector, TStep>(ref byte input, Int8ConvolutionLayout layout, PackedInt8Weights weights, ref int y)
        where TVector : struct
        where TStep : struct, IInt8Step<TVector>
    {
        ReadOnlySpan<nint> pixels = layout.PixelOffsets;
        ref nint segments = ref MemoryMarshal.GetReference(layout.SegmentOffsets);
        int segmentCount = layout.SegmentCount;
        nint segmentBytes = layout.SegmentBytes;
        int outputs = weights.Outputs;
        for (int p = 0; p < pixels.Length; p += Int8RowTiles.MaxRows)
        {
            int count = Math.Min(Int8RowTiles.MaxRows, pixels.Length - p);
            ref byte x0 = ref Unsafe.Add(ref input, pixels[p]);
            ref byte x1 = ref count > 1 ? ref Unsafe.Add(ref input, pixels[p + 1]) : ref x0;
            ref byte x2 = ref count > 2 ? ref Unsafe.Add(ref input, pixels[p + 2]) : ref x0;
            ref byte x3 = ref count > 3 ? ref Unsafe.Add(ref input, pixels[p + 3]) : ref x0;
            Int8RowTiles.Compute<TVector, TStep>(ref x0, ref x1, ref x2, ref x3, count, ref segments, segmentCount, segmentBytes, weights, ref Unsafe.Add(ref y, (nint)p * outputs));
        }
    }

    private static void RunScalar(ref byte input, Int8ConvolutionLayout layout, PackedInt8Weights weights, ref int y)
    {
        ReadOnlySpan<nint> pixels = layout.PixelOffsets;
        ref nint segments = ref MemoryMarshal.GetReference(layout.SegmentOffsets);
        for (int p = 0; p < pixels.Length; p++)
        {
            Int8RowTiles.ComputeScalar(ref Unsafe.Add(ref input, pixels[p]), ref segments, layout.SegmentCount, layout.SegmentBytes, weights, ref Unsafe.Add(ref y, (nint)p * weights.Outputs));
        }
    }
}
