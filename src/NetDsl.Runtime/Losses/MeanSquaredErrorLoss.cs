namespace NetDsl;

/// <summary>
/// The squared error <c>(prediction − target)²</c>, as PyTorch's <c>nn.MSELoss(reduction)</c>: the <see cref="ILoss"/>
/// form of <see cref="MseLoss"/>, with a choice of reduction.
/// </summary>
public sealed class MeanSquaredErrorLoss : ElementwiseLoss
{
    /// <summary>Creates the loss (PyTorch's default reduction is the mean).</summary>
    public MeanSquaredErrorLoss(LossReduction reduction = LossReduction.Mean)
        : base(reduction)
    {
    }

    /// <inheritdoc/>
    protected override double Evaluate(float prediction, float target, int index, out double derivative)
    {
        double difference = (double)prediction - target;
        derivative = 2.0 * difference;
        return difference * difference;
    }
}
