using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Training produced a non-finite loss, gradient or parameter. The network keeps the parameters it had before the
/// offending batch (the last good ones); <see cref="History"/> holds the epochs completed before.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message only.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
        Reason = message;
        History = [];
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        History = [];
    }

    internal TrainingDivergedException(int epoch, int batch, int batchCount, string reason, IReadOnlyList<EpochMetrics> history)
        : base(Describe(epoch, batch, batchCount, reason))
    {
        Epoch = epoch;
        Batch = batch;
        Reason = reason;
        History = history;
    }

    /// <summary>The epoch (from 1) in which training diverged, or 0 for a step outside <see cref="Trainer{TNetwork}.Fit"/>.</summary>
    public int Epoch { get; }

    /// <summary>The batch (from 1) within the epoch, or 0 for a step outside <see cref="Trainer{TNetwork}.Fit"/>.</summary>
    public int Batch { get; }

    /// <summary>What was not finite, for example <c>the loss is NaN</c>.</summary>
    public string Reason { get; }

    /// <summary>The metrics of the epochs completed before the divergence.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    private static string Describe(int epoch, int batch, int batchCount, string reason)
    {
        string where = epoch > 0 ? $"in epoch {epoch}, batch {batch} of {batchCount}" : "in a training step";
        return $"Training diverged {where}: {reason}. The network keeps its parameters from before this batch; lower the learning rate or clip the gradients (MaxGradientNorm).";
    }
}
