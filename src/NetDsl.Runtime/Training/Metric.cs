namespace NetDsl;

/// <summary>A per-epoch metric that early stopping or a learning-rate schedule can monitor.</summary>
public enum Metric
{
    /// <summary>The mean training loss of the epoch (lower is better).</summary>
    TrainingLoss,

    /// <summary>The training accuracy of the epoch, measured on the batches as they were trained (higher is better; classification only).</summary>
    TrainingAccuracy,

    /// <summary>The validation loss after the epoch (lower is better).</summary>
    ValidationLoss,

    /// <summary>The validation accuracy after the epoch (higher is better; classification only).</summary>
    ValidationAccuracy,

    /// <summary>The validation mean absolute error after the epoch (lower is better; regression only).</summary>
    ValidationMeanAbsoluteError,

    /// <summary>The validation root mean squared error after the epoch (lower is better; regression only).</summary>
    ValidationRootMeanSquaredError,
}
