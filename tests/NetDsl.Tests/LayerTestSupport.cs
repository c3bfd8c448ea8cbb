using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit.Sdk;

namespace NetDsl.Tests;

/// <summary>What the layer-catalog tests share: model preparation, inputs away from kinks, reading dropout masks back, comparisons.</summary>
internal static class LayerTestSupport
{
    /// <summary>The batch sizes of the layer theories: 1 (where training allows it), 2, and the odd 3 and 5.</summary>
    public static readonly int[] BatchSizes = [1, 2, 3, 5];

    /// <summary>The seeds of the layer theories.</summary>
    public static readonly int[] Seeds = [1, 7];

    /// <summary>
    /// The smallest distance from a kink (|input| of ReLU/LeakyReLU/ELU(alpha != 1), the gap between a max-pooling
    /// window's two largest values) that test inputs keep in double. Float rounding moves these values by about 1e-6 of
    /// their scale (1), so 1e-4 leaves a factor of 100 and still lets a batch of windows pass in a few draws.
    /// </summary>
    public const double KinkMargin = 1e-4;

    /// <summary>
    /// The smallest conditioning (<see cref="ReferenceTrace.Conditioning"/>: a channel's sqrt(var + eps) over the root
    /// mean square of its values) that training batches through batch normalization keep. Normalizing magnifies the float
    /// rounding of the input, which is relative to the values, by about the inverse: a channel whose values nearly coincide
    /// (two samples of a BatchNorm1D on [C]; averages of ReLU outputs, all positive) would turn the ~1e-6 error of a
    /// 120-term float sum into 1e-5. 0.1 caps that magnification at 10 and still accepts a sixth to two fifths of random
    /// batches of two. The remaining ill-conditioning of such batches (the cancellation in the backward pass, which this
    /// ratio does not see) is measured instead: <see cref="MeasureSensitivity"/>. PyTorch in float has the same sensitivity.
    /// </summary>
    public const double MinimumConditioning = 0.1;

    public static double[] D(ReadOnlySpan<float> values) => ReferenceNetwork.ToDouble(values);

    /// <summary>
    /// <c>new T(seed)</c>, with the normalization layers' affine parameters (initialized to the constants 1 and 0, which
    /// would hide a mix-up of weight and bias) drawn at random: weights in [0.5, 1.5], biases in [-0.5, 0.5].
    /// </summary>
    public static INetwork Create(LayerCase c, int seed)
    {
        INetwork model = c.Create(seed);
        var random = new Random(seed + 1000);
        foreach (TensorInfo tensor in model.ParameterTensors)
        {
            Span<float> values = model.Parameters.Slice(tensor.Offset, tensor.Length);
            if (values.IndexOfAnyExcept(1f) < 0)
            {
                TestData.Uniform(random, values.Length, 0.5f, 1.5f).CopyTo(values);
            }
            else if (values.IndexOfAnyExcept(0f) < 0)
            {
                TestData.Uniform(random, values.Length, -0.5f, 0.5f).CopyTo(values);
            }
        }

        return model;
    }

    /// <summary>Running statistics as after some training: means in [-0.5, 0.5], variances in [0.5, 1.5].</summary>
    public static void RandomizeBuffers(INetwork model, Random random)
    {
        foreach (TensorInfo tensor in model.BufferTensors)
        {
            bool variance = tensor.Name.EndsWith(".running_var", StringComparison.Ordinal);
            TestData.Uniform(random, tensor.Length, variance ? 0.5f : -0.5f, variance ? 1.5f : 0.5f).CopyTo(model.Buffers.Slice(tensor.Offset, tensor.Length));
        }
    }

    /// <summary>Masks that keep everything: the training-mode margin before any dropout does not depend on them.</summary>
    public static bool[][] KeepAll(ReferenceModel reference, int batch) =>
        reference.Dropouts.Select(d => Enumerable.Repeat(true, batch * d.Width).ToArray()).ToArray();

