using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Applies a <see cref="MissingValuePolicy"/> to a dataset: missing values are NaN, infinite values are ±∞. Samples
/// with a non-finite target are always dropped. Imputation statistics come from the dataset given; to keep the
/// validation and test sets out of them, clean after splitting or load with <see cref="MissingValuePolicy.DropRow"/>.
/// </summary>
public static class DataCleaner
{
    /// <summary>Cleans <paramref name="data"/> under <paramref name="policy"/>.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="policy">What to do with missing and infinite feature values.</param>
    /// <param name="imputationValue">The value of <see cref="MissingValuePolicy.ImputeConstant"/>; must be finite.</param>
    /// <exception cref="ArgumentException">
    /// The policy is <see cref="MissingValuePolicy.Fail"/> and a value is not finite, or a column to impute from has no finite value.
    /// </exception>
    public static CleanedDataset Clean(Dataset data, MissingValuePolicy policy, float imputationValue = 0f) =>
        Clean(data, policy, imputationValue, noFiniteValue: null);

    /// <summary>As the public <see cref="Clean(Dataset, MissingValuePolicy, float)"/>; <paramref name="noFiniteValue"/> makes the exception for a column with nothing to impute from (a loader names its file and column).</summary>
    internal static CleanedDataset Clean(Dataset data, MissingValuePolicy policy, float imputationValue, Func<int, Exception>? noFiniteValue)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Expected a defined MissingValuePolicy value.");
        }

        if (!float.IsFinite(imputationValue))
        {
            throw new ArgumentOutOfRangeException(nameof(imputationValue), imputationValue, $"Expected a finite imputation value, but got {imputationValue}.");
        }

        int featureCount = data.FeatureCount;
        int targetWidth = data.TargetWidth;
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> targets = data.Targets;

        // Which samples are kept, and the counts of the report.
        var kept = new List<int>(data.Count);
        int missing = 0, infinite = 0, droppedForTarget = 0, droppedForFeature = 0;
        for (int row = 0; row < data.Count; row++)
        {
            bool targetFinite = true;
            for (int t = 0; t < targetWidth; t++)
            {
                targetFinite &= float.IsFinite(targets[row * targetWidth + t]);
            }

            int rowMissing = 0, rowInfinite = 0, firstBad = -1;
            for (int f = 0; f < featureCount; f++)
            {
                float value = features[row * featureCount + f];
                if (float.IsNaN(value))
                {
                    rowMissing++;
                }
                else if (float.IsInfinity(value))
                {
                    rowInfinite++;
                }
                else
                {
                    continue;
                }

                firstBad = firstBad < 0 ? f : firstBad;
            }

            if (policy == MissingValuePolicy.Fail && (!targetFinite || firstBad >= 0))
            {
                string what = !targetFinite ? "its target is missing or infinite" : $"feature {firstBad} is {features[row * featureCount + firstBad]}";
                throw new ArgumentException($"Expected finite values (policy Fail), but in sample {row} {what}.", nameof(data));
            }

            if (!targetFinite)
            {
                droppedForTarget++;
                continue;
            }

            missing += rowMissing;
            infinite += rowInfinite;
            if (firstBad >= 0 && policy == MissingValuePolicy.DropRow)
            {
                droppedForFeature++;
                continue;
            }

            kept.Add(row);
        }

        Dataset selected = kept.Count == data.Count ? data : data.Select(kept.ToArray());
        int imputed = 0;
        if ((policy is MissingValuePolicy.ImputeMean or MissingValuePolicy.ImputeMedian or MissingValuePolicy.ImputeConstant) && missing + infinite > 0)
        {
            float[] cleanFeatures = selected.Features.ToArray();
            for (int f = 0; f < featureCount; f++)
            {
                float replacement = policy switch
                {
                    MissingValuePolicy.ImputeMean => ColumnStatistic(cleanFeatures, featureCount, f, median: false, noFiniteValue),
                    MissingValuePolicy.ImputeMedian => ColumnStatistic(cleanFeatures, featureCount, f, median: true, noFiniteValue),
                    _ => imputationValue,
                };
                for (int i = f; i < cleanFeatures.Length; i += featureCount)
                {
                    if (!float.IsFinite(cleanFeatures[i]))
                    {
                        cleanFeatures[i] = replacement;
                        imputed++;
                    }
                }
            }

            selected = selected.WithFeatures(cleanFeatures);
        }

        var report = new CleaningReport(policy, data.Count, droppedForTarget + droppedForFeature, droppedForTarget, missing, infinite, imputed);
        return new CleanedDataset(selected, report);
    }

    private static float ColumnStatistic(float[] features, int featureCount, int column, bool median, Func<int, Exception>? noFiniteValue)
    {
        var values = new List<float>();
        for (int i = column; i < features.Length; i += featureCount)
        {
            if (float.IsFinite(features[i]))
            {
                values.Add(features[i]);
            }
        }

        if (values.Count == 0)
        {
            throw noFiniteValue?.Invoke(column) ?? NoFiniteValue(column);
        }

        if (median)
        {
            values.Sort();
            int middle = values.Count / 2;
            return values.Count % 2 == 1 ? values[middle] : (float)(((double)values[middle - 1] + values[middle]) / 2);
        }

        double sum = 0;
        foreach (float value in values)
        {
            sum += value;
        }

        return (float)(sum / values.Count);
    }

    private static ArgumentException NoFiniteValue(int column) =>
        new($"Feature {column} has no finite value to impute from: every sample's value is missing or infinite.", "data");
}
