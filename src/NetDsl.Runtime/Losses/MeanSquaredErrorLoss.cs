namespace NetDsl;

/// <summary>
/// The squared error <c>(prediction − target)²</c>, as PyTorch's <c>nn.MSELoss(reduction)</c>, reduced by the mean
/// over every element of the batch (PyTorch's default) or by the sum; its gradient under the mean,
/// <c>2 (prediction − target) / n</c>, already averages a batch's parameter gradients, as PyTorch's does.
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
