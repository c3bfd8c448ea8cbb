using System;
using Xunit;

namespace NetDsl.Training.Tests;

public class DatasetTests
{
    [Fact]
    public void Holds_rows_of_features_and_targets()
    {
        var data = new Dataset([1f, 2f, 3f, 4f, 5f, 6f], 3, [1f, 0f], 1, classCount: 2, featureNames: ["a", "b", "c"]);
        Assert.Equal(2, data.Count);
        Assert.Equal([4f, 5f, 6f], data.GetFeatures(1).ToArray());
        Assert.Equal(1, data.GetClass(0));
        Assert.Equal([1, 1], data.CountPerClass());
        Assert.Equal("2 samples of 3 features, 2 classes", data.ToString());
        Dataset reversed = data.Select([1, 0]);
        Assert.Equal([4f, 5f, 6f, 1f, 2f, 3f], reversed.Features.ToArray());
        Assert.Equal([0f, 1f], reversed.Targets.ToArray());
    }

    [Fact]
    public void Inconsistent_arrays_are_rejected()
    {
        var rows = Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f, 3f], 2, [0f]));
        Assert.Contains("Expected whole samples of 2 features, but got 3 floats.", rows.Message);
        var targets = Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f], 1, [0f]));
        Assert.Contains("Expected 2 targets (2 samples of 1), but got 1.", targets.Message);
        var classes = Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f], 1, [0f, 2f], 1, classCount: 2));
        Assert.Contains("Expected class indices 0 to 1 as whole numbers, but the target of sample 1 is 2.", classes.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([1f], 1, [0f]).GetFeatures(1));
        Assert.Throws<InvalidOperationException>(() => new Dataset([1f], 1, [0.5f]).GetClass(0));
    }

    [Fact]
    public void Class_targets_may_be_one_per_step_with_ignored_steps()
    {
        // Two samples of three steps: one class target per step (a per-step head), -100 where a step counts for nothing.
        var data = new Dataset([1f, 2f, 3f, 4f, 5f, 6f], 3, [0f, 2f, -100f, 1f, 1f, 2f], targetWidth: 3, classCount: 3);
        Assert.Equal([1, 2, 2], data.CountPerClass());
        Assert.Equal("2 samples of 3 features, 3 classes, 3 class targets each", data.ToString());
        Assert.Equal([1f, 1f, 2f], data.GetTargets(1).ToArray());
        var one = Assert.Throws<InvalidOperationException>(() => data.GetClass(0));
        Assert.Contains("3 class targets per sample (one per step)", one.Message);

        var range = Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f], 1, [0f, 1f, 3f, 0f], targetWidth: 2, classCount: 3));
        Assert.Contains("Expected class indices 0 to 2 as whole numbers (or -100, ignored), but target 0 of sample 1 is 3.", range.Message);
        Assert.Throws<ArgumentException>(() => new Dataset([1f, 2f], 1, [0f, -100f], targetWidth: 1, classCount: 3)); // one class per sample: nothing to ignore

        // Splitting does not stratify by a sample's first step; asked to, it says why it cannot.
        DatasetSplit split = DatasetSplitter.Split(data, 0.5, 0.5, 0.0, seed: 1);
        Assert.Equal(1, split.Training.Count);
        var stratified = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(data, 0.5, 0.5, 0.0, seed: 1, stratify: true));
        Assert.Contains("Stratification needs one class per sample, but the dataset has 3 class targets per sample.", stratified.Message);
    }

    [Fact]
    public void Cleaning_a_dataset_drops_or_imputes_and_reports()
    {
        var data = new Dataset([1f, float.NaN, 3f, float.PositiveInfinity, 5f, 6f], 2, [0f, float.NaN, 1f]);
        CleanedDataset dropped = DataCleaner.Clean(data, MissingValuePolicy.DropRow);
        Assert.Equal([5f, 6f], dropped.Data.Features.ToArray());
        Assert.Equal((3, 2, 1, 1, 0), (dropped.Report.RowsRead, dropped.Report.RowsDropped, dropped.Report.RowsDroppedForTarget, dropped.Report.MissingValues, dropped.Report.InfiniteValues));

        CleanedDataset imputed = DataCleaner.Clean(data, MissingValuePolicy.ImputeMean);
        Assert.Equal([1f, 6f, 5f, 6f], imputed.Data.Features.ToArray());
        Assert.Equal(1, imputed.Report.ImputedValues);

        var error = Assert.Throws<ArgumentException>(() => DataCleaner.Clean(data, MissingValuePolicy.Fail));
        Assert.Contains("in sample 0 feature 1 is NaN", error.Message);
    }
}
