using System;
using System.Diagnostics;

namespace NetDsl.Benchmarks;

/// <summary>
/// <c>--int8-conv-probe</c>: int8 against float inference of the digits CNN (batch 1 and 64) and of N4's 64x7x7 layer
/// (<see cref="N4ConvLayerNet"/>), and of N2 (the int8 product's case), alternating the two in 25 rounds after a warm-up and keeping each one's best round: on
/// a shared host the minimum is the least disturbed measure, and alternating exposes both to the same load.
/// </summary>
public static class Int8ConvolutionProbe
{
    private const int Rounds = 25;

    /// <summary>Runs the probe and prints one line per case.</summary>
    public static void Run()
    {
        Console.WriteLine($"load average: {ParallelProbe.LoadAverage()}");
        var digits = new DigitsCnnNet(seed: 1);
        DigitsCnnNet.Quantized digitsInt8 = digits.Quantize(Check.Uniform(300 * 64, seed: 99, lo: 0f, hi: 16f));
        var layer = new N4ConvLayerNet(seed: 1);
        N4ConvLayerNet.Quantized layerInt8 = layer.Quantize(Check.Uniform(100 * 64 * 49, seed: 99, lo: 0f, hi: 1f));
        var mlp = new N2Net(seed: 1);
        N2Net.Quantized mlpInt8 = mlp.Quantize(Check.Uniform(300 * 784, seed: 99));
        foreach (int batch in new[] { 1, 64 })
        {
            Compare($"digits CNN, batch {batch}", 64, 10, batch, digits.ForwardBatch, digitsInt8.ForwardBatch);
            Compare($"N4 conv 64x7x7 k3 p1, batch {batch}", 64 * 49, 10, batch, layer.ForwardBatch, layerInt8.ForwardBatch);

            // The product the convolution now shares its micro-kernels with: it must not have become slower.
            Compare($"N2 784-128-10, batch {batch}", 784, 10, batch, mlp.ForwardBatch, mlpInt8.ForwardBatch);
        }

        Console.WriteLine($"load average: {ParallelProbe.LoadAverage()}");
    }

    private delegate void Forward(ReadOnlySpan<float> x, Span<float> y);

    private static void Compare(string name, int inputSize, int outputSize, int batch, Forward floatForward, Forward int8Forward)
    {
        float[] x = Check.Uniform(batch * inputSize, seed: 7, lo: 0f, hi: 1f);
        var y = new float[batch * outputSize];
        int calls = Math.Max(1, 20_000 / batch);
        double Time(Forward forward)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++)
            {
                forward(x, y);
            }

            return clock.Elapsed.TotalMicroseconds / calls;
        }

        Time(floatForward);
        Time(int8Forward);
        double bestFloat = double.MaxValue, bestInt8 = double.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            bestFloat = Math.Min(bestFloat, Time(floatForward));
            bestInt8 = Math.Min(bestInt8, Time(int8Forward));
        }

        Console.WriteLine(
            $"{name,-34} float {bestFloat,9:F2} us ({bestFloat / batch,6:F3} us/sample)   int8 {bestInt8,9:F2} us ({bestInt8 / batch,6:F3} us/sample)   int8/float {bestInt8 / bestFloat:F2}");
    }
}
