using System;

namespace NetDsl;

/// <summary>Special values of a convolution's <c>Padding</c>.</summary>
public static class ConvPadding
{
    /// <summary>
    /// PyTorch's <c>padding='same'</c>: pads so that the output has the input's length (stride 1 only); when the
    /// total padding is odd, the extra element goes at the end, as in PyTorch.
    /// </summary>
    public const int Same = -1;
}

/// <summary>
/// A 1-D convolution over <c>[channels, length]</c>, as PyTorch's <c>nn.Conv1d</c>: <c>weight</c> is
/// <c>[out, in, kernel]</c>, <c>bias</c> is <c>[out]</c>, both uniform in <c>±1/sqrt(in * kernel)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : LayerAttribute
{
    /// <summary>A convolution with <paramref name="outChannels"/> output channels; the input channels are inferred.</summary>
    public Conv1DAttribute(int outChannels) => OutChannels = outChannels;

    /// <summary>A convolution from <paramref name="inChannels"/> (checked at compile time) to <paramref name="outChannels"/> channels.</summary>
    public Conv1DAttribute(int inChannels, int outChannels)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
    }

    /// <summary>The declared input channels, or null when inferred.</summary>
    public int? InChannels { get; }

    /// <summary>The output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel length (required).</summary>
    public int Kernel { get; set; }

    /// <summary>The stride (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zero padding on both ends (default 0), or <see cref="ConvPadding.Same"/>.</summary>
    public int Padding { get; set; }

    /// <summary>The spacing between kernel taps (default 1).</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// A 2-D convolution over <c>[channels, height, width]</c>, as PyTorch's <c>nn.Conv2d</c>: <c>weight</c> is
/// <c>[out, in, kh, kw]</c>, <c>bias</c> is <c>[out]</c>, both uniform in <c>±1/sqrt(in * kh * kw)</c>.
/// <c>Kernel</c>, <c>Stride</c>, <c>Padding</c> and <c>Dilation</c> apply to both axes; the per-axis
/// properties (<c>KernelHeight</c>, ...) override them.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>A convolution with <paramref name="outChannels"/> output channels; the input channels are inferred.</summary>
    public Conv2DAttribute(int outChannels) => OutChannels = outChannels;

    /// <summary>A convolution from <paramref name="inChannels"/> (checked at compile time) to <paramref name="outChannels"/> channels.</summary>
    public Conv2DAttribute(int inChannels, int outChannels)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
    }

    /// <summary>The declared input channels, or null when inferred.</summary>
    public int? InChannels { get; }

    /// <summary>The output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel size on both axes (required unless both per-axis sizes are set).</summary>
    public int Kernel { get; set; }

    /// <summary>The kernel height, overriding <see cref="Kernel"/>.</summary>
    public int KernelHeight { get; set; }

    /// <summary>The kernel width, overriding <see cref="Kernel"/>.</summary>
    public int KernelWidth { get; set; }

    /// <summary>The stride on both axes (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>The vertical stride, overriding <see cref="Stride"/>.</summary>
    public int StrideHeight { get; set; }

    /// <summary>The horizontal stride, overriding <see cref="Stride"/>.</summary>
    public int StrideWidth { get; set; }

    /// <summary>Zero padding on all sides (default 0), or <see cref="ConvPadding.Same"/>.</summary>
    public int Padding { get; set; }

    /// <summary>Zero padding at the top and bottom, overriding <see cref="Padding"/>.</summary>
    public int PaddingHeight { get; set; }

    /// <summary>Zero padding at the left and right, overriding <see cref="Padding"/>.</summary>
    public int PaddingWidth { get; set; }

    /// <summary>The spacing between kernel taps on both axes (default 1).</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The vertical dilation, overriding <see cref="Dilation"/>.</summary>
    public int DilationHeight { get; set; }

    /// <summary>The horizontal dilation, overriding <see cref="Dilation"/>.</summary>
    public int DilationWidth { get; set; }

    /// <summary>Whether the layer has a bias (default true).</summary>
    public bool Bias { get; set; } = true;
}
