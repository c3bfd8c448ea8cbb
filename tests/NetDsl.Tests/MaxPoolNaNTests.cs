using System;
using Xunit;

namespace NetDsl.Tests;

[Network(UnrollLimit = 1_000_000)]
[Input(1, 2, 4)]
[MaxPool2D(2)]
[Flatten]
[Linear(1, Name = "fc")]
public partial class NaNPoolNetUnrolled;

[Network(UnrollLimit = 0)]
[Input(1, 2, 4)]
[MaxPool2D(2)]
[Flatten]
[Linear(1, Name = "fc")]
public partial class NaNPoolNetKernels;

/// <summary>
/// A max-pooling window holding a NaN outputs NaN and routes its gradient to the first NaN (PyTorch's rule), unrolled and
/// on the kernels alike; the other window keeps the first-maximum rule.
/// </summary>
public sealed class MaxPoolNaNTests
{
    [Fact]
    public void ANaNWindowRoutesItsGradientToItsFirstNaN()
    {
        // Windows: columns 0-1 and 2-3 of both rows. Left window: a NaN at (1, 0), after a larger-looking 5 at (0, 0).
        float[] input = [5f, 1f, 2f, 7f, float.NaN, float.NaN, 3f, 7f];
        float[] expectedGradient = [0f, 0f, 0f, 1f, 1f, 0f, 0f, 0f]; // left -> first NaN (index 4); right -> first 7 (index 3)

        float[] unrolled = InputGradient(new NaNPoolNetUnrolled(seed: 1), input);
        float[] kernels = InputGradient(new NaNPoolNetKernels(seed: 1), input);
        Assert.Equal(expectedGradient, unrolled);
        Assert.Equal(expectedGradient, kernels);
    }

    // The input gradient with the Linear layer's weights set to 1, so each pooled output's gradient is the output's.
    private static float[] InputGradient(INetwork model, float[] input)
    {
        model.Parameters.Fill(1f);
        var output = new float[1];
        model.ForwardTraining(input, output);
        Assert.True(float.IsNaN(output[0]));
        var inputGradient = new float[input.Length];
        model.Backward([1f], inputGradient);
        return inputGradient;
    }
}
