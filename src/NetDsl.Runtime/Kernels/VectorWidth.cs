using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Generated;

/// <summary>
/// The operations the register-blocked kernels need, at one vector width. A kernel written once against
/// <c>TWidth</c> is compiled by the JIT separately for each width (the type arguments are structs), with every
/// operation inlined, so its accumulators stay named locals in registers.
/// </summary>
internal interface IVectorWidth<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary><c>a * b + c</c>, rounded once.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>A mask whose lanes <paramref name="from"/> to <paramref name="to"/> (exclusive) are set and the others clear.</summary>
    static abstract TVector LaneMask(int from, int to);

    /// <summary>How many floats from <paramref name="source"/> to the next address aligned to a whole vector.</summary>
    static abstract int ToAlignment(ref float source);

    /// <summary><paramref name="value"/> where <paramref name="mask"/> is set, 0 elsewhere.</summary>
    static abstract TVector And(TVector value, TVector mask);

    /// <summary><paramref name="ifSet"/> where <paramref name="mask"/> is set, <paramref name="ifClear"/> elsewhere.</summary>
    static abstract TVector Select(TVector mask, TVector ifSet, TVector ifClear);

    /// <summary>Lane <c>l</c> of the result is lane <c>(l + lanes) mod Count</c> of <paramref name="value"/>.</summary>
    static abstract TVector Rotate(TVector value, int lanes);

    /// <summary>The sums of the lanes of four vectors, in order.</summary>
    static abstract Vector128<float> Sum4(TVector a, TVector b, TVector c, TVector d);

    /// <summary><c>a + b</c> per lane (IEEE, as the scalar operator: every lane equals <see cref="Width1"/>'s result).</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary><c>a - b</c> per lane.</summary>
    static abstract TVector Subtract(TVector a, TVector b);

    /// <summary><c>a * b</c> per lane, rounded once (never fused with a following add).</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary><paramref name="value"/> where <paramref name="test"/> <c>&gt; 0</c>, else 0 (NaN tests give 0), as <c>test &gt; 0f ? value : 0f</c>.</summary>
    static abstract TVector WherePositive(TVector test, TVector value);
}

/// <summary>Chooses the widest vectors the machine accelerates and the tests' switch allows, for rows of a given length.</summary>
internal static class VectorWidth
{
    /// <summary>512, 256 or 128 when rows of <paramref name="length"/> floats hold at least one such vector, else 0 (scalar).</summary>
    public static int For(int length)
    {
        int allowed = ElementwiseKernels.MaximumVectorBits;
        if (Vector512.IsHardwareAccelerated && allowed >= 512 && length >= Vector512<float>.Count)
        {
            return 512;
        }

        if (Vector256.IsHardwareAccelerated && allowed >= 256 && length >= Vector256<float>.Count)
        {
            return 256;
        }

        if (Vector128.IsHardwareAccelerated && allowed >= 128 && length >= Vector128<float>.Count)
        {
            return 128;
        }

        return 0;
    }
}

internal readonly struct Width512 : IVectorWidth<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    public static Vector512<float> LaneMask(int from, int to) =>
        (Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(from)) & Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(to))).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int ToAlignment(ref float source) => (int)((nuint)(-(nint)Unsafe.AsPointer(ref source)) % (nuint)sizeof(Vector512<float>)) / sizeof(float);

    public static Vector512<float> Rotate(Vector512<float> value, int lanes)
    {
        Vector512<int> indices = (Vector512<int>.Indices + Vector512.Create(lanes)) & Vector512.Create(Vector512<float>.Count - 1);
        return Avx512F.IsSupported ? Avx512F.PermuteVar16x32(value, indices) : Vector512.Shuffle(value, indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> value, Vector512<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> ifSet, Vector512<float> ifClear) => Vector512.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        Width256.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WherePositive(Vector512<float> test, Vector512<float> value) => Vector512.GreaterThan(test, Vector512<float>.Zero) & value;
}

internal readonly struct Width256 : IVectorWidth<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    public static Vector256<float> LaneMask(int from, int to) =>
        (Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(from)) & Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(to))).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int ToAlignment(ref float source) => (int)((nuint)(-(nint)Unsafe.AsPointer(ref source)) % (nuint)sizeof(Vector256<float>)) / sizeof(float);

    public static Vector256<float> Rotate(Vector256<float> value, int lanes)
    {
        Vector256<int> indices = (Vector256<int>.Indices + Vector256.Create(lanes)) & Vector256.Create(Vector256<float>.Count - 1);
        return Avx2.IsSupported ? Avx2.PermuteVar8x32(value, indices) : Vector256.Shuffle(value, indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> value, Vector256<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> ifSet, Vector256<float> ifClear) => Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        if (Avx.IsSupported)
        {
            // hadd(hadd(a, b), hadd(c, d)) holds the four half-sums of each vector in its two 128-bit halves.
            Vector256<float> sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
            return sums.GetLower() + sums.GetUpper();
        }

        return Width128.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WherePositive(Vector256<float> test, Vector256<float> value) => Vector256.GreaterThan(test, Vector256<float>.Zero) & value;
}

internal readonly struct Width128 : IVectorWidth<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    public static Vector128<float> LaneMask(int from, int to) =>
        (Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(from)) & Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(to))).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int ToAlignment(ref float source) => (int)((nuint)(-(nint)Unsafe.AsPointer(ref source)) % (nuint)sizeof(Vector128<float>)) / sizeof(float);

    public static Vector128<float> Rotate(Vector128<float> value, int lanes)
    {
        Vector128<int> indices = (Vector128<int>.Indices + Vector128.Create(lanes)) & Vector128.Create(Vector128<float>.Count - 1);
        return Avx.IsSupported ? Avx.PermuteVar(value, indices) : Vector128.Shuffle(value, indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> And(Vector128<float> value, Vector128<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> ifSet, Vector128<float> ifClear) => Vector128.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d));
        }

        return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WherePositive(Vector128<float> test, Vector128<float> value) => Vector128.GreaterThan(test, Vector128<float>.Zero) & value;
}

/// <summary>One float per "vector": the kernels' scalar path, for rows shorter than a vector or when vectors are switched off.</summary>
internal readonly struct Width1 : IVectorWidth<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    // A row always holds a whole number of one-float vectors: no lane is ever masked, and And and Select ignore masks.
    public static float LaneMask(int from, int to) => 0f;

    public static int ToAlignment(ref float source) => 0;

    public static float Rotate(float value, int lanes) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float And(float value, float mask) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float ifSet, float ifClear) => ifSet;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(float a, float b, float c, float d) => Vector128.Create(a, b, c, d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WherePositive(float test, float value) => test > 0f ? value : 0f;
}
