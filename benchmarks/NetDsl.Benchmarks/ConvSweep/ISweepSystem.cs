namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>A system the sweep can time: NetDsl's kernels, or a peer's.</summary>
public interface ISweepSystem
{
    /// <summary>The name in tables, CSV files and plots.</summary>
    string Name { get; }

    /// <summary>The median forward and backward calls of <paramref name="sweepCase"/> (backward NaN when the case times no backward).</summary>
    (double ForwardSeconds, double BackwardSeconds) Time(SweepCase sweepCase, SweepTimer timer);
}
