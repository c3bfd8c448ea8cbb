using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.Tests.Reference;

/// <summary>The oracle checked on its own: hand-worked values and central finite differences in double.</summary>
public sealed class ReferenceNetworkTests
{
    public static TheoryData<int> RandomNetworkSeeds() => [0, 1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(RandomNetworkSeeds))]
    public void BackwardMatchesCentralFiniteDifferences(int seed)
    {
        var random = new Random(seed);
        ReferenceNetwork network = RandomSmoothNetwork(random);
        int batch = 1 + random.Next(4);
        double[] parameters = Uniform(random, network.ParameterCount);
        double[] inputs = Uniform(random, batch * network.InputSize);
        double[] targets = Uniform(random, batch * network.OutputSize);

        double Loss(double[] p, double[] x) => ReferenceNetwork.MseLoss(network.Forward(p, x, batch), targets);

        ReferenceGradients analytic = network.Backward(parameters, inputs, batch, ReferenceNetwork.MseGradient(network.Forward(parameters, inputs, batch), targets));

        // Central differences: truncation error ~h^2 |f'''| ≈ 1e-12, rounding error ~1e-16 |f| / h ≈ 1e-10,
        // so agreement to 1e-7 is tight (a wrong term would be off by ~1e-1).
        const double h = 1e-6;
        const double tolerance = 1e-7;
        for (int j = 0; j < parameters.Length; j++)
        {
            double numeric = CentralDifferences.At(parameters, j, h, p => Loss(p, inputs));
            if (!(Math.Abs(numeric - analytic.Parameters[j]) <= tolerance * Math.Max(1, Math.Abs(numeric))))
            {
                Assert.Fail($"Network {seed}, parameter {j}: finite difference {numeric:R}, backward {analytic.Parameters[j]:R}.");
            }
        }

        for (int j = 0; j < inputs.Length; j++)
        {
            double numeric = CentralDifferences.At(inputs, j, h, x => Loss(parameters, x));
            if (!(Math.Abs(numeric - analytic.Inputs[j]) <= tolerance * Math.Max(1, Math.Abs(numeric))))
            {
                Assert.Fail($"Network {seed}, input {j}: finite difference {numeric:R}, backward {analytic.Inputs[j]:R}.");
            }
        }
    }

    [Fact]
    public void ReLUGradientMatchesFiniteDifferencesAwayFromTheKink()
    {
        var network = new ReferenceNetwork(4, ReferenceLayer.Linear(4, 6), ReferenceLayer.ReLU, ReferenceLayer.Linear(6, 2, bias: false));
        var random = new Random(17);
        const int batch = 3;
        double[] parameters = Uniform(random, network.ParameterCount);
        double[] inputs = Uniform(random, batch * network.InputSize);
        while (network.MinimumReLUMargin(parameters, inputs, batch) < 1e-3)
        {
            inputs = Uniform(random, batch * network.InputSize); // h = 1e-6 must not cross a kink
        }

        double[] targets = Uniform(random, batch * network.OutputSize);

        ReferenceGradients analytic = network.Backward(parameters, inputs, batch, ReferenceNetwork.MseGradient(network.Forward(parameters, inputs, batch), targets));
        for (int j = 0; j < parameters.Length; j++)
        {
            double numeric = CentralDifferences.At(parameters, j, 1e-6, p => ReferenceNetwork.MseLoss(network.Forward(p, inputs, batch), targets));
            if (!(Math.Abs(numeric - analytic.Parameters[j]) <= 1e-7 * Math.Max(1, Math.Abs(numeric))))
            {
                Assert.Fail($"parameter {j}: {numeric:R} vs {analytic.Parameters[j]:R}");
            }
        }
    }

    [Fact]
    public void ForwardAndBackwardOfTheSeedNetworkMatchAHandWorkedExample()
    {
        var network = new ReferenceNetwork(3, ReferenceLayer.Linear(3, 2), ReferenceLayer.ReLU, ReferenceLayer.Linear(2, 1));
        double[] parameters = [1, 0, -1, 0.5, 0.5, 0.5, /* fc1.bias */ 0.5, -1, /* fc2.weight */ 2, -3, /* fc2.bias */ 0.25];
        double[] x = [1, 2, 3];

        double[][] values = network.ForwardRecord(parameters, x, 1);
        Assert.Equal([-1.5, 2], values[1]);
        Assert.Equal([0, 2], values[2]);
        Assert.Equal([-5.75], values[3]);

        ReferenceGradients gradients = network.Backward(parameters, x, 1, [1]);
        Assert.Equal([0, 0, 0, -3, -6, -9, 0, -3, 0, 2, 1], gradients.Parameters);
        Assert.Equal([-1.5, -1.5, -1.5], gradients.Inputs);
    }

    [Fact]
    public void ActivationsAndFlattenComputeTheirDefinitions()
    {
        double[] x = [-2, -0.5, 0, 0.5, 2];
        Assert.Equal([0, 0, 0, 0.5, 2], new ReferenceNetwork(5, ReferenceLayer.ReLU).Forward([], x, 1));
        Assert.Equal([Math.Tanh(-2), Math.Tanh(-0.5), 0, Math.Tanh(0.5), Math.Tanh(2)], new ReferenceNetwork(5, ReferenceLayer.Tanh).Forward([], x, 1));
        double[] sigmoid = new ReferenceNetwork(5, ReferenceLayer.Sigmoid).Forward([], x, 1);
        Assert.Equal(0.5, sigmoid[2]);
        Assert.Equal(1.0, sigmoid[1] + sigmoid[3], 15);
        Assert.Equal(x, new ReferenceNetwork(5, ReferenceLayer.Flatten).Forward([], x, 1));
    }

    [Fact]
    public void MseLossSgdAndLayerChecks()
    {
        Assert.Equal(2.5, ReferenceNetwork.MseLoss([1, 2], [0, 4]));
        Assert.Equal([1, -2], ReferenceNetwork.MseGradient([1, 2], [0, 4]));
        Assert.Equal([0.5, 2.25], ReferenceNetwork.SgdStep([1, 2], [1, -0.5], 0.5));
        Assert.Equal(3 * 4 + 4, ReferenceLayer.Linear(3, 4).ParameterCount);
        Assert.Equal(12, ReferenceLayer.Linear(3, 4, bias: false).ParameterCount);
        Assert.Throws<ArgumentException>(() => new ReferenceNetwork(3, ReferenceLayer.Linear(4, 2)));
    }

    private static ReferenceNetwork RandomSmoothNetwork(Random random)
    {
        int inputSize = 1 + random.Next(6);
        var layers = new List<ReferenceLayer>();
        if (random.Next(2) == 0)
        {
            layers.Add(random.Next(2) == 0 ? ReferenceLayer.Flatten : ReferenceLayer.Tanh);
        }

        int width = inputSize;
        int linearCount = 1 + random.Next(4);
        for (int k = 0; k < linearCount; k++)
        {
            int outFeatures = 1 + random.Next(7);
            layers.Add(ReferenceLayer.Linear(width, outFeatures, bias: random.Next(3) != 0));
            width = outFeatures;
            switch (random.Next(3))
            {
                case 0:
                    layers.Add(ReferenceLayer.Tanh);
                    break;
                case 1:
                    layers.Add(ReferenceLayer.Sigmoid);
                    break;
            }
        }

        return new ReferenceNetwork(inputSize, layers.ToArray());
    }

    private static double[] Uniform(Random random, int count)
    {
        var values = new double[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = (2 * random.NextDouble()) - 1;
        }

        return values;
    }
}
