using System;
using System.Collections.Generic;
using Xunit;

namespace NetDsl.Training.Tests;

public class OptimizerTests
{
    public static TheoryData<string> Cases =>
    [
        "sgd", "sgd-momentum", "sgd-dampening", "sgd-nesterov", "sgd-weight-decay", "sgd-all",
        "adam", "adam-weight-decay", "adam-amsgrad", "adam-amsgrad-weight-decay",
        "adamw", "adamw-amsgrad",
        "rmsprop", "rmsprop-momentum", "rmsprop-centered", "rmsprop-all",
    ];

    internal static (IOptimizer Optimizer, IReferenceOptimizer Reference) Create(string name) => name switch
    {
        "sgd" => (new Sgd(0.1f), new ReferenceSgd(0.1)),
        "sgd-momentum" => (new Sgd(0.05f, momentum: 0.9f), new ReferenceSgd(0.05, momentum: 0.9)),
        "sgd-dampening" => (new Sgd(0.05f, momentum: 0.9f, dampening: 0.3f), new ReferenceSgd(0.05, momentum: 0.9, dampening: 0.3)),
        "sgd-nesterov" => (new Sgd(0.05f, momentum: 0.8f, nesterov: true), new ReferenceSgd(0.05, momentum: 0.8, nesterov: true)),
        "sgd-weight-decay" => (new Sgd(0.1f, weightDecay: 0.01f), new ReferenceSgd(0.1, weightDecay: 0.01)),
        "sgd-all" => (new Sgd(0.05f, momentum: 0.7f, weightDecay: 0.02f, nesterov: true), new ReferenceSgd(0.05, momentum: 0.7, weightDecay: 0.02, nesterov: true)),
        "adam" => (new Adam(0.01f), new ReferenceAdam(0.01)),
        "adam-weight-decay" => (new Adam(0.01f, weightDecay: 0.1f), new ReferenceAdam(0.01, weightDecay: 0.1)),
        "adam-amsgrad" => (new Adam(0.01f, beta1: 0.8f, beta2: 0.9f, amsGrad: true), new ReferenceAdam(0.01, beta1: 0.8, beta2: 0.9, amsgrad: true)),
        "adam-amsgrad-weight-decay" => (new Adam(0.02f, weightDecay: 0.05f, amsGrad: true), new ReferenceAdam(0.02, weightDecay: 0.05, amsgrad: true)),
        "adamw" => (new AdamW(0.01f), new ReferenceAdam(0.01, weightDecay: 0.01, decoupled: true)),
        "adamw-amsgrad" => (new AdamW(0.02f, beta2: 0.95f, weightDecay: 0.1f, amsGrad: true), new ReferenceAdam(0.02, beta2: 0.95, weightDecay: 0.1, amsgrad: true, decoupled: true)),
        "rmsprop" => (new RmsProp(0.01f), new ReferenceRmsProp(0.01)),
        "rmsprop-momentum" => (new RmsProp(0.005f, momentum: 0.9f), new ReferenceRmsProp(0.005, momentum: 0.9)),
        "rmsprop-centered" => (new RmsProp(0.005f, alpha: 0.9f, centered: true), new ReferenceRmsProp(0.005, alpha: 0.9, centered: true)),
        "rmsprop-all" => (new RmsProp(0.005f, alpha: 0.95f, epsilon: 1e-6f, weightDecay: 0.01f, momentum: 0.5f, centered: true), new ReferenceRmsProp(0.005, alpha: 0.95, eps: 1e-6, weightDecay: 0.01, momentum: 0.5, centered: true)),
        _ => throw new ArgumentException(name),
    };

    /// <summary>
    /// Ten steps on a separable quadratic with a step-dependent disturbance, <c>g = c (p − target) + sin(t + i)</c>, computed by each side from
    /// its own parameters: the float optimizer must follow the double-precision reference's trajectory.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_the_PyTorch_algorithm_in_double_precision(string name) =>
        FollowTheReference(name, n: 37); // not a multiple of any vector width: the remainder paths run too

