using System;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>What one epoch of training measured.</summary>
public sealed class EpochMetrics
{
    internal EpochMetrics(int epoch, float learningRate, double trainingLoss, double? trainingAccuracy, EvaluationMetrics? validation, TimeSpan duration, double samplesPerSecond)
    {
        Epoch = epoch;
        LearningRate = learningRate;
        TrainingLoss = trainingLoss;
        TrainingAccuracy = trainingAccuracy;
        Validation = validation;
        Duration = duration;
        SamplesPerSecond = samplesPerSecond;
    }

    /// <summary>The epoch's number, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The learning rate used during the epoch.</summary>
    public float LearningRate { get; }

    /// <summary>The mean of the epoch's batch losses, weighted by batch size, measured as the batches were trained.</summary>
    public double TrainingLoss { get; }

    /// <summary>The accuracy on the epoch's batches as they were trained (classification), or null.</summary>
    public double? TrainingAccuracy { get; }

    /// <summary>The metrics on the validation set after the epoch, or null without a validation set.</summary>
    public EvaluationMetrics? Validation { get; }

    /// <summary>The time the epoch took, validation included.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The training throughput: samples trained per second (validation excluded).</summary>
    public double SamplesPerSecond { get; }

    /// <summary>The value of <paramref name="metric"/>, or null when this epoch did not measure it.</summary>
    public double? GetValue(Metric metric) => metric switch
    {
        Metric.TrainingLoss => TrainingLoss,
        Metric.TrainingAccuracy => TrainingAccuracy,
        Metric.ValidationLoss => Validation?.Loss,
        Metric.ValidationAccuracy => Validation?.Accuracy,
        Metric.ValidationMeanAbsoluteError => Validation?.MeanAbsoluteError,
        Metric.ValidationRootMeanSquaredError => Validation?.RootMeanSquaredError,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Expected a defined Metric value."),
    };

    /// <summary>A one-line summary, for example <c>epoch 3: lr 0.001, loss 0.2100, acc 93.10% | val loss 0.1800, val acc 94.40%</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"epoch {Epoch}: lr {LearningRate:G4}, loss {TrainingLoss:0.0000}");
        if (TrainingAccuracy is double accuracy)
        {
            text.Append(CultureInfo.InvariantCulture, $", acc {accuracy:P2}");
        }

        if (Validation is { } validation)
        {
            text.Append(CultureInfo.InvariantCulture, $" | val loss {validation.Loss:0.0000}");
            if (validation.Accuracy is double validationAccuracy)
            {
                text.Append(CultureInfo.InvariantCulture, $", val acc {validationAccuracy:P2}");
            }

            if (validation.MeanAbsoluteError is double mae)
            {
                text.Append(CultureInfo.InvariantCulture, $", val MAE {mae:0.0000}");
            }
        }

        return text.ToString();
    }
}
