using System;
using System.Numerics.Tensors;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>Softmax and log-softmax over each sample of a batch, and their backward passes from the output.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SoftmaxKernels
{
    /// <summary><c>y = exp(x - max) / sum(exp(x - max))</c> per sample.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int batch, int features)
    {
        // Not TensorPrimitives.SoftMax: it exponentiates x itself, which overflows (NaN) for logits above ~88 and
        // underflows (0/0) when all are very negative.
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * features, features);
            Span<float> output = y.Slice(n * features, features);
            TensorPrimitives.Subtract(sample, TensorPrimitives.Max(sample), output);
            TensorPrimitives.Exp(output, output);
            TensorPrimitives.Divide(output, TensorPrimitives.Sum(output), output);
        }
    }

    /// <summary><c>dx = y * (dy - sum(dy * y))</c> per sample.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> ySample = y.Slice(n * features, features);
            ReadOnlySpan<float> dySample = dy.Slice(n * features, features);
            Span<float> dxSample = dx.Slice(n * features, features);
            float dot = TensorPrimitives.Dot(dySample, ySample);
            for (int i = 0; i < features; i++)
            {
                dxSample[i] = ySample[i] * (dySample[i] - dot);
            }
        }
    }

    /// <summary><c>y = x - max - log(sum(exp(x - max)))</c> per sample, stable for large inputs.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * features, features);
            float max = TensorPrimitives.Max(sample);
            double sum = 0;
            foreach (float value in sample)
            {
                sum += Math.Exp(value - max);
            }

            float shift = max + (float)Math.Log(sum);
            TensorPrimitives.Subtract(sample, shift, y.Slice(n * features, features));
        }
    }

    /// <summary><c>dx = dy - exp(y) * sum(dy)</c> per sample.</summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> ySample = y.Slice(n * features, features);
            ReadOnlySpan<float> dySample = dy.Slice(n * features, features);
            Span<float> dxSample = dx.Slice(n * features, features);
            float sum = TensorPrimitives.Sum(dySample);
            for (int i = 0; i < features; i++)
            {
                dxSample[i] = dySample[i] - MathF.Exp(ySample[i]) * sum;
            }
        }
    }
}
