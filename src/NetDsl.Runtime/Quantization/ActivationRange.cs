using System;

namespace NetDsl.Quantization;

/// <summary>Calibration: the range of an activation tensor, from every value it took on the calibration samples.</summary>
internal static class ActivationRange
{
    public static QuantizationParameters Calibrate(ReadOnlySpan<float> values, QuantizationOptions options)
    {
        if (values.IsEmpty)
        {
            return QuantizationParameters.FromRange(0, 0);
        }

        if (options.Calibration == CalibrationMethod.MinMax)
        {
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (float value in values)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            return QuantizationParameters.FromRange(min, max);
        }

        // Percentile: the p-th value from the top and the (100 - p)-th from the bottom, by rank in the sorted values.
        float[] sorted = values.ToArray();
        Array.Sort(sorted);
        double fraction = options.Percentile / 100.0;
        int high = (int)Math.Min(sorted.Length - 1, Math.Ceiling(fraction * sorted.Length) - 1);
        int low = (int)Math.Max(0, Math.Floor((1 - fraction) * sorted.Length));
        return QuantizationParameters.FromRange(sorted[Math.Min(low, high)], sorted[high]);
    }
}
