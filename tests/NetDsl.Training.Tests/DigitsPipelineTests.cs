using System;
using System.IO;
using System.Linq;
using Digits;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>The digits sample's pipeline on its bundled data, with few epochs to keep the test fast.</summary>
public class DigitsPipelineTests
{
    [Fact]
    public void Trains_to_high_test_accuracy_saves_reloads_and_plots()
    {
        var settings = new DigitsSettings { Epochs = 12 };
        Assert.True(File.Exists(settings.DataPath), $"the bundled data set is copied next to the tests: {settings.DataPath}");

        DigitsReport report = DigitsPipeline.Run(settings);

        Assert.Equal(1797, report.Cleaning.RowsKept);
        Assert.Equal(1797, report.Split.Training.Count + report.Split.Validation.Count + report.Split.Test.Count);
        Assert.True(report.Test.Accuracy > 0.93, $"test accuracy {report.Test.Accuracy:P2} after {report.Training.History.Count} epochs");
        Assert.Equal(12, report.Training.History.Count);

        // Issue 15's target: int8 at most half a point below float on the test set (it may land above: one sample is 0.37
        // points here), and the weights almost 4x smaller (an int32 bias and a float scale per output channel come on top).
        Assert.Equal(report.Test.Accuracy!.Value, report.Quantization.FloatAccuracy, 10);
        Assert.True(report.Quantization.AccuracyChangePoints >= -0.5, report.Quantization.ToString());
        Assert.True(report.Quantization.FloatWeightBytes >= 3.5 * report.Quantization.Int8WeightBytes, report.Quantization.ToString());
        Assert.Equal(["fc1", "fc2"], report.Quantization.Layers.Select(l => l.Name));

        using var folder = new TempDirectory();
        string weights = Path.Combine(folder.Path, "digits.safetensors");
        ModelFile.Save(weights, report.Model, report.Normalizer);
        var reloaded = new DigitsClassifier(seed: 0);
        Normalizer normalizer = ModelFile.Load(weights, reloaded);
        Assert.Equal(report.Model.Parameters.ToArray(), reloaded.Parameters.ToArray());
        Assert.Equal(report.Normalizer.Shift.ToArray(), normalizer.Shift.ToArray());
        Assert.Equal(report.Normalizer.Scale.ToArray(), normalizer.Scale.ToArray());

        string plot = Path.Combine(folder.Path, "training.png");
        TrainingPlot.Save(plot, report.Training);
        byte[] png = File.ReadAllBytes(plot);
        Assert.True(png.Length > 10_000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void Two_threads_train_the_sample_exactly_as_one_at_its_batch_size()
    {
        // Batches of 32 are one chunk of 64: data-parallel training gives the one-thread bits (DataParallel's contract).
        DigitsReport one = DigitsPipeline.Run(new DigitsSettings { Epochs = 3 });
        DigitsReport two = DigitsPipeline.Run(new DigitsSettings { Epochs = 3, Threads = 2 });
        Assert.Equal(one.Model.Parameters.ToArray(), two.Model.Parameters.ToArray());
        Assert.Equal(one.Test.Loss, two.Test.Loss);
        Assert.Equal(2, DigitsSettings.FromArguments(["--threads", "2"]).Threads);
    }
}
