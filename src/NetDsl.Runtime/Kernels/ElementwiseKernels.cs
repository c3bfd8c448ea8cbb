using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>An element-wise operation of two floats, scalar and at every vector width.</summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float a, float b);
    static abstract Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    static abstract Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}

/// <summary>
/// An element-wise operation of one float with parameters (a slope, say) held by the struct, scalar and at every
/// vector width. Each lane of a vector result must equal the scalar result bit for bit, so that a batch through
/// <c>ElementwiseKernels.Map</c> and unrolled code through the scalar form agree at any width.
/// </summary>
internal interface IUnaryOperator
{
    float Invoke(float x);
    Vector128<float> Invoke(Vector128<float> x);
    Vector256<float> Invoke(Vector256<float> x);
    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// An element-wise operation of two floats with parameters held by the struct, under the same bit-for-bit rule
/// as <see cref="IUnaryOperator"/>.
/// </summary>
internal interface IParameterizedBinaryOperator
{
    float Invoke(float a, float b);
    Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}

/// <summary>
/// Applies an <see cref="IBinaryOperator"/> over spans with the widest accelerated vectors. The remainder
/// is one overlapping last vector, computed from the inputs <i>before</i> the main loop writes, so the
/// destination may alias an input.
/// </summary>
internal static unsafe class ElementwiseKernels
{
    /// <summary>The widest vector width, in bits, that the kernels may use; tests lower it to exercise narrower paths.</summary>
    internal static int MaximumVectorBits { get; set; } = 512;

    public static void Apply<TOperator>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
        where TOperator : struct, IBinaryOperator
    {
        if (a.Length != b.Length || destination.Length != a.Length)
        {
            throw new ArgumentException($"Element-wise operands must have equal lengths; got {a.Length}, {b.Length} and a destination of {destination.Length}.");
        }

        Map(default(StaticBinaryOperator<TOperator>), a, b, destination);
    }

    /// <summary>
    /// Applies <paramref name="operation"/> to the first <c>x.Length</c> elements, at the widest permitted vector
    /// width, with the remainder done as one overlapping last vector computed before the main loop writes
    /// (so <paramref name="destination"/> may be <paramref name="x"/>), or in scalars when <paramref name="x"/> is
    /// shorter than one vector. The destination may be longer than <paramref name="x"/>, not shorter.
    /// </summary>
    public static void Map<TOperator>(TOperator operation, ReadOnlySpan<float> x, Span<float> destination)
        where TOperator : struct, IUnaryOperator
    {
        int length = x.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} elements, fewer than the input's {length}.", nameof(destination));
        }

        if (ElementwiseWork.TeamFor(length) is { } team)
        {
            // Every lane equals the scalar result (the operators' contract), so ranges give the same bits.
            fixed (float* px = x, pd = destination)
            {
                RangeWork<UnaryMapPass<TOperator>>.Run(team, new UnaryMapPass<TOperator>(operation, px, pd), length);
            }

            return;
        }

