using System;
using System.Globalization;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// The comparison of ONNX Runtime's outputs with NetDsl's: per sample, every element must satisfy
/// <c>|onnx − netdsl| ≤ 1e-5 · max_j |netdsl_j|</c>, a relative bound whose scale is the sample's largest output magnitude
/// (its infinity norm). An element-wise relative bound would be meaningless for outputs that are small because of
/// cancellation (a sum of products of mixed signs, <c>x·scale − mean·scale</c> in batch normalization, the tail of
/// GELU's <c>1 + erf(x/√2)</c>): there the two libraries' float rounding differs by a few ulps of the terms, not of the result.
/// </summary>
internal static class Tolerance
{
    /// <summary>The relative tolerance the issue asks for.</summary>
    public const double Relative = 1e-5;

    /// <summary>The largest <c>|onnx − netdsl| / max_j |netdsl_j|</c> over all samples (0 when equal).</summary>
    public static double WorstRatio(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int outputSize)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int start = 0; start < expected.Length; start += outputSize)
        {
            ReadOnlySpan<float> e = expected.Slice(start, outputSize);
            ReadOnlySpan<float> a = actual.Slice(start, outputSize);
            double scale = 0;
            foreach (float value in e)
            {
                Assert.True(float.IsFinite(value), "NetDsl produced a non-finite output.");
                scale = Math.Max(scale, Math.Abs(value));
            }

            for (int i = 0; i < e.Length; i++)
            {
                double error = Math.Abs((double)a[i] - e[i]);
                double ratio = error == 0 ? 0 : scale == 0 ? double.PositiveInfinity : error / scale;
                worst = Math.Max(worst, double.IsNaN(ratio) ? double.PositiveInfinity : ratio);
            }
        }

        return worst;
    }

    /// <summary>Asserts that every sample of <paramref name="actual"/> is within the tolerance of <paramref name="expected"/>.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int outputSize, string what)
    {
        double worst = WorstRatio(expected, actual, outputSize);
        Assert.True(worst <= Relative,
            string.Create(CultureInfo.InvariantCulture, $"{what}: ONNX Runtime differs from NetDsl by {worst:E3} of the output's largest magnitude (tolerance {Relative:E0})."));
    }
}
