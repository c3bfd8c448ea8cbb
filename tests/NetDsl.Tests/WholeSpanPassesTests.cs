using System;
using System.Linq;
using NetDsl.Generated;
using NetDsl.TestSupport;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The trainer's whole-span passes split over a <see cref="KernelTeam"/>: the first non-finite index and the copy of one thread.</summary>
public sealed class WholeSpanPassesTests
{
    /// <summary>Positions of the non-finite values planted (empty: none), in a span a little longer than the split threshold.</summary>
    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 200_000 })]
    [InlineData(new[] { 263_000, 5 })]
    [InlineData(new[] { 263_144, 150_001, 263_100 })]
    public void TheFirstNonFiniteValueAndTheCopyAreThoseOfOneThread(int[] positions)
    {
        int length = ElementwiseWork.MinimumFloats + 1001;
        float[] values = TestData.Uniform(new Random(positions.Length), length);
        float[] planted = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int k = 0; k < positions.Length; k++)
        {
            values[positions[k]] = planted[k % planted.Length];
        }

        int expected = FiniteCheck.IndexOfNonFinite(values);
        Assert.Equal(positions.Length == 0 ? -1 : positions.Min(), expected);
        foreach (int threads in new[] { 2, 3 })
        {
            using var team = new KernelTeam(threads);
            using (KernelTeam.Lend(team))
            {
                Assert.Equal(expected, WholeSpanPasses.IndexOfNonFinite(values));
                float[] copy = new float[length];
                WholeSpanPasses.Copy(values, copy);
                ExtremeValues.AssertSameBits(values, copy, $"the copy on {threads} threads");
                AllocationAssert.None("the split scan and copy", () =>
                {
                    WholeSpanPasses.IndexOfNonFinite(values);
                    WholeSpanPasses.Copy(values, copy);
                }, 3, 5);
            }
        }
    }
}
