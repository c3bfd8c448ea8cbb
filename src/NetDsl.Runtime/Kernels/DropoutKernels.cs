using System;
using System.Numerics.Tensors;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>Inverted dropout, as PyTorch's: kept elements are scaled by <c>1/(1-p)</c> during training.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutKernels
{
    /// <summary>Draws a mask (<c>0</c> or <c>1/(1-p)</c> per element) from <paramref name="random"/> and writes <c>y = x * mask</c>.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float scale = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < p ? 0f : scale;
        }

        TensorPrimitives.Multiply(x, mask, y);
    }

    /// <summary><c>dx = dy * mask</c>.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) => TensorPrimitives.Multiply(dy, mask, dx);
}
