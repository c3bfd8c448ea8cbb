using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Double-precision sums over a run of floats, as batch normalization's statistics need them: four partial sums, element
/// <c>i</c> into sum <c>i mod 4</c>, combined as <c>(s0 + s1) + (s2 + s3)</c>. Four chains instead of one keep the adder
/// busy (a single chain waits on each addition's latency), and the fixed assignment gives the same bits with 256-bit
/// vectors of doubles or without them.
/// </summary>
internal static class PlaneSums
{
    /// <summary>The sum of <paramref name="count"/> floats from <paramref name="x"/>.</summary>
    public static double Sum(ref float x, int count)
    {
        int i = 0;
        Vector256<double> sums = Vector256<double>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= count; i += 4)
            {
                sums += Widen(ref Unsafe.Add(ref x, i));
            }
        }

        double s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
        for (; i < count; i++)
        {
            Lane(ref s0, ref s1, ref s2, ref s3, i) += Unsafe.Add(ref x, i);
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>The sum of <c>(x - mean)^2</c> over <paramref name="count"/> floats from <paramref name="x"/>.</summary>
    public static double SquaredDeviations(ref float x, int count, double mean)
    {
        int i = 0;
        Vector256<double> sums = Vector256<double>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> m = Vector256.Create(mean);
            for (; i + 4 <= count; i += 4)
            {
                Vector256<double> d = Widen(ref Unsafe.Add(ref x, i)) - m;
                sums += d * d;
            }
        }

        double s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
        for (; i < count; i++)
        {
            double d = Unsafe.Add(ref x, i) - mean;
            Lane(ref s0, ref s1, ref s2, ref s3, i) += d * d;
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>The sums of <c>dy</c> and of <c>dy * (x - mean)</c> over <paramref name="count"/> pairs.</summary>
    public static (double Gradient, double CenteredProduct) GradientSums(ref float x, ref float dy, int count, double mean)
    {
        int i = 0;
        Vector256<double> gradients = Vector256<double>.Zero, products = Vector256<double>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> m = Vector256.Create(mean);
            for (; i + 4 <= count; i += 4)
            {
                Vector256<double> g = Widen(ref Unsafe.Add(ref dy, i));
                gradients += g;
                products += g * (Widen(ref Unsafe.Add(ref x, i)) - m);
            }
        }

        double g0 = gradients.GetElement(0), g1 = gradients.GetElement(1), g2 = gradients.GetElement(2), g3 = gradients.GetElement(3);
        double p0 = products.GetElement(0), p1 = products.GetElement(1), p2 = products.GetElement(2), p3 = products.GetElement(3);
        for (; i < count; i++)
        {
            double g = Unsafe.Add(ref dy, i);
            Lane(ref g0, ref g1, ref g2, ref g3, i) += g;
            Lane(ref p0, ref p1, ref p2, ref p3, i) += g * (Unsafe.Add(ref x, i) - mean);
        }

        return ((g0 + g1) + (g2 + g3), (p0 + p1) + (p2 + p3));
    }

    /// <summary>Four floats from <paramref name="x"/> as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Widen(ref float x)
    {
        Vector128<float> v = Vector128.LoadUnsafe(ref x);
        return Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double Lane(ref double s0, ref double s1, ref double s2, ref double s3, int i)
    {
        switch (i & 3)
        {
            case 0: return ref s0;
            case 1: return ref s1;
            case 2: return ref s2;
            default: return ref s3;
        }
    }
}
