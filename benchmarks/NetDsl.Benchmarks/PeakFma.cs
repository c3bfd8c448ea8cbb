using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NetDsl.Benchmarks;

/// <summary>
/// The machine's peak fp32 FMA throughput on one core: 16 independent FMA chains (named locals, so they stay in
/// registers) of <see cref="Iterations"/> steps each. GFLOP/s = Iterations * 16 * lanes * 2 / time.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class PeakFma
{
    /// <summary>Steps per chain per call.</summary>
    public const int Iterations = 100_000;

    /// <summary>The floating-point operations of one call with <paramref name="lanes"/> lanes per vector.</summary>
    public static double Flops(int lanes) => 2.0 * Iterations * 16 * lanes;

    /// <summary>16 chains of Vector256 FMAs (8 lanes).</summary>
    [Benchmark(Baseline = true)]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Vector256Fma()
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = Vector256.Create(0.2f), a2 = Vector256.Create(0.3f), a3 = Vector256.Create(0.4f);
        Vector256<float> a4 = a0 + a1, a5 = a1 + a2, a6 = a2 + a3, a7 = a3 + a0, a8 = a0 * a1, a9 = a1 * a2, a10 = a2 * a3, a11 = a3 * a0;
        Vector256<float> a12 = a4 * a5, a13 = a5 * a6, a14 = a6 * a7, a15 = a7 * a8;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
            a12 = Vector256.FusedMultiplyAdd(a12, m, c); a13 = Vector256.FusedMultiplyAdd(a13, m, c);
            a14 = Vector256.FusedMultiplyAdd(a14, m, c); a15 = Vector256.FusedMultiplyAdd(a15, m, c);
        }

        Vector256<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector256.Sum(sum);
    }

    /// <summary>16 chains of Vector512 FMAs (16 lanes).</summary>
    [Benchmark]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Vector512Fma()
    {
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0.1f), a1 = Vector512.Create(0.2f), a2 = Vector512.Create(0.3f), a3 = Vector512.Create(0.4f);
        Vector512<float> a4 = a0 + a1, a5 = a1 + a2, a6 = a2 + a3, a7 = a3 + a0, a8 = a0 * a1, a9 = a1 * a2, a10 = a2 * a3, a11 = a3 * a0;
        Vector512<float> a12 = a4 * a5, a13 = a5 * a6, a14 = a6 * a7, a15 = a7 * a8;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            a12 = Vector512.FusedMultiplyAdd(a12, m, c); a13 = Vector512.FusedMultiplyAdd(a13, m, c);
            a14 = Vector512.FusedMultiplyAdd(a14, m, c); a15 = Vector512.FusedMultiplyAdd(a15, m, c);
        }

        Vector512<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(sum);
    }
}
