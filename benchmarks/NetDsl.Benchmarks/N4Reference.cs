using System;

namespace NetDsl.Benchmarks;

/// <summary>
/// The oracle of N4's training-step checks: forward, softmax cross-entropy (mean over the batch) and backward of N4
/// (<see cref="N4Net"/>) in plain double-precision loops, written independently of NetDsl, with the dropout masks
/// given (read back from the system under check by <see cref="DropoutMaskReader"/>), so that a system drawing its own
/// masks can be compared. Not a benchmark peer: it is far too slow to time. Parameters in PyTorch's state_dict order:
/// conv1.weight [32, 1, 3, 3], conv1.bias, conv2.weight [64, 32, 3, 3], conv2.bias, conv3.weight [64, 64, 3, 3],
/// conv3.bias, fc.weight [10, 576], fc.bias.
/// </summary>
public static class N4Reference
{
    /// <summary>Features entering the dropout (64 x 3 x 3).</summary>
    public const int Features = 64 * 3 * 3;

    /// <summary>Classes (outputs).</summary>
    public const int Classes = 10;

    /// <summary>N4's dropout probability.</summary>
    public const float DropoutProbability = 0.3f;

    private static readonly Stage[] s_stages =
    [
        new(1, 32, 28), // conv1 on 28x28, pooled to 14x14
        new(32, 64, 14), // conv2 on 14x14, pooled to 7x7
        new(64, 64, 7), // conv3 on 7x7, pooled to 3x3 (the last row and column are never read)
    ];

    /// <summary>The offset of the fully connected layer's weight in the flat parameters.</summary>
    public static int LinearWeightOffset { get; } = StageOffsets()[^1];

    /// <summary>The number of parameters.</summary>
    public static int ParameterCount { get; } = LinearWeightOffset + Classes * Features + Classes;

    /// <summary>
    /// One training pass on <paramref name="batch"/> samples: the mean cross-entropy loss and its gradient with respect
    /// to every parameter, with dropout keeping element <c>i</c> of sample <c>n</c> (scaled by <c>1/(1-p)</c>) where
    /// <c>keep[n * 576 + i]</c>.
    /// </summary>
    public static (double Loss, double[] Gradients) TrainingPass(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> targets, ReadOnlySpan<bool> keep, int batch)
    {
        if (parameters.Length != ParameterCount || x.Length != batch * 28 * 28 || targets.Length != batch || keep.Length != batch * Features)
        {
            throw new ArgumentException($"Expected {ParameterCount} parameters, {batch} samples of 784 floats, {batch} targets and {batch * Features} mask elements.");
        }

        double[] p = ToDouble(parameters);
        var gradients = new double[ParameterCount];
        int[] offsets = StageOffsets();
        double scale = 1f / (1f - DropoutProbability); // as NetDsl and PyTorch compute it, in float
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            // Forward, keeping every stage's activations for the backward pass.
            var inputs = new double[s_stages.Length + 1][];
            var activations = new double[s_stages.Length][];
            var winners = new int[s_stages.Length][];
            inputs[0] = ToDouble(x.Slice(n * 784, 784));
            for (int s = 0; s < s_stages.Length; s++)
            {
                Stage stage = s_stages[s];
                activations[s] = stage.ConvolveAndReLU(inputs[s], p, offsets[s]);
                (inputs[s + 1], winners[s]) = stage.Pool(activations[s]);
            }

            double[] features = inputs[^1];
            var dropped = new double[Features];
            for (int i = 0; i < Features; i++)
            {
                dropped[i] = keep[n * Features + i] ? features[i] * scale : 0;
            }

            var logits = new double[Classes];
            for (int o = 0; o < Classes; o++)
            {
                double sum = p[LinearWeightOffset + Classes * Features + o];
                for (int i = 0; i < Features; i++)
                {
                    sum += p[LinearWeightOffset + o * Features + i] * dropped[i];
                }

                logits[o] = sum;
            }

            // Softmax cross-entropy, mean over the batch.
            double max = double.NegativeInfinity;
            foreach (double logit in logits)
            {
                max = Math.Max(max, logit);
            }

            double total = 0;
            foreach (double logit in logits)
            {
                total += Math.Exp(logit - max);
            }

            int target = (int)targets[n];
            loss += (max + Math.Log(total) - logits[target]) / batch;
            var dLogits = new double[Classes];
            for (int o = 0; o < Classes; o++)
            {
                dLogits[o] = (Math.Exp(logits[o] - max) / total - (o == target ? 1 : 0)) / batch;
            }

            // Backward.
            var dFeatures = new double[Features];
            for (int o = 0; o < Classes; o++)
            {
                gradients[LinearWeightOffset + Classes * Features + o] += dLogits[o];
                for (int i = 0; i < Features; i++)
                {
                    gradients[LinearWeightOffset + o * Features + i] += dLogits[o] * dropped[i];
                    dFeatures[i] += p[LinearWeightOffset + o * Features + i] * dLogits[o];
                }
            }

            for (int i = 0; i < Features; i++)
            {
                dFeatures[i] = keep[n * Features + i] ? dFeatures[i] * scale : 0;
            }

            double[] dPooled = dFeatures;
            for (int s = s_stages.Length - 1; s >= 0; s--)
            {
                double[] dActivation = s_stages[s].PoolBackward(dPooled, winners[s], activations[s]);
                dPooled = s_stages[s].ConvolutionBackward(inputs[s], dActivation, p, offsets[s], gradients, withInputGradient: s > 0);
            }
        }

