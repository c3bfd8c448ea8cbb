using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>MaxPool2D</c> on uint8: quantization is monotonic, so the largest quantized value is the quantized largest value;
/// the scale and zero point pass through. Padding never wins (PyTorch pads with minus infinity). On channels-last
/// samples a window's pixels are vectors of channels, and the pool takes their lane-wise maximum.
/// </summary>
internal sealed class QuantizedMaxPool : QuantizedWindowStage
{
    [ThreadStatic]
    private static byte[]? t_pooled;

    public QuantizedMaxPool(string name, Int8Window window, QuantizationParameters parameters)
        : base(name, window.OneDimensional ? "MaxPool1D" : "MaxPool2D", window, parameters)
    {
    }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (x.Length < (long)rows * InFeatures || y.Length < (long)rows * OutFeatures)
        {
            throw new ArgumentException($"Expected at least {(long)rows * InFeatures} inputs and room for {(long)rows * OutFeatures} outputs ({rows} samples of [{Window.InChannels}, {Window.InHeight}, {Window.InWidth}] -> [{Window.OutChannels}, {Window.OutHeight}, {Window.OutWidth}]), but got {x.Length} and {y.Length}.");
        }

        if (!ChannelsLastInput)
        {
            RunPlanar(x, rows, y);
        }
        else if (ChannelsLastOutput)
        {
            RunChannelsLast(x, rows, y);
        }
        else
        {
            Span<byte> pooled = NetDsl.Generated.ThreadScratch.Of(ref t_pooled, rows * OutFeatures);
            RunChannelsLast(x, rows, pooled);
            ChannelsLastSamples.ToPlanar(pooled, rows, Window.OutChannels, Window.OutPlane, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChannelsLast(ReadOnlySpan<byte> x, int rows, Span<byte> y)
    {
        Int8Window g = Window;
        (int channels, int inHeight, int inWidth, int outHeight, int outWidth) = (g.OutChannels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth);
        (int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) = (g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth);
        (int padTop, int padLeft, int dilationHeight, int dilationWidth) = (g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth);
        ref byte source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref byte pixel = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (int n = 0; n < rows; n++)
        {
            ref byte sample = ref Unsafe.Add(ref source, n * InFeatures);
            for (int oh = 0; oh < outHeight; oh++)
            {
                int top = (oh * strideHeight) - padTop;
                for (int ow = 0; ow < outWidth; ow++, pixel = ref Unsafe.Add(ref pixel, channels))
                {
                    int left = (ow * strideWidth) - padLeft;
                    Unsafe.InitBlockUnaligned(ref pixel, 0, (uint)channels);
                    for (int i = 0; i < kernelHeight; i++)
                    {
                        int row = top + (i * dilationHeight);
                        for (int j = 0; j < kernelWidth && (uint)row < (uint)inHeight; j++)
                        {
                            int column = left + (j * dilationWidth);
                            if ((uint)column < (uint)inWidth)
                            {
                                MaxInto(ref pixel, ref Unsafe.Add(ref sample, ((row * inWidth) + column) * channels), channels);
                            }
                        }
                    }
                }
            }
        }
    }

    // largest[c] = max(largest[c], values[c]) for c < channels: whole vectors, the last one overlapping the one before
    // (a maximum taken twice is the same); fewer channels than a vector one by one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxInto(ref byte largest, ref byte values, int channels)
    {
        if (channels < Vector128<byte>.Count)
        {
            for (int c = 0; c < channels; c++)
            {
                Unsafe.Add(ref largest, c) = Math.Max(Unsafe.Add(ref largest, c), Unsafe.Add(ref values, c));
            }

            return;
        }

        for (int c = 0; c < channels; c += Vector128<byte>.Count)
        {
            nuint at = (nuint)Math.Min(c, channels - Vector128<byte>.Count);
            Vector128.Max(Vector128.LoadUnsafe(ref largest, at), Vector128.LoadUnsafe(ref values, at)).StoreUnsafe(ref largest, at);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPlanar(ReadOnlySpan<byte> x, int rows, Span<byte> y)
    {
        Int8Window g = Window;

        // The geometry in locals: writes through the byte references could alias the window's fields, so the JIT would
        // read them again on every tap.
        (int channels, int inHeight, int inWidth, int outHeight, int outWidth) = (g.OutChannels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth);
        (int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) = (g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth);
        (int padTop, int padLeft, int dilationHeight, int dilationWidth) = (g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth);
        int inPlane = inHeight * inWidth, outPlane = outHeight * outWidth;
        ref byte source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref byte target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                ref byte plane = ref Unsafe.Add(ref source, (n * channels + c) * inPlane);
                ref byte output = ref Unsafe.Add(ref target, (n * channels + c) * outPlane);
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int top = (oh * strideHeight) - padTop;
                    for (int ow = 0; ow < outWidth; ow++)
                    {
                        int left = (ow * strideWidth) - padLeft;
                        int largest = 0;
                        for (int i = 0; i < kernelHeight; i++)
                        {
                            int row = top + (i * dilationHeight);
                            if ((uint)row >= (uint)inHeight)
                            {
                                continue;
                            }

                            ref byte line = ref Unsafe.Add(ref plane, row * inWidth);
                            for (int j = 0; j < kernelWidth; j++)
                            {
                                int column = left + (j * dilationWidth);
                                if ((uint)column < (uint)inWidth)
                                {
                                    largest = Math.Max(largest, Unsafe.Add(ref line, column));
                                }
                            }
                        }

                        Unsafe.Add(ref output, (oh * outWidth) + ow) = (byte)largest;
                    }
                }
            }
        }
    }
}
