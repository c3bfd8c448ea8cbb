using System;

namespace NetDsl;

/// <summary>
/// Cosine annealing with an optional linear warm-up. Without warm-up it is PyTorch's
/// <c>CosineAnnealingLR(optimizer, T_max, eta_min=0)</c> in closed form:
/// <c>lr(epoch) = eta_min + (base - eta_min) * (1 + cos(pi * epoch / T_max)) / 2</c>.
/// With <c>W</c> warm-up epochs it is PyTorch's
/// <c>SequentialLR([LinearLR(start_factor=s, total_iters=W), CosineAnnealingLR(T_max, eta_min)], milestones=[W])</c>:
/// <c>lr(epoch) = base * (s + (1 - s) * epoch / W)</c> for <c>epoch &lt; W</c>, then the cosine of <c>epoch - W</c>.
/// </summary>
/// <remarks>Past <c>T_max</c> the cosine rises again, as PyTorch's does; choose <c>T_max</c> = epochs − warm-up epochs to end at <c>eta_min</c>.</remarks>
public sealed class CosineAnnealingLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the optimizer's rate for epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is scheduled.</param>
    /// <param name="tMax">The number of epochs of the cosine's half period (PyTorch's <c>T_max</c>).</param>
    /// <param name="minLearningRate">The lowest learning rate (PyTorch's <c>eta_min</c>, default 0).</param>
    /// <param name="warmupEpochs">The number of linear warm-up epochs before the cosine (default 0).</param>
    /// <param name="warmupStartFactor">The fraction of the base rate at epoch 0 of the warm-up (default 1/3, as PyTorch's <c>LinearLR</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CosineAnnealingLR(IOptimizer optimizer, int tMax, float minLearningRate = 0f, int warmupEpochs = 0, float warmupStartFactor = 1f / 3f)
        : base(optimizer)
    {
        if (tMax <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"Expected a positive number of epochs for T_max, but got {tMax}.");
        }

        if (warmupEpochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"Expected a non-negative number of warm-up epochs, but got {warmupEpochs}.");
        }

        if (!(warmupStartFactor > 0f && warmupStartFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, $"Expected a warm-up start factor in (0, 1], as PyTorch's LinearLR, but got {warmupStartFactor}.");
        }

        TMax = tMax;
        MinLearningRate = ScheduleChecks.Factor(minLearningRate, nameof(minLearningRate));
        WarmupEpochs = warmupEpochs;
        WarmupStartFactor = warmupStartFactor;
        Start();
    }

    /// <summary>The number of epochs of the cosine's half period.</summary>
    public int TMax { get; }

    /// <summary>The lowest learning rate.</summary>
    public float MinLearningRate { get; }

    /// <summary>The number of linear warm-up epochs.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The fraction of the base rate at the first warm-up epoch.</summary>
    public float WarmupStartFactor { get; }

    /// <inheritdoc/>
    protected override double Compute(int epoch)
    {
        double baseRate = BaseLearningRate;
        if (epoch < WarmupEpochs)
        {
            return baseRate * (WarmupStartFactor + (1.0 - WarmupStartFactor) * epoch / WarmupEpochs);
        }

        double minRate = MinLearningRate;
        return minRate + (baseRate - minRate) * (1.0 + Math.Cos(Math.PI * (epoch - WarmupEpochs) / TMax)) / 2.0;
    }
}