        MapAlone(operation, x, destination);
    }

    /// <summary><see cref="Map{TOperator}(TOperator, ReadOnlySpan{float}, Span{float})"/> on this thread.</summary>
    internal static void MapAlone<TOperator>(TOperator operation, ReadOnlySpan<float> x, Span<float> destination)
        where TOperator : struct, IUnaryOperator
    {
        int length = x.Length;
        ref float s = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);

        if (Vector512.IsHardwareAccelerated && MaximumVectorBits >= 512 && length >= Vector512<float>.Count)
        {
            int last = length - Vector512<float>.Count;
            Vector512<float> tail = operation.Invoke(Vector512.LoadUnsafe(ref s, (nuint)last));
            for (int i = 0; i < last; i += Vector512<float>.Count)
            {
                operation.Invoke(Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && MaximumVectorBits >= 256 && length >= Vector256<float>.Count)
        {
            int last = length - Vector256<float>.Count;
            Vector256<float> tail = operation.Invoke(Vector256.LoadUnsafe(ref s, (nuint)last));
            for (int i = 0; i < last; i += Vector256<float>.Count)
            {
                operation.Invoke(Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && MaximumVectorBits >= 128 && length >= Vector128<float>.Count)
        {
            int last = length - Vector128<float>.Count;
            Vector128<float> tail = operation.Invoke(Vector128.LoadUnsafe(ref s, (nuint)last));
            for (int i = 0; i < last; i += Vector128<float>.Count)
            {
                operation.Invoke(Vector128.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        for (int i = 0; i < length; i++)
        {
            Unsafe.Add(ref d, i) = operation.Invoke(Unsafe.Add(ref s, i));
        }
    }

    /// <summary>
    /// Applies <paramref name="operation"/> to the first <c>a.Length</c> elements of <paramref name="a"/> and
    /// <paramref name="b"/>, as the one-input <c>Map</c> does; <paramref name="b"/> and the destination may be
    /// longer than <paramref name="a"/>, not shorter, and the destination may alias either input.
    /// </summary>
    public static void Map<TOperator>(TOperator operation, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
        where TOperator : struct, IParameterizedBinaryOperator
    {
        int length = a.Length;
        if (b.Length < length || destination.Length < length)
        {
            throw new ArgumentException($"Element-wise operands must hold at least the first's {length} elements; got {b.Length} and a destination of {destination.Length}.");
        }

        if (ElementwiseWork.TeamFor(length) is { } team)
        {
            fixed (float* pa = a, pb = b, pd = destination)
            {
                RangeWork<BinaryMapPass<TOperator>>.Run(team, new BinaryMapPass<TOperator>(operation, pa, pb, pd), length);
            }

            return;
        }

        MapAlone(operation, a, b, destination);
    }

    /// <summary><see cref="Map{TOperator}(TOperator, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on this thread.</summary>
    internal static void MapAlone<TOperator>(TOperator operation, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
        where TOperator : struct, IParameterizedBinaryOperator
    {
        int length = a.Length;
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        ref float d = ref MemoryMarshal.GetReference(destination);

        if (Vector512.IsHardwareAccelerated && MaximumVectorBits >= 512 && length >= Vector512<float>.Count)
        {
            int last = length - Vector512<float>.Count;
            Vector512<float> tail = operation.Invoke(Vector512.LoadUnsafe(ref x, (nuint)last), Vector512.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector512<float>.Count)
            {
                operation.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && MaximumVectorBits >= 256 && length >= Vector256<float>.Count)
        {
            int last = length - Vector256<float>.Count;
            Vector256<float> tail = operation.Invoke(Vector256.LoadUnsafe(ref x, (nuint)last), Vector256.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector256<float>.Count)
            {
                operation.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && MaximumVectorBits >= 128 && length >= Vector128<float>.Count)
        {
            int last = length - Vector128<float>.Count;
            Vector128<float> tail = operation.Invoke(Vector128.LoadUnsafe(ref x, (nuint)last), Vector128.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector128<float>.Count)
            {
                operation.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        for (int i = 0; i < length; i++)
        {
            Unsafe.Add(ref d, i) = operation.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    /// <summary>A static <see cref="IBinaryOperator"/> seen as an instance one, so that one loop serves both.</summary>
    private readonly struct StaticBinaryOperator<TOperator> : IParameterizedBinaryOperator
        where TOperator : struct, IBinaryOperator
    {
        public float Invoke(float a, float b) => TOperator.Invoke(a, b);
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => TOperator.Invoke(a, b);
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => TOperator.Invoke(a, b);
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => TOperator.Invoke(a, b);
    }
}

/// <summary><see cref="ElementwiseKernels.Map{TOperator}(TOperator, ReadOnlySpan{float}, Span{float})"/> on a range, for <see cref="RangeWork{TPass}"/>.</summary>
internal readonly unsafe struct UnaryMapPass<TOperator>(TOperator operation, float* x, float* destination) : IRangePass
    where TOperator : struct, IUnaryOperator
{
    public void Run(int first, int end) =>
        ElementwiseKernels.MapAlone(operation, new ReadOnlySpan<float>(x + first, end - first), new Span<float>(destination + first, end - first));
}

/// <summary><see cref="ElementwiseKernels.Map{TOperator}(TOperator, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on a range, for <see cref="RangeWork{TPass}"/>.</summary>
internal readonly unsafe struct BinaryMapPass<TOperator>(TOperator operation, float* a, float* b, float* destination) : IRangePass
    where TOperator : struct, IParameterizedBinaryOperator
{
    public void Run(int first, int end) =>
        ElementwiseKernels.MapAlone(operation, new ReadOnlySpan<float>(a + first, end - first), new ReadOnlySpan<float>(b + first, end - first), new Span<float>(destination + first, end - first));
}
