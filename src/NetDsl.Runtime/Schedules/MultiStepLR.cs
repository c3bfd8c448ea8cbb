using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> at each milestone epoch, as PyTorch's
/// <c>MultiStepLR(optimizer, milestones, gamma=0.1)</c>: <c>lr(epoch) = base * gamma^(number of milestones &lt;= epoch)</c>.
/// </summary>
public sealed class MultiStepLR : EpochSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule and sets the optimizer's rate for epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rate is scheduled.</param>
    /// <param name="milestones">The epochs at which the rate decays, strictly increasing and positive.</param>
    /// <param name="gamma">The multiplicative decay (default 0.1).</param>
    /// <exception cref="ArgumentException"><paramref name="milestones"/> is empty, not strictly increasing, or holds an epoch below 1.</exception>
    public MultiStepLR(IOptimizer optimizer, IReadOnlyList<int> milestones, float gamma = 0.1f)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        if (milestones.Count == 0)
        {
            throw new ArgumentException("Expected at least one milestone epoch, but the list is empty.", nameof(milestones));
        }

        _milestones = new int[milestones.Count];
        for (int i = 0; i < _milestones.Length; i++)
        {
            int milestone = milestones[i];
            if (milestone < 1 || (i > 0 && milestone <= _milestones[i - 1]))
            {
                throw new ArgumentException(
                    $"Expected strictly increasing milestone epochs of at least 1, but milestones[{i}] is {milestone}" + (i > 0 ? $" after {_milestones[i - 1]}." : "."),
                    nameof(milestones));
            }

            _milestones[i] = milestone;
        }

        Gamma = ScheduleChecks.Factor(gamma, nameof(gamma));
        Start();
    }

    /// <summary>The epochs at which the rate decays.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>The multiplicative decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    protected override double Compute(int epoch)
    {
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= epoch)
        {
            passed++;
        }

        return BaseLearningRate * Math.Pow(Gamma, passed);
    }
}
