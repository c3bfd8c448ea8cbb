using System;

namespace NetDsl;

/// <summary>The absolute error <c>|prediction − target|</c>, as PyTorch's <c>nn.L1Loss(reduction)</c>; its derivative at 0 is 0, as PyTorch's.</summary>
public sealed class L1Loss : ElementwiseLoss
{
    /// <summary>Creates the loss (PyTorch's default reduction is the mean).</summary>
    public L1Loss(LossReduction reduction = LossReduction.Mean)
        : base(reduction)
    {
    }

    /// <inheritdoc/>
    protected override double Evaluate(float prediction, float target, int index, out double derivative)
    {
        double difference = (double)prediction - target;
        derivative = double.IsNaN(difference) ? double.NaN : Math.Sign(difference);
        return Math.Abs(difference);
    }
}
