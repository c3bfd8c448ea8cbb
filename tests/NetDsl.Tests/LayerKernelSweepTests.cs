using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

/// <summary>
/// The runtime's window, normalization and activation kernels over random geometries that no declared network reaches
/// (strides with dilations, asymmetric 'same' padding, rows from 1 to 40 wide, so every vector remainder), against
/// the oracle's modules. The generated code passes these kernels a <see cref="WindowGeometry"/>; here the tests build it
/// from the oracle's shapes. Tolerances: <see cref="Tolerance"/>.
/// </summary>
public sealed class LayerKernelSweepTests
{
    private const int CasesPerSeed = 30;

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ConvolutionKernelsMatchTheReference(int seed)
    {
        var random = new Random(seed);
        for (int done = 0; done < CasesPerSeed;)
        {
            int c = 1 + random.Next(3), o = 1 + random.Next(3), h = 1 + random.Next(6), w = 1 + random.Next(40);
            int kh = 1 + random.Next(3), kw = 1 + random.Next(4), sh = 1 + random.Next(3), sw = 1 + random.Next(3), dh = 1 + random.Next(3), dw = 1 + random.Next(3);
            int ph = sh == 1 && random.Next(3) == 0 ? R.Same : random.Next(3);
            int pw = sw == 1 && random.Next(3) == 0 ? R.Same : random.Next(3);
            bool bias = random.Next(3) != 0;
            int batch = 1 + random.Next(3);
            ReferenceModel model;
            try
            {
                model = new ReferenceModel([c, h, w], R.Conv2D(o, kh, kw, "c", sh, sw, ph, pw, dh, dw, bias));
            }
            catch (ArgumentException)
            {
                continue; // the window does not fit
            }

            done++;
            int[] shape = model.OutputShape;
            var g = new WindowGeometry(c, h, w, o, shape[1], shape[2], kh, kw, sh, sw,
                ReferenceConvolution.Pads(ph, kh, dh).Before, ReferenceConvolution.Pads(pw, kw, dw).Before, dh, dw);
            string what = $"seed {seed}: Conv2D {c}->{o} on [{h}, {w}], kernel {kh}x{kw}, stride {sh}x{sw}, padding {ph}x{pw}, dilation {dh}x{dw}, bias {bias}, batch {batch}";

            float[] parameters = TestData.Uniform(random, model.ParameterCount);
            float[] x = TestData.Uniform(random, batch * model.InputSize);
            float[] dy = TestData.Uniform(random, batch * model.OutputSize);
            int weights = o * c * kh * kw;
            ReadOnlySpan<float> weight = parameters.AsSpan(0, weights);
            ReadOnlySpan<float> biasValues = bias ? parameters.AsSpan(weights, o) : default;

            ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), [], LayerTestSupport.D(x), batch);
            var y = new float[dy.Length];
            ConvolutionKernels.Forward(x, weight, biasValues, y, batch, g);
            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: forward");

            ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));
            var gradients = new float[parameters.Length];
            var dx = new float[x.Length];
            dx.AsSpan().Fill(float.NaN);
            ConvolutionKernels.Backward(x, weight, dy, gradients.AsSpan(0, weights), bias ? gradients.AsSpan(weights, o) : default, dx, batch, g);
            Tolerance.AssertClose(expected.Parameters, gradients, $"{what}: parameter gradients");
            Tolerance.AssertClose(expected.Inputs, dx, $"{what}: input gradients");

            // Without an input gradient: the same parameter gradients, added again.
            ConvolutionKernels.Backward(x, weight, dy, gradients.AsSpan(0, weights), bias ? gradients.AsSpan(weights, o) : default, default, batch, g);
            Tolerance.AssertClose(expected.Parameters.Select(v => 2 * v).ToArray(), gradients, $"{what}: parameter gradients added twice");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PoolingKernelsMatchTheReference(int seed)
    {
        var random = new Random(seed + 100);
        for (int done = 0; done < CasesPerSeed;)
        {
            bool twoD = random.Next(2) == 0;
            int c = 1 + random.Next(3), h = twoD ? 1 + random.Next(6) : 1, w = 1 + random.Next(30);
            int kernel = 1 + random.Next(4), stride = random.Next(4), padding = random.Next((kernel / 2) + 1);
            int kind = random.Next(3); // max, average counting the padding, average without it
            int batch = 1 + random.Next(3);
            ReferenceModel model;
            try
            {
                ReferenceModule pool = (kind, twoD) switch
                {
                    (0, true) => R.MaxPool2D(kernel, stride, padding),
                    (0, false) => R.MaxPool1D(kernel, stride, padding),
                    (_, true) => R.AvgPool2D(kernel, stride, padding, countIncludePad: kind == 1),
                    (_, false) => R.AvgPool1D(kernel, stride, padding, countIncludePad: kind == 1),
                };
                model = new ReferenceModel(twoD ? [c, h, w] : [c, w], pool);
            }
            catch (ArgumentException)
            {
                continue;
            }

            float[] x = TestData.Uniform(random, batch * model.InputSize);
            ReferenceTrace trace = model.Train([], [], LayerTestSupport.D(x), batch);
            if (trace.Margin() < LayerTestSupport.KinkMargin)
            {
                continue; // a near-tie in a max-pooling window
            }

            done++;
            int s = stride == 0 ? kernel : stride;
            int[] shape = model.OutputShape;
            var g = twoD
                ? new WindowGeometry(c, h, w, c, shape[1], shape[2], kernel, kernel, s, s, padding, padding, 1, 1)
                : new WindowGeometry(c, 1, w, c, 1, shape[1], 1, kernel, 1, s, 0, padding, 1, 1);
            string what = $"seed {seed}: {(kind == 0 ? "max" : kind == 1 ? "average (count_include_pad)" : "average")} pool {(twoD ? "2D" : "1D")} on [{c}, {h}, {w}], kernel {kernel}, stride {s}, padding {padding}, batch {batch}";

            float[] dy = TestData.Uniform(random, batch * model.OutputSize);
            var y = new float[dy.Length];
            var dx = new float[x.Length];
            dx.AsSpan().Fill(float.NaN);
            if (kind == 0)
            {
                PoolingKernels.MaxForward(x, y, batch, g);
                PoolingKernels.MaxBackward(x, dy, dx, batch, g);
            }
            else
            {
                PoolingKernels.AverageForward(x, y, batch, g, countIncludePad: kind == 1);
                PoolingKernels.AverageBackward(dy, dx, batch, g, countIncludePad: kind == 1);
            }

            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: forward");
            Tolerance.AssertClose(trace.Backward(LayerTestSupport.D(dy)).Inputs, dx, $"{what}: input gradients");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NormalizationKernelsMatchTheReference(int seed)
    {
        var random = new Random(seed + 200);
        for (int k = 0; k < CasesPerSeed; k++)
        {
            int channels = 1 + random.Next(5), positions = 1 + random.Next(20), batch = 2 + random.Next(4);
            bool affine = random.Next(3) != 0;
            double eps = random.Next(2) == 0 ? 1e-5 : 1e-2;
            double momentum = random.NextDouble();
            ReferenceModel model = new([channels, positions], R.BatchNorm1D("bn", (float)eps, (float)momentum, affine));
            string what = $"seed {seed}: BatchNorm over [{batch}, {channels}, {positions}], affine {affine}, eps {eps}, momentum {momentum:F3}";
            float[] parameters = affine ? [.. TestData.Uniform(random, channels, 0.5f, 1.5f), .. TestData.Uniform(random, channels, -0.5f, 0.5f)] : [];
            float[] buffers = [.. TestData.Uniform(random, channels, -0.5f, 0.5f), .. TestData.Uniform(random, channels, 0.5f, 1.5f)];
            float[] x = TestData.Uniform(random, batch * channels * positions);
            for (int j = 0; j < x.Length; j++)
            {
                x[j] += (j / positions) % channels; // channels with different means
            }

            float[] dy = TestData.Uniform(random, x.Length);
            ReadOnlySpan<float> weight = affine ? parameters.AsSpan(0, channels) : default;
            ReadOnlySpan<float> bias = affine ? parameters.AsSpan(channels, channels) : default;
            ReferenceTrace trace = model.Train(LayerTestSupport.D(parameters), LayerTestSupport.D(buffers), LayerTestSupport.D(x), batch);
            if (trace.Conditioning() < LayerTestSupport.MinimumConditioning)
            {
                k--;
                continue;
            }

            // [batch, channels, positions] is the layout of the kernels; the oracle's [C, L] samples are the same floats.
            var y = new float[x.Length];
            float[] running = (float[])buffers.Clone();
            var statistics = new BatchNormStatistics(channels);
            NormalizationKernels.BatchNormMoments(x, statistics, batch, channels, positions);
            NormalizationKernels.BatchNormNormalize(x, y, weight, bias, running.AsSpan(0, channels), running.AsSpan(channels, channels), statistics, batch, channels, positions, (float)eps, (float)momentum);
            Tolerance.AssertOutputsClose(trace.Outputs, y, $"{what}: training forward");
            Tolerance.AssertClose(trace.Buffers, running, $"{what}: running statistics");

            ReferenceGradients expected = trace.Backward(LayerTestSupport.D(dy));
            var gradients = new float[parameters.Length];
            var dx = new float[x.Length];
            NormalizationKernels.BatchNormGradientSums(x, dy, affine ? gradients.AsSpan(0, channels) : default, affine ? gradients.AsSpan(channels, channels) : default, statistics, batch, channels, positions, (float)eps);
            NormalizationKernels.BatchNormInputGradient(x, dy, weight, dx, statistics, batch, channels, positions, (float)eps);
            Tolerance.AssertClose(expected.Parameters, gradients, $"{what}: parameter gradients");
            Tolerance.AssertClose(expected.Inputs, dx, $"{what}: input gradients");

            NormalizationKernels.BatchNormInference(x, y, weight, bias, buffers.AsSpan(0, channels), buffers.AsSpan(channels, channels), batch, channels, positions, (float)eps);
            Tolerance.AssertOutputsClose(model.Infer(LayerTestSupport.D(parameters), LayerTestSupport.D(buffers), LayerTestSupport.D(x), batch), y, $"{what}: inference");

            // LayerNorm over each sample of channels x positions floats.
            ReferenceModel layerNorm = new([channels, positions], R.LayerNorm("ln", (float)eps, affine));
            float[] lnParameters = affine ? [.. TestData.Uniform(random, channels * positions, 0.5f, 1.5f), .. TestData.Uniform(random, channels * positions, -0.5f, 0.5f)] : [];
            int features = channels * positions;
            ReadOnlySpan<float> lnWeight = affine ? lnParameters.AsSpan(0, features) : default;
            ReadOnlySpan<float> lnBias = affine ? lnParameters.AsSpan(features, features) : default;
            ReferenceTrace lnTrace = layerNorm.Train(LayerTestSupport.D(lnParameters), [], LayerTestSupport.D(x), batch);
            NormalizationKernels.LayerNormForward(x, y, lnWeight, lnBias, batch, features, (float)eps);
            Tolerance.AssertOutputsClose(lnTrace.Outputs, y, $"{what}: LayerNorm forward");
            ReferenceGradients lnExpected = lnTrace.Backward(LayerTestSupport.D(dy));
            var lnGradients = new float[lnParameters.Length];
            NormalizationKernels.LayerNormBackward(x, dy, lnWeight, affine ? lnGradients.AsSpan(0, features) : default, affine ? lnGradients.AsSpan(features, features) : default, dx, batch, features, (float)eps);
            Tolerance.AssertClose(lnExpected.Parameters, lnGradients, $"{what}: LayerNorm parameter gradients");
            Tolerance.AssertClose(lnExpected.Inputs, dx, $"{what}: LayerNorm input gradients");
        }
    }

    public static TheoryData<string> ActivationNames() => ["LeakyReLU", "ELU", "GELU", "GELUTanh", "SiLU", "Softplus", "Hardswish", "Mish"];

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void ActivationKernelsMatchTheReferenceOverAWideRange(string name)
    {
        // Every length up to 40 (vector remainders). Moderate values, in [-4, 4], are compared as tensors (Tolerance's
        // scale: the derivatives of GELU and SiLU cross zero there as differences of terms of order 0.2, which keep those
        // terms' rounding). Saturating values, 4 <= |x| <= 60 (exponentials that overflow float), have no such
        // cancellation and are compared element by element, each on its own scale.
        var random = new Random(name.Length);
        ReferenceActivation kind = Enum.Parse<ReferenceActivation>(name);
        for (int length = 1; length <= 40; length++)
        {
            float[] moderate = TestData.Uniform(random, length, -4f, 4f).Select(v => Math.Abs(v) < 1e-3f || Math.Abs(Math.Abs(v) - 3f) < 1e-3f ? 0.5f : v).ToArray(); // away from the kinks (0; Hardswish's at -3 and 3)
            float[] saturating = TestData.Uniform(random, length, 4f, 60f).Select(v => random.Next(2) == 0 ? -v : v).ToArray();
            foreach ((float[] x, bool elementwise) in (ValueTuple<float[], bool>[])[(moderate, false), (saturating, true)])
            {
                float[] dy = TestData.Uniform(random, length);
                (float[] y, float[] dx) = Apply(kind, x, dy);
                double[] expected = x.Select(v => ReferenceMath.Activate(kind, Parameter, v)).ToArray();
                double[] expectedDx = x.Select((v, j) => dy[j] * ReferenceMath.Derivative(kind, Parameter, v)).ToArray();
                string what = $"{name}, length {length}, {(elementwise ? "saturating" : "moderate")} inputs [{string.Join(", ", x)}]";
                if (!elementwise)
                {
                    Tolerance.AssertClose(expected, y, $"{what}: forward");
                    Tolerance.AssertClose(expectedDx, dx, $"{what}: input gradients");
                    continue;
                }

                // The floor of 1e-30 accepts the exact zeros of saturation where the true value is below float's range.
                for (int j = 0; j < length; j++)
                {
                    Tolerance.AssertClose([expected[j]], [y[j]], $"{name}({x[j]:R})", floor: 1e-30);
                    Tolerance.AssertClose([expectedDx[j]], [dx[j]], $"{name}'({x[j]:R}) * {dy[j]:R}", floor: 1e-30);
                }
            }
        }
    }

    private const float Parameter = 0.3f; // LeakyReLU's slope, ELU's alpha, Softplus's beta

    private static (float[] Y, float[] Dx) Apply(ReferenceActivation kind, float[] x, float[] dy)
    {
        var y = new float[x.Length];
        var dx = new float[x.Length];
        switch (kind)
        {
            case ReferenceActivation.LeakyReLU:
                ActivationKernels.LeakyReLU(x, y, Parameter);
                ActivationKernels.LeakyReLUBackward(x, dy, dx, Parameter);
                break;
            case ReferenceActivation.ELU:
                ActivationKernels.ELU(x, y, Parameter);
                ActivationKernels.ELUBackward(x, dy, dx, Parameter);
                break;
            case ReferenceActivation.GELU:
                ActivationKernels.GELU(x, y);
                ActivationKernels.GELUBackward(x, dy, dx);
                break;
            case ReferenceActivation.GELUTanh:
                ActivationKernels.GELUTanh(x, y);
                ActivationKernels.GELUTanhBackward(x, dy, dx);
                break;
            case ReferenceActivation.SiLU:
                ActivationKernels.SiLU(x, y);
                ActivationKernels.SiLUBackward(x, dy, dx);
                break;
            case ReferenceActivation.Softplus:
                ActivationKernels.Softplus(x, y, Parameter, (float)ReferenceMath.SoftplusThreshold);
                ActivationKernels.SoftplusBackward(x, dy, dx, Parameter, (float)ReferenceMath.SoftplusThreshold);
                break;
            case ReferenceActivation.Hardswish:
                ActivationKernels.Hardswish(x, y);
                ActivationKernels.HardswishBackward(x, dy, dx);
                break;
            case ReferenceActivation.Mish:
                ActivationKernels.Mish(x, y);
                ActivationKernels.MishBackward(x, dy, dx);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "No kernel for this activation in the sweep.");
        }

        return (y, dx);
    }
}
