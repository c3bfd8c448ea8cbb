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

    /// <summary>One row per output pixel: the window's values in PyTorch's weight order (channel, kernel row, kernel column).</summary>
    private static void Columns(ReadOnlySpan<byte> sample, Span<byte> columns, Int8Window g, byte zero)
    {
        int index = 0;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                for (int c = 0; c < g.InChannels; c++)
                {
                    ReadOnlySpan<byte> plane = sample.Slice(c * g.InPlane, g.InPlane);
                    for (int i = 0; i < g.KernelHeight; i++)
                    {
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            (int row, int column) = g.Tap(oh, ow, i, j);
                            columns[index++] = g.Inside(row, column) ? plane[row * g.InWidth + column] : zero;
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
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < g.OutChannels; c++)
            {
                ReadOnlySpan<byte> plane = x.Slice((n * g.InChannels + c) * g.InPlane, g.InPlane);
                Span<byte> output = y.Slice((n * g.OutChannels + c) * g.OutPlane, g.OutPlane);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        byte largest = 0;
                        for (int i = 0; i < g.KernelHeight; i++)
                        {
                            for (int j = 0; j < g.KernelWidth; j++)
                            {
                                (int row, int column) = g.Tap(oh, ow, i, j);
                                if (g.Inside(row, column))
                                {
                                    largest = Math.Max(largest, plane[row * g.InWidth + column]);
                                }
                            }
                        }

                        output[oh * g.OutWidth + ow] = largest;
                    }
                }
            }
        }
    }
}
