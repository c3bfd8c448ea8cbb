using System;

namespace NetDsl;

/// <summary>
/// A loss that compares each prediction with the target at the same index, then sums or averages over every element
/// of the batch (PyTorch's element-wise losses). Derived classes give the loss of one element and its derivative.
/// </summary>
public abstract class ElementwiseLoss : ILoss
{
    /// <summary>Creates the loss with the given reduction.</summary>
    protected ElementwiseLoss(LossReduction reduction)
    {
        if (reduction is not (LossReduction.Mean or LossReduction.Sum))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Expected LossReduction.Mean or LossReduction.Sum.");
        }

        Reduction = reduction;
    }

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public virtual TargetKind Targets => TargetKind.Value;

    /// <inheritdoc/>
    public virtual int TargetSize(int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        return outputSize;
    }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckOperands(predictions, targets);
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            sum += Evaluate(predictions[i], targets[i], i, out _);
        }

        return (float)(Reduction == LossReduction.Mean ? sum / predictions.Length : sum);
    }

    /// <inheritdoc/>
    public float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        CheckOperands(predictions, targets);
        Guard.Length(gradients.Length, predictions.Length, nameof(gradients));
        double scale = Reduction == LossReduction.Mean ? 1.0 / predictions.Length : 1.0;
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            sum += Evaluate(predictions[i], targets[i], i, out double derivative);
            gradients[i] = (float)(derivative * scale);
        }

        return (float)(sum * scale);
    }

    /// <summary>The loss of one element and its derivative with respect to the prediction, in double precision.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <param name="index">The element's index in the batch (row-major), for losses with per-output settings.</param>
    /// <param name="derivative">The derivative of the element's loss with respect to <paramref name="prediction"/>.</param>
    protected abstract double Evaluate(float prediction, float target, int index, out double derivative);

    /// <summary>Checks that predictions and targets describe the same non-empty batch; derived classes may also check the targets' range.</summary>
    /// <exception cref="ArgumentException">The spans are empty or differ in length.</exception>
    protected virtual void CheckOperands(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        if (predictions.IsEmpty)
        {
            throw new ArgumentException("Expected at least one prediction, but the span is empty.", nameof(predictions));
        }

        Guard.Length(targets.Length, predictions.Length, nameof(targets));
    }
}
