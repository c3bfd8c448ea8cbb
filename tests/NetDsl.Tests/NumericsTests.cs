using System;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The generated networks against the independent double-precision reference: every forward entry point, every
/// parameter gradient, the input gradient, the MSE loss and an SGD step, on every test network, emitted along every
/// path, over several seeds and batch sizes. Tolerances: see <see cref="Tolerance"/>.
/// </summary>
public sealed class NumericsTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    public static TheoryData<string, int, int> NetworkSeedBatch()
    {
        var data = new TheoryData<string, int, int>();
        foreach (NetworkCase c in Networks.All)
        {
            foreach (int seed in TestData.Seeds)
            {
                foreach (int batch in TestData.BatchSizes)
                {
                    data.Add(c.Name, seed, batch);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, int> ArchitectureBatch()
    {
        var data = new TheoryData<string, int>();
        foreach (string architecture in Networks.Architectures)
        {
            foreach (int batch in TestData.BatchSizes)
            {
                data.Add(architecture, batch);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NetworkSeedBatch))]
    public void EveryForwardEntryPointMatchesTheReference(string name, int seed, int batch)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed);
        var random = new Random((seed * 1000) + (batch * 10) + 1);
        float[] inputs = TestData.InputsAwayFromKinks(c.Reference, model.Parameters, batch, random);
        double[] expected = c.Reference.Forward(ReferenceNetwork.ToDouble(model.Parameters), ReferenceNetwork.ToDouble(inputs), batch);
        int inSize = c.InputSize;
        int outSize = c.OutputSize;

        var outputs = new float[batch * outSize];
        model.ForwardBatch(inputs, outputs);
        Tolerance.AssertOutputsClose(expected, outputs, $"{name}.ForwardBatch");

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<double> expectedSample = expected.AsSpan(n * outSize, outSize);
            var output = new float[outSize];
            model.Forward(inputs.AsSpan(n * inSize, inSize), output);
            Tolerance.AssertOutputsClose(expectedSample, output, $"{name}.Forward(span, span), sample {n}");

            float[] typed = c.ForwardTyped(model, inputs.AsSpan(n * inSize, inSize).ToArray());
            Tolerance.AssertOutputsClose(expectedSample, typed, $"{name}.Forward(in Input), sample {n}");
        }

        var trainingOutputs = new float[batch * outSize];
        model.ForwardTraining(inputs, trainingOutputs);
        Tolerance.AssertOutputsClose(expected, trainingOutputs, $"{name}.ForwardTraining");
    }

    [Theory]
    [MemberData(nameof(NetworkSeedBatch))]
    public void MeanSquaredErrorLossGradientsAndSgdStepMatchTheReference(string name, int seed, int batch)
    {
        NetworkCase c = Networks.Get(name);
        ReferenceNetwork reference = c.Reference;
        INetwork model = c.Create(seed);
        var random = new Random((seed * 1000) + (batch * 10) + 2);
        float[] inputs = TestData.InputsAwayFromKinks(reference, model.Parameters, batch, random);
        float[] targets = TestData.Uniform(random, batch * c.OutputSize);
        double[] parameters = ReferenceNetwork.ToDouble(model.Parameters);
        double[] x = ReferenceNetwork.ToDouble(inputs);
        double[] t = ReferenceNetwork.ToDouble(targets);

        // NetDsl, entirely in float: outputs, MSE loss and its gradient, back-propagation.
        var outputs = new float[batch * c.OutputSize];
        model.ForwardTraining(inputs, outputs);
        float loss = Mse.Compute(outputs, targets);
        var outputGradients = new float[outputs.Length];
        Mse.ComputeWithGradient(outputs, targets, outputGradients);
        var inputGradients = new float[inputs.Length];
        inputGradients.AsSpan().Fill(float.NaN); // must be overwritten
        model.Backward(outputGradients, inputGradients);

        // The reference in double. The loss end to end (double outputs); MeanSquaredErrorLoss on the very outputs NetDsl produced;
        // and the backward pass given the very output gradient NetDsl received. (A reference dy from the double outputs
        // would differ from NetDsl's by the outputs' float error times 2/n, which is large relative to dy whenever a
        // prediction happens to be close to its target; that is the loss's conditioning, not an error of Backward.)
        double[] expectedOutputs = reference.Forward(parameters, x, batch);
        Tolerance.AssertLossClose(ReferenceNetwork.MseLoss(expectedOutputs, t), loss, $"{name} MSE loss against the reference");
        double[] actualOutputs = ReferenceNetwork.ToDouble(outputs);
        Tolerance.AssertClose([ReferenceNetwork.MseLoss(actualOutputs, t)], [loss], $"{name} MeanSquaredErrorLoss.Compute");
        Tolerance.AssertClose(ReferenceNetwork.MseGradient(actualOutputs, t), outputGradients, $"{name} MeanSquaredErrorLoss.ComputeWithGradient");
        ReferenceGradients expected = reference.Backward(parameters, x, batch, ReferenceNetwork.ToDouble(outputGradients));
        Tolerance.AssertClose(expected.Parameters, model.Gradients, $"{name}.Gradients");
        Tolerance.AssertClose(expected.Inputs, inputGradients, $"{name} input gradients");

        // Per layer, through the typed views: the same numbers under their PyTorch names. A layer's tensor can be tiny
        // (fc2.weight of the seed network has two elements, dy * h, with h a small ReLU output whose float value is
        // only good to ~1e-7 absolute), so its scale is floored at the largest gradient of the whole network.
        double gradientFloor = expected.Parameters.Max(Math.Abs);
        LinearLayerView[] layers = c.LinearLayers(model);
        int linear = 0;
        for (int k = 0; k < reference.Layers.Count; k++)
        {
            ReferenceLayer layer = reference.Layers[k];
            if (layer.Kind != ReferenceLayerKind.Linear)
            {
                continue;
            }

            LinearLayerView view = layers[linear++];
            int offset = reference.ParameterOffset(k);
            int weights = layer.InFeatures * layer.OutFeatures;
            Tolerance.AssertClose(expected.Parameters.AsSpan(offset, weights), view.WeightGradient.AsSpan(), $"{name}: {view.WeightGradient.Name}", gradientFloor);
            if (layer.HasBias)
            {
                Tolerance.AssertClose(expected.Parameters.AsSpan(offset + weights, layer.OutFeatures), view.BiasGradient.AsSpan(), $"{name}: {view.BiasGradient.Name}", gradientFloor);
            }
        }

        // The overload without input gradients adds exactly the same parameter gradients.
        INetwork twin = c.Create(seed);
        twin.ForwardTraining(inputs, new float[outputs.Length]);
        twin.Backward(outputGradients);
        Assert.True(twin.Gradients.SequenceEqual(model.Gradients), $"{name}: Backward(dy) and Backward(dy, dx) differ in the parameter gradients.");

        // One SGD step: p <- p - lr * g. The update is compared with the reference's, and the stored result may also be
        // off by the float rounding of p itself (half an ulp, below 1.2e-7 |p|).
        const float learningRate = 0.5f;
        new Sgd(learningRate).Step(model);
        double[] stepped = ReferenceNetwork.SgdStep(parameters, expected.Parameters, learningRate);
        for (int j = 0; j < stepped.Length; j++)
        {
            double bound = (Tolerance.Relative * learningRate * gradientFloor) + (1.2e-7 * Math.Abs(parameters[j]));
            if (!(Math.Abs(model.Parameters[j] - stepped[j]) <= bound))
            {
                Assert.Fail($"{name}: SGD step of parameter {j}: expected {stepped[j]:R}, got {model.Parameters[j]:R}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ArchitectureBatch))]
    public void UnrolledAndKernelPathsAgree(string architecture, int batch) =>
        CheckPathsAgree(architecture, batch, seed: 99, dataSeed: (Networks.Architectures.ToList().IndexOf(architecture) * 100) + batch);

    internal static void CheckPathsAgree(string architecture, int batch, int seed, int dataSeed)
    {
        NetworkCase[] variants = [Networks.Get(architecture, EmitPath.Default), Networks.Get(architecture, EmitPath.Kernels), Networks.Get(architecture, EmitPath.Unrolled)];
        INetwork[] models = variants.Select(v => v.Create(0)).ToArray();
        INetwork source = variants[0].Create(seed);
        foreach (INetwork model in models)
        {
            source.Parameters.CopyTo(model.Parameters);
        }

        var random = new Random(dataSeed);
        float[] inputs = TestData.InputsAwayFromKinks(variants[0].Reference, source.Parameters, batch, random);
        float[] outputGradients = TestData.Uniform(random, batch * variants[0].OutputSize);

        var outputs = new float[models.Length][];
        var trainingOutputs = new float[models.Length][];
        var inputGradients = new float[models.Length][];
        for (int m = 0; m < models.Length; m++)
        {
            outputs[m] = new float[batch * variants[m].OutputSize];
            models[m].ForwardBatch(inputs, outputs[m]);
            trainingOutputs[m] = new float[outputs[m].Length];
            models[m].ForwardTraining(inputs, trainingOutputs[m]);
            inputGradients[m] = new float[inputs.Length];
            models[m].Backward(outputGradients, inputGradients[m]);
        }

        // The unrolled variant is the yardstick; the other two must agree with it to float rounding.
        for (int m = 0; m < 2; m++)
        {
            string what = $"{variants[m].Name} against {variants[2].Name}";
            Tolerance.AssertOutputsClose(outputs[2], outputs[m], $"{what}: ForwardBatch");
            Tolerance.AssertOutputsClose(trainingOutputs[2], trainingOutputs[m], $"{what}: ForwardTraining");
            Tolerance.AssertClose(models[2].Gradients, models[m].Gradients, $"{what}: parameter gradients");
            Tolerance.AssertClose(inputGradients[2], inputGradients[m], $"{what}: input gradients");
        }
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroed(string name) => CheckAccumulation(name, seed: 5);

    internal static void CheckAccumulation(string name, int seed)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed);
        const int batch = 3;
        var random = new Random(seed);
        float[] inputs = TestData.InputsAwayFromKinks(c.Reference, model.Parameters, batch, random);
        float[] outputGradients = TestData.Uniform(random, batch * c.OutputSize);
        var outputs = new float[batch * c.OutputSize];

        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0, "A new network's gradients are not zero.");
        model.ForwardTraining(inputs, outputs);
        model.Backward(outputGradients);
        float[] once = model.Gradients.ToArray();
        Assert.True(once.Any(g => g != 0f), "The backward pass produced no gradient.");

        // The recording stays valid: a second Backward adds the same gradients again.
        model.Backward(outputGradients, new float[inputs.Length]);
        Tolerance.AssertClose(once.Select(g => 2.0 * g).ToArray(), model.Gradients, $"{name}: gradients after two Backward calls");

        model.ZeroGradients();
        Assert.True(model.Gradients.IndexOfAnyExcept(0f) < 0, "ZeroGradients left a non-zero gradient.");

        // From zero, the same pass gives the same gradients, bit for bit.
        model.ForwardTraining(inputs, outputs);
        model.Backward(outputGradients);
        Assert.True(model.Gradients.SequenceEqual(once), $"{name}: the same pass after ZeroGradients gave different gradients.");

        // Two different batches add up: g(A) + g(B), as the reference computes them.
        model.ZeroGradients();
        float[] otherInputs = TestData.InputsAwayFromKinks(c.Reference, model.Parameters, 7, random);
        float[] otherGradients = TestData.Uniform(random, 7 * c.OutputSize);
        model.ForwardTraining(inputs, outputs);
        model.Backward(outputGradients);
        model.ForwardTraining(otherInputs, new float[7 * c.OutputSize]);
        model.Backward(otherGradients);
        double[] p = ReferenceNetwork.ToDouble(model.Parameters);
        double[] first = c.Reference.Backward(p, ReferenceNetwork.ToDouble(inputs), batch, ReferenceNetwork.ToDouble(outputGradients)).Parameters;
        double[] second = c.Reference.Backward(p, ReferenceNetwork.ToDouble(otherInputs), 7, ReferenceNetwork.ToDouble(otherGradients)).Parameters;
        Tolerance.AssertClose(first.Zip(second, (a, b) => a + b).ToArray(), model.Gradients, $"{name}: gradients of two batches");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void BatchGradientIsTheMeanOfTheSampleGradients(string name) => CheckBatchMean(name, seed: 11);

    internal static void CheckBatchMean(string name, int seed)
    {
        // MeanSquaredErrorLoss averages over every element of the batch, so the gradient of a batch of B samples must be the mean of
        // the B single-sample gradients (each sample's loss averaging over its own outputs), as PyTorch's is. The
        // expected value is built from the reference one sample at a time, never from NetDsl.
        NetworkCase c = Networks.Get(name);
        ReferenceNetwork reference = c.Reference;
        INetwork model = c.Create(seed);
        const int batch = 7;
        var random = new Random(seed);
        float[] inputs = TestData.InputsAwayFromKinks(reference, model.Parameters, batch, random);
        float[] targets = TestData.Uniform(random, batch * c.OutputSize);
        double[] p = ReferenceNetwork.ToDouble(model.Parameters);

        var outputs = new float[batch * c.OutputSize];
        model.ForwardTraining(inputs, outputs);
        var outputGradients = new float[outputs.Length];
        Mse.ComputeWithGradient(outputs, targets, outputGradients);
        var inputGradients = new float[inputs.Length];
        model.Backward(outputGradients, inputGradients);

        // Each sample's own MSE (mean over its outputs), differentiated at the outputs NetDsl computed (see
        // MeanSquaredErrorLossGradientsAndSgdStepMatchTheReference for why those), back-propagated by the reference.
        var meanParameterGradients = new double[reference.ParameterCount];
        var expectedInputGradients = new double[inputs.Length];
        for (int n = 0; n < batch; n++)
        {
            double[] x = ReferenceNetwork.ToDouble(inputs.AsSpan(n * c.InputSize, c.InputSize));
            double[] t = ReferenceNetwork.ToDouble(targets.AsSpan(n * c.OutputSize, c.OutputSize));
            double[] y = ReferenceNetwork.ToDouble(outputs.AsSpan(n * c.OutputSize, c.OutputSize));
            ReferenceGradients sample = reference.Backward(p, x, 1, ReferenceNetwork.MseGradient(y, t));
            for (int j = 0; j < meanParameterGradients.Length; j++)
            {
                meanParameterGradients[j] += sample.Parameters[j] / batch;
            }

            for (int i = 0; i < c.InputSize; i++)
            {
                expectedInputGradients[(n * c.InputSize) + i] = sample.Inputs[i] / batch;
            }
        }

        Tolerance.AssertClose(meanParameterGradients, model.Gradients, $"{name}: batch gradient against the mean of sample gradients");
        Tolerance.AssertClose(expectedInputGradients, inputGradients, $"{name}: batch input gradients against sample input gradients / B");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void OneModelServesChangingBatchSizesAndInferenceDoesNotDisturbTheRecording(string name) => CheckChangingBatches(name, seed: 3);

    internal static void CheckChangingBatches(string name, int seed)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed);
        var random = new Random(seed);
        foreach (int batch in (int[])[2, 32, 1, 7, 32, 3])
        {
            float[] inputs = TestData.InputsAwayFromKinks(c.Reference, model.Parameters, batch, random);
            float[] outputGradients = TestData.Uniform(random, batch * c.OutputSize);
            model.ZeroGradients();
            model.ForwardTraining(inputs, new float[batch * c.OutputSize]);

            // Inference between the training forward and its backward pass, on other data and batch sizes.
            float[] other = TestData.Uniform(random, 5 * c.InputSize);
            model.ForwardBatch(other, new float[5 * c.OutputSize]);
            model.Forward(other.AsSpan(0, c.InputSize), new float[c.OutputSize]);
            c.ForwardTyped(model, other.AsSpan(c.InputSize, c.InputSize).ToArray());

            var inputGradients = new float[inputs.Length];
            model.Backward(outputGradients, inputGradients);
            ReferenceGradients expected = c.Reference.Backward(ReferenceNetwork.ToDouble(model.Parameters), ReferenceNetwork.ToDouble(inputs), batch, ReferenceNetwork.ToDouble(outputGradients));
            Tolerance.AssertClose(expected.Parameters, model.Gradients, $"{name}, batch {batch}: parameter gradients");
            Tolerance.AssertClose(expected.Inputs, inputGradients, $"{name}, batch {batch}: input gradients");
        }
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void TrainingStepsFollowTheReferenceAndReduceTheLoss(string name) => CheckTraining(name, seed: 21);

    internal static void CheckTraining(string name, int seed)
    {
        NetworkCase c = Networks.Get(name);
        ReferenceNetwork reference = c.Reference;
        INetwork model = c.Create(seed);
        const int batch = 8;
        const float learningRate = 0.1f;
        var random = new Random(seed);
        float[] inputs = TestData.InputsAwayFromKinks(reference, model.Parameters, batch, random);
        float[] targets = TestData.Uniform(random, batch * c.OutputSize);
        double[] x = ReferenceNetwork.ToDouble(inputs);
        double[] t = ReferenceNetwork.ToDouble(targets);
        double[] p = ReferenceNetwork.ToDouble(model.Parameters);
        var sgd = new Sgd(learningRate);
        var outputs = new float[batch * c.OutputSize];
        var outputGradients = new float[outputs.Length];
        double firstLoss = double.NaN;
        double lastLoss = double.NaN;

        for (int step = 0; step < 5; step++)
        {
            model.ZeroGradients();
            model.ForwardTraining(inputs, outputs);
            lastLoss = Mse.ComputeWithGradient(outputs, targets, outputGradients);
            model.Backward(outputGradients);
            sgd.Step(model);

            double[] y = reference.Forward(p, x, batch);
            double expectedLoss = ReferenceNetwork.MseLoss(y, t);
            Tolerance.AssertLossClose(expectedLoss, lastLoss, $"{name}: loss at step {step}");
            if (step == 0)
            {
                firstLoss = expectedLoss;
            }

            p = ReferenceNetwork.SgdStep(p, reference.Backward(p, x, batch, ReferenceNetwork.MseGradient(y, t)).Parameters, learningRate);
            Tolerance.AssertClose(p, model.Parameters, $"{name}: parameters after step {step}");
        }

        Assert.True(lastLoss < firstLoss, $"{name}: the loss did not decrease ({firstLoss} -> {lastLoss}).");
    }

    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void ShapesAndParameterLayoutFollowPyTorch(string name)
    {
        NetworkCase c = Networks.Get(name);
        ReferenceNetwork reference = c.Reference;
        Assert.Equal(reference.InputSize, c.InputSize);
        Assert.Equal(reference.OutputSize, c.OutputSize);
        Assert.Equal(reference.ParameterCount, c.ParameterCount);
        Assert.Equal(reference.InputSize, c.InputShape.Aggregate(1, (a, b) => a * b));

        INetwork model = c.Create(seed: 1);
        Assert.Equal(c.ParameterCount, model.Parameters.Length);
        Assert.Equal(c.ParameterCount, model.Gradients.Length);

        // Number every parameter and gradient by its flat index, then read them back through the views:
        // Weight[o, i] must sit at offset + o * in + i and Bias[o] right after the weight (state_dict order).
        for (int j = 0; j < c.ParameterCount; j++)
        {
            model.Parameters[j] = j;
            model.Gradients[j] = -j;
        }

        LinearLayerView[] views = c.LinearLayers(model);
        int linear = 0;
        for (int k = 0; k < reference.Layers.Count; k++)
        {
            ReferenceLayer layer = reference.Layers[k];
            if (layer.Kind != ReferenceLayerKind.Linear)
            {
                continue;
            }

            LinearLayerView view = views[linear++];
            int offset = reference.ParameterOffset(k);
            Assert.Equal(layer.InFeatures, view.InFeatures);
            Assert.Equal(layer.OutFeatures, view.OutFeatures);
            Assert.Equal(layer.HasBias, view.HasBias);
            Assert.Equal([layer.OutFeatures, layer.InFeatures], view.Weight.Shape);
            Assert.Equal(view.Name + ".weight", view.Weight.Name);
            Assert.False(view.Weight.IsVector);
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                for (int i = 0; i < layer.InFeatures; i++)
                {
                    int flat = offset + (o * layer.InFeatures) + i;
                    Assert.Equal(flat, view.Weight[o, i]);
                    Assert.Equal(-flat, view.WeightGradient[o, i]);
                    Assert.Equal(flat, view.Weight[(o * layer.InFeatures) + i]);
                }
            }

            if (layer.HasBias)
            {
                Assert.Equal([layer.OutFeatures], view.Bias.Shape);
                Assert.Equal(view.Name + ".bias", view.Bias.Name);
                Assert.True(view.Bias.IsVector);
                for (int o = 0; o < layer.OutFeatures; o++)
                {
                    int flat = offset + (layer.InFeatures * layer.OutFeatures) + o;
                    Assert.Equal(flat, view.Bias[o]);
                    Assert.Equal(-flat, view.BiasGradient[o]);
                }
            }
        }

        Assert.Equal(views.Length, linear);

        // Writes through a view land in the flat storage.
        views[0].Weight[0, 0] = 1234.5f;
        Assert.Equal(1234.5f, model.Parameters[0]);
        views[0].WeightGradient.CopyFrom(new float[views[0].Weight.Length]);
        Assert.Equal(0f, model.Gradients[0]);
    }

    [Fact]
    public void SeedNetworkComputesTheHandWorkedExample()
    {
        // Linear(3, 2) -> ReLU -> Linear(2, 1) with weights chosen so that every intermediate value is exact in float:
        // z1 = [1 - 3 + 0.5, 0.5 + 1 + 1.5 - 1] = [-1.5, 2], ReLU -> [0, 2], y = 2 * 0 - 3 * 2 + 0.25 = -5.75.
        // Backward with dL/dy = 1: fc2.weight.grad = [0, 2], fc2.bias.grad = 1, dL/dh = [2, -3], masked -> [0, -3],
        // fc1.weight.grad = [[0, 0, 0], [-3, -6, -9]], fc1.bias.grad = [0, -3], dL/dx = [-1.5, -1.5, -1.5].
        foreach (NetworkCase c in new[] { Networks.Get("Seed", EmitPath.Unrolled), Networks.Get("Seed", EmitPath.Kernels), Networks.Get("Seed", EmitPath.Default) })
        {
            INetwork model = c.Create(seed: 0);
            LinearLayerView[] layers = c.LinearLayers(model);
            layers[0].Weight.CopyFrom([1f, 0f, -1f, 0.5f, 0.5f, 0.5f]);
            layers[0].Bias.CopyFrom([0.5f, -1f]);
            layers[1].Weight.CopyFrom([2f, -3f]);
            layers[1].Bias[0] = 0.25f;

            float[] x = [1f, 2f, 3f];
            Assert.Equal([-5.75f], c.ForwardTyped(model, x));
            var y = new float[1];
            model.ForwardTraining(x, y);
            Assert.Equal(-5.75f, y[0]);
            var dx = new float[3];
            model.Backward([1f], dx);
            Assert.Equal([0f, 0f, 0f, -3f, -6f, -9f], layers[0].WeightGradient.ToArray());
            Assert.Equal([0f, -3f], layers[0].BiasGradient.ToArray());
            Assert.Equal([0f, 2f], layers[1].WeightGradient.ToArray());
            Assert.Equal([1f], layers[1].BiasGradient.ToArray());
            Assert.Equal([-1.5f, -1.5f, -1.5f], dx);
        }
    }
}
