using System;

namespace NetDsl;

/// <summary>
/// Reduces the learning rate when a monitored metric stops improving, as PyTorch's
/// <c>ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)</c>:
/// after more than <see cref="Patience"/> epochs without improvement the rate becomes <c>max(lr * factor, min_lr)</c>
/// (unless that changes it by no more than <see cref="Epsilon"/>), then <see cref="Cooldown"/> epochs pass before
/// bad epochs count again.
/// </summary>
public sealed class ReduceLROnPlateau : LearningRateSchedule
{
    private double _best;
    private int _badEpochs;
    private int _cooldownCounter;

    /// <summary>Creates the schedule; the optimizer's rate is left as it is for epoch 0. Every default is PyTorch's.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is reduced.</param>
    /// <param name="mode">Whether the metric should go down (<see cref="MetricMode.Min"/>, a loss) or up.</param>
    /// <param name="factor">The factor by which the rate is multiplied, in [0, 1) (default 0.1).</param>
    /// <param name="patience">The number of epochs without improvement to tolerate (default 10).</param>
    /// <param name="threshold">The improvement that counts (default 1e-4).</param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is relative or absolute (default relative).</param>
    /// <param name="cooldown">The number of epochs after a reduction during which bad epochs are not counted (default 0).</param>
    /// <param name="minLearningRate">The lowest learning rate (default 0).</param>
    /// <param name="epsilon">Reductions smaller than this are skipped (default 1e-8).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ReduceLROnPlateau(
        IOptimizer optimizer,
        MetricMode mode = MetricMode.Min,
        float factor = 0.1f,
        int patience = 10,
        double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Relative,
        int cooldown = 0,
        float minLearningRate = 0f,
        float epsilon = 1e-8f)
        : base(optimizer)
    {
        if (!(factor >= 0f && factor < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Expected a reduction factor in [0, 1), but got {factor}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (!(threshold >= 0 && double.IsFinite(threshold)))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Expected a finite, non-negative threshold, but got {threshold}.");
        }

        Mode = mode;
        ReductionFactor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = ScheduleChecks.Factor(minLearningRate, nameof(minLearningRate));
        Epsilon = ScheduleChecks.Factor(epsilon, nameof(epsilon));
        _best = mode == MetricMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Whether the monitored metric should go down or up.</summary>
    public MetricMode Mode { get; }

    /// <summary>The factor by which the rate is multiplied on a plateau.</summary>
    public float ReductionFactor { get; }

    /// <summary>The number of epochs without improvement tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>The number of epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The lowest learning rate.</summary>
    public float MinLearningRate { get; }

    /// <summary>Reductions smaller than this are skipped.</summary>
    public float Epsilon { get; }

    /// <summary>The best metric value seen so far.</summary>
    public double Best => _best;

    /// <summary>The number of consecutive epochs without improvement.</summary>
    public int BadEpochs => _badEpochs;

    /// <inheritdoc/>
    public override bool UsesMetric => true;

    /// <inheritdoc/>
    protected override float NextLearningRate(int epoch, double metric, float currentLearningRate)
    {
        if (IsBetter(metric))
        {
            _best = metric;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _badEpochs = 0;
        }

        if (_badEpochs > Patience)
        {
            _cooldownCounter = Cooldown;
            _badEpochs = 0;
            float reduced = MathF.Max(currentLearningRate * ReductionFactor, MinLearningRate);
            if (currentLearningRate - reduced > Epsilon)
            {
                return reduced;
            }
        }

        return currentLearningRate;
    }

    private bool IsBetter(double metric) => (Mode, ThresholdMode) switch
    {
        (MetricMode.Min, ThresholdMode.Relative) => metric < _best * (1.0 - Threshold),
        (MetricMode.Min, ThresholdMode.Absolute) => metric < _best - Threshold,
        (MetricMode.Max, ThresholdMode.Relative) => metric > _best * (Threshold + 1.0),
        _ => metric > _best + Threshold,
    };
}
