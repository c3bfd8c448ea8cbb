using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Convolutions over a batch in PyTorch's layouts (<c>x</c> <c>[N, Cin, H, W]</c>, <c>weight</c> <c>[Cout, Cin, KH, KW]</c>,
/// <c>y</c> <c>[N, Cout, OH, OW]</c>; a 1-D layer has height 1). Generated code calls these for convolutions above the
/// unroll limit; each call goes to the kernel that suits the layer's geometry: <see cref="FlatPlaneConvolution"/> (pixels
/// in the lanes over the flattened plane) for stride-1 layers with 1 to 4 input channels (the forward pass and the
/// backward pass, each by its own measured rule; the backward pass's input gradient by <see cref="FlatPlaneInputGradient"/>), <see cref="RowConvolution"/> (pixels
/// in the lanes, row by row) for other stride-1 layers with rows of at least 8 outputs and few channels,
/// <see cref="ChannelsLastConvolution"/> (channels in the lanes) for every other geometry. The geometry is a constant of
/// the generated code, so a layer always takes the same kernel.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConvolutionKernels
{
    /// <summary><c>y = conv(x, weight) + bias</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        Check(x, y, weight, batch, g);
        if (FlatPlaneConvolution.TakesForward(g))
        {
            FlatPlaneConvolution.Forward(x, weight, bias, y, batch, g);
        }
        else if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Forward(x, weight, bias, y, batch, g);
        }
        else
        {
            RowConvolution.Forward(x, weight, bias, y, batch, g);
        }
    }

    /// <summary>
    /// <c>y = conv(x, weight) + bias</c> with the input and output in the given layouts: generated inference code keeps the
    /// activations between consecutive convolution and pooling stages channels-last (<c>[N, H, W, C]</c>), which the
    /// channels-last kernel reads and writes without converting them. Planar on both sides is <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, in WindowGeometry)"/>.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, ActivationLayout inputLayout, ActivationLayout outputLayout)
    {
        if (inputLayout == ActivationLayout.Planar && outputLayout == ActivationLayout.Planar)
        {
            Forward(x, weight, bias, y, batch, g);
            return;
        }

        Check(x, y, weight, batch, g);
        ChannelsLastConvolution.Forward(x, weight, bias, y, batch, g, inputLayout, outputLayout);
    }

    /// <summary>
    /// <c>y = maxpool(conv(x, weight) + bias)</c>: the convolution followed by the max pool <paramref name="pool"/>, pooled
    /// group of samples by group while the convolution's outputs are in cache (generated inference code fuses a max pool
    /// into the convolution before it this way). <paramref name="y"/> holds the pool's output in <paramref name="outputLayout"/>;
    /// the same bits as <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, in WindowGeometry, ActivationLayout, ActivationLayout)"/>
    /// into a channels-last span followed by <see cref="PoolingKernels.MaxForward(ReadOnlySpan{float}, Span{float}, int, in WindowGeometry, ActivationLayout, ActivationLayout)"/>
    /// and, with <paramref name="relu"/>, <see cref="ActivationKernels.ReLU"/> on the pooled values (a convolution's ReLU,
    /// which gives the same values after a max pool as before it).
    /// </summary>
    public static void ForwardPooled(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, in WindowGeometry pool,
        ActivationLayout inputLayout, ActivationLayout outputLayout, bool relu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (pool.InChannels != g.OutChannels || pool.OutChannels != g.OutChannels || pool.InHeight != g.OutHeight || pool.InWidth != g.OutWidth)
        {
            throw new ArgumentException($"The pool after the convolution must read its output: the convolution writes {g.OutChannels}x{g.OutHeight}x{g.OutWidth} per sample, the pool reads {pool.InChannels}x{pool.InHeight}x{pool.InWidth} and writes {pool.OutChannels} channels.", nameof(pool));
        }

        if (x.Length < (long)batch * g.InputSize || y.Length < (long)batch * pool.OutputSize || weight.Length < (long)g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth)
        {
            throw new ArgumentException($"Pooled convolution operands are too short for a batch of {batch}: input {x.Length} (needs {(long)batch * g.InputSize}), output {y.Length} (needs {(long)batch * pool.OutputSize}), weight {weight.Length}.");
        }

        ChannelsLastConvolution.ForwardPooled(x, weight, bias, y, batch, g, pool, inputLayout, outputLayout, relu);
    }

    /// <summary>
    /// Adds the parameter gradients of a batch (<c>dW += dz (*) x</c>, <c>db += sum of dz</c>) and, unless
    /// <paramref name="dx"/> is empty, overwrites <paramref name="dx"/> with the input gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        Check(x, dz, weight, batch, g);
        if (FlatPlaneConvolution.TakesParameterGradients(g) && (dx.IsEmpty || FlatPlaneInputGradient.Takes(g)))
        {
            FlatPlaneConvolution.ParameterGradients(x, dz, weightGradient, biasGradient, batch, g);
            if (!dx.IsEmpty)
            {
                FlatPlaneInputGradient.Compute(weight, dz, dx, batch, g);
            }
        }
        else if (ChannelsLastConvolution.Applies(g))
        {
            ChannelsLastConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
        }
        else
        {
            RowConvolution.Backward(x, weight, dz, weightGradient, biasGradient, dx, batch, g);
        }
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> weight, int batch, in WindowGeometry g)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (x.Length < (long)batch * g.InputSize || y.Length < (long)batch * g.OutputSize || weight.Length < (long)g.OutChannels * g.InChannels * g.KernelHeight * g.KernelWidth)
        {
            throw new ArgumentException($"Convolution operands are too short for a batch of {batch}: input {x.Length} (needs {(long)batch * g.InputSize}), output {y.Length} (needs {(long)batch * g.OutputSize}), weight {weight.Length}.");
        }
    }
}
