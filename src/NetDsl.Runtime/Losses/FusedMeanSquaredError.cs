using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>
/// For generated code: <see cref="MeanSquaredErrorLoss"/> in a fused <c>TrainStep</c>, small enough for the JIT to inline.
/// The same arithmetic in the same order as <see cref="ElementwiseLoss.ComputeWithGradient"/> with that loss, so the
/// fused step's bits do not depend on which overload the caller's static type picks.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FusedMeanSquaredError : IFusedLoss
{
    private readonly LossReduction _reduction;

    /// <summary>Takes the reduction of <paramref name="loss"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    public FusedMeanSquaredError(MeanSquaredErrorLoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _reduction = loss.Reduction;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        if (predictions.IsEmpty)
        {
            throw new ArgumentException("Expected at least one prediction, but the span is empty.", nameof(predictions));
        }

        Guard.Length(targets.Length, predictions.Length, nameof(targets));
        Guard.Length(gradients.Length, predictions.Length, nameof(gradients));
        double scale = _reduction == LossReduction.Mean ? 1.0 / predictions.Length : 1.0;
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double difference = (double)predictions[i] - targets[i];
            sum += difference * difference;
            gradients[i] = (float)(2.0 * difference * scale);
        }

        return (float)(sum * scale);
    }
}
