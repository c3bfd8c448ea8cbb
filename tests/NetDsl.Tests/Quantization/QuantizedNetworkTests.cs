using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// Quantized networks against an independent integer reference written here (zero points subtracted before the
/// products, sums in long), against the float network within the quantization error, and their bad inputs.
/// </summary>
public sealed class QuantizedNetworkTests
{
    private const int CalibrationSamples = 200;

    public static TheoryData<string> Networks() => new() { nameof(Int8Mlp), nameof(Int8Shapes), nameof(Int8ReluHead), nameof(Int8Cnn), nameof(Int8Signal), nameof(Int8ResidualCnn), nameof(Int8ResidualMlp) };

    /// <summary>Every network, including those with activations computed in float, which the integer reference does not model.</summary>
    public static TheoryData<string> AllNetworks() => new() { nameof(Int8Mlp), nameof(Int8Shapes), nameof(Int8ReluHead), nameof(Int8Cnn), nameof(Int8Signal), nameof(Int8Activations), nameof(Int8Pools), nameof(Int8ResidualCnn), nameof(Int8ResidualMlp), nameof(Int8NestedResidual) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_EqualTheIntegerReference(string name)
    {
        INetwork model = Create(name, seed: 5);
        float[] calibration = Inputs(model, CalibrationSamples, seed: 1);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, calibration);
        float[] inputs = Inputs(model, 37, seed: 2);

        var actual = new float[37 * quantized.OutputSize];
        quantized.ForwardBatch(inputs, actual);
        float[] expected = Reference(model, quantized, inputs, 37);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"{name}: output {i}: reference {expected[i]}, quantized {actual[i]}.");
        }
    }

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void Outputs_StayCloseToTheFloatNetwork(string name)
    {
        INetwork model = Create(name, seed: 7);
        QuantizedNetwork quantized = QuantizedNetwork.Create(model, Inputs(model, CalibrationSamples, seed: 3));
        float[] inputs = Inputs(model, 100, seed: 4);
        var exact = new float[100 * quantized.OutputSize];
        var int8 = new float[exact.Length];
        model.ForwardBatch(inputs, exact);
        quantized.ForwardBatch(inputs, int8);

        double squares = 0, errors = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            squares += exact[i] * (double)exact[i];
            errors += (exact[i] - (double)int8[i]) * (exact[i] - int8[i]);
        }

        // Three layers of 8-bit rounding: a few percent of the outputs' size, not more.
        double relative = Math.Sqrt(errors / squares);
        Assert.True(relative < 0.05, $"{name}: relative RMS error of the int8 outputs {relative:P2}.");
    }

    [Fact]
    public void Forward_OneSample_EqualsTheBatch()
    {
        var model = new Int8Mlp(11);
        Int8Mlp.Quantized quantized = model.Quantize(Inputs(model, CalibrationSamples, seed: 5));
        float[] inputs = Inputs(model, 70, seed: 6); // more than one chunk of 64 rows
        var batch = new float[70 * Int8Mlp.OutputSize];
        quantized.ForwardBatch(inputs, batch);

        for (int n = 0; n < 70; n++)
        {
            Int8Mlp.Output one = quantized.Forward(new Int8Mlp.Input(inputs.AsSpan(n * Int8Mlp.InputSize, Int8Mlp.InputSize)));
            Assert.Equal(batch.AsSpan(n * Int8Mlp.OutputSize, Int8Mlp.OutputSize).ToArray(), ((ReadOnlySpan<float>)one).ToArray());
        }
    }

    [Fact]
    public void Forward_OnManyThreads_GivesTheSameBits()
    {
        var model = new Int8Mlp(12);
        Int8Mlp.Quantized quantized = model.Quantize(Inputs(model, CalibrationSamples, seed: 7));
        QuantizedAssert.SameBitsOnManyThreads((x, y) => quantized.ForwardBatch(x, y), Inputs(model, 64, seed: 8), 64 * Int8Mlp.OutputSize);
    }

    [Fact]
    public void Forward_AllocatesNothingAfterWarmUp()
    {
        var model = new Int8Mlp(13);
        Int8Mlp.Quantized quantized = model.Quantize(Inputs(model, CalibrationSamples, seed: 9));
        float[] inputs = Inputs(model, 64, seed: 10);
        var outputs = new float[64 * Int8Mlp.OutputSize];
        var input = new Int8Mlp.Input(inputs.AsSpan(0, Int8Mlp.InputSize));
        for (int warmUp = 0; warmUp < 50; warmUp++)
        {
            // Past tiered compilation's call-count threshold (30), as Int8AllocationTests.
            quantized.ForwardBatch(inputs, outputs);
            quantized.Forward(input);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            quantized.ForwardBatch(inputs, outputs);
            quantized.Forward(input);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluate_ReportsBothAccuraciesAndEveryLayer()
    {
        var model = new Int8Mlp(14);
        float[] inputs = Inputs(model, 300, seed: 11);
        var logits = new float[300 * Int8Mlp.OutputSize];
        model.ForwardBatch(inputs, logits);
        int[] labels = Enumerable.Range(0, 300).Select(n => ArgMax(logits.AsSpan(n * 5, 5))).ToArray(); // the float network is right on every sample
        QuantizedNetwork quantized = model.Quantize(inputs.AsSpan(0, 100 * Int8Mlp.InputSize)).Network;

        QuantizationReport report = quantized.Evaluate(model, inputs, labels);

        Assert.Equal(300, report.Samples);
        Assert.Equal(1.0, report.FloatAccuracy);
        Assert.InRange(report.Int8Accuracy, 0.8, 1.0);
        Assert.Equal(new[] { "fc1", "fc2", "fc3" }, report.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "Linear+ReLU", "Linear+ReLU", "Linear" }, report.Layers.Select(l => l.Kind));
        Assert.All(report.Layers, layer => Assert.InRange(layer.RelativeError, 1e-6, 0.05));
        Assert.Equal(4L * (14 * 24 + 25 * 17 + 18 * 5), report.FloatWeightBytes);
        Assert.True(report.FloatWeightBytes > 2 * report.Int8WeightBytes, report.ToString());
        Assert.Contains("fc2", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_LeavesTheModelUnchanged()
    {
        var model = new Int8Mlp(15);
        float[] before = model.Parameters.ToArray();
        model.Quantize(Inputs(model, 10, seed: 12));
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Create_RefusesPartialSamples()
    {
        var model = new Int8Mlp(16);
        var error = Assert.Throws<ArgumentException>(() => model.Quantize(new float[13 * 3 + 2]));
        Assert.Contains("Expected whole samples of 13 floats, got 41 floats (3 samples and 2 left over)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefusesNoSamples()
    {
        var model = new Int8Mlp(16);
        var error = Assert.Throws<ArgumentException>(() => model.Quantize(ReadOnlySpan<float>.Empty));
        Assert.Contains("Expected at least one calibration sample of 13 floats, got none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefusesNonFiniteCalibrationInputs()
    {
        var model = new Int8Mlp(17);
        float[] inputs = Inputs(model, 4, seed: 13);
        inputs[20] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => model.Quantize(inputs));
        Assert.Contains("got NaN at index 20 (sample 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NamesTheFirstLayerWithoutAnInt8Form()
    {
        var model = new InnerSoftmax(1);
        var error = Assert.Throws<NotSupportedException>(() => QuantizedNetwork.Create(model, new float[8]));
        Assert.Contains("Layer 'soft' (Softmax, input [8]) has no int8 form yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardBatch_RefusesMismatchedOutputs()
    {
        var model = new Int8Mlp(18);
        Int8Mlp.Quantized quantized = model.Quantize(Inputs(model, 4, seed: 14));
        var error = Assert.Throws<ArgumentException>(() => quantized.ForwardBatch(new float[2 * 13], new float[9]));
        Assert.Contains("Expected outputs of 2 x 5 = 10 floats for 2 input samples, got 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RefusesAnotherNetwork()
    {
        var model = new Int8Mlp(19);
        QuantizedNetwork quantized = model.Quantize(Inputs(model, 4, seed: 15)).Network;
        var other = new Int8ReluHead(1);
        var error = Assert.Throws<ArgumentException>(() => quantized.Evaluate(other, new float[6], new[] { 0 }));
        Assert.Contains("Expected the network this was quantized from", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The quantized network computed from its own quantization choices (scales, zero points, int8 weights) by the textbook
    /// formulas: <c>acc = sum (x_q - z_in) * w_q</c> in long, plus the rounded bias, requantized with TFLite's multiplier;
    /// the last Linear scaled to float.
    /// </summary>
    private static float[] Reference(INetwork model, QuantizedNetwork network, float[] inputs, int rows)
    {
        QuantizationParameters input = network.InputQuantization;
        long[] x = inputs.Select(v => (long)input.Quantize(v)).ToArray();
        int width = network.InputSize;
        float[]? result = null;
        var blockInputs = new Stack<(long[] Values, QuantizationParameters Quantization)>();
        foreach (QuantizedStage stage in network.Stages)
        {
            var next = new long[rows * stage.OutFeatures];
            if (stage is QuantizedResidualStart)
            {
                blockInputs.Push((x, input));
                continue;
            }

            if (stage is QuantizedResidualAdd add)
            {
                (long[] kept, QuantizationParameters keptQuantization) = blockInputs.Pop();
                for (int i = 0; i < next.Length; i++)
                {
                    next[i] = Int8ResidualAddTests.Reference((byte)x[i], (byte)kept[i], input, keptQuantization, add.Output, add.Relu);
                }

                x = next;
                input = add.Output;
                continue;
            }

            if (stage is QuantizedMaxPool pool)
            {
                Int8Window g = pool.Window;
                for (int n = 0; n < rows; n++)
                {
                    for (int c = 0; c < g.OutChannels; c++)
                    {
                        for (int p = 0; p < g.OutPlane; p++)
                        {
                            long largest = long.MinValue;
                            for (int i = 0; i < g.KernelHeight; i++)
                            {
                                for (int j = 0; j < g.KernelWidth; j++)
                                {
                                    (int row, int column) = g.Tap(p / g.OutWidth, p % g.OutWidth, i, j);
                                    largest = g.Inside(row, column) ? Math.Max(largest, x[(n * g.InChannels + c) * g.InPlane + row * g.InWidth + column]) : largest;
                                }
                            }

                            next[(n * g.OutChannels + c) * g.OutPlane + p] = largest;
                        }
                    }
                }

                x = next;
                width = stage.OutFeatures;
                continue;
            }

            if (stage is QuantizedConvolution convolution)
            {
                Int8Window g = convolution.Window;
                QuantizedLinear product = convolution.Product;
                for (int n = 0; n < rows; n++)
                {
                    for (int o = 0; o < g.OutChannels; o++)
                    {
                        for (int p = 0; p < g.OutPlane; p++)
                        {
                            long sum = 0;
                            for (int c = 0; c < g.InChannels; c++)
                            {
                                for (int i = 0; i < g.KernelHeight; i++)
                                {
                                    for (int j = 0; j < g.KernelWidth; j++)
                                    {
                                        (int row, int column) = g.Tap(p / g.OutWidth, p % g.OutWidth, i, j);
                                        long value = g.Inside(row, column) ? x[(n * g.InChannels + c) * g.InPlane + row * g.InWidth + column] - input.ZeroPoint : 0;
                                        sum += value * product.Weights[((o * g.InChannels + c) * g.KernelHeight + i) * g.KernelWidth + j];
                                    }
                                }
                            }

                            // The folded bias is the convolution's own stage state: the product's integer bias is read back here.
                            long biased = sum + product.IntegerBias[o];
                            (int multiplier, int shift) = FixedPointMultiplier.Quantize((double)input.Scale * product.WeightScales[o] / convolution.Output.Scale);
                            long y = convolution.Output.ZeroPoint + FixedPointMultiplier.Apply(checked((int)biased), multiplier, shift);
                            next[(n * g.OutChannels + o) * g.OutPlane + p] = Math.Clamp(y, product.Relu ? convolution.Output.ZeroPoint : 0, 255);
                        }
                    }
                }

                x = next;
                width = stage.OutFeatures;
                input = convolution.Output;
                continue;
            }

            if (stage is QuantizedRelu)
            {
                for (int i = 0; i < next.Length; i++)
                {
                    next[i] = Math.Max(x[i], stage.Output.ZeroPoint);
                }

                x = next;
                continue;
            }

            var linear = (QuantizedLinear)stage;
            float[] bias = Bias(model, linear.Name, linear.OutFeatures);
            result = linear.FloatOutput ? new float[rows * linear.OutFeatures] : null;
            for (int n = 0; n < rows; n++)
            {
                for (int o = 0; o < linear.OutFeatures; o++)
                {
                    long sum = 0;
                    for (int k = 0; k < width; k++)
                    {
                        sum += (x[n * width + k] - input.ZeroPoint) * linear.Weights[o * width + k];
                    }

                    double accumulatorScale = (double)input.Scale * linear.WeightScales[o];
                    if (linear.FloatOutput)
                    {
                        float value = (float)accumulatorScale * sum + bias[o];
                        result![n * linear.OutFeatures + o] = linear.Relu ? Math.Max(0, value) : value;
                        continue;
                    }

                    long biased = sum + (long)Math.Round(bias[o] / accumulatorScale, MidpointRounding.AwayFromZero);
                    (int multiplier, int shift) = FixedPointMultiplier.Quantize(accumulatorScale / linear.Output.Scale);
                    long y = linear.Output.ZeroPoint + FixedPointMultiplier.Apply(checked((int)biased), multiplier, shift);
                    next[n * linear.OutFeatures + o] = Math.Clamp(y, linear.Relu ? linear.Output.ZeroPoint : 0, 255);
                }
            }

            x = next;
            width = linear.OutFeatures;
            input = linear.Output;
        }

        if (result is null)
        {
            result = x.Select(q => input.Scale * (q - input.ZeroPoint)).ToArray();
        }

        if (model.Layers[^1].Kind == "Softmax")
        {
            for (int n = 0; n < rows; n++)
            {
                Span<float> row = result.AsSpan(n * network.OutputSize, network.OutputSize);
                double max = row.ToArray().Max(), total = row.ToArray().Sum(v => Math.Exp(v - max));
                for (int c = 0; c < row.Length; c++)
                {
                    row[c] = (float)(Math.Exp(row[c] - max) / total);
                }
            }
        }

        return result;
    }

    private static float[] Bias(INetwork model, string layer, int outputs)
    {
        TensorInfo? tensor = model.ParameterTensors.FirstOrDefault(t => t.Name == layer + ".bias");
        return tensor is null ? new float[outputs] : model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
    }

    internal static INetwork Create(string name, int seed) => name switch
    {
        nameof(Int8Mlp) => new Int8Mlp(seed),
        nameof(Int8Shapes) => new Int8Shapes(seed),
        nameof(Int8ReluHead) => new Int8ReluHead(seed),
        nameof(Int8Cnn) => WithRunningStatistics(new Int8Cnn(seed), seed),
        nameof(Int8Signal) => WithRunningStatistics(new Int8Signal(seed), seed),
        nameof(Int8Activations) => new Int8Activations(seed),
        nameof(Int8Pools) => new Int8Pools(seed),
        nameof(Int8ResidualCnn) => WithRunningStatistics(new Int8ResidualCnn(seed), seed),
        nameof(Int8ResidualMlp) => new Int8ResidualMlp(seed),
        nameof(Int8NestedResidual) => new Int8NestedResidual(seed),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Running statistics away from 0 and 1, so that folding the batch normalization into the convolution is tested.</summary>
    private static T WithRunningStatistics<T>(T model, int seed)
        where T : INetwork
    {
        var random = new Random(seed);
        foreach (TensorInfo tensor in model.BufferTensors)
        {
            Span<float> values = model.Buffers.Slice(tensor.Offset, tensor.Length);
            bool mean = tensor.Name.EndsWith("running_mean", StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = mean ? (float)(random.NextDouble() - 0.5) : (float)(0.5 + random.NextDouble());
            }
        }

        return model;
    }

    internal static float[] Inputs(INetwork model, int count, int seed)
    {
        int size = 1;
        foreach (int d in model.Layers[0].InputShape)
        {
            size *= d;
        }

        var random = new Random(seed);
        return Enumerable.Range(0, count * size).Select(_ => (float)(random.NextDouble() * 4 - 1.5)).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}

/// <summary>A network without an int8 form (a Softmax before the last layer), quantized through the untyped API.</summary>
[Network]
[Input(8)]
[Softmax(Name = "soft")]
[Linear(2)]
public partial class InnerSoftmax;
