using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class BatchLoaderTests
{
    private static Dataset Numbered(int count) =>
        new(Enumerable.Range(0, count * 2).Select(i => (float)i).ToArray(), 2, Enumerable.Range(0, count).Select(i => (float)i).ToArray());

    private static int[] EpochOrder(BatchLoader loader, int epoch)
    {
        loader.StartEpoch(epoch);
        var order = new List<int>();
        for (int b = 0; b < loader.BatchCount; b++)
        {
            Batch batch = loader.GetBatch(b);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(batch.Targets[i] * 2, batch.Features[2 * i]); // features and targets of the same sample
                order.Add((int)batch.Targets[i]);
            }
        }

        return [.. order];
    }

    [Fact]
    public void Each_epoch_is_a_seeded_permutation_of_every_sample()
    {
        var loader = new BatchLoader(Numbered(23), batchSize: 5, shuffle: true, seed: 11);
        Assert.Equal(5, loader.BatchCount);
        int[] first = EpochOrder(loader, 0), second = EpochOrder(loader, 1);
        Assert.Equal(Enumerable.Range(0, 23), first.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 23), second.OrderBy(i => i));
        Assert.NotEqual(first, second);

        // The order of an epoch depends on the seed and the epoch only.
        var again = new BatchLoader(Numbered(23), batchSize: 5, shuffle: true, seed: 11);
        Assert.Equal(second, EpochOrder(again, 1));
        Assert.NotEqual(first, EpochOrder(new BatchLoader(Numbered(23), 5, true, seed: 12), 0));
    }

    [Fact]
    public void Without_shuffling_the_order_is_the_datasets_and_the_last_batch_may_be_dropped()
    {
        var loader = new BatchLoader(Numbered(7), batchSize: 3, shuffle: false, dropLast: true);
        Assert.Equal(2, loader.BatchCount);
        Assert.Equal([0, 1, 2, 3, 4, 5], EpochOrder(loader, 4));
        Assert.Equal(1, new BatchLoader(Numbered(7), batchSize: 3, shuffle: false).GetBatch(2).Count);
    }

    [Fact]
    public void Batches_are_copied_into_preallocated_buffers_without_allocating()
    {
        var loader = new BatchLoader(Numbered(100), batchSize: 16, seed: 1);
        loader.StartEpoch(0);
        float sum = 0;
        void Epoch()
        {
            for (int b = 0; b < loader.BatchCount; b++)
            {
                sum += loader.GetBatch(b).Features[0];
            }
        }

        AllocationAssert.None("An epoch of GetBatch", Epoch, warmUps: 1, repetitions: 1);
        Assert.True(sum >= 0);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Numbered(3), 0));
        var tooSmall = Assert.Throws<ArgumentException>(() => new BatchLoader(Numbered(3), 4, dropLast: true));
        Assert.Contains("Expected at least 4 sample(s) to make a batch, but the dataset has 3.", tooSmall.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Numbered(3), 2).GetBatch(2));
    }
}
