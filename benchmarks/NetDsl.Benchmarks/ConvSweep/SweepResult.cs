namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>The timings of one <see cref="SweepCase"/> on one system, and the one-core peak they are compared with.</summary>
/// <param name="System">Who ran it: NetDsl or TorchSharp.</param>
/// <param name="ForwardSeconds">The median forward call.</param>
/// <param name="BackwardSeconds">The median backward call (weight, bias and input gradients); NaN when not timed (linear rows).</param>
/// <param name="PeakGflops">The one-core fp32 FMA peak measured at the start of the sweep (<see cref="PeakFmaProbe"/>).</param>
public sealed record SweepResult(SweepCase Case, string System, double ForwardSeconds, double BackwardSeconds, double PeakGflops)
{
    /// <summary>Forward GFLOP/s (2 per multiply-add).</summary>
    public double ForwardGflops => Case.ForwardFlops / ForwardSeconds / 1e9;

    /// <summary>Backward GFLOP/s (weight and input gradients: twice the forward's multiply-adds); NaN when not timed.</summary>
    public double BackwardGflops => double.IsNaN(BackwardSeconds) ? double.NaN : Case.BackwardFlops / BackwardSeconds / 1e9;

    /// <summary>The forward's fraction of the one-core peak.</summary>
    public double ForwardPeakFraction => ForwardGflops / PeakGflops;

    /// <summary>The backward's fraction of the one-core peak; NaN when not timed.</summary>
    public double BackwardPeakFraction => BackwardGflops / PeakGflops;
}
