using System;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class NormalizerTests
{
    private static Dataset Data(params float[][] rows) =>
        new(rows.SelectMany(r => r).ToArray(), rows[0].Length, new float[rows.Length]);

    [Fact]
    public void ZScore_is_fitted_on_the_training_split_only_and_applied_to_the_others()
    {
        Dataset training = Data([1f, 10f], [3f, 10f], [5f, 10f]);
        Dataset test = Data([100f, 20f]);
        Normalizer normalizer = Normalizer.FitZScore(training);

        // Mean 3 and population standard deviation sqrt(8/3) of the training column; the constant column gets scale 1.
        Assert.Equal([3f, 10f], normalizer.Shift.ToArray());
        Assert.Equal((float)Math.Sqrt(8.0 / 3.0), normalizer.Scale[0], 6);
        Assert.Equal(1f, normalizer.Scale[1]);
        Assert.Equal(NormalizationKind.ZScore, normalizer.Kind);

        Dataset normalizedTest = normalizer.Transform(test);
        Assert.Equal((100 - 3) / Math.Sqrt(8.0 / 3.0), normalizedTest.Features[0], 4);
        Assert.Equal(10f, normalizedTest.Features[1]);

        // The test set's own statistics would differ: the training ones were used.
        Assert.NotEqual(Normalizer.FitZScore(test).Shift.ToArray(), normalizer.Shift.ToArray());
        Dataset normalizedTraining = normalizer.Transform(training);
        double[] column = [normalizedTraining.Features[0], normalizedTraining.Features[2], normalizedTraining.Features[4]];
        Assert.Equal(0, column.Average(), 6);
        Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 5);
    }

    [Fact]
    public void MinMax_maps_the_training_range_onto_the_target_range()
    {
        Dataset training = Data([2f, -1f], [4f, 1f], [6f, 3f]);
        Normalizer normalizer = Normalizer.FitMinMax(training, -1f, 1f);
        float[] rows = [2f, -1f, 6f, 3f, 8f, 1f];
        normalizer.Transform(rows);
        Assert.Equal([-1f, -1f, 1f, 1f, 2f, 0f], rows);
        normalizer.InverseTransform(rows);
        Assert.Equal([2f, -1f, 6f, 3f, 8f, 1f], rows);
        Assert.Equal(NormalizationKind.MinMax, Normalizer.FitMinMax(training).Kind);
    }

    [Fact]
    public void Statistics_are_named_arrays_that_rebuild_the_same_transform()
    {
        Normalizer normalizer = Normalizer.FitZScore(Data([1f, 2f], [3f, 6f]));
        var statistics = normalizer.Statistics;
        Assert.Equal(["normalizer.shift", "normalizer.scale"], statistics.Select(s => s.Key));
        Normalizer rebuilt = Normalizer.FromStatistics(statistics[0].Value, statistics[1].Value);
        float[] a = [5f, -7f], b = [5f, -7f];
        normalizer.Transform(a);
        rebuilt.Transform(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Bad_input_is_rejected_with_what_was_expected()
    {
        var nan = Assert.Throws<ArgumentException>(() => Normalizer.FitZScore(Data([1f, float.NaN])));
        Assert.Contains("feature 1 of sample 0 is NaN", nan.Message);
        Assert.Throws<ArgumentException>(() => Normalizer.FitMinMax(Data([1f]), 1f, 0f));
        Assert.Throws<ArgumentException>(() => Normalizer.FromStatistics([1f], [0f]));
        var width = Assert.Throws<ArgumentException>(() => Normalizer.FitZScore(Data([1f, 2f])).Transform(Data([1f, 2f, 3f])));
        Assert.Contains("Expected samples of 2 features, as the normalizer was fitted on, but the dataset has 3.", width.Message);
        Assert.Throws<ArgumentException>(() => Normalizer.FitZScore(Data([1f, 2f])).Transform(new float[3]));
    }
}
