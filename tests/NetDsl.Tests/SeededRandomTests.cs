using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

public sealed class SeededRandomTests
{
    [Fact]
    public void TheSameSeedGivesTheSameSequence()
    {
        foreach (long seed in (long[])[0, 1, -1, 42, long.MaxValue, long.MinValue])
        {
            var a = new SeededRandom(seed);
            var b = new SeededRandom(seed);
            for (int j = 0; j < 1000; j++)
            {
                Assert.Equal(a.NextUInt64(), b.NextUInt64());
                Assert.Equal(a.NextSingle(), b.NextSingle());
                Assert.Equal(a.NextDouble(), b.NextDouble());
                Assert.Equal(a.NextInt32(1000), b.NextInt32(1000));
            }
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSequences()
    {
        ulong[] a = Draw(new SeededRandom(1), 16);
        ulong[] b = Draw(new SeededRandom(2), 16);
        Assert.Empty(a.Intersect(b));
    }

    [Fact]
    public void TheSequenceIsXoshiro256StarStarSeededBySplitMix64()
    {
        // The sequence is part of NetDsl's contract (the same seed gives the same model on every .NET version), so it
        // is pinned here against an independent implementation of the published algorithms. SplitMix64's first
        // outputs from state 0 are the well-known test vector 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ...
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SplitMix64(ref state));

        foreach (long seed in (long[])[0, 42, -7])
        {
            ulong splitMix = unchecked((ulong)seed);
            ulong[] s = [SplitMix64(ref splitMix), SplitMix64(ref splitMix), SplitMix64(ref splitMix), SplitMix64(ref splitMix)];
            var random = new SeededRandom(seed);
            for (int j = 0; j < 100; j++)
            {
                Assert.Equal(XoshiroNext(s), random.NextUInt64());
            }
        }
    }

    [Fact]
    public void NextSingleAndNextDoubleLieInTheUnitInterval()
    {
        var random = new SeededRandom(3);
        float minimum = 1f;
        float maximum = 0f;
        double sum = 0;
        const int count = 100_000;
        for (int j = 0; j < count; j++)
        {
            float x = random.NextSingle();
            if (!(x >= 0f && x < 1f))
            {
                Assert.Fail($"NextSingle returned {x}.");
            }

            minimum = Math.Min(minimum, x);
            maximum = Math.Max(maximum, x);
            sum += x;
            double d = random.NextDouble();
            if (!(d >= 0.0 && d < 1.0))
            {
                Assert.Fail($"NextDouble returned {d}.");
            }
        }

        Assert.True(minimum < 1e-3f && maximum > 1f - 1e-3f);
        Assert.InRange(sum / count, 0.49, 0.51);
    }

    [Fact]
    public void NextInt32StaysWithinItsBoundAndCoversIt()
    {
        var random = new SeededRandom(5);
        foreach (int bound in (int[])[1, 2, 3, 7, 10])
        {
            var seen = new int[bound];
            for (int j = 0; j < 2000; j++)
            {
                int value = random.NextInt32(bound);
                Assert.InRange(value, 0, bound - 1);
                seen[value]++;
            }

            Assert.All(seen, count => Assert.True(count > 2000 / bound / 2, $"bound {bound}: a value occurred only {count} times."));
        }

        for (int j = 0; j < 1000; j++)
        {
            Assert.InRange(random.NextInt32(int.MaxValue), 0, int.MaxValue - 1);
        }
    }

    [Fact]
    public void NextInt32RejectsANonPositiveBound()
    {
        var random = new SeededRandom(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(int.MinValue));
    }

    [Fact]
    public void FillUniformStaysWithinItsRange()
    {
        var random = new SeededRandom(8);
        var values = new float[10_000];
        random.FillUniform(values, -0.25f, 0.75f);
        Assert.All(values, v => Assert.InRange(v, -0.25f, 0.75f));
        Assert.InRange(values.Average(), 0.23, 0.27);
    }

    private static ulong[] Draw(SeededRandom random, int count) => Enumerable.Range(0, count).Select(_ => random.NextUInt64()).ToArray();

    private static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    // xoshiro256** 1.0 (Blackman and Vigna): result = rotl(s1 * 5, 7) * 9, then the state transition.
    private static ulong XoshiroNext(ulong[] s)
    {
        unchecked
        {
            ulong result = ulong.RotateLeft(s[1] * 5, 7) * 9;
            ulong t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = ulong.RotateLeft(s[3], 45);
            return result;
        }
    }
}
