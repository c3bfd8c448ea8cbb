using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Generated;

/// <summary>
/// How a fused cell step (<see cref="LstmCell"/>, <see cref="GruCell"/>) reads and writes its eight lanes: all of them,
/// or only the first few for the last units of a hidden size that is not a multiple of eight. The step's body is written
/// once, generic over this, and the JIT specializes it for each.
/// </summary>
internal interface ILanes256
{
    Vector256<float> Load(ref float source, nuint offset);

    void Store(Vector256<float> value, ref float destination, nuint offset);
}

/// <summary>Eight whole lanes.</summary>
internal readonly struct AllLanes256 : ILanes256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
}

/// <summary>
/// The first <c>count</c> lanes (1 to 7): the others load as zero, exactly as from a zero-padded copy, and are never
/// stored, with AVX's masked moves, which touch no memory outside the mask. Copying the units into padded buffers and
/// back instead took a quarter of an LSTM step of 4 hidden units.
/// </summary>
internal readonly struct FirstLanes256 : ILanes256
{
    private readonly Vector256<float> _mask;

    public FirstLanes256(int count) =>
        _mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    /// <summary>Whether this machine has the masked moves (every x64 CPU with AVX, so every one where 256-bit vectors are fast).</summary>
    public static bool IsSupported => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Vector256<float> Load(ref float source, nuint offset)
    {
        fixed (float* address = &Unsafe.Add(ref source, offset))
        {
            return Avx.MaskLoad(address, _mask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Store(Vector256<float> value, ref float destination, nuint offset)
    {
        fixed (float* address = &Unsafe.Add(ref destination, offset))
        {
            Avx.MaskStore(address, _mask, value);
        }
    }
}
