using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>Conv2D</c> in integers (with a following <c>BatchNorm2D</c> folded into its weights and bias, and a <c>ReLU</c>
/// fused): each sample's uint8 input is laid out as one row of <c>C * kh * kw</c> values per output pixel (padding
/// holds the input's zero point, the quantized 0), and <see cref="Product"/> — the same integer product and
/// requantization as a <c>Linear</c>'s, over the pixels — gives the pixels' channels, stored back in PyTorch's planar layout.
/// </summary>
internal sealed class QuantizedConvolution : QuantizedStage
{
    [ThreadStatic]
    private static byte[]? t_columns;

    [ThreadStatic]
    private static byte[]? t_pixels;

    public QuantizedConvolution(string name, string kind, Int8Window window, QuantizedLinear product)
        : base(name, kind, window.InChannels * window.InPlane, window.OutChannels * window.OutPlane, product.Output)
    {
        Window = window;
        Product = product;
    }

    public Int8Window Window { get; }

    /// <summary>The per-pixel product: weights <c>[out, C * kh * kw]</c>, the input's quantization, the output's.</summary>
    public QuantizedLinear Product { get; }

    public override long StorageBytes => Product.StorageBytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        Int8Window g = Window;
        int pixels = g.OutPlane;
        Span<byte> columns = NetDsl.Generated.ThreadScratch.Of(ref t_columns, pixels * g.Depth);
        Span<byte> pixelMajor = NetDsl.Generated.ThreadScratch.Of(ref t_pixels, pixels * g.OutChannels);
        Span<int> sums = accumulators.Length >= pixels * g.OutChannels ? accumulators : new int[pixels * g.OutChannels];
        byte zero = (byte)Product.Input.ZeroPoint;
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<byte> sample = x.Slice(n * InFeatures, InFeatures);
            Columns(sample, columns, g, zero);
            Product.Run(columns, pixels, pixelMajor, sums);
            Span<byte> output = y.Slice(n * OutFeatures, OutFeatures);
            for (int o = 0; o < g.OutChannels; o++)
            {
                Span<byte> plane = output.Slice(o * pixels, pixels);
                for (int p = 0; p < pixels; p++)
                {
                    plane[p] = pixelMajor[p * g.OutChannels + o];
                }
            }
        }
    }

    /// <summary>
    /// One row per output pixel: the window's values in PyTorch's weight order (channel, kernel row, kernel column). A
    /// window wholly inside the image is copied without per-tap checks; one that reaches the padding checks each tap.
    /// </summary>
    private static void Columns(ReadOnlySpan<byte> sample, Span<byte> columns, Int8Window g, byte zero)
    {
        if (sample.Length < g.InChannels * g.InPlane || columns.Length < g.OutPlane * g.Depth)
        {
            throw new ArgumentException("The convolution's spans are too short.");
        }

        // The geometry in locals, as in the max pool: byte writes could alias the window's fields.
        (int channels, int inHeight, int inWidth, int outHeight, int outWidth) = (g.InChannels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth);
        (int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) = (g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth);
        (int padTop, int padLeft, int dilationHeight, int dilationWidth) = (g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth);
        int inPlane = inHeight * inWidth;
        ref byte source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(sample);
        ref byte target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(columns);
        int index = 0;
        for (int oh = 0; oh < outHeight; oh++)
        {
            int top = (oh * strideHeight) - padTop;
            bool rowsInside = top >= 0 && top + ((kernelHeight - 1) * dilationHeight) < inHeight;
            for (int ow = 0; ow < outWidth; ow++)
            {
                int left = (ow * strideWidth) - padLeft;
                if (rowsInside && left >= 0 && left + ((kernelWidth - 1) * dilationWidth) < inWidth)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        for (int i = 0; i < kernelHeight; i++)
                        {
                            ref byte row = ref Unsafe.Add(ref source, (c * inPlane) + ((top + (i * dilationHeight)) * inWidth) + left);
                            for (int j = 0; j < kernelWidth; j++)
                            {
                                Unsafe.Add(ref target, index++) = Unsafe.Add(ref row, j * dilationWidth);
                            }
                        }
                    }

                    continue;
                }

                for (int c = 0; c < channels; c++)
                {
                    for (int i = 0; i < kernelHeight; i++)
                    {
                        int row = top + (i * dilationHeight);
                        if ((uint)row >= (uint)inHeight)
                        {
                            for (int j = 0; j < kernelWidth; j++)
                            {
                                Unsafe.Add(ref target, index++) = zero;
                            }

                            continue;
                        }

                        ref byte line = ref Unsafe.Add(ref source, (c * inPlane) + (row * inWidth));
                        for (int j = 0; j < kernelWidth; j++)
                        {
                            int column = left + (j * dilationWidth);
                            Unsafe.Add(ref target, index++) = (uint)column < (uint)inWidth ? Unsafe.Add(ref line, column) : zero;
                        }
                    }
                }
            }
        }
    }
}

/// <summary>
/// A <c>MaxPool2D</c> on uint8: quantization is monotonic, so the largest quantized value is the quantized largest value;
/// the scale and zero point pass through. Padding never wins (PyTorch pads with minus infinity).
/// </summary>
internal sealed class QuantizedMaxPool : QuantizedStage
{
    public QuantizedMaxPool(string name, Int8Window window, QuantizationParameters parameters)
        : base(name, window.OneDimensional ? "MaxPool1D" : "MaxPool2D", window.InChannels * window.InPlane, window.OutChannels * window.OutPlane, parameters)
    {
        Window = window;
    }

    public Int8Window Window { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        Int8Window g = Window;
        if (x.Length < rows * InFeatures || y.Length < rows * OutFeatures)
        {
            throw new ArgumentException("The pool's spans are too short.");
        }

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
