using System;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Gradient checks of the generated float networks of the layer catalog themselves, independent of the oracle: central
/// finite differences of the MSE loss against every parameter gradient and every input gradient from Backward, on the
/// smooth networks (convolutions, reshapes, LayerNorm, BatchNorm in training mode, residual blocks, SiLU, both GELUs,
/// LogSoftmax) and on two with kinks (max pooling, LeakyReLU), their inputs drawn at least <see cref="KinkMargin"/> from
/// every kink. The loss is evaluated with <c>ForwardTraining</c>, the function Backward differentiates (batch statistics
/// for batch normalization); these networks have no dropout, so it is deterministic.
/// </summary>
/// <remarks>
/// Step and bound as <see cref="FiniteDifferenceTests"/>: h = 3e-3 balances truncation against the float rounding of the
/// outputs, and the bound, 1e-2 of max(|gradient|, largest |gradient| of the tensor), is loose for float but far below
/// what a missing term or a wrong derivative produces. Each parameter tensor is checked on its own, its scale floored
/// at a tenth of the network's largest gradient.
/// </remarks>
public sealed class LayerFiniteDifferenceTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    private const float Step = 3e-3f;
    private const double Relative = 1e-2;

    /// <summary>
    /// Steps of 3e-3 in a weight or an input (all within ±1) move a kink's input by well under 0.01 in these networks
    /// (the weights are below 1/sqrt(fan_in)); 0.02 keeps every step on one side of every kink.
    /// </summary>
    private const double KinkMargin = 0.02;

    [Theory]
    [MemberData(nameof(LayerNetworks.FiniteDifferenceNames), MemberType = typeof(LayerNetworks))]
    public void BackwardMatchesFiniteDifferencesOfTheFloatNetwork(string name)
    {
        LayerCase c = LayerNetworks.Get(name);
        INetwork model = LayerTestSupport.Create(c, seed: 8);
        int batch = c.IsSmooth ? 3 : 1;
        var random = new Random(8);
        float[] inputs = TestData.Uniform(random, batch * c.InputSize);
        for (int attempt = 0; c.Reference.HasKinks && c.Reference.Run(ReferenceMode.Training, LayerTestSupport.D(model.Parameters), LayerTestSupport.D(model.Buffers), LayerTestSupport.D(inputs), batch, null).Margin() < KinkMargin; attempt++)
        {
            Assert.True(attempt < 20000, $"{name}: no inputs {KinkMargin} away from the kinks were found.");
            inputs = TestData.Uniform(random, batch * c.InputSize);
        }

        float[] targets = TestData.Uniform(random, batch * c.OutputSize);
        var outputs = new float[batch * c.OutputSize];

        model.ForwardTraining(inputs, outputs);
        var outputGradients = new float[outputs.Length];
        Mse.ComputeWithGradient(outputs, targets, outputGradients);
        var inputGradients = new float[inputs.Length];
        model.Backward(outputGradients, inputGradients);
        float[] parameterGradients = model.Gradients.ToArray();

        double Loss()
        {
            model.ForwardTraining(inputs, outputs);
            return ReferenceNetwork.MseLoss(ReferenceNetwork.ToDouble(outputs), ReferenceNetwork.ToDouble(targets));
        }

        double[] numericParameters = CentralDifferences.OfFloats(model.Parameters.ToArray(), values => values.CopyTo(model.Parameters), Loss, Step);
        double[] numericInputs = CentralDifferences.OfFloats(inputs, values => values.CopyTo(inputs), Loss, Step);

        double largest = MaxAbs(parameterGradients);
        Assert.True(largest > 1e-3, $"{name}: the parameter gradients are all near zero: the check would test nothing.");
        foreach (TensorInfo tensor in model.ParameterTensors)
        {
            AssertAgree(numericParameters.AsSpan(tensor.Offset, tensor.Length), parameterGradients.AsSpan(tensor.Offset, tensor.Length), $"{name}: {tensor.Name}", 0.1 * largest);
        }

        Assert.True(MaxAbs(inputGradients) > 1e-4, $"{name}: the input gradients are all near zero: the check would test nothing.");
        AssertAgree(numericInputs, inputGradients, $"{name}: input", 0);
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    // The scale of a tensor is its largest gradient, floored (for parameters) at a tenth of the network's largest: a
    // tensor whose gradient is theoretically zero (a convolution bias before batch normalization) is all rounding noise.
    private static void AssertAgree(ReadOnlySpan<double> numeric, ReadOnlySpan<float> analytic, string what, double floor)
    {
        double scale = Math.Max(MaxAbs(analytic), floor);
        for (int j = 0; j < numeric.Length; j++)
        {
            double bound = Relative * Math.Max(Math.Abs(analytic[j]), scale);
            Assert.True(Math.Abs(numeric[j] - analytic[j]) <= bound, $"{what} {j}: finite difference {numeric[j]:R}, Backward {analytic[j]:R}, bound {bound:E2}.");
        }
    }
}
