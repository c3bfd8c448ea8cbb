using System;
using System.Runtime.Intrinsics;

namespace NetDsl.Benchmarks.ConvSweep;

/// <summary>
/// One core's fp32 peak, measured with <see cref="PeakFma"/>'s FMA chains (the same code BenchmarkDotNet times) and a
/// <see cref="SweepTimer"/>: GFLOP/s of the 256-bit and 512-bit chains in their fastest repetition (on a shared machine
/// the load can only lower a peak), and the higher of the two as the peak.
/// </summary>
public static class PeakFmaProbe
{
    /// <summary>Measures both widths; <c>Peak</c> is the higher (the widest width the kernels may use).</summary>
    public static (double Vector256Gflops, double Vector512Gflops, double Peak) Measure(SweepTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var fma = new PeakFma();
        float sink = 0;
        double v256 = PeakFma.Flops(Vector256<float>.Count) / timer.FastestSeconds(() => sink += fma.Vector256Fma()) / 1e9;
        double v512 = PeakFma.Flops(Vector512<float>.Count) / timer.FastestSeconds(() => sink += fma.Vector512Fma()) / 1e9;
        GC.KeepAlive(sink);
        return (v256, v512, Math.Max(v256, v512));
    }
}
