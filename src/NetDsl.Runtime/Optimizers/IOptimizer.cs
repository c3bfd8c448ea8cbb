using System;

namespace NetDsl;

/// <summary>An optimizer updates a flat parameter span from its gradient span; its state, if any, is allocated once.</summary>
public interface IOptimizer
{
    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
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
