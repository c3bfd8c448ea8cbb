using System;

namespace NetDsl.Quantization;

/// <summary>Weights to int8: symmetric (zero point 0), one scale per output channel, values in -127..127 (as TFLite).</summary>
internal static class WeightQuantization
{
    /// <summary>
    /// <c>scale[o] = max_k |w[o, k]| / 127</c> (1 for a row of zeros) and <c>q[o, k] = round(w[o, k] / scale[o])</c>, rounding
    /// half away from zero.
    /// </summary>
    public static (sbyte[] Weights, float[] Scales) PerOutputChannel(ReadOnlySpan<float> weights, int outputs, int depth)
    {
        var quantized = new sbyte[outputs * depth];
        var scales = new float[outputs];
        for (int o = 0; o < outputs; o++)
        {
            ReadOnlySpan<float> row = weights.Slice(o * depth, depth);
            float largest = 0;
            foreach (float w in row)
            {
                largest = Math.Max(largest, Math.Abs(w));
            }

            float scale = largest > 0 ? largest / 127f : 1f;
            scales[o] = scale;
            for (int k = 0; k < depth; k++)
            {
                quantized[o * depth + k] = (sbyte)Math.Clamp(MathF.Round(row[k] / scale, MidpointRounding.AwayFromZero), -127f, 127f);
            }
        }

        return (quantized, scales);
    }
}
