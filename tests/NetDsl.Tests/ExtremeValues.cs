using System;
using System.Linq;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Inputs that find where two implementations of a function part ways, and the comparison of their bits.</summary>
internal static class ExtremeValues
{
    /// <summary>Floats mixing tiny, huge, signed-zero, NaN and ordinary values (±4).</summary>
    public static float[] Draw(Random random, int count) => Enumerable.Range(0, count).Select(_ => random.Next(10) switch
    {
        0 => (float)(random.NextDouble() - 0.5) * 1e-6f,
        1 => (float)(random.NextDouble() - 0.5) * 200f,
        2 => 0f,
        3 => -0f,
        4 => float.NaN,
        _ => (float)(random.NextDouble() - 0.5) * 8f,
    }).ToArray();

    /// <summary>The same bits element by element, or NaN where NaN (vector and scalar NaNs may differ in payload).</summary>
    public static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])), $"{what}, element {i}: {actual[i]} against {expected[i]}");
        }
    }

    /// <summary>
    /// <paramref name="values"/> as <paramref name="blocks"/> blocks of <paramref name="length"/> floats (a cell's gates),
    /// each followed by zeros up to <paramref name="paddedLength"/>: the zero-padded copy a partial vector is checked against.
    /// </summary>
    public static float[] PadBlocks(float[] values, int blocks, int length, int paddedLength)
    {
        float[] padded = new float[blocks * paddedLength];
        for (int block = 0; block < blocks; block++)
        {
            values.AsSpan(block * length, length).CopyTo(padded.AsSpan(block * paddedLength));
        }

        return padded;
    }

    private const int SentinelBits = 0x7FC0_1234;

    /// <summary>An array of <paramref name="length"/> floats and <paramref name="beyond"/> more past them, all a NaN sentinel.</summary>
    public static float[] Sentinels(int length, int beyond)
    {
        float[] array = new float[length + beyond];
        array.AsSpan().Fill(BitConverter.Int32BitsToSingle(SentinelBits));
        return array;
    }

    /// <summary>That nothing wrote to <paramref name="array"/> past its first <paramref name="length"/> floats (see <see cref="Sentinels"/>).</summary>
    public static void AssertUntouchedPast(float[] array, int length, string what)
    {
        for (int i = length; i < array.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(array[i]) == SentinelBits, $"{what}: written past its end, at {i - length}");
        }
    }
}
