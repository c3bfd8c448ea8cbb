using System;
using Xunit;

namespace NetDsl.Training.Tests;

public class ScheduleTests
{
    private const float BaseRate = 0.1f;

    [Fact]
    public void StepLR_follows_its_formula_and_drives_the_optimizer()
    {
        var sgd = new Sgd(BaseRate);
        var schedule = new StepLR(sgd, stepSize: 3, gamma: 0.5f);
        for (int epoch = 0; epoch < 12; epoch++)
        {
            double expected = BaseRate * Math.Pow(0.5, epoch / 3);
            Assert.Equal(expected, sgd.LearningRate, 1e-8);
            Assert.Equal(expected, schedule.LearningRateAt(epoch), 1e-8);
            Assert.Equal(epoch, schedule.Epoch);
            schedule.Step();
        }
    }

    [Fact]
    public void MultiStepLR_decays_at_each_milestone()
    {
        var adam = new Adam(BaseRate);
        var schedule = new MultiStepLR(adam, [2, 5, 6], gamma: 0.1f);
        int[] decays = [0, 0, 1, 1, 1, 2, 3, 3];
        foreach (int decay in decays)
        {
            Assert.Equal(BaseRate * Math.Pow(0.1f, decay), adam.LearningRate, 1e-8);
            schedule.Step();
        }
    }

    [Fact]
    public void ExponentialLR_multiplies_every_epoch()
    {
        var sgd = new Sgd(BaseRate);
        var schedule = new ExponentialLR(sgd, gamma: 0.9f);
        for (int epoch = 0; epoch < 20; epoch++)
        {
            Assert.Equal(BaseRate * Math.Pow(0.9f, epoch), sgd.LearningRate, 1e-8);
            schedule.Step();
        }
    }

    [Fact]
    public void CosineAnnealingLR_follows_the_closed_form()
    {
        var sgd = new Sgd(BaseRate);
        var schedule = new CosineAnnealingLR(sgd, tMax: 10, minLearningRate: 0.001f);
        for (int epoch = 0; epoch <= 10; epoch++)
        {
            double expected = 0.001 + (BaseRate - 0.001) * (1 + Math.Cos(Math.PI * epoch / 10)) / 2;
            Assert.Equal(expected, sgd.LearningRate, 1e-8);
            schedule.Step();
        }

        Assert.Equal(0.001f, schedule.LearningRateAt(10), 7);
    }

    [Fact]
    public void CosineAnnealingLR_warms_up_linearly_as_SequentialLR_of_LinearLR_and_cosine()
    {
        var sgd = new Sgd(BaseRate);
        var schedule = new CosineAnnealingLR(sgd, tMax: 6, warmupEpochs: 4, warmupStartFactor: 0.25f);
        for (int epoch = 0; epoch < 12; epoch++)
        {
            double expected = epoch < 4
                ? BaseRate * (0.25 + 0.75 * epoch / 4)
                : BaseRate * (1 + Math.Cos(Math.PI * (epoch - 4) / 6)) / 2;
            Assert.Equal(expected, sgd.LearningRate, 1e-8);
            schedule.Step();
        }
    }

    [Fact]
    public void ReduceLROnPlateau_reduces_after_patience_bad_epochs_then_cools_down()
    {
        var sgd = new Sgd(1f);
        var schedule = new ReduceLROnPlateau(sgd, factor: 0.5f, patience: 2, cooldown: 1);
        Assert.True(schedule.UsesMetric);

        // Hand-derived with PyTorch's rules (mode min, relative threshold 1e-4).
        (double Metric, float Rate)[] steps =
        [
            (1.0, 1f),    // best 1.0
            (0.5, 1f),    // best 0.5
            (0.5, 1f),    // bad 1 (not better by the threshold)
            (0.6, 1f),    // bad 2
            (0.7, 0.5f),  // bad 3 > patience: reduce, cooldown 1
            (0.8, 0.5f),  // in cooldown: bad epochs reset to 0
            (0.9, 0.5f),  // bad 1
            (0.9, 0.5f),  // bad 2
            (0.9, 0.25f), // bad 3: reduce
            (0.4, 0.25f), // new best
        ];
        foreach ((double metric, float rate) in steps)
        {
            schedule.Step(metric);
            Assert.Equal(rate, sgd.LearningRate);
        }

        Assert.Equal(0.4, schedule.Best);
    }

    [Fact]
    public void ReduceLROnPlateau_respects_max_mode_absolute_threshold_and_the_minimum()
    {
        var sgd = new Sgd(0.1f);
        var schedule = new ReduceLROnPlateau(sgd, MetricMode.Max, factor: 0.1f, patience: 0, threshold: 0.05, thresholdMode: ThresholdMode.Absolute, minLearningRate: 0.005f);
        schedule.Step(0.50); // best
        Assert.Equal(0.1f, sgd.LearningRate);
        schedule.Step(0.54); // not better by 0.05: bad 1 > patience 0
        Assert.Equal(0.01f, sgd.LearningRate, 7);
        schedule.Step(0.56); // better than 0.50 + 0.05
        Assert.Equal(0.01f, sgd.LearningRate, 7);
        schedule.Step(0.10);
        Assert.Equal(0.005f, sgd.LearningRate, 7); // clamped at the minimum
        schedule.Step(0.10);
        Assert.Equal(0.005f, sgd.LearningRate, 7); // no change below eps: stays
    }

    [Fact]
    public void ReduceLROnPlateau_needs_a_metric()
    {
        var schedule = new ReduceLROnPlateau(new Sgd(0.1f));
        var error = Assert.Throws<InvalidOperationException>(() => schedule.Step());
        Assert.Contains("call Step(metric)", error.Message);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var sgd = new Sgd(0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(sgd, stepSize: 0));
        var milestones = Assert.Throws<ArgumentException>(() => new MultiStepLR(sgd, [3, 3]));
        Assert.Contains("milestones[1] is 3 after 3", milestones.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(sgd, gamma: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(sgd, tMax: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(sgd, factor: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule().LearningRateAt(-1));

        EpochSchedule schedule() => new StepLR(new Sgd(0.1f), 1);
    }
}
