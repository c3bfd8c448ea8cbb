using System;

namespace NetDsl;

/// <summary>One mini-batch: views of a <see cref="BatchLoader"/>'s preallocated buffers, valid until its next <see cref="BatchLoader.GetBatch"/>.</summary>
public readonly ref struct Batch
{
    internal Batch(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, int count)
    {
        Features = features;
        Targets = targets;
        Count = count;
    }

    /// <summary>The features of the batch's samples, row-major: <see cref="Count"/> rows.</summary>
    public ReadOnlySpan<float> Features { get; }

    /// <summary>The targets of the batch's samples, row-major: <see cref="Count"/> rows.</summary>
    public ReadOnlySpan<float> Targets { get; }

    /// <summary>The number of samples (the batch size, or fewer for the last batch of an epoch).</summary>
    public int Count { get; }
}