    /// <summary>The update runs in blocks of 4,096 parameters, the last taking the remainder (here 4,096 + 1,001).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_over_several_blocks_matches_the_reference_in_every_block(string name) =>
        FollowTheReference(name, n: 3 * 4096 + 1001);

    private static void FollowTheReference(string name, int n)
    {
        (IOptimizer optimizer, IReferenceOptimizer reference) = Create(name);
        float[] p = new float[n];
        double[] q = new double[n];
        float[] g = new float[n];
        double[] h = new double[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = (float)Math.Cos(i * 0.7);
            q[i] = p[i];
        }

        for (int t = 1; t <= 10; t++)
        {
            for (int i = 0; i < n; i++)
            {
                double curvature = 0.5 + (i % 5) * 0.3;
                double target = (i % 3) - 1;
                g[i] = (float)(curvature * (p[i] - target) + 0.3 * Math.Sin(t + i));
                h[i] = curvature * (q[i] - target) + 0.3 * Math.Sin(t + i);
            }

            optimizer.Step(p, g);
            reference.Step(q, h);
            for (int i = 0; i < n; i++)
            {
                if (!(Math.Abs(p[i] - q[i]) <= 2e-5 + 2e-5 * Math.Abs(q[i])))
                {
                    Assert.Fail($"{name}, step {t}, parameter {i}: float {p[i]:R} but reference {q[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void Sgd_keeps_its_one_argument_constructor_and_plain_update()
    {
        var sgd = new Sgd(0.5f);
        float[] p = [1f, 2f];
        sgd.Step(p, [2f, -4f]);
        Assert.Equal([0f, 4f], p);
        Assert.Equal(0f, sgd.Momentum);
        Assert.False(sgd.Nesterov);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.AmsGrad));
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.AmsGrad));
        var rmsProp = new RmsProp();
        Assert.Equal((1e-2f, 0.99f, 1e-8f, 0f, 0f, false), (rmsProp.LearningRate, rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum, rmsProp.Centered));
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        Assert.Equal((0f, 0f, false), (sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
    }

    [Fact]
    public void Nesterov_without_momentum_or_with_dampening_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0f, nesterov: true));
        Assert.Contains("Nesterov momentum requires a positive momentum and zero dampening", error.Message);
        Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
    }

    [Fact]
    public void Out_of_range_hyperparameters_are_rejected_with_the_value()
    {
        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f));
        Assert.Contains("Expected beta1 in [0, 1), but got 1", beta.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(learningRate: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(momentum: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1f));
        var sgd = new Sgd(0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.PositiveInfinity);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_is_for_one_length_until_reset(string name)
    {
        IOptimizer optimizer = Create(name).Optimizer;
        optimizer.Step(new float[8], new float[8]);
        float[] other = [1f, 2f, 3f];
        if (name is "sgd" or "sgd-weight-decay")
        {
            optimizer.Step(other, new float[3]); // SGD without momentum has no state
            return;
        }

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(other, new float[3]));
        Assert.Contains("holds state for 8 parameters, but this step has 3", error.Message);
        Assert.Equal([1f, 2f, 3f], other); // nothing changed
        optimizer.Reset();
        optimizer.Step(other, new float[3]);
    }

    [Fact]
    public void Mismatched_spans_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new Adam().Step(new float[3], new float[2]));
        Assert.Contains("Expected a span of length 3, but got length 2", error.Message);
    }

    [Fact]
    public void Reset_starts_Adam_again_from_step_one()
    {
        var adam = new Adam(0.1f);
        float[] first = [1f];
        adam.Step(first, [0.5f]);
        adam.Step(first, [0.5f]);
        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        float[] again = [1f];
        adam.Step(again, [0.5f]);
        Assert.Equal(0.9f, again[0], 6); // the first Adam step moves by lr (bias-corrected m / sqrt(v) = sign(g))
    }

    [Fact]
    public void Extension_steps_a_network()
    {
        var model = new LinearRegressor(seed: 1);
        float[] before = model.Parameters.ToArray();
        model.Gradients.Fill(1f);
        new Sgd(0.25f).Step(model);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] - 0.25f, model.Parameters[i]);
        }
    }
}
