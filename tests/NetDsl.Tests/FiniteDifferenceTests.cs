using System;
using NetDsl.Tests.Reference;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Gradient checks of the generated float networks themselves, independent of the reference: central finite
/// differences of the MSE loss against every parameter gradient and every input gradient from Backward.
/// </summary>
/// <remarks>
/// In float, the step h must balance truncation (about h^2/6 |L'''|) against the rounding of the outputs (about
/// 6e-8 |L| / h). Measured on these networks, h = 3e-3 is near the optimum: the worst disagreement is about 1.6e-3 of
/// the largest gradient (h = 1e-2 gives 5e-3 from truncation, h = 1e-3 gives 2e-3 from rounding). The check is
/// therefore loose, 1e-2 x max(|gradient|, largest |gradient| of the tensor), but a missing term, a wrong derivative
/// or a wrong index is off by far more. Only smooth networks (Tanh, Sigmoid): ReLU's kink breaks finite differences.
/// </remarks>
public sealed class FiniteDifferenceTests
{
    private static readonly MeanSquaredErrorLoss Mse = new();

    private const float Step = 3e-3f;
    private const double Relative = 1e-2;

    [Theory]
    [MemberData(nameof(Networks.SmoothNames), MemberType = typeof(Networks))]
    public void BackwardMatchesFiniteDifferencesOfTheFloatNetwork(string name) => Check(name, seed: 8);

    internal static void Check(string name, int seed)
    {
        NetworkCase c = Networks.Get(name);
        INetwork model = c.Create(seed);
        const int batch = 3;
        var random = new Random(seed);
        float[] inputs = TestData.Uniform(random, batch * c.InputSize);
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
            model.ForwardBatch(inputs, outputs);
            return ReferenceNetwork.MseLoss(ReferenceNetwork.ToDouble(outputs), ReferenceNetwork.ToDouble(targets));
        }

        double[] numericParameters = CentralDifferences.OfFloats(model.Parameters.ToArray(), values => values.CopyTo(model.Parameters), Loss, Step);
        double[] numericInputs = CentralDifferences.OfFloats(inputs, values => values.CopyTo(inputs), Loss, Step);

        AssertAgree(numericParameters, parameterGradients, $"{name}: parameter");
        AssertAgree(numericInputs, inputGradients, $"{name}: input");
    }

    private static void AssertAgree(double[] numeric, float[] analytic, string what)
    {
        double scale = 0;
        foreach (float g in analytic)
        {
            scale = Math.Max(scale, Math.Abs(g));
        }

        Assert.True(scale > 1e-3, $"{what} gradients are all near zero: the check would test nothing.");
        for (int j = 0; j < numeric.Length; j++)
        {
            double bound = Relative * Math.Max(Math.Abs(analytic[j]), scale);
            if (!(Math.Abs(numeric[j] - analytic[j]) <= bound))
            {
                Assert.Fail($"{what} {j}: finite difference {numeric[j]:R}, Backward {analytic[j]:R}, bound {bound:E2}.");
            }
        }
    }
}
