using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>For generated code: any <see cref="ILoss"/> in a fused <c>TrainStep</c>, called through the interface.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FusedLoss : IFusedLoss
{
    private readonly ILoss _loss;

    /// <summary>Wraps <paramref name="loss"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    public FusedLoss(ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _loss = loss;
    }

    /// <inheritdoc/>
    public float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients) =>
        _loss.ComputeWithGradient(predictions, targets, gradients);
}
