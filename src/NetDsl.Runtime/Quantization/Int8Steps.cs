using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Quantization;

/// <summary>One micro-kernel step of a path: a unit of x broadcast, times a vector of packed weights, into 32-bit lanes.</summary>
internal interface IInt8Step<TVector>
    where TVector : struct
{
    /// <summary>Outputs per vector.</summary>
    static abstract int BlockOutputs { get; }

    /// <summary>Whether x is widened to int16 (2 inputs per unit) rather than read as uint8 (4 per unit).</summary>
    static abstract bool Widens { get; }

    /// <summary>The unit at <paramref name="unit"/> in every 32-bit lane.</summary>
    static abstract TVector Broadcast(ref byte unit);

    /// <summary>The weight vector of block <paramref name="block"/> after <paramref name="weights"/>.</summary>
    static abstract TVector Load(ref byte weights, nint block);

    /// <summary><paramref name="sums"/> plus, per lane, the products of the unit's inputs and weights.</summary>
    static abstract TVector Step(TVector sums, TVector x, TVector weights);

    static abstract TVector Add(TVector a, TVector b);

    static abstract void Store(TVector sums, ref int destination);

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="sums"/>, touching nothing after them.</summary>
    static abstract void StoreFirst(TVector sums, ref int destination, int count);
}

internal readonly struct VnniStep : IInt8Step<Vector256<int>>
{
    public static int BlockOutputs => 8;

    public static bool Widens => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Broadcast(ref byte unit) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref unit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ref byte weights, nint block) => Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, block * 32)).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Step(Vector256<int> sums, Vector256<int> x, Vector256<int> weights) =>
        AvxVnni.MultiplyWideningAndAdd(sums, x.AsByte(), weights.AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector256<int> sums, ref int destination, int count) => Int8RowTiles.StoreFirst256(sums, ref destination, count);
}

internal readonly struct Avx2Step : IInt8Step<Vector256<int>>
{
    public static int BlockOutputs => 8;

    public static bool Widens => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Broadcast(ref byte unit) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref unit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ref byte weights, nint block) => Vector256.LoadUnsafe(ref Unsafe.Add(ref weights, block * 32)).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Step(Vector256<int> sums, Vector256<int> x, Vector256<int> weights) =>
        sums + Avx2.MultiplyAddAdjacent(x.AsInt16(), weights.AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector256<int> sums, ref int destination, int count) => Int8RowTiles.StoreFirst256(sums, ref destination, count);
}

internal readonly struct Avx512BWStep : IInt8Step<Vector512<int>>
{
    public static int BlockOutputs => 16;

    public static bool Widens => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Broadcast(ref byte unit) => Vector512.Create(Unsafe.ReadUnaligned<int>(ref unit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Load(ref byte weights, nint block) => Vector512.LoadUnsafe(ref Unsafe.Add(ref weights, block * 64)).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Step(Vector512<int> sums, Vector512<int> x, Vector512<int> weights) =>
        sums + Avx512BW.MultiplyAddAdjacent(x.AsInt16(), weights.AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> sums, ref int destination) => sums.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreFirst(Vector512<int> sums, ref int destination, int count)
    {
        fixed (int* pointer = &destination)
        {
            Avx512F.MaskStore(pointer, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)), sums);
        }
    }
}
