using System;

namespace NetDsl;

/// <summary>
/// The Huber loss, as PyTorch's <c>nn.HuberLoss(reduction, delta=1.0)</c>: with <c>d = prediction − target</c>,
/// <c>0.5 d²</c> when <c>|d| &lt; delta</c>, else <c>delta (|d| − 0.5 delta)</c>.
/// </summary>
public sealed class HuberLoss : ElementwiseLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default: the mean).</param>
    /// <param name="delta">Where the loss changes from quadratic to linear (default 1); positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive and finite.</exception>
    public HuberLoss(LossReduction reduction = LossReduction.Mean, float delta = 1f)
        : base(reduction)
    {
        if (!(delta > 0f && float.IsFinite(delta)))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"Expected a positive, finite delta, but got {delta}.");
        }

        Delta = delta;
    }

    /// <summary>Where the loss changes from quadratic to linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    protected override double Evaluate(float prediction, float target, int index, out double derivative)
    {
        double difference = (double)prediction - target;
        double magnitude = Math.Abs(difference);
        if (magnitude < Delta)
        {
            derivative = difference;
            return 0.5 * difference * difference;
        }

        derivative = double.IsNaN(difference) ? double.NaN : Delta * Math.Sign(difference);
        return Delta * (magnitude - 0.5 * Delta);
    }
}
