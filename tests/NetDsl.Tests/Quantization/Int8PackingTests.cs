using System;
using System.Runtime.InteropServices;
using NetDsl.Quantization;
using Xunit;

namespace NetDsl.Tests.Quantization;

/// <summary>Packing: the documented layout of every path, the row sums, and what it rejects (with what was expected and what arrived).</summary>
public sealed class Int8PackingTests
{
    [Theory]
    [Int8PathData(nameof(Int8Path.Scalar))]
    [Int8PathData(nameof(Int8Path.Avx2))]
    [Int8PathData(nameof(Int8Path.Avx512BW))]
    [Int8PathData(nameof(Int8Path.AvxVnni))]
    public void TheLayoutIsTheDocumentedOne(string pathName)
    {
        Int8Path path = Enum.Parse<Int8Path>(pathName);
        const int outputs = 11, depth = 7;
        var w = new sbyte[outputs * depth];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (sbyte)((i * 37 % 255) - 127);
        }

        PackedInt8Weights packed = PackedInt8Weights.Pack(w, outputs, depth, path);
        Assert.Equal((outputs, depth, path), (packed.Outputs, packed.Depth, packed.Path));
        for (int o = 0; o < outputs; o++)
        {
            int sum = 0;
            for (int k = 0; k < depth; k++)
            {
                sum += w[(o * depth) + k];
            }

            Assert.Equal(sum, packed.RowSums[o]);
        }

        ReadOnlySpan<byte> bytes = packed.Packed;
        if (path == Int8Path.Scalar)
        {
            Assert.Equal(MemoryMarshal.AsBytes(w.AsSpan()).ToArray(), bytes.ToArray());
            return;
        }

        int unitInputs = packed.UnitInputs;
        int elementBytes = 4 / unitInputs;
        Assert.Equal(path == Int8Path.Avx512BW ? 16 : 8, packed.BlockOutputs);
        Assert.Equal(path == Int8Path.AvxVnni ? 4 : 2, unitInputs);
        Assert.Equal((outputs + packed.BlockOutputs - 1) / packed.BlockOutputs, packed.Blocks);
        Assert.Equal((depth + unitInputs - 1) / unitInputs, packed.Units);
        Assert.Equal(packed.Units * packed.UnitBytes, bytes.Length);
        int padded = packed.Blocks * packed.BlockOutputs;
        for (int o = 0; o < padded; o++)
        {
            for (int k = 0; k < packed.Units * unitInputs; k++)
            {
                int offset = (k / unitInputs * packed.UnitBytes) + (o * 4) + (k % unitInputs * elementBytes);
                int stored = elementBytes == 1 ? (sbyte)bytes[offset] : MemoryMarshal.Read<short>(bytes[offset..]);
                int expected = o < outputs && k < depth ? w[(o * depth) + k] : 0;
                Assert.True(stored == expected, $"{path}: output {o}, input {k} at byte {offset} holds {stored}, expected {expected}.");
            }
        }
    }

    [Fact]
    public void TheStorageIsAlignedToCacheLines()
    {
        PackedInt8Weights packed = PackedInt8Weights.Pack(new sbyte[10 * 13], 10, 13, Int8Paths.Best);
        Assert.Equal(0, (long)AddressOf(packed.Packed) % 64);
    }

    [Theory]
    [InlineData(-128, 0)]
    [InlineData(-128, 41)]
    public void OutOfRangeWeightsAreRejected(int value, int index)
    {
        var w = new sbyte[6 * 7];
        w[index] = (sbyte)value;
        var e = Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(w, 6, 7, Int8Path.Scalar));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("[-127, 127]", e.Message, StringComparison.Ordinal);
        Assert.Contains($"weights[{index}] (output {index / 7}, input {index % 7}) is -128", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongLengthsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[20], 3, 7, Int8Paths.Best));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("Expected 21 weights ([3, 7], row-major), but got 20", e.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => PackedInt8Weights.Pack([], 0, 7, Int8Paths.Best));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedInt8Weights.Pack([], 3, 0, Int8Paths.Best));
        var depth = Assert.Throws<ArgumentOutOfRangeException>(() => PackedInt8Weights.Pack([], 1, PackedInt8Weights.MaxDepth + 1, Int8Paths.Best));
        Assert.Contains($"at most {PackedInt8Weights.MaxDepth}", depth.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedInt8Weights.Pack(new sbyte[1], 1, 1, (Int8Path)42));
    }

    [Fact]
    public void UnsupportedPathsAreRejected()
    {
        foreach (Int8Path path in Enum.GetValues<Int8Path>())
        {
            if (!Int8Paths.IsSupported(path))
            {
                var e = Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[1], 1, 1, path));
                Assert.Contains(path.ToString(), e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void MultiplyRejectsShortSpansAndStrides()
    {
        PackedInt8Weights packed = PackedInt8Weights.Pack(new sbyte[4 * 5], 4, 5, Int8Paths.Best);
        var x = Assert.Throws<ArgumentException>(() => Int8MatrixMultiply.Multiply(new byte[13], 2, 9, packed, new int[8]));
        Assert.Contains("Expected at least 14 activations (2 rows of 5, 9 apart), but got 13", x.Message, StringComparison.Ordinal);
        var y = Assert.Throws<ArgumentException>(() => Int8MatrixMultiply.Multiply(new byte[10], 2, 5, packed, new int[7]));
        Assert.Contains("Expected room for at least 8 accumulators (2 rows of 4), but got 7", y.Message, StringComparison.Ordinal);
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => Int8MatrixMultiply.Multiply(new byte[10], 2, 4, packed, new int[8]));
        Assert.Contains("at least the depth, 5, but got 4", stride.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8MatrixMultiply.Multiply(new byte[10], -1, 5, packed, new int[8]));
        Assert.Throws<ArgumentNullException>(() => Int8MatrixMultiply.Multiply(new byte[10], 2, 5, null!, new int[8]));
    }

    private static unsafe nint AddressOf(ReadOnlySpan<byte> span)
    {
        fixed (byte* pointer = span)
        {
            return (nint)pointer;
        }
    }
}
