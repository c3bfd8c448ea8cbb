using System.Linq;
using DigitsCnn;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>The convolutional digits sample (issue 3's proof): Conv2D, BatchNorm2D, MaxPool2D, Dropout and Linear trained end to end.</summary>
public class DigitsCnnTests
{
    [Fact]
    public void Reaches_97_percent_test_accuracy_on_held_out_digits()
    {
        CnnReport report = CnnPipeline.Run(seed: 7, epochs: 8);

        Assert.True(report.Test.Accuracy >= 0.97, $"test accuracy {report.Test.Accuracy:P2} after {report.Training.History.Count} epochs");
        Assert.Equal(1797, report.Split.Training.Count + report.Split.Validation.Count + report.Split.Test.Count);

        // Batch normalization learned running statistics during training; inference uses them.
        float[] runningMean = report.Model.Bn1.RunningMean.ToArray();
        float[] runningVariance = report.Model.Bn1.RunningVar.ToArray();
        Assert.Contains(runningMean, m => m != 0f);
        Assert.Contains(runningVariance, v => v != 1f);
        Assert.Equal(["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"],
            report.Model.ParameterTensors.Select(t => t.Name));
        Assert.Equal(["bn1.running_mean", "bn1.running_var"], report.Model.BufferTensors.Select(t => t.Name));

        // Issue 15's target: the int8 twin (bn1 folded into conv1) at most half a point below float on the test set.
        Assert.True(report.Int8.AccuracyChangePoints >= -0.5, report.Int8.ToString());
        Assert.Equal(["conv1", "3", "conv2", "6", "fc"], report.Int8.Layers.Select(l => l.Name));
    }
}
