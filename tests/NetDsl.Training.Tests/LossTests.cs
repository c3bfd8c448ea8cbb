using System;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

public class LossTests
{
    private static readonly float[] Logits =
    [
        2.0f, -1.0f, 0.5f, 0.1f,
        -0.3f, 0.8f, 1.5f, -2.0f,
        0.0f, 0.0f, 0.0f, 0.0f,
    ];

    private static readonly float[] Classes = [0f, 2f, 3f];

    /// <summary>PyTorch's cross-entropy in double precision, straight from its definition (log-softmax, weighted NLL, smoothing, weighted mean).</summary>
    private static double ReferenceCrossEntropy(float[] logits, float[] targets, double smoothing, double[]? weights, LossReduction reduction)
    {
        int n = targets.Length, c = logits.Length / n;
        double total = 0, divisor = 0;
        for (int i = 0; i < n; i++)
        {
            if (targets[i] == -100)
            {
                continue; // PyTorch's ignore_index: no loss, no weight in the mean
            }

            double[] z = logits.Skip(i * c).Take(c).Select(v => (double)v).ToArray();
            double logSum = Math.Log(z.Sum(Math.Exp));
            int y = (int)targets[i];
            double w(int k) => weights?[k] ?? 1.0;
            double nll = -(z[y] - logSum) * w(y);
            double smooth = 0;
            for (int k = 0; k < c; k++)
            {
                smooth += -(z[k] - logSum) * w(k);
            }

            total += (1 - smoothing) * nll + smoothing / c * smooth;
            divisor += w(y);
        }

        return reduction == LossReduction.Mean ? total / divisor : total;
    }

    public static TheoryData<float, bool, LossReduction> CrossEntropyCases => new()
    {
        { 0f, false, LossReduction.Mean },
        { 0f, false, LossReduction.Sum },
        { 0.1f, false, LossReduction.Mean },
        { 0f, true, LossReduction.Mean },
        { 0.2f, true, LossReduction.Mean },
        { 0.2f, true, LossReduction.Sum },
    };

    [Theory]
    [MemberData(nameof(CrossEntropyCases))]
    public void CrossEntropy_matches_PyTorchs_definition_and_its_gradient_matches_finite_differences(float smoothing, bool weighted, LossReduction reduction)
    {
        double[]? weights = weighted ? [0.5, 2.0, 1.0, 3.0] : null;
        var loss = new CrossEntropyLoss(reduction, smoothing, weights?.Select(w => (float)w).ToArray());
        float[] gradients = new float[Logits.Length];
        float value = loss.ComputeWithGradient(Logits, Classes, gradients);
        double expected = ReferenceCrossEntropy(Logits, Classes, smoothing, weights, reduction);
        Assert.Equal(expected, value, 5);
        Assert.Equal(value, loss.Compute(Logits, Classes));

        AssertGradientMatchesFiniteDifferences(
            logits => ReferenceCrossEntropy(logits, Classes, smoothing, weights, reduction), Logits, gradients);
    }

    [Fact]
    public void CrossEntropy_is_stable_for_huge_logits()
    {
        var loss = new CrossEntropyLoss();
        float[] gradients = new float[3];
        float value = loss.ComputeWithGradient([1000f, -1000f, 0f], [1f], gradients);
        Assert.Equal(2000f, value, 3);
        Assert.Equal([1f, -1f, 0f], gradients);
    }

    [Fact]
    public void CrossEntropy_checks_its_targets()
    {
        var loss = new CrossEntropyLoss();
        var error = Assert.Throws<ArgumentException>(() => loss.Compute(Logits, [0f, 4f, 1f]));
        Assert.Contains("Expected class indices 0 to 3 as whole numbers (or the ignored index -100), but targets[1] is 4", error.Message);
        Assert.Throws<ArgumentException>(() => loss.Compute(Logits, [0f, 1.5f, 1f]));
        Assert.Throws<ArgumentException>(() => loss.Compute(new float[12], new float[5]));
        Assert.Throws<ArgumentException>(() => loss.TargetSize(1));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(classWeights: [1f, 2f]).TargetSize(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(labelSmoothing: 1.5f));
        Assert.Equal(1, loss.TargetSize(10));
    }

    // Two samples of a per-step head [3, 4]: three steps of four logits each, one target per step, two steps ignored.
    private static readonly float[] StepLogits =
    [
        2.0f, -1.0f, 0.5f, 0.1f,   -0.3f, 0.8f, 1.5f, -2.0f,   0.0f, 0.0f, 0.0f, 0.0f,
        1.2f, 0.4f, -0.7f, 0.9f,   3.0f, -3.0f, 0.2f, 0.0f,    -1.1f, 0.6f, 0.6f, 2.2f,
    ];

