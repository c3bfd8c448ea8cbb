using System;
using System.Diagnostics;
using NetDsl;

namespace DigitsCnn;

/// <summary>The time to classify one image, float against int8: the best of 7 rounds over the test set (the first rounds also compile the code).</summary>
public static class CnnSpeed
{
    public static (double FloatMicroseconds, double Int8Microseconds) Measure(DigitsCnnModel model, DigitsCnnModel.Quantized int8, Dataset test)
    {
        var output = new float[DigitsCnnModel.OutputSize];
        double bestFloat = double.MaxValue, bestInt8 = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            bestFloat = Math.Min(bestFloat, MicrosecondsPerImage(test, image => model.Forward(image, output)));
            bestInt8 = Math.Min(bestInt8, MicrosecondsPerImage(test, image => int8.Forward(image, output)));
        }

        return (bestFloat, bestInt8);
    }

    private delegate void ImageAction(ReadOnlySpan<float> image);

    private static double MicrosecondsPerImage(Dataset test, ImageAction forward)
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
