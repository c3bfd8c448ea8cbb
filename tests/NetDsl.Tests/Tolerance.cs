using System;
using System.Globalization;
using Xunit.Sdk;

namespace NetDsl.Tests;

/// <summary>
/// How close float results of NetDsl must be to the double-precision reference (or to another NetDsl path).
/// </summary>
/// <remarks>
/// <para>
/// NetDsl computes in float32: a 24-bit mantissa, so each rounding is off by at most 2^-24 ≈ 6e-8 of the value.
/// A dot product of n terms accumulates at most about n such roundings of the running sum, i.e. an error of up to
/// n · 6e-8 · Σ|terms| and typically √n · 6e-8 · Σ|terms|; the largest sums here have a few hundred terms (40 inputs,
/// or 32 samples x 33 units for a weight gradient), and errors pass through up to four layers and the float
/// Tanh/Sigmoid (a few ulp each). Measured, the worst error is about 7e-7 of the scale defined below. The bound is
/// 1e-5 of that scale: over ten times the largest error seen, yet far below what a wrong index, a missing term or a
/// wrong derivative produces (a 0.1 % error in one factor of TanhBackward already fails).
/// </para>
/// <para>
/// The scale of an element is max(|expected element|, largest |element| of the tensor, floor). An element that is
/// small because its terms cancel still carries the rounding error of its large terms, so its own size is no scale
/// for the error; the tensor's largest element is. The floor is 1 for forward outputs, whose terms are of order 1
/// (inputs in [-1, 1], activations within [-1, 1] or modest ReLU values, weights within ±1/sqrt(fan_in)): it keeps a
/// single output that happens to be near 0 from demanding a relative precision no float sum has. Gradients are
/// compared given the same output gradient dy that NetDsl received, so they scale with dy and need no floor.
/// </para>
/// </remarks>
internal static class Tolerance
{
    /// <summary>The relative bound for float against double; see the remarks.</summary>
    public const double Relative = 1e-5;

    /// <summary>Asserts |actual - expected| &lt;= relative * max(|expected|, max over the tensor |expected|, floor), element-wise.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double floor = 0, double relative = Relative)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}.");
        }

        double scale = floor;
        foreach (double e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }

        for (int j = 0; j < expected.Length; j++)
        {
            double error = Math.Abs(actual[j] - expected[j]);
            double bound = relative * Math.Max(Math.Abs(expected[j]), scale);
            if (!(error <= bound))
            {
                throw new XunitException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what}[{j}]: expected {expected[j]:R}, got {actual[j]:R}; |difference| {error:E3} exceeds {bound:E3} ({relative:E0} x scale {Math.Max(Math.Abs(expected[j]), scale):E3})."));
            }
        }
    }

    /// <summary>Float against float (two NetDsl paths), with the same rule.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double floor = 0, double relative = Relative) =>
        AssertClose(Reference.ReferenceNetwork.ToDouble(expected), actual, what, floor, relative);

    /// <summary>Forward outputs: the scale has a floor of 1 (see the remarks).</summary>
    public static void AssertOutputsClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what) =>
        AssertClose(expected, actual, what, floor: 1);

    /// <summary>Forward outputs of two NetDsl paths: the scale has a floor of 1 (see the remarks).</summary>
    public static void AssertOutputsClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        AssertClose(expected, actual, what, floor: 1);

    /// <summary>
    /// An MSE loss computed from NetDsl's float outputs against the reference's loss from its double outputs. Outputs
    /// within δ ≤ 1e-5 (their bound) move L = mean((y - t)^2) by at most 2 sqrt(L) δ + δ^2 (Cauchy-Schwarz), so the
    /// bound is 1e-5 (L + 2 sqrt(L)) plus 1e-10: relative to L for a large loss, absolute near a zero loss.
    /// </summary>
    public static void AssertLossClose(double expected, double actual, string what)
    {
        double bound = (Relative * (expected + (2 * Math.Sqrt(expected)))) + 1e-10;
        if (!(Math.Abs(actual - expected) <= bound))
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R}; the bound is {bound:E3}."));
        }
    }
}
