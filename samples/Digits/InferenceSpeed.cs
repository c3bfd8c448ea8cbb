using System;
using System.Diagnostics;
using NetDsl;

namespace Digits;

/// <summary>
/// How long one sample takes through a float network and its int8 twin: the best of several rounds over the test set,
/// the two alternated (the first rounds also compile the code). The digits and digits-CNN samples both use it.
/// </summary>
public static class InferenceSpeed
{
    /// <summary>A network's single-sample forward pass.</summary>
    public delegate void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Microseconds per sample of <paramref name="floatNetwork"/> and of <paramref name="int8Network"/>.</summary>
    public static (double FloatMicroseconds, double Int8Microseconds) Measure(Dataset test, int outputSize, Forward floatNetwork, Forward int8Network)
    {
        var output = new float[outputSize];
        double bestFloat = double.MaxValue, bestInt8 = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            bestFloat = Math.Min(bestFloat, Time(test, floatNetwork, output));
            bestInt8 = Math.Min(bestInt8, Time(test, int8Network, output));
        }

        return (bestFloat, bestInt8);
    }

    /// <summary>Microseconds per sample over every test sample, 20 times.</summary>
    private static double Time(Dataset test, Forward forward, float[] output)
    {
        var clock = Stopwatch.StartNew();
        for (int repeat = 0; repeat < 20; repeat++)
        {
            for (int i = 0; i < test.Count; i++)
            {
                forward(test.GetFeatures(i), output);
            }
        }

        return clock.Elapsed.TotalMicroseconds / (20.0 * test.Count);
    }
}
