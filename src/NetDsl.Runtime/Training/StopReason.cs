namespace NetDsl;

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>Early stopping ended it: the monitored metric stopped improving.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped between two batches.</summary>
    Cancelled,
}
