using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Batch and layer normalization with PyTorch's conventions: batch statistics with the biased variance to
/// normalize, the unbiased variance for the running estimate, <c>running = (1 - momentum) * running + momentum * batch</c>.
/// Statistics are accumulated in double precision. Batch normalization in training comes in halves around what it needs
/// of the whole batch (<see cref="BatchNormStatistics"/>), so that a batch trained in chunks is normalized as one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class NormalizationKernels
{
    // The channels-last inference pass's per-channel scales and shifts.
    [ThreadStatic]
    private static float[]? t_affine;

    /// <summary>
    /// Training-mode batch normalization of <c>[batch, channels, positions]</c>, first half: measures the mean and the sum of
    /// squared deviations of each channel of <paramref name="x"/> into <paramref name="statistics"/> (two passes in double
    /// precision). When a batch is trained in chunks, the chunks' statistics are then combined into the whole batch's
    /// (<see cref="BatchNormStatistics.MergeMoments"/>) before <see cref="BatchNormNormalize"/>.
    /// </summary>
    public static void BatchNormMoments(ReadOnlySpan<float> x, BatchNormStatistics statistics, int batch, int channels, int positions)
    {
        fixed (float* px = x)
        {
            new BatchNormChannels(BatchNormPass.Moments, new(px, x.Length), default, default, default, default, default, default, statistics, batch, channels, positions, 0f, 0f).RunAll();
        }

        statistics.Count = (long)batch * positions;
    }

    internal static void MomentsOfChannels(ReadOnlySpan<float> x, BatchNormStatistics statistics, int batch, int channels, int positions, int firstChannel, int endChannel)
    {
        Span<double> means = statistics.Mean;
        Span<double> squares = statistics.SquaredDeviations;
        for (int c = firstChannel; c < endChannel; c++)
        {
            (means[c], squares[c]) = Moments(x, c, batch, channels, positions);
        }
    }

    /// <summary>
    /// Training-mode batch normalization, second half: normalizes <paramref name="x"/> with the whole batch's
    /// <paramref name="statistics"/> (biased variance) and updates the running statistics with them (unbiased variance).
    /// <paramref name="weight"/> and <paramref name="bias"/> are empty when the layer is not affine.
    /// </summary>
    /// <exception cref="InvalidOperationException">A channel has a single value in the whole batch (batch x positions = 1), which has no variance; PyTorch refuses it too.</exception>
    public static void BatchNormNormalize(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> runningMean, Span<float> runningVariance, BatchNormStatistics statistics, int batch, int channels, int positions, float eps, float momentum)
    {
        long count = statistics.Count;
        if (count < 2)
        {
            throw new InvalidOperationException($"Batch normalization in training needs more than one value per channel, but got a batch of {count / positions} with {positions} position(s) per channel.");
        }

        fixed (float* px = x, py = y, pw = weight, pb = bias, pm = runningMean, pv = runningVariance)
        {
            new BatchNormChannels(BatchNormPass.Normalize, new(px, x.Length), new(py, y.Length), default, new(pw, weight.Length), new(pb, bias.Length),
                new(pm, runningMean.Length), new(pv, runningVariance.Length), statistics, batch, channels, positions, eps, momentum).RunAll();
        }
    }

    internal static void NormalizeChannels(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> runningMean, Span<float> runningVariance, BatchNormStatistics statistics, int batch, int channels, int positions, float eps, float momentum, int firstChannel, int endChannel)
    {
        long count = statistics.Count;
        for (int c = firstChannel; c < endChannel; c++)
        {
            double mean = statistics.Mean[c];
            double variance = statistics.SquaredDeviations[c] / count;
            float invStd = (float)(1.0 / Math.Sqrt(variance + eps));
            float scale = weight.IsEmpty ? invStd : weight[c] * invStd;
            float shift = (bias.IsEmpty ? 0f : bias[c]) - (float)mean * scale;
            ScaleAndShift(x, y, scale, shift, c, batch, channels, positions);
            runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1 - momentum) * runningVariance[c] + momentum * variance * count / (count - 1));
        }
    }

    /// <summary>Inference-mode batch normalization with the running statistics.</summary>
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, int batch, int channels, int positions, float eps)
    {
        fixed (float* px = x, py = y, pw = weight, pb = bias, pm = runningMean, pv = runningVariance)
        {
            new BatchNormChannels(BatchNormPass.Inference, new(px, x.Length), new(py, y.Length), default, new(pw, weight.Length), new(pb, bias.Length),
                new(pm, runningMean.Length), new(pv, runningVariance.Length), null, batch, channels, positions, eps, 0f).RunAll();
        }
    }

    internal static void InferenceOfChannels(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, int batch, int channels, int positions, float eps, int firstChannel, int endChannel)
    {
        for (int c = firstChannel; c < endChannel; c++)
        {
            (float scale, float shift) = InferenceAffine(weight, bias, runningMean, runningVariance, c, eps);
            ScaleAndShift(x, y, scale, shift, c, batch, channels, positions);
        }
    }

    // Inference's y = x * scale + shift for channel c, from the running statistics and the affine parameters.
    private static (float Scale, float Shift) InferenceAffine(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, int c, float eps)
    {
        float invStd = (float)(1.0 / Math.Sqrt((double)runningVariance[c] + eps));
        float scale = weight.IsEmpty ? invStd : weight[c] * invStd;
        return (scale, (bias.IsEmpty ? 0f : bias[c]) - runningMean[c] * scale);
    }

    /// <summary>
    /// <see cref="BatchNormInference(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, float)"/>
    /// on activations in <paramref name="layout"/>; channels-last, each pixel's channels are scaled and shifted as one
    /// vector, with the same scale, shift and rounding per element as the planar pass (the same bits).
    /// </summary>
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, int batch, int channels, int positions, float eps, ActivationLayout layout)
    {
        if (layout == ActivationLayout.Planar)
        {
            BatchNormInference(x, y, weight, bias, runningMean, runningVariance, batch, channels, positions, eps);
            return;
        }

        int length = checked(batch * channels * positions);
        if (x.Length < length || y.Length < length)
        {
            throw new ArgumentException($"Batch normalization's operands are too short for a batch of {batch}: input {x.Length}, output {y.Length} (need {length}).");
        }

        Span<float> scales = ThreadScratch.Of(ref t_affine, 2 * channels);
        Span<float> shifts = scales.Slice(channels);
        scales = scales.Slice(0, channels);
        for (int c = 0; c < channels; c++)
        {
            (scales[c], shifts[c]) = InferenceAffine(weight, bias, runningMean, runningVariance, c, eps);
        }

        fixed (float* px = x, py = y, ps = scales, pt = shifts)
        {
            new BatchNormChannels(BatchNormPass.ChannelsLastInference, new(px, x.Length), new(py, y.Length), default, new(ps, channels), new(pt, channels),
                default, default, null, batch, channels, positions, eps, 0f).RunAll();
        }
    }

    // y = x * scale + shift per channel of pixels [firstPixel, endPixel), each pixel's channels as one vector.
    internal static void ChannelsLastAffineOfPixels(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> scales, ReadOnlySpan<float> shifts, int channels, int firstPixel, int endPixel)
    {
        for (int pixel = firstPixel; pixel < endPixel; pixel++)
        {
            ReadOnlySpan<float> source = x.Slice(pixel * channels, channels);
            Span<float> target = y.Slice(pixel * channels, channels);
            int c = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; c + Vector<float>.Count <= channels; c += Vector<float>.Count)
                {
                    (new Vector<float>(source.Slice(c)) * new Vector<float>(scales.Slice(c)) + new Vector<float>(shifts.Slice(c))).CopyTo(target.Slice(c));
                }
            }

            for (; c < channels; c++)
            {
                target[c] = source[c] * scales[c] + shifts[c];
            }
        }
    }

    /// <summary>
    /// The backward pass of training-mode batch normalization, first half: measures, per channel, the sums of
    /// <paramref name="dy"/> and of <paramref name="dy"/> times the normalized input (with the batch's mean and variance
    /// that <paramref name="statistics"/> kept from the forward pass) into <paramref name="statistics"/>, and adds them to
    /// the bias and weight gradients (when affine). When a batch is trained in chunks, the chunks' sums are then added
    /// up (<see cref="BatchNormStatistics.AddGradientSums"/>) before <see cref="BatchNormInputGradient"/>.
    /// </summary>
    public static void BatchNormGradientSums(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, Span<float> biasGradient, BatchNormStatistics statistics, int batch, int channels, int positions, float eps)
    {
        fixed (float* px = x, pdy = dy, pw = weightGradient, pb = biasGradient)
        {
            new BatchNormChannels(BatchNormPass.GradientSums, new(px, x.Length), default, new(pdy, dy.Length), new(pw, weightGradient.Length), new(pb, biasGradient.Length),
                default, default, statistics, batch, channels, positions, eps, 0f).RunAll();
        }
    }

    internal static void GradientSumsOfChannels(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, Span<float> biasGradient, BatchNormStatistics statistics, int batch, int channels, int positions, float eps, int firstChannel, int endChannel)
    {
        long count = statistics.Count;
        for (int c = firstChannel; c < endChannel; c++)
        {
            double mean = statistics.Mean[c];
            double invStd = 1.0 / Math.Sqrt(statistics.SquaredDeviations[c] / count + eps);
            double sumDy = 0, sumDyCentered = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                (double plane, double centered) = PlaneSums.GradientSums(ref Element(x, start, positions), ref Element(dy, start, positions), positions, mean);
                sumDy += plane;
                sumDyCentered += centered;
            }

            double sumDyXHat = sumDyCentered * invStd;
            statistics.GradientSum[c] = sumDy;
            statistics.NormalizedGradientSum[c] = sumDyXHat;
            if (!weightGradient.IsEmpty)
            {
                weightGradient[c] += (float)sumDyXHat;
                biasGradient[c] += (float)sumDy;
            }
        }
    }

    /// <summary>
    /// The backward pass of training-mode batch normalization, second half: overwrites <paramref name="dx"/> with the input
    /// gradient, from the whole batch's <paramref name="statistics"/>; does nothing when <paramref name="dx"/> is empty.
    /// </summary>
    public static void BatchNormInputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, BatchNormStatistics statistics, int batch, int channels, int positions, float eps)
    {
        if (dx.IsEmpty)
        {
            return;
        }

        fixed (float* px = x, pdy = dy, pw = weight, pdx = dx)
        {
            new BatchNormChannels(BatchNormPass.InputGradient, new(px, x.Length), new(pdx, dx.Length), new(pdy, dy.Length), new(pw, weight.Length), default,
                default, default, statistics, batch, channels, positions, eps, 0f).RunAll();
        }
    }

    internal static void InputGradientOfChannels(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, BatchNormStatistics statistics, int batch, int channels, int positions, float eps, int firstChannel, int endChannel)
    {
        long count = statistics.Count;
        for (int c = firstChannel; c < endChannel; c++)
        {
            double mean = statistics.Mean[c];
            double invStd = 1.0 / Math.Sqrt(statistics.SquaredDeviations[c] / count + eps);
            double sumDy = statistics.GradientSum[c];
            double sumDyXHat = statistics.NormalizedGradientSum[c];
            double gamma = weight.IsEmpty ? 1.0 : weight[c];
            double factor = gamma * invStd / count;

            for (int n = 0; n < batch; n++)
            {
                int start = (n * channels + c) * positions;
                InputGradientPlane(x.Slice(start, positions), dy.Slice(start, positions), dx.Slice(start, positions), mean, invStd, count, sumDy, sumDyXHat, factor);
            }
        }
    }

    // dx = factor * (count * dy - sumDy - xHat * sumDyXHat), xHat = (x - mean) * invStd, in double as the scalar expression
    // (the terms cancel for small batches: float arithmetic loses digits there), four elements at a time.
    private static void InputGradientPlane(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, double mean, double invStd, long count, double sumDy, double sumDyXHat, double factor)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 4)
        {
            Vector256<double> m = Vector256.Create(mean), s = Vector256.Create(invStd), n = Vector256.Create((double)count);
            Vector256<double> g = Vector256.Create(sumDy), h = Vector256.Create(sumDyXHat), f = Vector256.Create(factor);
            for (; i <= x.Length - 4; i += 4)
            {
                Vector256<double> xHat = (PlaneSums.Widen(ref Element(x, i, 4)) - m) * s;
                Vector256<double> result = f * (n * PlaneSums.Widen(ref Element(dy, i, 4)) - g - xHat * h);
                Vector128.Narrow(result.GetLower(), result.GetUpper()).CopyTo(dx.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            double xHat = (x[i] - mean) * invStd;
            dx[i] = (float)(factor * ((double)count * dy[i] - sumDy - xHat * sumDyXHat));
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

    private static (double Mean, double SquaredDeviations) Moments(ReadOnlySpan<float> x, int channel, int batch, int channels, int positions)
    {
        double sum = 0;
        for (int n = 0; n < batch; n++)
        {
            sum += PlaneSums.Sum(ref Element(x, (n * channels + channel) * positions, positions), positions);
        }

        double mean = sum / ((long)batch * positions);
        double squares = 0;
        for (int n = 0; n < batch; n++)
        {
            squares += PlaneSums.SquaredDeviations(ref Element(x, (n * channels + channel) * positions, positions), positions, mean);
        }

        return (mean, squares);
    }

    // y = x * scale + shift on channel c's plane of every sample (two roundings, as the scalar expression).
    private static void ScaleAndShift(ReadOnlySpan<float> x, Span<float> y, float scale, float shift, int c, int batch, int channels, int positions)
    {
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + c) * positions;
            Affine(x.Slice(start, positions), scale, shift, y.Slice(start, positions));
        }
    }

    // y = x * scale + shift, rounded after the product and after the sum (the JIT never fuses them), at any vector width.
    private static void Affine(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var s = new Vector<float>(scale);
            var t = new Vector<float>(shift);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(x.Slice(i)) * s + t).CopyTo(y.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] * scale + shift;
        }
    }

    // The first of `count` elements from `start`, checked to lie inside the span.
    private static ref float Element(ReadOnlySpan<float> values, int start, int count) =>
        ref MemoryMarshal.GetReference(values.Slice(start, count));

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
