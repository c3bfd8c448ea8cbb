using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Reductions over the steps of sequences <c>[batch, T, F]</c> into <c>[batch, F]</c>: the mean, the maximum (the gradient
/// to the first step holding it; NaN propagates and takes the gradient, as PyTorch's <c>amax</c>) and the last step.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SequenceHeadKernels
{
    /// <summary><c>y[n, f] = (1/T) sum over t of x[n, t, f]</c>, summed in step order.</summary>
    public static void MeanForward(ReadOnlySpan<float> x, Span<float> y, int batch, int steps, int features)
    {
        Check(x.Length, y.Length, batch, steps, features);
        float scale = 1f / steps;
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = y.Slice(n * features, features);
            x.Slice(n * steps * features, features).CopyTo(row);
            for (int t = 1; t < steps; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(row, x.Slice(((n * steps) + t) * features, features), row);
            }

            System.Numerics.Tensors.TensorPrimitives.Multiply(row, scale, row);
        }
    }

    /// <summary><c>dx[n, t, f] = dy[n, f] / T</c>.</summary>
    public static void MeanBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, int steps, int features)
    {
        Check(dx.Length, dy.Length, batch, steps, features);
        float scale = 1f / steps;
        for (int n = 0; n < batch; n++)
        {
            for (int t = 0; t < steps; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(dy.Slice(n * features, features), scale, dx.Slice(((n * steps) + t) * features, features));
            }
        }
    }

    /// <summary><c>y[n, f] = max over t of x[n, t, f]</c>.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, int batch, int steps, int features)
    {
        Check(x.Length, y.Length, batch, steps, features);
        for (int n = 0; n < batch; n++)
        {
            for (int f = 0; f < features; f++)
            {
                y[(n * features) + f] = x[(((n * steps) + ArgMax(x, n, f, steps, features)) * features) + f];
            }
        }
    }

    /// <summary>The gradient goes to the step that <see cref="MaxForward"/> read; the other steps get zero.</summary>
    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, int steps, int features)
    {
        Check(x.Length, dy.Length, batch, steps, features);
        dx.Slice(0, batch * steps * features).Clear();
        for (int n = 0; n < batch; n++)
        {
            for (int f = 0; f < features; f++)
            {
                dx[(((n * steps) + ArgMax(x, n, f, steps, features)) * features) + f] = dy[(n * features) + f];
            }
        }
    }

    /// <summary><c>y[n] = x[n, T-1]</c>.</summary>
    public static void LastForward(ReadOnlySpan<float> x, Span<float> y, int batch, int steps, int features)
    {
        Check(x.Length, y.Length, batch, steps, features);
        for (int n = 0; n < batch; n++)
        {
            x.Slice((((n * steps) + steps - 1) * features), features).CopyTo(y.Slice(n * features, features));
        }
    }

    /// <summary>The gradient goes to the last step; the other steps get zero.</summary>
    public static void LastBackward(ReadOnlySpan<float> dy, Span<float> dx, int batch, int steps, int features)
    {
        Check(dx.Length, dy.Length, batch, steps, features);
        dx.Slice(0, batch * steps * features).Clear();
        for (int n = 0; n < batch; n++)
        {
            dy.Slice(n * features, features).CopyTo(dx.Slice(((n * steps) + steps - 1) * features, features));
        }
    }

    /// <summary>The first step holding the largest value of feature <paramref name="f"/>, or the first NaN.</summary>
    private static int ArgMax(ReadOnlySpan<float> x, int n, int f, int steps, int features)
    {
        int best = 0;
        float bestValue = x[(n * steps * features) + f];
        for (int t = 1; t < steps && !float.IsNaN(bestValue); t++)
        {
            float value = x[(((n * steps) + t) * features) + f];
            if (value > bestValue || float.IsNaN(value))
            {
                best = t;
                bestValue = value;
            }
        }

        return best;
    }

    private static void Check(int sequenceLength, int reducedLength, int batch, int steps, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (sequenceLength < (long)batch * steps * features || reducedLength < (long)batch * features)
        {
            throw new ArgumentException($"A reduction over steps needs {(long)batch * steps * features} floats of sequence and {(long)batch * features} of result, but got {sequenceLength} and {reducedLength}.");
        }
    }
}
