using System;

namespace NetDsl;

/// <summary>
/// An optimizer updates a flat parameter span from its gradient span. Its state, if any (momentum buffers,
/// moment estimates), is allocated once, on the first <see cref="Step"/> for a given number of parameters, so
/// that later steps allocate nothing.
/// </summary>
/// <remarks>
/// An optimizer instance keeps state for one parameter span: use one optimizer per network. Call
/// <see cref="Reset"/> to start again from fresh state (for example before training the same network anew).
/// </remarks>
public interface IOptimizer
{
    /// <summary>The learning rate of the next step; learning-rate schedules set it between epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative, infinite or NaN.</exception>
    float LearningRate { get; set; }

    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The spans differ in length, or their length differs from the one the optimizer's state was created for.
    /// </exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Discards the optimizer's state (step count, moment estimates, momentum buffers); the hyperparameters stay.</summary>
    void Reset();
}

/// <summary>Convenience calls of optimizers on networks.</summary>
public static class OptimizerExtensions
{
    /// <summary>Applies one update to every parameter of <paramref name="network"/> from its gradients.</summary>
    public static void Step(this IOptimizer optimizer, INetwork network)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(network);
        optimizer.Step(network.Parameters, network.Gradients);
    }
}
