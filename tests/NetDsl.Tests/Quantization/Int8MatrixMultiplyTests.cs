using System;
using System.Collections.Generic;
using NetDsl.Quantization;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// Every int8 path, forced, against a scalar reference in 64-bit arithmetic: the sums are exact integers, so every path
/// must give them bit for bit, at odd depths, output counts that are no multiple of a block, strided rows and the
/// extreme values.
/// </summary>
public sealed class Int8MatrixMultiplyTests(ITestOutputHelper output)
{
    private static readonly int[] Depths = [1, 3, 5, 17, 63, 784, 785];
    private static readonly int[] Outputs = [1, 7, 9, 10, 33, 128];
    private static readonly int[] Rows = [1, 2, 5, 64];

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void EveryShapeMatchesTheReference(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        var random = new Random(15);
        int cases = 0;
        foreach (int depth in Depths)
        {
            foreach (int outputs in Outputs)
            {
                sbyte[] w = RandomWeights(random, outputs * depth);
                PackedInt8Weights packed = PackedInt8Weights.Pack(w, outputs, depth, path);
                foreach (int rows in Rows)
                {
                    // Every other case reads rows from a wider matrix, whose extra columns must not count.
                    int xStride = cases % 2 == 0 ? depth : depth + 1 + random.Next(13);
                    byte[] x = RandomActivations(random, ((rows - 1) * xStride) + depth);
                    AssertMatchesReference(x, rows, xStride, w, packed, $"{path}, depth {depth}, outputs {outputs}, rows {rows}, stride {xStride}");
                    cases++;
                }
            }
        }

        output.WriteLine($"Int8Path.{path} ran {cases} shapes, all exact.");
    }

    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void ExtremeValuesAreExact(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        foreach (int depth in new[] { 4, 785, 65_536, PackedInt8Weights.MaxDepth })
        {
            const int outputs = 10;
            const int rows = 5;
            var w = new sbyte[outputs * depth];
            for (int o = 0; o < outputs; o++)
            {
                // All +127, all -127, and alternating signs in runs, against all-255 and alternating 0/255 rows.
                for (int k = 0; k < depth; k++)
                {
                    w[(o * depth) + k] = o switch
                    {
                        0 => 127,
                        1 => -127,
                        _ => (sbyte)(((k / o) % 2 == 0) ? 127 : -127),
                    };
                }
            }

            var x = new byte[rows * depth];
            for (int n = 0; n < rows; n++)
            {
                for (int k = 0; k < depth; k++)
                {
                    x[(n * depth) + k] = n switch
                    {
                        0 => 255,
                        1 => (byte)(k % 2 == 0 ? 255 : 0),
                        2 => 0,
                        _ => (byte)(255 - (k % 7)),
                    };
                }
            }

            PackedInt8Weights packed = PackedInt8Weights.Pack(w, outputs, depth, path);
            int[] actual = AssertMatchesReference(x, rows, depth, w, packed, $"{path}, extremes at depth {depth}");
            Assert.Equal(255L * 127 * depth, actual[0]);
            Assert.Equal(-255L * 127 * depth, actual[1]);
        }

        output.WriteLine($"Int8Path.{path} ran the extremes up to depth {PackedInt8Weights.MaxDepth}, all exact.");
    }

    [Fact]
    public void ReportsThePathsOfThisMachine()
    {
        var supported = new List<string>();
        var unsupported = new List<string>();
        foreach (Int8Path path in Enum.GetValues<Int8Path>())
        {
            (Int8Paths.IsSupported(path) ? supported : unsupported).Add(path.ToString());
        }

        output.WriteLine($"Int8 paths run here: {string.Join(", ", supported)}; skipped: {(unsupported.Count == 0 ? "none" : string.Join(", ", unsupported))}; best: {Int8Paths.Best}.");
        Assert.True(Int8Paths.IsSupported(Int8Paths.Best));
        Assert.True(Int8Paths.IsSupported(Int8Path.Scalar));
    }

    [Fact]
    public void NoRowsLeaveTheAccumulatorsAlone()
    {
        PackedInt8Weights packed = PackedInt8Weights.Pack(new sbyte[6], 2, 3, Int8Paths.Best);
        int[] accumulators = [7, 7];
        Int8MatrixMultiply.Multiply([], 0, 3, packed, accumulators);
        Assert.Equal([7, 7], accumulators);
    }

    // Runs the product into accumulators full of garbage with sentinels after them, and compares with the reference.
    private static int[] AssertMatchesReference(byte[] x, int rows, int xStride, sbyte[] w, PackedInt8Weights packed, string what)
    {
        int outputs = packed.Outputs;
        int depth = packed.Depth;
        const int sentinels = 20;
        var accumulators = new int[(rows * outputs) + sentinels];
        Array.Fill(accumulators, int.MinValue + 12345);
        Int8MatrixMultiply.Multiply(x, rows, xStride, packed, accumulators);
        for (int n = 0; n < rows; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                long expected = 0;
                for (int k = 0; k < depth; k++)
                {
                    expected += (long)x[(n * xStride) + k] * w[(o * depth) + k];
                }

                int actual = accumulators[(n * outputs) + o];
                if (actual != expected)
                {
                    Assert.Fail($"{what}: accumulator [{n}, {o}] is {actual}, expected {expected}.");
                }
            }
        }

        for (int i = rows * outputs; i < accumulators.Length; i++)
        {
            Assert.True(accumulators[i] == int.MinValue + 12345, $"{what}: wrote past the accumulators, at {i}.");
        }

        return accumulators;
    }

    internal static sbyte[] RandomWeights(Random random, int length)
    {
        var w = new sbyte[length];
        for (int i = 0; i < length; i++)
        {
            // Mostly uniform, with the extremes over-represented.
            int pick = random.Next(10);
            w[i] = pick == 0 ? (sbyte)127 : pick == 1 ? (sbyte)-127 : (sbyte)random.Next(-127, 128);
        }

        return w;
    }

    internal static byte[] RandomActivations(Random random, int length)
    {
        var x = new byte[length];
        random.NextBytes(x);
        for (int i = 0; i < length; i += 5)
        {
            x[i] = 255;
        }

        return x;
    }
}
