using System;

namespace NetDsl.Quantization;

/// <summary>How the range of an activation tensor is chosen from the calibration samples.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen (TFLite's and ONNX Runtime's default): nothing is clipped.</summary>
    MinMax,

    /// <summary>
    /// The <see cref="QuantizationOptions.Percentile"/>-th percentile of the values at the top and its mirror at the
    /// bottom: a few outliers are clipped so that the other values get finer steps.
    /// </summary>
    Percentile,
}

/// <summary>Options of post-training quantization (see docs/quantization.md).</summary>
public sealed record QuantizationOptions
{
    /// <summary>How activation ranges are calibrated. Default <see cref="CalibrationMethod.MinMax"/>.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>The percentile kept by <see cref="CalibrationMethod.Percentile"/>, in (50, 100]. Default 99.99.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>The defaults: min-max calibration.</summary>
    public static QuantizationOptions Default { get; } = new();

    internal void Validate()
    {
        if (!Enum.IsDefined(Calibration))
        {
            throw new ArgumentOutOfRangeException(nameof(Calibration), Calibration, "Expected CalibrationMethod.MinMax or CalibrationMethod.Percentile.");
        }

        if (!(Percentile > 50 && Percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "Expected a percentile in (50, 100], for example 99.99.");
        }
    }
}
