using System;

namespace NetDsl;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every epoch, as PyTorch's <c>ExponentialLR(optimizer, gamma)</c>: <c>lr(epoch) = base * gamma^epoch</c>.</summary>
public sealed class ExponentialLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the optimizer's rate for epoch 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or not finite.</exception>
    public ExponentialLR(IOptimizer optimizer, float gamma)
        : base(optimizer)
    {
        Gamma = ScheduleChecks.Factor(gamma, nameof(gamma));
        Start();
    }

    /// <summary>The multiplicative decay per epoch.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    protected override double Compute(int epoch) => BaseLearningRate * Math.Pow(Gamma, epoch);
}