    /// <summary>
    /// Inputs uniform in [-1, 1] for <paramref name="batch"/> samples, redrawn until the batch is at least
    /// <see cref="KinkMargin"/> from every kink in inference mode and, when <paramref name="training"/>, in training mode
    /// (batch statistics; the test networks have no kink after a dropout, so the masks do not matter), where batch
    /// normalization must also be conditioned at least <see cref="MinimumConditioning"/>.
    /// </summary>
    public static float[] Inputs(LayerCase c, INetwork model, int batch, Random random, bool training)
    {
        ReferenceModel reference = c.Reference;
        double[] p = D(model.Parameters);
        double[] buffers = D(model.Buffers);
        for (int attempt = 0; ; attempt++)
        {
            float[] inputs = TestData.Uniform(random, batch * c.InputSize);
            if (!reference.HasKinks && !(training && reference.HasBatchNorm))
            {
                return inputs;
            }

            double[] x = D(inputs);
            double margin = reference.Run(ReferenceMode.Inference, p, buffers, x, batch, null).Margin();
            double conditioning = double.PositiveInfinity;
            if (training && batch >= c.MinimumTrainingBatch)
            {
                ReferenceTrace trace = reference.Train(p, buffers, x, batch, KeepAll(reference, batch));
                margin = Math.Min(margin, trace.Margin());
                conditioning = trace.Conditioning();
            }

            if (margin > KinkMargin && conditioning > MinimumConditioning)
            {
                return inputs;
            }

            if (attempt == 2000)
            {
                throw new InvalidOperationException($"{c.Name}: no inputs away from the kinks were found for a batch of {batch}.");
            }
        }
    }

    /// <summary>
    /// Reads back which elements each dropout kept in the model's last <c>ForwardTraining</c>, from its observable behaviour
    /// only. A dropout followed by a Linear layer: Backward with an output gradient that is non-zero for sample n only
    /// gives that Linear the weight gradient <c>dz[n, o] * d[n, i]</c>, where <c>d</c> is the dropout's output (the other
    /// samples contribute exact zeros when nothing after the dropout mixes samples); in the row o with the largest
    /// gradient, <c>d[n, i] = kept ? x[n, i] / (1 - p) : 0</c> is zero exactly where the element was dropped (the test
    /// inputs of a dropout are never exactly zero). A dropout at the end of the network shows its mask in the outputs.
    /// The gradients are restored afterwards.
    /// </summary>
    public static bool[][] ReadDropoutMasks(LayerCase c, INetwork model, int batch, float[] outputs)
    {
        ReferenceModel reference = c.Reference;
        IReadOnlyList<(int WeightOffset, int InFeatures, int OutFeatures)?> followers = reference.DropoutFollowers();
        var masks = reference.Dropouts.Select(d => new bool[batch * d.Width]).ToArray();
        float[] saved = model.Gradients.ToArray();
        var random = new Random(batch);
        for (int n = 0; n < batch; n++)
        {
            var dy = new float[batch * c.OutputSize];
            for (int o = 0; o < c.OutputSize; o++)
            {
                dy[(n * c.OutputSize) + o] = (random.Next(2) == 0 ? 1 : -1) * (0.5f + (0.5f * random.NextSingle()));
            }

            model.ZeroGradients();
            model.Backward(dy);
            for (int k = 0; k < masks.Length; k++)
            {
                int width = reference.Dropouts[k].Width;
                if (followers[k] is not { } linear)
                {
                    if (k != masks.Length - 1 || width != c.OutputSize)
                    {
                        throw new InvalidOperationException($"{c.Name}: dropout {k} is neither followed by a Linear layer nor the network's output.");
                    }

                    for (int i = 0; i < width; i++)
                    {
                        masks[k][(n * width) + i] = outputs[(n * width) + i] != 0f;
                    }

                    continue;
                }

                float[] g = model.Gradients.Slice(linear.WeightOffset, linear.InFeatures * linear.OutFeatures).ToArray();
                int row = Enumerable.Range(0, linear.OutFeatures).MaxBy(o => Enumerable.Range(0, width).Sum(i => Math.Abs((double)g[(o * width) + i])));
                if (g.AsSpan(row * width, width).IndexOfAnyExcept(0f) < 0)
                {
                    throw new InvalidOperationException($"{c.Name}: the gradient of the Linear layer after dropout {k} is zero for sample {n}; the mask cannot be read.");
                }

                for (int i = 0; i < width; i++)
                {
                    masks[k][(n * width) + i] = g[(row * width) + i] != 0f;
                }
            }
        }

        saved.CopyTo(model.Gradients);
        return masks;
    }

