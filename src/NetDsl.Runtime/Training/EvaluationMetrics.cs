using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl;

/// <summary>
/// The metrics of a network on a dataset: always the loss; for classification the accuracy, the confusion matrix and
/// per-class precision and recall; for regression the mean absolute error and root mean squared error.
/// </summary>
public sealed class EvaluationMetrics
{
    internal EvaluationMetrics(int count, double loss, ConfusionMatrix? confusionMatrix, double? meanAbsoluteError, double? rootMeanSquaredError)
    {
        Count = count;
        Loss = loss;
        ConfusionMatrix = confusionMatrix;
        MeanAbsoluteError = meanAbsoluteError;
        RootMeanSquaredError = rootMeanSquaredError;
        if (confusionMatrix is not null)
        {
            Accuracy = confusionMatrix.Accuracy;
            double[] precision = new double[confusionMatrix.ClassCount];
            double[] recall = new double[confusionMatrix.ClassCount];
            for (int c = 0; c < precision.Length; c++)
            {
                precision[c] = confusionMatrix.Precision(c);
                recall[c] = confusionMatrix.Recall(c);
            }

            Precision = precision;
            Recall = recall;
        }
    }

    /// <summary>The number of samples evaluated.</summary>
    public int Count { get; }

    /// <summary>The mean of the batch losses, weighted by batch size (the loss over the whole set for mean reductions without class weights).</summary>
    public double Loss { get; }

    /// <summary>The fraction predicted correctly (classification), or null. For binary labels, the fraction of labels.</summary>
    public double? Accuracy { get; }

    /// <summary>The confusion matrix (classification; 2×2 over every label for binary targets), or null.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; }

    /// <summary>The precision of each class (classification), or null.</summary>
    public IReadOnlyList<double>? Precision { get; }

    /// <summary>The recall of each class (classification), or null.</summary>
    public IReadOnlyList<double>? Recall { get; }

    /// <summary>The mean absolute error over every output (regression), or null.</summary>
    public double? MeanAbsoluteError { get; }

    /// <summary>The root mean squared error over every output (regression), or null.</summary>
    public double? RootMeanSquaredError { get; }

    /// <summary>A one-line summary, for example <c>loss 0.0812, accuracy 97.50% (360 samples)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"loss {Loss:0.0000}");
        if (Accuracy is double accuracy)
        {
            text.Append(CultureInfo.InvariantCulture, $", accuracy {accuracy:P2}");
        }

        if (MeanAbsoluteError is double mae && RootMeanSquaredError is double rmse)
        {
            text.Append(CultureInfo.InvariantCulture, $", MAE {mae:0.0000}, RMSE {rmse:0.0000}");
        }

        text.Append(CultureInfo.InvariantCulture, $" ({Count} samples)");
        return text.ToString();
    }
}
