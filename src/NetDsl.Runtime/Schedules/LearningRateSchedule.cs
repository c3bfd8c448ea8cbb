using System;

namespace NetDsl;

/// <summary>
/// A learning-rate schedule bound to one optimizer, as PyTorch's <c>torch.optim.lr_scheduler</c> classes: it records
/// the optimizer's learning rate at construction as the base rate, sets the rate of epoch 0, and sets the rate of
/// the next epoch on each <see cref="Step(double)"/>, called once at the end of every epoch.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Binds the schedule to <paramref name="optimizer"/>, whose current learning rate becomes the base rate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    protected LearningRateSchedule(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimizer whose learning rate the schedule sets.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The optimizer's learning rate when the schedule was created (PyTorch's <c>initial_lr</c>).</summary>
    public float BaseLearningRate { get; }

    /// <summary>The number of <see cref="Step(double)"/> calls so far: the index of the epoch about to run (PyTorch's <c>last_epoch</c>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Whether <see cref="Step(double)"/> reads its argument (true for <see cref="ReduceLROnPlateau"/>).</summary>
    public virtual bool UsesMetric => false;

    /// <summary>Ends an epoch without a metric and sets the learning rate of the next one.</summary>
    /// <exception cref="InvalidOperationException">The schedule needs a metric (<see cref="UsesMetric"/>).</exception>
    public void Step()
    {
        if (UsesMetric)
        {
            throw new InvalidOperationException($"{GetType().Name} reduces the learning rate from a monitored metric: call Step(metric) with the epoch's value.");
        }

        Step(double.NaN);
    }

    /// <summary>Ends an epoch, with the monitored metric's value when the schedule uses one, and sets the learning rate of the next epoch.</summary>
    public void Step(double metric)
    {
        Epoch++;
        Optimizer.LearningRate = NextLearningRate(Epoch, metric, Optimizer.LearningRate);
    }

    /// <summary>Sets the learning rate of epoch 0; derived constructors call it once their fields are set.</summary>
    protected void Start() => Optimizer.LearningRate = NextLearningRate(0, double.NaN, BaseLearningRate);

    /// <summary>The learning rate of <paramref name="epoch"/>, given the epoch's metric and the current rate.</summary>
    protected abstract float NextLearningRate(int epoch, double metric, float currentLearningRate);
}
