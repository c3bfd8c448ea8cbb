using System;

namespace NetDsl;

/// <summary>
/// Stops training when a monitored metric has not improved for <see cref="Patience"/> epochs, as Keras's
/// <c>EarlyStopping</c>: an epoch improves when its value beats the best so far by more than <see cref="MinDelta"/>.
/// With <see cref="RestoreBestParameters"/>, the network ends with the parameters of its best epoch.
/// </summary>
public sealed class EarlyStopping
{
    /// <summary>The metric watched (default: the validation loss).</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>The number of epochs without improvement after which training stops (default 10).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Patience
    {
        get;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Patience), value, $"Expected a patience of at least 1 epoch, but got {value}.");
            }

            field = value;
        }
    } = 10;

    /// <summary>The smallest change that counts as an improvement (default 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double MinDelta
    {
        get;
        init
        {
            if (!(value >= 0 && double.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(MinDelta), value, $"Expected a finite, non-negative minimum improvement, but got {value}.");
            }

            field = value;
        }
    }

    /// <summary>
    /// Whether the network ends training (by completing, stopping early or being cancelled) with the parameters of the
    /// best epoch rather than the last (default true).
    /// </summary>
    public bool RestoreBestParameters { get; init; } = true;
}
