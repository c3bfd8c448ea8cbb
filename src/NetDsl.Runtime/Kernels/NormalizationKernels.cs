using System;

namespace NetDsl.Kernels;

/// <summary>
/// Batch and layer normalization with PyTorch's conventions: batch statistics with the biased variance to
/// normalize, the unbiased variance for the running estimate, <c>running = (1 - momentum) * running + momentum * batch</c>.
/// Statistics are accumulated in double precision. Backward passes recompute the statistics from the recorded input.
/// </summary>
public static class NormalizationKernels
{
    /// <summary>
    /// Training-mode batch normalization of <c>[batch, channels, positions]</c>, updating the running statistics.
    /// <paramref name="weight"/> and <paramref name="bias"/> are empty when the layer is not affine.
    /// </summary>
    /// <exception cref="InvalidOperationException">A channel has a single value (batch x positions = 1), which has no variance; PyTorch refuses it too.</exception>
    public static void BatchNormTraining(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> runningMean, Span<float> runningVariance, int batch, int channels, int positions, float eps, float momentum)
    {
        int count = batch * positions;
        if (count < 2)
        {
            throw new InvalidOperationException($"Batch normalization in training needs more than one value per channel, but got a batch of {batch} with {positions} position(s) per channel.");
        }

        for (int c = 0; c < channels; c++)
        {
            (double mean, double variance) = Statistics(x, c, batch, channels, positions);
            float invStd = (float)(1.0 / Math.Sqrt(variance + eps));
            float scale = weight.IsEmpty ? invStd : weight[c] * invStd;
            float shift = (bias.IsEmpty ? 0f : bias[c]) - (float)mean * scale;
            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                for (int i = start; i < start + positions; i++)
                {
                    y[i] = x[i] * scale + shift;
                }
            }

            runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1 - momentum) * runningVariance[c] + momentum * variance * count / (count - 1));
        }
    }

    /// <summary>Inference-mode batch normalization with the running statistics.</summary>
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, int batch, int channels, int positions, float eps)
    {
        for (int c = 0; c < channels; c++)
        {
            float invStd = (float)(1.0 / Math.Sqrt((double)runningVariance[c] + eps));
            float scale = weight.IsEmpty ? invStd : weight[c] * invStd;
            float shift = (bias.IsEmpty ? 0f : bias[c]) - runningMean[c] * scale;
            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                for (int i = start; i < start + positions; i++)
                {
                    y[i] = x[i] * scale + shift;
                }
            }
        }
    }

    /// <summary>
    /// The backward pass of training-mode batch normalization: adds to the weight and bias gradients (when affine) and,
    /// unless <paramref name="dx"/> is empty, overwrites it with the input gradient.
    /// </summary>
    public static void BatchNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, int channels, int positions, float eps)
    {
        int count = batch * positions;
        for (int c = 0; c < channels; c++)
        {
            (double mean, double variance) = Statistics(x, c, batch, channels, positions);
            double invStd = 1.0 / Math.Sqrt(variance + eps);
            double sumDy = 0, sumDyXHat = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                for (int i = start; i < start + positions; i++)
                {
                    sumDy += dy[i];
                    sumDyXHat += dy[i] * (x[i] - mean) * invStd;
                }
            }

            if (!weightGradient.IsEmpty)
            {
                weightGradient[c] += (float)sumDyXHat;
                biasGradient[c] += (float)sumDy;
            }

            if (dx.IsEmpty)
            {
                continue;
            }

            double gamma = weight.IsEmpty ? 1.0 : weight[c];
            double factor = gamma * invStd / count;
            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                for (int i = start; i < start + positions; i++)
                {
                    double xHat = (x[i] - mean) * invStd;
                    dx[i] = (float)(factor * (count * dy[i] - sumDy - xHat * sumDyXHat));
                }
            }
        }
    }

    /// <summary>Layer normalization of each of <paramref name="batch"/> samples of <paramref name="features"/> floats; weight and bias (of the sample's size) may be empty.</summary>
    public static void LayerNormForward(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch, int features, float eps)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * features, features);
            Span<float> output = y.Slice(n * features, features);
            (double mean, double variance) = SampleStatistics(sample);
            double invStd = 1.0 / Math.Sqrt(variance + eps);
            for (int i = 0; i < features; i++)
            {
                float xHat = (float)((sample[i] - mean) * invStd);
                output[i] = weight.IsEmpty ? xHat : xHat * weight[i] + bias[i];
            }
        }
    }

    /// <summary>The backward pass of layer normalization: adds to the weight and bias gradients and, unless <paramref name="dx"/> is empty, overwrites it.</summary>
    public static void LayerNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, int features, float eps)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * features, features);
            ReadOnlySpan<float> dySample = dy.Slice(n * features, features);
            (double mean, double variance) = SampleStatistics(sample);
            double invStd = 1.0 / Math.Sqrt(variance + eps);
            double sumG = 0, sumGXHat = 0;
            for (int i = 0; i < features; i++)
            {
                double xHat = (sample[i] - mean) * invStd;
                double g = dySample[i] * (weight.IsEmpty ? 1.0 : weight[i]);
                sumG += g;
                sumGXHat += g * xHat;
                if (!weightGradient.IsEmpty)
                {
                    weightGradient[i] += (float)(dySample[i] * xHat);
                    biasGradient[i] += dySample[i];
                }
            }

            if (dx.IsEmpty)
            {
                continue;
            }

            Span<float> dxSample = dx.Slice(n * features, features);
            for (int i = 0; i < features; i++)
            {
                double xHat = (sample[i] - mean) * invStd;
                double g = dySample[i] * (weight.IsEmpty ? 1.0 : weight[i]);
                dxSample[i] = (float)(invStd / features * (features * g - sumG - xHat * sumGXHat));
            }
        }
    }

    private static (double Mean, double Variance) Statistics(ReadOnlySpan<float> x, int channel, int batch, int channels, int positions)
    {
        double sum = 0;
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + channel) * positions;
            for (int i = start; i < start + positions; i++)
            {
                sum += x[i];
            }
        }

        double mean = sum / (batch * positions);
        double squares = 0;
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + channel) * positions;
            for (int i = start; i < start + positions; i++)
            {
                double d = x[i] - mean;
                squares += d * d;
            }
        }

        return (mean, squares / (batch * positions));
    }

    private static (double Mean, double Variance) SampleStatistics(ReadOnlySpan<float> sample)
    {
        double sum = 0;
        foreach (float value in sample)
        {
            sum += value;
        }

        double mean = sum / sample.Length;
        double squares = 0;
        foreach (float value in sample)
        {
            double d = value - mean;
            squares += d * d;
        }

        return (mean, squares / sample.Length);
    }
}
