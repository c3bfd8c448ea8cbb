using System;

namespace NetDsl.Quantization;

/// <summary>
/// The affine map of an unsigned 8-bit activation tensor: <c>real = Scale * (q - ZeroPoint)</c>, <c>q</c> in 0..255. Zero
/// is always exactly representable (<c>q = ZeroPoint</c>), as TFLite and ONNX require, so padding and ReLU stay exact.
/// </summary>
public readonly record struct QuantizationParameters(float Scale, int ZeroPoint)
{
    /// <summary>
    /// The parameters that cover <c>[min, max]</c> widened to include 0 (TFLite's ChooseQuantizationParams): scale
    /// <c>(max - min) / 255</c>, zero point rounded and clamped to 0..255. An empty range (all zeros) gets scale 1.
    /// </summary>
    public static QuantizationParameters FromRange(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || double.IsInfinity(min) || double.IsInfinity(max) || min > max)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"Expected a finite range with min <= max, got [{min}, {max}].");
        }

        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        if (max - min == 0)
        {
            return new QuantizationParameters(1f, 0);
        }

        double scale = (max - min) / 255.0;
        int zeroPoint = (int)Math.Clamp(Math.Round(-min / scale, MidpointRounding.AwayFromZero), 0, 255);
        return new QuantizationParameters((float)scale, zeroPoint);
    }

    /// <summary><paramref name="value"/> quantized: <c>clamp(round(value / Scale) + ZeroPoint, 0, 255)</c>, rounding half away from zero.</summary>
    public byte Quantize(float value)
    {
        float scaled = MathF.Round(value / Scale, MidpointRounding.AwayFromZero);
        return (byte)Math.Clamp(scaled + ZeroPoint, 0f, 255f);
    }

    /// <summary>The real value of <paramref name="q"/>.</summary>
    public float Dequantize(byte q) => Scale * (q - ZeroPoint);
}
