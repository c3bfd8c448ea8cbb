using System;

namespace NetDsl;

/// <summary>
/// A loss over a batch of predictions: its value and its gradient with respect to every prediction, without
/// allocating. Predictions are row-major, one row of the network's outputs per sample; targets are laid out as
/// <see cref="Targets"/> says (<see cref="TargetSize(int)"/> floats per sample).
/// </summary>
public interface ILoss
{
    /// <summary>What the targets are: class indices, binary labels or values.</summary>
    TargetKind Targets { get; }

    /// <summary>How the batch's losses are reduced to one number.</summary>
    LossReduction Reduction { get; }

    /// <summary>The number of target floats per sample for a network with <paramref name="outputSize"/> outputs.</summary>
    /// <exception cref="ArgumentException">The loss cannot be used with that many outputs (for example cross-entropy on fewer than 2).</exception>
    int TargetSize(int outputSize);

    /// <summary>The reduced loss of the batch.</summary>
    /// <exception cref="ArgumentException">The lengths do not describe a batch, or a target is out of its range.</exception>
    float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets);

    /// <summary>
    /// The reduced loss of the batch; writes the gradient of that reduced loss with respect to each prediction into
    /// <paramref name="gradients"/> (overwritten), which has the length of <paramref name="predictions"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not describe a batch, or a target is out of its range.</exception>
    float ComputeWithGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients);
}
