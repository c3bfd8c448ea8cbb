using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>What <see cref="Trainer{TNetwork}.Fit"/> did: every epoch's metrics, why it stopped and which epoch was best.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(IReadOnlyList<EpochMetrics> history, StopReason stopReason, int? bestEpoch, bool restoredBestParameters, TimeSpan elapsed)
    {
        History = history;
        StopReason = stopReason;
        BestEpoch = bestEpoch;
        RestoredBestParameters = restoredBestParameters;
        Elapsed = elapsed;
    }

    /// <summary>The metrics of every completed epoch, in order (an epoch interrupted by cancellation is not included).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>Why training ended.</summary>
    public StopReason StopReason { get; }

    /// <summary>The epoch (from 1) with the best value of the early-stopping metric, or null without early stopping.</summary>
    public int? BestEpoch { get; }

    /// <summary>Whether the network's parameters were set back to those of <see cref="BestEpoch"/>.</summary>
    public bool RestoredBestParameters { get; }

    /// <summary>The total training time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The metrics of the best epoch, or null without early stopping.</summary>
    public EpochMetrics? Best => BestEpoch is int epoch ? History[epoch - 1] : null;

    /// <summary>The metrics of the last completed epoch, or null when none completed.</summary>
    public EpochMetrics? Last => History.Count == 0 ? null : History[^1];
}
