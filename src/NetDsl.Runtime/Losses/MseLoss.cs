using System;

namespace NetDsl;

/// <summary>
/// The mean squared error, as PyTorch's <c>nn.MSELoss()</c> with its default <c>reduction='mean'</c>: the mean
/// of <c>(prediction - target)^2</c> over every element of the batch. Its gradient, <c>2 (prediction - target) / n</c>,
/// therefore already averages a batch's parameter gradients, as PyTorch's does.
/// </summary>
public static class MseLoss
{
    /// <summary>The mean squared error over all elements. The sum is accumulated in double precision.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckOperands(predictions, targets);
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double difference = (double)predictions[i] - targets[i];
            sum += difference * difference;
        }

        return (float)(sum / predictions.Length);
    }

    /// <summary>Writes the gradient of <see cref="Compute"/> with respect to each prediction into <paramref name="gradients"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static void Gradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        CheckOperands(predictions, targets);
        Guard.Length(gradients.Length, predictions.Length, nameof(gradients));
        float scale = 2f / predictions.Length;
        for (int i = 0; i < predictions.Length; i++)
        {
            gradients[i] = scale * (predictions[i] - targets[i]);
        }
    }

    /// <summary>Computes the loss and writes its gradient in one pass.</summary>
    public static float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        Gradient(predictions, targets, gradients);
        return Compute(predictions, targets);
    }

    private static void CheckOperands(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        if (predictions.IsEmpty)
        {
            throw new ArgumentException("Expected at least one prediction, but the span is empty.", nameof(predictions));
        }

        Guard.Length(targets.Length, predictions.Length, nameof(targets));
    }
}
