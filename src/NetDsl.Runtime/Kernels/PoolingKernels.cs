using System;
using System.Numerics.Tensors;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Max, average and global average pooling over a batch of <c>[C, H, W]</c> samples (a 1-D pool has height 1), with
/// PyTorch's semantics: max pooling ignores padding (it counts as -infinity) and routes the gradient to the first
/// maximum of each window; average pooling counts padded zeros unless <c>countIncludePad</c> is false.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PoolingKernels
{
    /// <summary>Max pooling; NaN propagates.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g)
    {
        RequireLengths(x, y, batch, g);
        // Every plane is pooled on its own: a batch of planes of one channel, split over the kernel team if any.
        WindowGeometry plane = g with { InChannels = 1, OutChannels = 1 };
        int planes = batch * g.OutChannels;
        if (ElementwiseWork.TeamFor((long)batch * g.InputSize) is { } team && planes > 1)
        {
            ElementwiseWork.OfThisThread.RunMaxPoolForward(team, x.Slice(0, batch * g.InputSize), y.Slice(0, batch * g.OutputSize), planes, plane);
            return;
        }

        MaxForwardPlanes(x, y, planes, plane);
    }

    internal static void MaxForwardPlanes(ReadOnlySpan<float> x, Span<float> y, int planes, in WindowGeometry plane)
    {
        if (TwoByTwoMaxPooling.Applies(plane))
        {
            TwoByTwoMaxPooling.Forward(x, y, planes, plane);
        }
        else
        {
            WindowMaxPooling.Forward(x, y, planes, plane);
        }
    }

    /// <summary>Max pooling with the input and output in the given layouts (generated inference code between channels-last stages); the same bits as the planar pass.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g, ActivationLayout inputLayout, ActivationLayout outputLayout) =>
        ChannelsLastPooling.MaxForward(x, y, batch, g, inputLayout, outputLayout);

    /// <summary>Adds each output's gradient to the first maximum of its window; overwrites <paramref name="dx"/>.</summary>
    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g)
    {
        RequireLengths(x, dy, batch, g);
        RequireLengths(dx, dy, batch, g);
        WindowGeometry plane = g with { InChannels = 1, OutChannels = 1 };
        int planes = batch * g.OutChannels;
        if (ElementwiseWork.TeamFor((long)batch * g.InputSize) is { } team && planes > 1)
        {
            ElementwiseWork.OfThisThread.RunMaxPoolBackward(team, x.Slice(0, batch * g.InputSize), dy.Slice(0, batch * g.OutputSize), dx.Slice(0, batch * g.InputSize), planes, plane);
            return;
        }

        MaxBackwardPlanes(x, dy, dx, planes, plane);
    }

    internal static void MaxBackwardPlanes(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int planes, in WindowGeometry plane)
    {
        if (TwoByTwoMaxPooling.Applies(plane))
        {
            TwoByTwoMaxPooling.Backward(x, dy, dx, planes, plane);
        }
        else
        {
            WindowMaxPooling.Backward(x, dy, dx, planes, plane);
        }
    }

    /// <summary>Average pooling.</summary>
    public static void AverageForward(ReadOnlySpan<float> x, Span<float> y, int batch, in WindowGeometry g, bool countIncludePad)
    {
        RequireLengths(x, y, batch, g);
        WindowAveragePooling.Forward(x, y, batch, g, countIncludePad);
    }

    /// <summary>Spreads each output's gradient evenly over its window; overwrites <paramref name="dx"/>.</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, in WindowGeometry g, bool countIncludePad)
    {
        RequireLengths(dx, dy, batch, g);
        WindowAveragePooling.Backward(dy, dx, batch, g, countIncludePad);
    }

    /// <summary>The mean of each channel over its <paramref name="positions"/> positions: <c>[N, C, positions]</c> to <c>[N, C]</c>.</summary>
    public static void GlobalAverageForward(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int positions)
    {
        float scale = 1f / positions;
        for (int i = 0; i < batch * channels; i++)
        {
            y[i] = TensorPrimitives.Sum(x.Slice(i * positions, positions)) * scale;
        }
    }

    /// <summary>Spreads each channel's gradient evenly over its positions; overwrites <paramref name="dx"/>.</summary>
    public static void GlobalAverageBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, int channels, int positions)
    {
        float scale = 1f / positions;
        for (int i = 0; i < batch * channels; i++)
        {
            dx.Slice(i * positions, positions).Fill(dy[i] * scale);
        }
    }

    // The kernels read through refs, so the lengths are checked here.
    private static void RequireLengths(ReadOnlySpan<float> inputSide, ReadOnlySpan<float> outputSide, int batch, in WindowGeometry g)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputSide.Length < (long)batch * g.InputSize || outputSide.Length < (long)batch * g.OutputSize)
        {
            throw new ArgumentException($"Pooling operands are too short for a batch of {batch}: input side {inputSide.Length} (needs {(long)batch * g.InputSize}), output side {outputSide.Length} (needs {(long)batch * g.OutputSize}).");
        }
    }
}
