using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class DatasetSplitterTests
{
    /// <summary>Imbalanced classes: 0 has 100 samples, 1 has 50, 2 has 20, 3 has 7. Each sample's feature is its index.</summary>
    private static Dataset Imbalanced()
    {
        int[] sizes = [100, 50, 20, 7];
        var targets = new List<float>();
        for (int c = 0; c < sizes.Length; c++)
        {
            targets.AddRange(Enumerable.Repeat((float)c, sizes[c]));
        }

        float[] features = Enumerable.Range(0, targets.Count).Select(i => (float)i).ToArray();
        return new Dataset(features, 1, targets.ToArray(), 1, classCount: 4);
    }

    [Fact]
    public void Stratified_parts_keep_each_class_proportion()
    {
        Dataset data = Imbalanced();
        DatasetSplit split = DatasetSplitter.Split(data, 0.6, 0.2, 0.2, seed: 7);
        int[] total = data.CountPerClass();
        Assert.Equal(data.Count, split.Training.Count + split.Validation.Count + split.Test.Count);
        Assert.Equal(35, split.Validation.Count); // round(177 * 0.2)
        Assert.Equal(35, split.Test.Count);
        foreach ((Dataset part, double fraction) in new[] { (split.Training, 0.6), (split.Validation, 0.2), (split.Test, 0.2) })
        {
            int[] counts = part.CountPerClass();
            for (int c = 0; c < counts.Length; c++)
            {
                Assert.True(Math.Abs(counts[c] - total[c] * fraction) <= 1.0, $"class {c}: {counts[c]} of {total[c]} for fraction {fraction}");
            }
        }
    }

    [Fact]
    public void Parts_are_disjoint_complete_and_deterministic_under_the_seed()
    {
        Dataset data = Imbalanced();
        DatasetSplit a = DatasetSplitter.Split(data, 0.7, 0.15, 0.15, seed: 3);
        DatasetSplit b = DatasetSplitter.Split(data, 0.7, 0.15, 0.15, seed: 3);
        DatasetSplit c = DatasetSplitter.Split(data, 0.7, 0.15, 0.15, seed: 4);
        float[] all = [.. a.Training.Features, .. a.Validation.Features, .. a.Test.Features];
        Assert.Equal(Enumerable.Range(0, data.Count).Select(i => (float)i), all.OrderBy(v => v));
        Assert.Equal(a.Test.Features.ToArray(), b.Test.Features.ToArray());
        Assert.Equal(a.Training.Features.ToArray(), b.Training.Features.ToArray());
        Assert.NotEqual(a.Test.Features.ToArray(), c.Test.Features.ToArray());

        // Each sample keeps its own target.
        for (int i = 0; i < a.Test.Count; i++)
        {
            Assert.Equal(data.GetClass((int)a.Test.Features[i]), a.Test.GetClass(i));
        }
    }

    [Fact]
    public void Unstratified_splits_take_rounded_sizes()
    {
        var data = new Dataset(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 2, new float[5]);
        DatasetSplit split = DatasetSplitter.Split(data, 0.6, 0.2, 0.2, seed: 1);
        Assert.Equal((3, 1, 1), (split.Training.Count, split.Validation.Count, split.Test.Count));
        DatasetSplit noTest = DatasetSplitter.Split(data, 0.8, 0.2, 0.0, seed: 1);
        Assert.Equal(0, noTest.Test.Count);
    }

    [Fact]
    public void Fractions_are_checked()
    {
        Dataset data = Imbalanced();
        var sum = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(data, 0.5, 0.2, 0.2, seed: 1));
        Assert.Contains("Expected the fractions to add up to 1", sum.Message);
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(data, 0, 0.5, 0.5, seed: 1));
        var regression = new Dataset([1f, 2f], 1, [0.5f, 0.7f]);
        var stratify = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(regression, 0.5, 0.5, 0, seed: 1, stratify: true));
        Assert.Contains("Stratification needs class targets", stratify.Message);
    }
}
