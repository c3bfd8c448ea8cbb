using NetDsl.Generated;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>What a sweep row times: a convolution layer (forward and backward) or a fully connected layer (forward).</summary>
public enum SweepKind
{
    /// <summary><c>ConvolutionKernels.Forward</c> and <c>.Backward</c> on square maps.</summary>
    Convolution,

    /// <summary><c>LinearKernels.Forward</c>, <c>[batch, in] -> [batch, out]</c>.</summary>
    Linear,
}

/// <summary>
/// One row of the sweep: a layer shape and the batch it is timed at. Convolutions are square: <c>Size</c> x <c>Size</c>
/// maps, <c>Kernel</c> x <c>Kernel</c> windows, the same stride and padding on both axes, no dilation. A linear row has
/// <c>InChannels</c> inputs and <c>OutChannels</c> outputs per sample; its size, kernel, stride and padding are 0.
/// </summary>
/// <param name="Group">Which part of the sweep: grid, kernel, stride, N4, linear (or the smoke test's smoke).</param>
/// <param name="Label">A short name for tables and plots.</param>
/// <param name="InputGradient">
/// Whether the backward pass computes the input gradient (convolution rows): a network's first layer never does, and
/// the kernels pick their algorithm knowing it (N4's first layer in training runs on <c>FlatPlaneConvolution</c>).
/// </param>
public sealed record SweepCase(string Group, string Label, SweepKind Kind, int InChannels, int OutChannels, int Size, int Kernel, int Stride, int Padding, int Batch, bool InputGradient = true)
{
    /// <summary>The output map's height and width.</summary>
    public int OutSize => Kind == SweepKind.Convolution ? (Size + 2 * Padding - Kernel) / Stride + 1 : 0;

    /// <summary>The convolution's geometry (convolution rows only).</summary>
    public WindowGeometry Geometry => new(InChannels, Size, Size, OutChannels, OutSize, OutSize, Kernel, Kernel, Stride, Stride, Padding, Padding, 1, 1);

    /// <summary>Floats in one input sample.</summary>
    public int InputSize => Kind == SweepKind.Convolution ? InChannels * Size * Size : InChannels;

    /// <summary>Floats in one output sample.</summary>
    public int OutputSize => Kind == SweepKind.Convolution ? OutChannels * OutSize * OutSize : OutChannels;

    /// <summary>Floats in the weight (PyTorch's <c>[out, in, kh, kw]</c> or <c>[out, in]</c>).</summary>
    public int WeightSize => Kind == SweepKind.Convolution ? OutChannels * InChannels * Kernel * Kernel : OutChannels * InChannels;

    /// <summary>Multiply-adds of one sample's forward pass (the bias is not counted).</summary>
    public double MacsPerSample => (double)WeightSize * (Kind == SweepKind.Convolution ? OutSize * OutSize : 1);

    /// <summary>Floating-point operations of one forward call: 2 per multiply-add.</summary>
    public double ForwardFlops => 2 * MacsPerSample * Batch;

    /// <summary>
    /// Floating-point operations of one backward call: the weight gradient and, when asked for, the input gradient, each
    /// as many multiply-adds as the forward pass (the bias gradient is not counted); 0 for linear rows, whose backward is
    /// not timed.
    /// </summary>
    public double BackwardFlops => Kind == SweepKind.Convolution ? (InputGradient ? 2 : 1) * ForwardFlops : 0;
}
