using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// How a batch of <c>[C, H, W]</c> activations lies in memory between two stages of generated inference code. Layers,
/// files and the public API always use <see cref="Planar"/> (PyTorch's layout); the generator keeps the activations
/// between consecutive convolution, pooling, batch normalization and element-wise stages <see cref="ChannelsLast"/>, so
/// that the channels-last convolution neither converts its input nor its output (docs/architecture.md).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum ActivationLayout
{
    /// <summary><c>[N, C, H, W]</c>: each channel's plane is contiguous (PyTorch's layout).</summary>
    Planar,

    /// <summary><c>[N, H, W, C]</c>: each pixel's channels are contiguous.</summary>
    ChannelsLast,
}
