using System;

namespace NetDsl;

/// <summary>
/// The smooth L1 loss, as PyTorch's <c>nn.SmoothL1Loss(reduction, beta=1.0)</c>: with <c>d = prediction − target</c>,
/// <c>0.5 d² / beta</c> when <c>|d| &lt; beta</c>, else <c>|d| − 0.5 beta</c>. With <c>beta = 0</c> it is the L1 loss.
/// It equals <see cref="HuberLoss"/> divided by <c>beta</c>.
/// </summary>
public sealed class SmoothL1Loss : ElementwiseLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default: the mean).</param>
    /// <param name="beta">Where the loss changes from quadratic to linear (default 1); not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or not finite.</exception>
    public SmoothL1Loss(LossReduction reduction = LossReduction.Mean, float beta = 1f)
        : base(reduction)
    {
        if (!(beta >= 0f && float.IsFinite(beta)))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"Expected a finite, non-negative beta, but got {beta}.");
        }

        Beta = beta;
    }

    /// <summary>Where the loss changes from quadratic to linear.</summary>
    public float Beta { get; }

    /// <inheritdoc/>
    protected override double Evaluate(float prediction, float target, int index, out double derivative)
    {
        double difference = (double)prediction - target;
        double magnitude = Math.Abs(difference);
        if (magnitude < Beta)
        {
            derivative = difference / Beta;
            return 0.5 * difference * difference / Beta;
        }

        derivative = double.IsNaN(difference) ? double.NaN : Math.Sign(difference);
        return magnitude - 0.5 * Beta;
    }
}
