using System;

namespace NetDsl;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs, as PyTorch's
/// <c>StepLR(optimizer, step_size, gamma=0.1)</c>: <c>lr(epoch) = base * gamma^floor(epoch / step_size)</c>.
/// </summary>
public sealed class StepLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the optimizer's rate for epoch 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive, or <paramref name="gamma"/> is negative or not finite.</exception>
    public StepLR(IOptimizer optimizer, int stepSize, float gamma = 0.1f)
        : base(optimizer)
    {
        if (stepSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"Expected a positive number of epochs per step, but got {stepSize}.");
        }

        StepSize = stepSize;
        Gamma = ScheduleChecks.Factor(gamma, nameof(gamma));
        Start();
    }

    /// <summary>The number of epochs between two decays.</summary>
    public int StepSize { get; }

    /// <summary>The multiplicative decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    protected override double Compute(int epoch) => BaseLearningRate * Math.Pow(Gamma, epoch / StepSize);
}
