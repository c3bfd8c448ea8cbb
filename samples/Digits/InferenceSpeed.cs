using System;
using System.Diagnostics;
using NetDsl;

namespace Digits;

/// <summary>How long one sample takes through the float network and its int8 twin: the best of several rounds over the test set.</summary>
public static class InferenceSpeed
{
    public static (double FloatMicroseconds, double Int8Microseconds) Measure(DigitsClassifier model, DigitsClassifier.Quantized int8, Dataset test)
    {
        var output = new float[DigitsClassifier.OutputSize];
        double bestFloat = double.MaxValue, bestInt8 = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            bestFloat = Math.Min(bestFloat, Time(test, sample => model.Forward(sample, output)));
            bestInt8 = Math.Min(bestInt8, Time(test, sample => int8.Forward(sample, output)));
        }

        return (bestFloat, bestInt8);
    }

    private delegate void SampleAction(ReadOnlySpan<float> sample);

    /// <summary>Microseconds per sample over every test sample, 20 times.</summary>
    private static double Time(Dataset test, SampleAction forward)
    {
        var clock = Stopwatch.StartNew();
        for (int repeat = 0; repeat < 20; repeat++)
        {
            for (int i = 0; i < test.Count; i++)
            {
                forward(test.GetFeatures(i));
            }
        }

        return clock.Elapsed.TotalMicroseconds / (20.0 * test.Count);
    }
}
