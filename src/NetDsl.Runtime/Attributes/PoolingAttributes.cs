using System;

namespace NetDsl;

/// <summary>Max pooling over <c>[channels, length]</c>, as PyTorch's <c>nn.MaxPool1d</c> (padding counts as -infinity).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool1DAttribute : LayerAttribute
{
    /// <summary>Pools windows of <paramref name="kernel"/> elements.</summary>
    public MaxPool1DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The window length.</summary>
    public int Kernel { get; }

    /// <summary>The stride; 0 (the default) means the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Implicit padding on both ends (at most half the kernel).</summary>
    public int Padding { get; set; }
}

/// <summary>Max pooling over <c>[channels, height, width]</c>, as PyTorch's <c>nn.MaxPool2d</c> (padding counts as -infinity).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Pools <paramref name="kernel"/> x <paramref name="kernel"/> windows.</summary>
    public MaxPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The window size on both axes.</summary>
    public int Kernel { get; }

    /// <summary>The stride on both axes; 0 (the default) means the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Implicit padding on all sides (at most half the kernel).</summary>
    public int Padding { get; set; }
}

/// <summary>Average pooling over <c>[channels, length]</c>, as PyTorch's <c>nn.AvgPool1d</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool1DAttribute : LayerAttribute
{
    /// <summary>Averages windows of <paramref name="kernel"/> elements.</summary>
    public AvgPool1DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The window length.</summary>
    public int Kernel { get; }

    /// <summary>The stride; 0 (the default) means the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Zero padding on both ends (at most half the kernel).</summary>
    public int Padding { get; set; }

    /// <summary>Whether padded zeros count in the average (PyTorch's <c>count_include_pad</c>, default true).</summary>
    public bool CountIncludePad { get; set; } = true;
}

/// <summary>Average pooling over <c>[channels, height, width]</c>, as PyTorch's <c>nn.AvgPool2d</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Averages <paramref name="kernel"/> x <paramref name="kernel"/> windows.</summary>
    public AvgPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The window size on both axes.</summary>
    public int Kernel { get; }

    /// <summary>The stride on both axes; 0 (the default) means the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Zero padding on all sides (at most half the kernel).</summary>
    public int Padding { get; set; }

    /// <summary>Whether padded zeros count in the average (PyTorch's <c>count_include_pad</c>, default true).</summary>
    public bool CountIncludePad { get; set; } = true;
}

/// <summary>
/// Averages each channel over all its positions: <c>[C, ...]</c> to <c>[C]</c>, as PyTorch's
/// <c>nn.AdaptiveAvgPool2d(1)</c> followed by <c>flatten</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute;
