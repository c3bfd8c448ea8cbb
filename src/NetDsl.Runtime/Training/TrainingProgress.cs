using System;

namespace NetDsl;

/// <summary>
/// A progress report of <see cref="Trainer{TNetwork}.Fit"/>: one after every batch, and one at the end of every epoch
/// with <see cref="CompletedEpoch"/> set.
/// </summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="EpochCount">The number of epochs planned.</param>
/// <param name="Batch">The batches done in this epoch, from 1.</param>
/// <param name="BatchCount">The number of batches per epoch.</param>
/// <param name="BatchLoss">The loss of the last batch.</param>
/// <param name="EpochLoss">The mean loss of the epoch's batches so far.</param>
/// <param name="SamplesPerSecond">The epoch's training throughput so far.</param>
/// <param name="LearningRate">The learning rate of the epoch.</param>
/// <param name="Elapsed">The time since training started.</param>
/// <param name="CompletedEpoch">The epoch's metrics at the end of an epoch, otherwise null.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int EpochCount,
    int Batch,
    int BatchCount,
    float BatchLoss,
    double EpochLoss,
    double SamplesPerSecond,
    float LearningRate,
    TimeSpan Elapsed,
    EpochMetrics? CompletedEpoch);
