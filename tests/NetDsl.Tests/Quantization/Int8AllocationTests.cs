using System;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// After warm-up the int8 product allocates nothing, on every path, with and without its scratch rows. The warm-up runs
/// past tiered compilation's call-count threshold (30): a clean clone once counted 5,648 bytes on this thread in 10 calls
/// after only 3 warm-ups, while the methods were being promoted.
/// </summary>
public sealed class Int8AllocationTests
{
    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void MultiplyAllocatesNothing(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        foreach (int depth in new[] { 784, 785 })
        {
            const int outputs = 130;
            PackedInt8Weights packed = PackedInt8Weights.Pack(new sbyte[outputs * depth], outputs, depth, path);
            byte[] x = new byte[64 * depth];
            int[] accumulators = new int[64 * outputs];
            foreach (int rows in new[] { 64, 5, 1 })
            {
                AllocationAssert.None($"Int8MatrixMultiply.Multiply on {path} at depth {depth}, {rows} rows", () => Int8MatrixMultiply.Multiply(x, rows, depth, packed, accumulators), warmUps: 50, repetitions: 10);
            }
        }
    }
}