        return (loss, gradients);
    }

    /// <summary>
    /// From <paramref name="initial"/> parameters, a step that returned <paramref name="loss"/>, left
    /// <paramref name="gradients"/> and <paramref name="updated"/> parameters must match the oracle's on the same masks
    /// and SGD with <paramref name="learningRate"/>.
    /// </summary>
    public static void CheckStep(string what, float[] initial, float[] x, float[] targets, bool[] keep, int batch, float learningRate, float loss, float[] gradients, float[] updated)
    {
        (double referenceLoss, double[] referenceGradients) = TrainingPass(initial, x, targets, keep, batch);
        var expectedGradients = new float[referenceGradients.Length];
        var expectedUpdated = new float[referenceGradients.Length];
        for (int i = 0; i < expectedGradients.Length; i++)
        {
            expectedGradients[i] = (float)referenceGradients[i];
            expectedUpdated[i] = (float)(initial[i] - learningRate * referenceGradients[i]);
        }

        // Check.Same names its second argument NetDsl's result; here the oracle is the reference, so say so.
        Check.Same($"{what} loss vs the double-precision reference", [loss], [(float)referenceLoss]);
        Check.Same($"{what} gradients vs the double-precision reference", gradients, expectedGradients);
        Check.Same($"{what} updated parameters vs the double-precision reference", updated, expectedUpdated);
    }

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>Each stage's weight offset, then the fully connected layer's.</summary>
    private static int[] StageOffsets()
    {
        var offsets = new int[s_stages.Length + 1];
        for (int s = 0; s < s_stages.Length; s++)
        {
            offsets[s + 1] = offsets[s] + s_stages[s].ParameterCount;
        }

        return offsets;
    }

    /// <summary>Conv2d(in, out, 3, padding 1) - ReLU - MaxPool2d(2) on a square map.</summary>
    private readonly record struct Stage(int In, int Out, int Size)
    {
        private const int K = 3;

        public int ParameterCount => Out * In * K * K + Out;

        private int Pooled => Size / 2;

        public double[] ConvolveAndReLU(double[] x, double[] p, int offset)
        {
            int bias = offset + Out * In * K * K;
            var y = new double[Out * Size * Size];
            for (int oc = 0; oc < Out; oc++)
            for (int oh = 0; oh < Size; oh++)
            for (int ow = 0; ow < Size; ow++)
            {
                double sum = p[bias + oc];
                for (int ic = 0; ic < In; ic++)
                for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++)
                {
                    int ih = oh + kh - 1, iw = ow + kw - 1;
                    if (ih >= 0 && ih < Size && iw >= 0 && iw < Size)
                    {
                        sum += p[offset + ((oc * In + ic) * K + kh) * K + kw] * x[(ic * Size + ih) * Size + iw];
                    }
                }

                y[(oc * Size + oh) * Size + ow] = Math.Max(sum, 0);
            }

            return y;
        }

        public (double[] Pooled, int[] Winners) Pool(double[] a)
        {
            var pooled = new double[Out * Pooled * Pooled];
            var winners = new int[pooled.Length];
            for (int c = 0; c < Out; c++)
            for (int ph = 0; ph < Pooled; ph++)
            for (int pw = 0; pw < Pooled; pw++)
            {
                int best = (c * Size + 2 * ph) * Size + 2 * pw;
                for (int dh = 0; dh < 2; dh++)
                for (int dw = 0; dw < 2; dw++)
                {
                    int at = (c * Size + 2 * ph + dh) * Size + 2 * pw + dw;
                    if (a[at] > a[best])
                    {
                        best = at;
                    }
                }

                int index = (c * Pooled + ph) * Pooled + pw;
                pooled[index] = a[best];
                winners[index] = best;
            }

            return (pooled, winners);
        }

        /// <summary>The gradient at the convolution's output (before ReLU) from the gradient of the pooled map.</summary>
        public double[] PoolBackward(double[] dPooled, int[] winners, double[] activation)
        {
            var d = new double[activation.Length];
            for (int i = 0; i < dPooled.Length; i++)
            {
                if (activation[winners[i]] > 0)
                {
                    d[winners[i]] += dPooled[i];
                }
            }

            return d;
        }

        /// <summary>Adds the weight and bias gradients; returns the input gradient (null when not asked for).</summary>
        public double[] ConvolutionBackward(double[] x, double[] dz, double[] p, int offset, double[] gradients, bool withInputGradient)
        {
            int bias = offset + Out * In * K * K;
            double[] dx = withInputGradient ? new double[In * Size * Size] : null!;
            for (int oc = 0; oc < Out; oc++)
            for (int oh = 0; oh < Size; oh++)
            for (int ow = 0; ow < Size; ow++)
            {
                double g = dz[(oc * Size + oh) * Size + ow];
                if (g == 0)
                {
                    continue;
                }

                gradients[bias + oc] += g;
                for (int ic = 0; ic < In; ic++)
                for (int kh = 0; kh < K; kh++)
                for (int kw = 0; kw < K; kw++)
                {
                    int ih = oh + kh - 1, iw = ow + kw - 1;
                    if (ih >= 0 && ih < Size && iw >= 0 && iw < Size)
                    {
                        int w = offset + ((oc * In + ic) * K + kh) * K + kw;
                        gradients[w] += g * x[(ic * Size + ih) * Size + iw];
                        if (withInputGradient)
                        {
                            dx[(ic * Size + ih) * Size + iw] += g * p[w];
                        }
                    }
                }
            }

            return dx;
        }
    }
}
