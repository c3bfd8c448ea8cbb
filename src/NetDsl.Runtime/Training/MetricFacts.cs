using System;

namespace NetDsl;

/// <summary>What each <see cref="Metric"/> needs and which way it improves.</summary>
internal static class MetricFacts
{
    /// <summary>Whether higher values are better.</summary>
    public static MetricMode Mode(Metric metric) =>
        metric is Metric.TrainingAccuracy or Metric.ValidationAccuracy ? MetricMode.Max : MetricMode.Min;

    /// <summary>Whether the metric is measured on the validation set.</summary>
    public static bool NeedsValidation(Metric metric) => metric is not (Metric.TrainingLoss or Metric.TrainingAccuracy);

    /// <summary>Throws unless <paramref name="metric"/> can be measured for a loss with these targets.</summary>
    /// <exception cref="ArgumentException">An accuracy is monitored in regression, or an error in classification.</exception>
    public static void RequireTargets(Metric metric, TargetKind targets, string purpose)
    {
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException("options", metric, $"{purpose}: expected a defined Metric value, but got {metric}.");
        }

        bool accuracy = metric is Metric.TrainingAccuracy or Metric.ValidationAccuracy;
        bool regression = metric is Metric.ValidationMeanAbsoluteError or Metric.ValidationRootMeanSquaredError;
        if (accuracy && targets == TargetKind.Value)
        {
            throw new ArgumentException($"{purpose} monitors {metric}, which needs a classification loss, but the loss's targets are values (regression).", "options");
        }

        if (regression && targets != TargetKind.Value)
        {
            throw new ArgumentException($"{purpose} monitors {metric}, which needs a regression loss, but the loss's targets are {targets}.", "options");
        }
    }

    /// <summary>Throws when <paramref name="metric"/> is measured on a validation set and there is none.</summary>
    /// <exception cref="ArgumentException">The metric needs a validation set.</exception>
    public static void RequireValidation(Metric metric, bool hasValidation, string purpose)
    {
        if (NeedsValidation(metric) && !hasValidation)
        {
            throw new ArgumentException($"{purpose} monitors {metric}, which needs a validation set, but none (or an empty one) was given.", "validation");
        }
    }
}
