using System;
using System.Numerics;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// PReLU, <c>y = x &gt; 0 ? x : a[c] * x</c> with learned slopes, as PyTorch's <c>nn.PReLU</c>. Samples are
/// <c>[channels, positions]</c> (a 1-D sample of <c>F</c> features is <c>F</c> channels of one position); the slopes are
/// one shared value or one per channel.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PReluKernels
{
    /// <summary>The forward pass over <paramref name="batch"/> samples.</summary>
    /// <exception cref="ArgumentException">A span's length does not match the sizes.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, int batch, int channels, int positions)
    {
        Check(x.Length, weight.Length, batch, channels, positions);
        Guard.Length(y.Length, x.Length, nameof(y));
        int plane = positions;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                int start = ((n * channels) + c) * plane;
                Slope(x.Slice(start, plane), y.Slice(start, plane), weight[weight.Length == 1 ? 0 : c]);
            }
        }
    }

    /// <summary>
    /// The backward pass: writes <c>dx = x &gt; 0 ? dy : a * dy</c> (unless <paramref name="dx"/> is empty) and adds
    /// <c>sum of x * dy over the elements with x &lt;= 0</c> to each slope's gradient, summed in double precision in a fixed
    /// order (sample, channel, position). <paramref name="dx"/> may be the same span as <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match the sizes.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> weight, Span<float> weightGradient,
        int batch, int channels, int positions)
    {
        Check(x.Length, weight.Length, batch, channels, positions);
        Guard.Length(dy.Length, x.Length, nameof(dy));
        Guard.Length(weightGradient.Length, weight.Length, nameof(weightGradient));
        if (!dx.IsEmpty)
        {
            Guard.Length(dx.Length, x.Length, nameof(dx));
        }

        bool shared = weight.Length == 1;
        double sharedSum = 0;
        for (int c = 0; c < channels; c++)
        {
            float a = weight[shared ? 0 : c];
            double sum = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * positions;
                for (int i = start; i < start + positions; i++)
                {
                    float v = x[i];
                    float g = dy[i];
                    if (!(v > 0f))
                    {
                        sum += (double)v * g;
                    }

                    if (!dx.IsEmpty)
                    {
                        dx[i] = v > 0f ? g : a * g;
                    }
                }
            }

            if (shared)
            {
                sharedSum += sum;
            }
            else
            {
                weightGradient[c] += (float)sum;
            }
        }

        if (shared)
        {
            weightGradient[0] += (float)sharedSum;
        }
    }

    private static void Slope(ReadOnlySpan<float> x, Span<float> y, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var slope = new Vector<float>(a);
            for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * slope).CopyTo(y.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : a * x[i];
        }
    }

    private static void Check(int length, int slopes, int batch, int channels, int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        if (slopes != 1 && slopes != channels)
        {
            throw new ArgumentException($"Expected 1 slope or one per channel ({channels}), but got {slopes}.", "weight");
        }

        Guard.Length(length, checked(batch * channels * positions), "x");
    }
}
