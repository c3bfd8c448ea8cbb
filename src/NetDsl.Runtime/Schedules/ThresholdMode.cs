namespace NetDsl;

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved, as PyTorch's <c>threshold_mode</c>.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than <c>best * (1 - threshold)</c> in min mode, <c>best * (1 + threshold)</c> in max mode.</summary>
    Relative,

    /// <summary>Absolute: better than <c>best - threshold</c> in min mode, <c>best + threshold</c> in max mode.</summary>
    Absolute,
}