    private static readonly float[] StepClasses = [0f, -100f, 3f, 2f, 1f, -100f];

    [Theory]
    [MemberData(nameof(CrossEntropyCases))]
    public void Per_step_cross_entropy_is_PyTorchs_loss_over_the_flattened_steps_with_ignored_steps_left_out(float smoothing, bool weighted, LossReduction reduction)
    {
        // PyTorch: nn.CrossEntropyLoss(weight, reduction, label_smoothing)(logits.view(-1, 4), targets.view(-1)), ignore_index -100.
        double[]? weights = weighted ? [0.5, 2.0, 1.0, 3.0] : null;
        var loss = new CrossEntropyLoss(reduction, smoothing, weights?.Select(w => (float)w).ToArray(), classes: 4);
        Assert.Equal(3, loss.TargetSize(12));
        float[] gradients = Enumerable.Repeat(float.NaN, StepLogits.Length).ToArray();
        float value = loss.ComputeWithGradient(StepLogits, StepClasses, gradients);
        double expected = ReferenceCrossEntropy(StepLogits, StepClasses, smoothing, weights, reduction);
        Assert.Equal(expected, value, 5);
        Assert.Equal(value, loss.Compute(StepLogits, StepClasses));
        Assert.All(gradients.Skip(4).Take(4).Concat(gradients.Skip(20)), g => Assert.Equal(0f, g)); // the ignored steps' rows

        AssertGradientMatchesFiniteDifferences(
            logits => ReferenceCrossEntropy(logits, StepClasses, smoothing, weights, reduction), StepLogits, gradients);
    }

    [Fact]
    public void Per_step_cross_entropy_checks_its_rows_and_an_all_ignored_mean_is_NaN_as_in_PyTorch()
    {
        var loss = new CrossEntropyLoss(classes: 4);
        var rows = Assert.Throws<ArgumentException>(() => loss.TargetSize(10));
        Assert.Contains("CrossEntropyLoss(classes: 4) expects the outputs in rows of 4 logits, but the network has 10 outputs", rows.Message);
        var count = Assert.Throws<ArgumentException>(() => loss.Compute(StepLogits, [0f, 1f, 2f]));
        Assert.Contains("6 targets for 24 predictions, but got 3", count.Message);
        var range = Assert.Throws<ArgumentException>(() => loss.Compute(StepLogits, [0f, 1f, 2f, 4f, 0f, 0f]));
        Assert.Contains("Expected class indices 0 to 3 as whole numbers (or the ignored index -100), but targets[3] is 4", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(classes: 1));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(classWeights: [1f, 2f], classes: 4));
        Assert.True(float.IsNaN(loss.Compute(StepLogits, Enumerable.Repeat(-100f, 6).ToArray())));
        Assert.Equal(0f, new CrossEntropyLoss(LossReduction.Sum, classes: 4).Compute(StepLogits, Enumerable.Repeat(-100f, 6).ToArray()));

