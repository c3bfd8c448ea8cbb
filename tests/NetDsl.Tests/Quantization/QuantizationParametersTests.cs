using System;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>The affine uint8 map of activations and its calibration.</summary>
public sealed class QuantizationParametersTests
{
    [Theory]
    [InlineData(-1.0, 1.0, 2.0 / 255, 128)]
    [InlineData(2.0, 5.0, 5.0 / 255, 0)]      // widened to include 0
    [InlineData(-5.0, -2.0, 5.0 / 255, 255)]  // widened to include 0
    [InlineData(-0.5, 1.5, 2.0 / 255, 64)]    // 0.5 / (2/255) = 63.75
    public void FromRange_CoversTheRangeWithZeroExact(double min, double max, double scale, int zeroPoint)
    {
        QuantizationParameters p = QuantizationParameters.FromRange(min, max);

        Assert.Equal((float)scale, p.Scale);
        Assert.Equal(zeroPoint, p.ZeroPoint);
        Assert.Equal(0f, p.Dequantize(p.Quantize(0f)));
        Assert.Equal((byte)zeroPoint, p.Quantize(0f));
    }

    [Fact]
    public void FromRange_OfNothingButZeros_HasScaleOne() =>
        Assert.Equal(new QuantizationParameters(1f, 0), QuantizationParameters.FromRange(0, 0));

    [Fact]
    public void Quantize_RoundsHalfAwayFromZero_AndSaturates()
    {
        var p = new QuantizationParameters(0.5f, 10);

        Assert.Equal(11, p.Quantize(0.25f));   // 0.5 steps -> 1
        Assert.Equal(9, p.Quantize(-0.25f));   // -0.5 steps -> -1
        Assert.Equal(255, p.Quantize(1e6f));
        Assert.Equal(0, p.Quantize(-1e6f));
        Assert.Equal(-5f, p.Dequantize(0));
    }

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.0, double.PositiveInfinity)]
    [InlineData(2.0, 1.0)]
    public void FromRange_RefusesAnInvalidRange(double min, double max)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => QuantizationParameters.FromRange(min, max));
        Assert.Contains("Expected a finite range with min <= max", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PercentileCalibration_ClipsAnOutlier_MinMaxKeepsIt()
    {
        var values = new float[10_001];
        for (int i = 0; i < 10_000; i++)
        {
            values[i] = i / 10_000f; // 0 .. 1
        }

        values[^1] = 1000f;

        QuantizationParameters minMax = ActivationRange.Calibrate(values, QuantizationOptions.Default);
        QuantizationParameters percentile = ActivationRange.Calibrate(values, new QuantizationOptions { Calibration = CalibrationMethod.Percentile, Percentile = 99.9 });

        Assert.Equal(1000f / 255, minMax.Scale, 6);
        Assert.InRange(percentile.Scale, 0.99f / 255, 1.0f / 255);
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Options_RefuseAPercentileOutsideItsDomain(double percentile)
    {
        var options = new QuantizationOptions { Calibration = CalibrationMethod.Percentile, Percentile = percentile };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Contains("Expected a percentile in (50, 100]", error.Message, StringComparison.Ordinal);
    }
}