    /// <summary>
    /// How far the oracle's own training results move when its inputs and parameters are perturbed by float rounding
    /// (each value times 1 + u 2^-24, u uniform in [-1, 1], four draws): the largest change of the outputs, of each
    /// parameter tensor's gradient (by name) and of the input gradient. Usually 1e-7 to 5e-7 of each tensor's scale; more
    /// where the point is ill-conditioned: with two samples, BatchNorm1D on [C] maps each channel to about +-1 whatever its
    /// inputs, and the gradient that reaches its input is the O(eps) remainder of a cancellation, sensitive to the last
    /// bits of those inputs (measured: 5e-6 of its scale, where NetDsl's float error was 1.6e-5).
    /// </summary>
    public static Sensitivity MeasureSensitivity(LayerCase c, double[] parameters, double[] buffers, double[] inputs, int batch, bool[][]? masks, double[] outputGradients)
    {
        ReferenceModel reference = c.Reference;
        ReferenceTrace clean = reference.Train(parameters, buffers, inputs, batch, masks);
        ReferenceGradients cleanGradients = clean.Backward(outputGradients);
        var random = new Random(2024);
        double outputs = 0, inputGradients = 0;
        var tensors = reference.ParameterTensors.ToDictionary(t => t.Name, _ => 0.0);
        double[] Perturb(double[] values) => values.Select(v => v * (1 + (Math.ScaleB(1, -24) * ((2 * random.NextDouble()) - 1)))).ToArray();
        for (int draw = 0; draw < 4; draw++)
        {
            ReferenceTrace trace = reference.Train(Perturb(parameters), buffers, Perturb(inputs), batch, masks);
            ReferenceGradients gradients = trace.Backward(outputGradients);
            outputs = Math.Max(outputs, MaxDifference(clean.Outputs, trace.Outputs, 0, clean.Outputs.Length));
            inputGradients = Math.Max(inputGradients, MaxDifference(cleanGradients.Inputs, gradients.Inputs, 0, inputs.Length));
            foreach (ReferenceTensor tensor in reference.ParameterTensors)
            {
                tensors[tensor.Name] = Math.Max(tensors[tensor.Name], MaxDifference(cleanGradients.Parameters, gradients.Parameters, tensor.Offset, tensor.Length));
            }
        }

        return new Sensitivity(outputs, tensors, inputGradients);
    }

    /// <summary>
    /// Training results against expected values (the oracle's, or another emit path's): outputs (scale floored at 1), every
    /// parameter tensor's gradient, one tensor at a time so that a wrong tensor is named (scale floored at the largest
    /// gradient of the whole network, see <see cref="Tolerance"/>: a tensor can be tiny or theoretically zero, a
    /// convolution bias followed by batch normalization, and still carry the rounding error of the large terms that cancel
    /// in it), and the input gradient. Each bound is also at least <see cref="SensitivityFactor"/> times the oracle's
    /// <see cref="Sensitivity"/> for that tensor: NetDsl rounds every intermediate value, not only its inputs and
    /// parameters, and cannot be expected to be better conditioned than the function it computes.
    /// </summary>
    public static void AssertTraining(LayerCase c, double[] expectedOutputs, double[] expectedParameters, double[] expectedInputs, Sensitivity sensitivity,
        ReadOnlySpan<float> outputs, ReadOnlySpan<float> parameterGradients, ReadOnlySpan<float> inputGradients, string what)
    {
        Tolerance.AssertClose(expectedOutputs, outputs, $"{what}: outputs", Math.Max(1, Floor(sensitivity.Outputs)));
        double largest = expectedParameters.Select(Math.Abs).DefaultIfEmpty(0).Max();
        foreach (ReferenceTensor tensor in c.Reference.ParameterTensors)
        {
            Tolerance.AssertClose(expectedParameters.AsSpan(tensor.Offset, tensor.Length), parameterGradients.Slice(tensor.Offset, tensor.Length), $"{what}: {tensor.Name}.grad",
                Math.Max(largest, Floor(sensitivity.Parameters[tensor.Name])));
        }

        Tolerance.AssertClose(expectedInputs, inputGradients, $"{what}: input gradients", Floor(sensitivity.Inputs));
    }

    /// <summary>The safety factor over the oracle's sensitivity to float-rounded inputs and parameters; measured worst ratio of NetDsl's error to it: 3.5.</summary>
    public const double SensitivityFactor = 10;

    // A scale floor whose 1e-5 is SensitivityFactor times the deviation.
    private static double Floor(double deviation) => SensitivityFactor * deviation / Tolerance.Relative;

    private static double MaxDifference(double[] a, double[] b, int offset, int length)
    {
        double max = 0;
        for (int j = offset; j < offset + length; j++)
        {
            max = Math.Max(max, Math.Abs(a[j] - b[j]));
        }

        return max;
    }

    /// <summary>The running statistics, tensor by tensor, each on its own scale (means and variances are of order 0.1 to 1).</summary>
    public static void AssertBuffers(LayerCase c, double[] expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: expected {expected.Length} buffer values, got {actual.Length}.");
        }

        foreach (ReferenceTensor tensor in c.Reference.BufferTensors)
        {
            Tolerance.AssertClose(expected.AsSpan(tensor.Offset, tensor.Length), actual.Slice(tensor.Offset, tensor.Length), $"{what}: {tensor.Name}");
        }
    }
}

/// <summary>The largest changes of a training pass's results under float-sized perturbations of its inputs and parameters.</summary>
internal sealed record Sensitivity(double Outputs, Dictionary<string, double> Parameters, double Inputs);
