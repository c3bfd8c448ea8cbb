using System;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class InitializerTests
{
    [Theory]
    [InlineData(Nonlinearity.Linear, 1.0)]
    [InlineData(Nonlinearity.Sigmoid, 1.0)]
    [InlineData(Nonlinearity.Tanh, 5.0 / 3.0)]
    [InlineData(Nonlinearity.ReLU, 1.4142135623730951)]
    [InlineData(Nonlinearity.Selu, 0.75)]
    public void Gains_are_PyTorchs(Nonlinearity nonlinearity, double expected) =>
        Assert.Equal(expected, Initializers.CalculateGain(nonlinearity), 6);

    [Fact]
    public void Leaky_ReLU_gain_depends_on_the_slope()
    {
        Assert.Equal(Math.Sqrt(2.0 / (1 + 0.01 * 0.01)), Initializers.CalculateGain(Nonlinearity.LeakyReLU), 6);
        Assert.Equal(Math.Sqrt(2.0 / (1 + 0.2 * 0.2)), Initializers.CalculateGain(Nonlinearity.LeakyReLU, 0.2f), 6);
    }

    [Fact]
    public void Fans_follow_PyTorchs_rule()
    {
        Assert.Equal((3, 2), Initializers.ComputeFans([2, 3]));
        Assert.Equal((4 * 9, 8 * 9), Initializers.ComputeFans([8, 4, 3, 3]));
        var error = Assert.Throws<ArgumentException>(() => Initializers.ComputeFans([5]));
        Assert.Contains("at least 2 dimensions, but the shape has 1", error.Message);
    }

    [Fact]
    public void Uniform_schemes_fill_within_their_bounds_and_reach_them()
    {
        float[] xavier = new float[20_000];
        Initializers.XavierUniform(xavier, fanIn: 30, fanOut: 20, new SeededRandom(1), gain: 2f);
        double bound = 2 * Math.Sqrt(6.0 / 50);
        Assert.All(xavier, v => Assert.InRange(v, -bound, bound));
        Assert.True(xavier.Max() > 0.99 * bound && xavier.Min() < -0.99 * bound);

        float[] kaiming = new float[20_000];
        Initializers.KaimingUniform(kaiming, fanIn: 30, fanOut: 20, new SeededRandom(1), mode: FanMode.FanOut, nonlinearity: Nonlinearity.ReLU);
        double kaimingBound = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(20);
        Assert.All(kaiming, v => Assert.InRange(v, -kaimingBound, kaimingBound));
        Assert.True(kaiming.Max() > 0.99 * kaimingBound);
    }

    [Fact]
    public void Normal_schemes_have_the_expected_spread()
    {
        float[] xavier = new float[50_000];
        Initializers.XavierNormal(xavier, fanIn: 40, fanOut: 60, new SeededRandom(2));
        AssertMoments(xavier, Math.Sqrt(2.0 / 100));

        float[] kaiming = new float[50_001]; // odd: the last sample of a Box–Muller pair is dropped
        Initializers.KaimingNormal(kaiming, fanIn: 50, fanOut: 10, new SeededRandom(3));
        AssertMoments(kaiming, Math.Sqrt(2.0) / Math.Sqrt(50)); // leaky ReLU with a = 0: the gain of ReLU
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        float[] a = new float[100], b = new float[100], c = new float[100];
        Initializers.KaimingNormal(a, 10, 10, new SeededRandom(5));
        Initializers.KaimingNormal(b, 10, 10, new SeededRandom(5));
        Initializers.KaimingNormal(c, 10, 10, new SeededRandom(6));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_whole_network_gets_the_scheme_on_its_weights_and_zero_biases()
    {
        var model = new KernelClassifier(seed: 1);
        model.Gradients.Fill(1f);
        Initializers.Initialize(model, WeightInitialization.XavierUniform, seed: 7, Nonlinearity.ReLU);
        float bound = (float)(Math.Sqrt(2) * Math.Sqrt(6.0 / (16 + 32)));
        Assert.All(model.Fc1.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(model.Fc1.Bias.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(model.Fc2.Bias.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(model.Gradients.ToArray(), v => Assert.Equal(0f, v));

        var again = new KernelClassifier(seed: 2);
        Initializers.Initialize(again, WeightInitialization.XavierUniform, seed: 7, Nonlinearity.ReLU);
        Assert.Equal(model.Parameters.ToArray(), again.Parameters.ToArray());
    }

    private static void AssertMoments(float[] values, double standardDeviation)
    {
        double mean = values.Average(v => (double)v);
        double deviation = Math.Sqrt(values.Average(v => ((double)v - mean) * (v - mean)));
        Assert.InRange(mean, -0.02 * standardDeviation, 0.02 * standardDeviation);
        Assert.InRange(deviation, 0.98 * standardDeviation, 1.02 * standardDeviation);
    }
}