        // Another ignored index, here a real class (a padding token), as PyTorch allows.
        var padding = new CrossEntropyLoss(classes: 4, ignoreIndex: 0);
        float[] targets = [0f, 1f, 3f, 2f, 0f, 0f];
        double expected = ReferenceCrossEntropy(StepLogits, targets.Select(t => t == 0f ? -100f : t).ToArray(), 0, null, LossReduction.Mean);
        Assert.Equal(expected, padding.Compute(StepLogits, targets), 5);
    }

    public static TheoryData<string> ElementwiseCases => ["mse", "l1", "smoothl1", "smoothl1-0", "huber", "huber-2", "bce", "bce-weighted"];

    private static (ILoss Loss, Func<double, double, int, double> Reference) Elementwise(string name, LossReduction reduction) => name switch
    {
        "mse" => (new MeanSquaredErrorLoss(reduction), (x, y, _) => (x - y) * (x - y)),
        "l1" => (new L1Loss(reduction), (x, y, _) => Math.Abs(x - y)),
        "smoothl1" => (new SmoothL1Loss(reduction, beta: 0.5f), (x, y, _) => Math.Abs(x - y) < 0.5 ? 0.5 * (x - y) * (x - y) / 0.5 : Math.Abs(x - y) - 0.25),
        "smoothl1-0" => (new SmoothL1Loss(reduction, beta: 0f), (x, y, _) => Math.Abs(x - y)),
        "huber" => (new HuberLoss(reduction), (x, y, _) => Math.Abs(x - y) < 1 ? 0.5 * (x - y) * (x - y) : Math.Abs(x - y) - 0.5),
        "huber-2" => (new HuberLoss(reduction, delta: 2f), (x, y, _) => Math.Abs(x - y) < 2 ? 0.5 * (x - y) * (x - y) : 2 * (Math.Abs(x - y) - 1)),
        "bce" => (new BceWithLogitsLoss(reduction), (x, y, _) => -(y * Math.Log(Sigmoid(x)) + (1 - y) * Math.Log(1 - Sigmoid(x)))),
        "bce-weighted" => (new BceWithLogitsLoss(reduction, [2f, 0.5f, 1f]), (x, y, i) => -(new[] { 2.0, 0.5, 1.0 }[i % 3] * y * Math.Log(Sigmoid(x)) + (1 - y) * Math.Log(1 - Sigmoid(x)))),
        _ => throw new ArgumentException(name),
    };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Theory]
    [MemberData(nameof(ElementwiseCases))]
    public void Elementwise_losses_match_their_definitions_and_finite_differences(string name)
    {
        float[] predictions = [0.3f, -1.7f, 2.4f, 0.05f, -0.6f, 1.1f];
        bool binary = name.StartsWith("bce", StringComparison.Ordinal);
        float[] targets = binary ? [1f, 0f, 1f, 0f, 0.25f, 1f] : [0.1f, -0.2f, 0.4f, 0.05f, 1.9f, -1.4f];
        foreach (LossReduction reduction in new[] { LossReduction.Mean, LossReduction.Sum })
        {
            (ILoss loss, Func<double, double, int, double> reference) = Elementwise(name, reduction);
            double Reference(float[] x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += reference(x[i], targets[i], i);
                }

                return reduction == LossReduction.Mean ? sum / x.Length : sum;
            }

            float[] gradients = new float[predictions.Length];
            float value = loss.ComputeWithGradient(predictions, targets, gradients);
            Assert.Equal(Reference(predictions), value, 5);
            Assert.Equal(value, loss.Compute(predictions, targets));
            Assert.Equal(binary ? TargetKind.Binary : TargetKind.Value, loss.Targets);
            AssertGradientMatchesFiniteDifferences(Reference, predictions, gradients);
        }
    }

    [Fact]
    public void Binary_cross_entropy_is_stable_for_huge_logits()
    {
        var loss = new BceWithLogitsLoss(LossReduction.Sum);
        float[] gradients = new float[4];
        float value = loss.ComputeWithGradient([100f, -100f, 100f, -100f], [1f, 0f, 0f, 1f], gradients);
        Assert.Equal(200f, value, 3);
        Assert.Equal([0f, 0f, 1f, -1f], gradients, (a, b) => Math.Abs(a - b) < 1e-30f);
        var error = Assert.Throws<ArgumentException>(() => loss.Compute([0f], [2f]));
        Assert.Contains("Expected binary targets in [0, 1], but targets[0] is 2", error.Message);
    }

    [Fact]
    public void Mse_loss_is_the_mean_of_squared_differences_with_gradient_two_d_over_n()
    {
        float[] predictions = [1f, 2f, 3f], targets = [1.5f, 1f, 0f];
        float[] gradients = new float[3];
        // Differences -0.5, 1, 3: squares 0.25 + 1 + 9 = 10.25 over 3 elements; gradients 2d/3.
        float value = new MeanSquaredErrorLoss().ComputeWithGradient(predictions, targets, gradients);
        Assert.Equal(10.25 / 3, value, 6);
        Assert.Equal(10.25 / 3, new MeanSquaredErrorLoss().Compute(predictions, targets), 6);
        Assert.Equal([-1.0 / 3, 2.0 / 3, 2.0], gradients.Select(g => (double)g), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(10.25, new MeanSquaredErrorLoss(LossReduction.Sum).Compute(predictions, targets), 5);
    }

    [Fact]
    public void Elementwise_losses_check_their_operands()
    {
        var loss = new L1Loss();
        Assert.Throws<ArgumentException>(() => loss.Compute([], []));
        var error = Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], [1f]));
        Assert.Contains("Expected a span of length 2, but got length 1", error.Message);
        Assert.Throws<ArgumentException>(() => loss.ComputeWithGradient([1f], [1f], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(delta: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothL1Loss(beta: -1f));
    }

    /// <summary>Central differences of the double-precision reference at the float inputs.</summary>
    private static void AssertGradientMatchesFiniteDifferences(Func<float[], double> reference, float[] inputs, float[] gradients)
    {
        const double step = 1e-3;
        for (int i = 0; i < inputs.Length; i++)
        {
            float[] plus = (float[])inputs.Clone(), minus = (float[])inputs.Clone();
            plus[i] = (float)(inputs[i] + step);
            minus[i] = (float)(inputs[i] - step);
            double numeric = (reference(plus) - reference(minus)) / (plus[i] - (double)minus[i]);
            Assert.True(Math.Abs(numeric - gradients[i]) <= 1e-4 + 1e-3 * Math.Abs(numeric), $"input {i}: analytic {gradients[i]:R}, numeric {numeric:R}");
        }
    }
}
