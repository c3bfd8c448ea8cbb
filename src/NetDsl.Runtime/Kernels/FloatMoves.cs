using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Copies of a few dozen floats (a row of a small map) as vector moves inlined at the call: the kernels that copy a
/// sample row by row into padded planes make hundreds of such copies per sample, where a call into memmove costs as
/// much as the move itself.
/// </summary>
internal static class FloatMoves
{
    /// <summary>
    /// <c>target[0..count) = source[0..count)</c> in vectors of <paramref name="bits"/> (<see cref="VectorWidth.For"/> of
    /// <paramref name="count"/>; the last vector overlaps its neighbour), or one by one; the ranges must not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Move(ref float source, ref float target, int count, int bits)
    {
        switch (bits)
        {
            case 512: Move<Vector512<float>, Width512>(ref source, ref target, count); break;
            case 256: Move<Vector256<float>, Width256>(ref source, ref target, count); break;
            case 128: Move<Vector128<float>, Width128>(ref source, ref target, count); break;
            default: Move<float, Width1>(ref source, ref target, count); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Move<TVector, TWidth>(ref float source, ref float target, int count)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint lanes = (nuint)TWidth.Count, end = (nuint)count - lanes;
        nuint i = 0;
        for (; i < end; i += lanes)
        {
            TWidth.Store(TWidth.Load(ref source, i), ref target, i);
        }

        TWidth.Store(TWidth.Load(ref source, end), ref target, end);
    }
}
