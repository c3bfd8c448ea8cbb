using System;

namespace NetDsl.TestSupport;

/// <summary>Central finite differences, the numeric side of the gradient checks.</summary>
public static class CentralDifferences
{
    /// <summary>
    /// <c>(f(x + h e_i) - f(x - h e_i)) / 2h</c>: the derivative of <paramref name="f"/> along coordinate
    /// <paramref name="index"/> of <paramref name="point"/>, in double precision (for the double-precision references).
    /// </summary>
    public static double At(double[] point, int index, double h, Func<double[], double> f)
    {
        double[] shifted = (double[])point.Clone();
        shifted[index] = point[index] + h;
        double plus = f(shifted);
        shifted[index] = point[index] - h;
        double minus = f(shifted);
        return (plus - minus) / (2 * h);
    }

    /// <summary>
    /// The gradient of <paramref name="loss"/> with respect to every coordinate of a float <paramref name="point"/>:
    /// perturbs each coordinate by ±<paramref name="step"/> (<paramref name="apply"/> writes a candidate point into the
    /// model or its input), divides by the step actually taken in float, and restores the point at the end.
    /// </summary>
    public static double[] OfFloats(float[] point, Action<float[]> apply, Func<double> loss, float step)
    {
        var result = new double[point.Length];
        float[] original = (float[])point.Clone();
        float[] shifted = (float[])point.Clone();
        for (int j = 0; j < point.Length; j++)
        {
            float plus = original[j] + step;
            float minus = original[j] - step;
            shifted[j] = plus;
            apply(shifted);
            double lossPlus = loss();
            shifted[j] = minus;
            apply(shifted);
            double lossMinus = loss();
            shifted[j] = original[j];
            result[j] = (lossPlus - lossMinus) / ((double)plus - minus);
        }

        apply(original);
        return result;
    }
}
