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
/// Applies an <see cref="IBinaryOperator"/> over spans with the widest accelerated vectors. The remainder
/// is one overlapping last vector, computed from the inputs <i>before</i> the main loop writes, so the
/// destination may alias an input.
/// </summary>
internal static class ElementwiseKernels
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

        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int length = a.Length;

        if (Vector512.IsHardwareAccelerated && MaximumVectorBits >= 512 && length >= Vector512<float>.Count)
        {
            int last = length - Vector512<float>.Count;
            Vector512<float> tail = TOperator.Invoke(Vector512.LoadUnsafe(ref x, (nuint)last), Vector512.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector512<float>.Count)
            {
                TOperator.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && MaximumVectorBits >= 256 && length >= Vector256<float>.Count)
        {
            int last = length - Vector256<float>.Count;
            Vector256<float> tail = TOperator.Invoke(Vector256.LoadUnsafe(ref x, (nuint)last), Vector256.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector256<float>.Count)
            {
                TOperator.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && MaximumVectorBits >= 128 && length >= Vector128<float>.Count)
        {
            int last = length - Vector128<float>.Count;
            Vector128<float> tail = TOperator.Invoke(Vector128.LoadUnsafe(ref x, (nuint)last), Vector128.LoadUnsafe(ref y, (nuint)last));
            for (int i = 0; i < last; i += Vector128<float>.Count)
            {
                TOperator.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }

            tail.StoreUnsafe(ref d, (nuint)last);
            return;
        }

        for (int i = 0; i < length; i++)
        {
            Unsafe.Add(ref d, i) = TOperator.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }
}
