using System;
using NetDsl.Generated;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// <see cref="BlockTranspose.Matrix"/>, under every conversion between planar and channels-last layouts: every size on
/// both sides of the 8 x 8 blocks (0 to 19 rows and columns), strides wider than the matrix, with the AVX blocks and
/// without; nothing outside the target matrix is written.
/// </summary>
[Collection(VectorWidthCollection.Name)]
public sealed class BlockTransposeTests
{
    private const float Sentinel = -7.25f;

    [Theory]
    [InlineData(512)]
    [InlineData(128)] // below 256 bits: the scalar loop only
    public void EveryShapeIsTransposedAndNothingElseWritten(int vectorBits)
    {
        var random = new Random(vectorBits);
        VectorBits.With(vectorBits, () =>
        {
            for (int rows = 0; rows < 20; rows++)
            {
                for (int columns = 0; columns < 20; columns++)
                {
                    int sourceStride = columns + random.Next(3), targetStride = rows + random.Next(3);
                    float[] source = TestData.Uniform(random, Math.Max(1, rows * sourceStride));
                    float[] target = new float[Math.Max(1, columns * targetStride) + 8];
                    target.AsSpan().Fill(Sentinel);
                    BlockTranspose.Matrix(ref source[0], sourceStride, ref target[0], targetStride, rows, columns);
                    for (int i = 0; i < target.Length; i++)
                    {
                        int c = i / Math.Max(1, targetStride), r = i % Math.Max(1, targetStride);
                        float expected = c < columns && r < rows ? source[r * sourceStride + c] : Sentinel;
                        Assert.True(expected.Equals(target[i]), $"{rows}x{columns} (strides {sourceStride}, {targetStride}) at {vectorBits} bits: target[{i}] = {target[i]}, expected {expected}");
                    }
                }
            }
        });
    }
}
