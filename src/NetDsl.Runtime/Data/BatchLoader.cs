using System;

namespace NetDsl;

/// <summary>
/// Serves a dataset as mini-batches without allocating: each batch's rows are copied into buffers allocated once at
/// construction. With shuffling, <see cref="StartEpoch"/> draws the epoch's order from a generator seeded with the
/// loader's seed and the epoch number, so epoch <c>e</c> has the same order in every run, whatever came before.
/// </summary>
public sealed class BatchLoader
{
    private readonly Dataset _data;
    private readonly int[] _order;
    private readonly float[] _features;
    private readonly float[] _targets;

    /// <summary>Creates the loader.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">The number of samples per batch.</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order (default true).</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="dropLast">Whether to skip the last, smaller batch of an epoch (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, or has fewer samples than one batch with <paramref name="dropLast"/>.</exception>
    public BatchLoader(Dataset data, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Expected a positive batch size, but got {batchSize}.");
        }

        if (data.Count == 0 || (dropLast && data.Count < batchSize))
        {
            throw new ArgumentException($"Expected at least {(dropLast ? batchSize : 1)} sample(s) to make a batch, but the dataset has {data.Count}.", nameof(data));
        }

        _data = data;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        BatchCount = dropLast ? data.Count / batchSize : (data.Count + batchSize - 1) / batchSize;
        int capacity = Math.Min(batchSize, data.Count);
        _features = new float[capacity * data.FeatureCount];
        _targets = new float[capacity * data.TargetWidth];
        _order = new int[data.Count];
        ResetOrder();
    }

    /// <summary>The dataset served.</summary>
    public Dataset Data => _data;

    /// <summary>The number of samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch has a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the shuffles.</summary>
    public int Seed { get; }

    /// <summary>Whether the last, smaller batch of an epoch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches per epoch.</summary>
    public int BatchCount { get; }

    /// <summary>Sets the order of epoch <paramref name="epoch"/>: a permutation drawn from the seed and the epoch with shuffling, the dataset's order without.</summary>
    public void StartEpoch(int epoch)
    {
        ResetOrder();
        if (!Shuffle)
        {
            return;
        }

        var random = new SeededRandom(((long)Seed << 32) ^ (uint)epoch);
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>Copies the rows of batch <paramref name="index"/> of the current epoch into the buffers and returns views of them. Allocates nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="BatchCount"/>).</exception>
    public Batch GetBatch(int index)
    {
        if ((uint)index >= (uint)BatchCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a batch index in [0, {BatchCount}), but got {index}.");
        }

        int start = index * BatchSize;
        int count = Math.Min(BatchSize, _data.Count - start);
        int featureCount = _data.FeatureCount;
        int targetWidth = _data.TargetWidth;
        ReadOnlySpan<float> features = _data.Features;
        ReadOnlySpan<float> targets = _data.Targets;
        for (int i = 0; i < count; i++)
        {
            int row = _order[start + i];
            features.Slice(row * featureCount, featureCount).CopyTo(_features.AsSpan(i * featureCount, featureCount));
            targets.Slice(row * targetWidth, targetWidth).CopyTo(_targets.AsSpan(i * targetWidth, targetWidth));
        }

        return new Batch(_features.AsSpan(0, count * featureCount), _targets.AsSpan(0, count * targetWidth), count);
    }

    /// <summary>The dataset index of the sample at <paramref name="position"/> in the current epoch's order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is outside [0, <see cref="Dataset.Count"/>).</exception>
    public int IndexAt(int position)
    {
        if ((uint)position >= (uint)_order.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Expected a position in [0, {_order.Length}), but got {position}.");
        }

        return _order[position];
    }

    private void ResetOrder()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }
}
