using System;
using System.Runtime.CompilerServices;
using NetDsl.Generated;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>Conv2D</c> or <c>Conv1D</c> in integers (with a following batch normalization folded into its weights and bias,
/// and a <c>ReLU</c> fused): each sample's uint8 input is copied into a padded channels-last buffer
/// (<see cref="Int8ConvolutionLayout"/>; the padding holds the input's zero point, the quantized 0),
/// <see cref="Int8Convolution"/> sums every output pixel's window from it, and the sums are requantized as a
/// <c>Linear</c>'s (<see cref="Product"/>'s multipliers and offsets), pixel by pixel: that is the channels-last output,
/// moved to PyTorch's planar layout when the next stage needs it.
/// </summary>
internal sealed class QuantizedConvolution : QuantizedWindowStage
{
    [ThreadStatic]
    private static byte[]? t_input;

    [ThreadStatic]
    private static byte[]? t_pixels;

    [ThreadStatic]
    private static int[]? t_sums;

    private readonly Int8ConvolutionLayout _layout;

    /// <summary>The product's weights in the layout's order, packed for its path.</summary>
    private readonly PackedInt8Weights _weights;

    public QuantizedConvolution(string name, string kind, Int8Window window, QuantizedLinear product)
        : base(name, kind, window, product.Output)
    {
        Product = product;
        _layout = new Int8ConvolutionLayout(window, product.Path);
        _weights = PackedInt8Weights.Pack(_layout.ArrangeWeights(product.Weights), window.OutChannels, _layout.Depth, product.Path);
    }

    /// <summary>
    /// The convolution as a per-pixel product: weights <c>[out, C * kh * kw]</c> (PyTorch's order, as files and ONNX
    /// store them), the input's quantization, the output's, and the requantization of the sums.
    /// </summary>
    public QuantizedLinear Product { get; }

    public override long StorageBytes => Product.StorageBytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (x.Length < (long)rows * InFeatures || y.Length < (long)rows * OutFeatures)
        {
            throw new ArgumentException($"Expected at least {(long)rows * InFeatures} inputs and room for {(long)rows * OutFeatures} outputs ({rows} samples of [{Window.InChannels}, {Window.InHeight}, {Window.InWidth}] -> [{Window.OutChannels}, {Window.OutHeight}, {Window.OutWidth}]), but got {x.Length} and {y.Length}.");
        }

        int pixels = Window.OutPlane;
        int channels = Window.OutChannels;
        Span<byte> input = ThreadScratch.Of(ref t_input, _layout.BufferBytes);
        Span<byte> pixelMajor = ThreadScratch.Of(ref t_pixels, pixels * channels);
        Span<int> sums = accumulators.Length >= pixels * channels ? accumulators : ThreadScratch.Of(ref t_sums, pixels * channels);
        _layout.Clear(input, (byte)Product.Input.ZeroPoint);
        for (int n = 0; n < rows; n++)
        {
            _layout.Fill(x.Slice(n * InFeatures, InFeatures), input, ChannelsLastInput);
            Int8Convolution.Accumulate(input, _layout, _weights, sums);
            Span<byte> output = y.Slice(n * OutFeatures, OutFeatures);
            if (ChannelsLastOutput)
            {
                Product.Requantize(sums, pixels, output);
                continue;
            }

            Product.Requantize(sums, pixels, pixelMajor);
            ChannelsLastSamples.ToPlanar(pixelMajor, 1, channels, pixels, output);
        }
    }
}
