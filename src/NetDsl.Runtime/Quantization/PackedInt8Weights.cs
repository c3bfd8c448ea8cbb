using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Quantization;

/// <summary>
/// The int8 weights of a fully connected layer, <c>[outputs, depth]</c>, packed once in the layout of one
/// <see cref="Int8Path"/>'s micro-kernel, with the per-output sums that zero-point correction needs.
/// </summary>
/// <remarks>
/// <para>
/// On the vector paths the weights are cut into <em>units</em> of 32 bits per output: 4 int8 inputs (AvxVnni, one
/// <c>vpdpbusd</c> lane) or 2 inputs widened to int16 (Avx2, Avx512BW, one <c>vpmaddwd</c> lane). Outputs are grouped
/// in blocks of one accumulator vector's lanes (8 for the 256-bit paths, 16 for Avx512BW). The storage is unit-major:
/// unit <c>u</c> of every output in order, then unit <c>u + 1</c>, so the byte offset of input <c>k</c> of output
/// <c>o</c> is <c>(k / UnitInputs) * UnitBytes + o * 4 + (k % UnitInputs) * (4 / UnitInputs)</c>. A tile of
/// consecutive blocks then reads consecutive vectors at constant displacements, and one step of <c>u</c> moves every
/// tile's pointer by <see cref="UnitBytes"/>. Outputs are padded to whole blocks and inputs to whole units with zero
/// weights, which add nothing to any sum.
/// </para>
/// <para>On the scalar path the storage is the weights themselves, row-major and unpadded.</para>
/// <para>The storage begins on a 64-byte boundary (pinned), so no vector load of a weight straddles two cache lines.</para>
/// </remarks>
internal sealed class PackedInt8Weights
{
    /// <summary>
    /// The largest depth whose sums are exact in int32 whatever the values: <c>255 * 127 * MaxDepth</c> ≤
    /// <see cref="int.MaxValue"/> (66,311), and every partial sum of a lane is bounded by the same.
    /// </summary>
    public const int MaxDepth = int.MaxValue / (255 * 127);

    private const int Alignment = 64;

    private readonly byte[] _array;
    private readonly int _offset;
    private readonly int _length;

    private PackedInt8Weights(int outputs, int depth, Int8Path path)
    {
        Outputs = outputs;
        Depth = depth;
        Path = path;
        (BlockOutputs, UnitInputs) = path switch
        {
            Int8Path.AvxVnni => (8, 4),
            Int8Path.Avx2 => (8, 2),
            Int8Path.Avx512BW => (16, 2),
            _ => (1, 1),
        };
        Blocks = (outputs + BlockOutputs - 1) / BlockOutputs;
        Units = (depth + UnitInputs - 1) / UnitInputs;
        RowSums = new int[outputs];
        _length = path == Int8Path.Scalar ? outputs * depth : checked(Units * UnitBytes);
        _array = GC.AllocateArray<byte>(_length + Alignment - 1, pinned: true);
        _offset = BytesToBoundary(ref MemoryMarshal.GetArrayDataReference(_array));
    }

    /// <summary>The number of outputs (rows of the weight matrix).</summary>
    public int Outputs { get; }

    /// <summary>The number of inputs of each output (columns of the weight matrix).</summary>
    public int Depth { get; }

    /// <summary>The micro-kernel the storage is laid out for.</summary>
    public Int8Path Path { get; }

    /// <summary><c>RowSums[o] = Σ_k w[o, k]</c>: an activation zero point <c>z</c> subtracts <c>z * RowSums[o]</c> from output <c>o</c>.</summary>
    public int[] RowSums { get; }

    /// <summary>Outputs per block, the lanes of one accumulator vector (1 on the scalar path).</summary>
    public int BlockOutputs { get; }

    /// <summary>The number of blocks, the outputs rounded up to whole blocks.</summary>
    public int Blocks { get; }

    /// <summary>Inputs per 32-bit unit: 4 (AvxVnni), 2 (Avx2, Avx512BW) or 1 (scalar).</summary>
    public int UnitInputs { get; }

    /// <summary>The number of units per output, the depth rounded up to whole units.</summary>
    public int Units { get; }

    /// <summary>The bytes of one unit across all blocks: the distance between consecutive units in the storage.</summary>
    public int UnitBytes => Blocks * BlockOutputs * 4;

    /// <summary>The packed storage.</summary>
    public ReadOnlySpan<byte> Packed => new(_array, _offset, _length);

    /// <summary>The first byte of the storage, for the kernels.</summary>
    internal ref byte First => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);

    /// <summary>Packs row-major <paramref name="weights"/> <c>[outputs, depth]</c>, each in [-127, 127], for <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the depth exceeds <see cref="MaxDepth"/>, or the path is unknown.</exception>
    /// <exception cref="ArgumentException">The length is not <c>outputs * depth</c>, a weight is -128, or this machine does not support <paramref name="path"/>.</exception>
    public static PackedInt8Weights Pack(ReadOnlySpan<sbyte> weights, int outputs, int depth, Int8Path path)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        if (depth > MaxDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"Expected a depth of at most {MaxDepth} (the largest whose int32 sums cannot overflow), but got {depth}.");
        }

        if (!Enum.IsDefined(path))
        {
            throw new ArgumentOutOfRangeException(nameof(path), path, $"Expected an {nameof(Int8Path)}, but got {(int)path}.");
        }

        if (!Int8Paths.IsSupported(path))
        {
            throw new ArgumentException($"Expected a path this machine supports ({Int8Paths.Best} or slower), but got {nameof(Int8Path)}.{path}, which it does not.", nameof(path));
        }

        long expected = (long)outputs * depth;
        if (weights.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} weights ([{outputs}, {depth}], row-major), but got {weights.Length}.", nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == sbyte.MinValue)
            {
                throw new ArgumentException($"Expected weights in [-127, 127] (symmetric int8), but weights[{i}] (output {i / depth}, input {i % depth}) is {weights[i]}.", nameof(weights));
            }
        }

        var packed = new PackedInt8Weights(outputs, depth, path);
        for (int o = 0; o < outputs; o++)
        {
            int sum = 0;
            foreach (sbyte value in weights.Slice(o * depth, depth))
            {
                sum += value;
            }

            packed.RowSums[o] = sum;
        }

        Span<byte> storage = packed._array.AsSpan(packed._offset, packed._length);
        if (path == Int8Path.Scalar)
        {
            MemoryMarshal.AsBytes(weights).CopyTo(storage);
            return packed;
        }

        int unitInputs = packed.UnitInputs;
        int unitBytes = packed.UnitBytes;
        Span<short> widened = MemoryMarshal.Cast<byte, short>(storage);
        for (int o = 0; o < outputs; o++)
        {
            ReadOnlySpan<sbyte> row = weights.Slice(o * depth, depth);
            for (int k = 0; k < depth; k++)
            {
                int unit = (k / unitInputs * unitBytes) + (o * 4);
                if (unitInputs == 4)
                {
                    storage[unit + (k % 4)] = (byte)row[k];
                }
                else
                {
                    widened[(unit / 2) + (k % 2)] = row[k];
                }
            }
        }

        return packed;
    }

    private static unsafe int BytesToBoundary(ref byte first) => (int)((nuint)(-(nint)Unsafe.AsPointer(ref first)) % Alignment);
}
