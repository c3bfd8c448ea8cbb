using System;

namespace NetDsl;

/// <summary>A schedule whose learning rate is a closed-form function of the epoch, <see cref="LearningRateAt"/>.</summary>
public abstract class EpochSchedule : LearningRateSchedule
{
    /// <summary>Binds the schedule to <paramref name="optimizer"/>.</summary>
    protected EpochSchedule(IOptimizer optimizer)
        : base(optimizer)
    {
    }

    /// <summary>The learning rate of <paramref name="epoch"/> (0 is the first epoch).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public float LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return (float)Compute(epoch);
    }

    /// <summary>The learning rate of <paramref name="epoch"/> (not negative), in double precision.</summary>
    protected abstract double Compute(int epoch);

    /// <inheritdoc/>
    protected sealed override float NextLearningRate(int epoch, double metric, float currentLearningRate) => LearningRateAt(epoch);
}
