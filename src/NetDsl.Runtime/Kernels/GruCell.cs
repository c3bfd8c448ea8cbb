using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// One GRU step's cell arithmetic in one pass over the hidden units, as <see cref="LstmCell"/> does for LSTM:
/// <c>r, z = sigmoid(x_r + rec_r), sigmoid(x_z + rec_z)</c>, <c>n = tanh(x_n + r (W_hn h + b_hn))</c>,
/// <c>h_t = n + z (h_(t-1) - n)</c>, with the bits of the TensorPrimitives calls it replaces (the same operations per
/// element, sigmoid and tanh as <see cref="LstmCell"/> computes them; tested equal).
/// </summary>
internal static class GruCell
{
    /// <summary>
    /// <paramref name="gates"/> <c>[3H]</c> holds the input-side sums and is left holding r, z and n;
    /// <paramref name="rec"/> is <c>W_hh h + b_hh</c>. Writes <c>W_hn h + b_hn</c> to <paramref name="hiddenProjection"/>
    /// unless it is empty, and h_t to <paramref name="h"/> (which may be <paramref name="previousState"/>).
    /// </summary>
    public static void Step(Span<float> gates, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousState, Span<float> hiddenProjection, Span<float> h, Span<float> temporary, int hidden)
    {
        if (gates.Length < 3 * hidden || rec.Length < 3 * hidden || previousState.Length < hidden || h.Length < hidden || temporary.Length < hidden
            || (!hiddenProjection.IsEmpty && hiddenProjection.Length < hidden))
        {
            throw new ArgumentException($"A GRU step of {hidden} hidden units needs gates of {3 * hidden} floats and states of {hidden}.");
        }

        if (!hiddenProjection.IsEmpty)
        {
            rec.Slice(2 * hidden, hidden).CopyTo(hiddenProjection);
        }

        int j = 0;
        if (Vector512.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 512)
        {
            for (; j + Vector512<float>.Count <= hidden; j += Vector512<float>.Count)
            {
                Step512(gates, rec, previousState, h, hidden, j);
            }
        }

        if (Vector256.IsHardwareAccelerated && FirstLanes256.IsSupported && ElementwiseKernels.MaximumVectorBits >= 256)
        {
            for (; j + Vector256<float>.Count <= hidden; j += Vector256<float>.Count)
            {
                Step256(gates, rec, previousState, h, hidden, j, default(AllLanes256));
            }

            // The last units (fewer than 8) through the same vector arithmetic, the missing lanes read as zeros.
            if (j < hidden)
            {
                Step256(gates, rec, previousState, h, hidden, j, new FirstLanes256(hidden - j));
            }

            return;
        }

        Scalar(gates, rec, previousState, h, temporary, hidden);
    }

    private static void Step512(Span<float> gates, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousState, Span<float> h, int hidden, int j)
    {
        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float rr = ref MemoryMarshal.GetReference(rec);
        Vector512<float> r = VectorMath.Sigmoid(Vector512.LoadUnsafe(ref g, (nuint)j) + Vector512.LoadUnsafe(ref rr, (nuint)j));
        Vector512<float> z = VectorMath.Sigmoid(Vector512.LoadUnsafe(ref g, (nuint)(hidden + j)) + Vector512.LoadUnsafe(ref rr, (nuint)(hidden + j)));
        Vector512<float> n = VectorMath.Tanh(Vector512.LoadUnsafe(ref g, (nuint)((2 * hidden) + j)) + (r * Vector512.LoadUnsafe(ref rr, (nuint)((2 * hidden) + j))));
        Vector512<float> previous = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(previousState), (nuint)j);
        r.StoreUnsafe(ref g, (nuint)j);
        z.StoreUnsafe(ref g, (nuint)(hidden + j));
        n.StoreUnsafe(ref g, (nuint)((2 * hidden) + j));
        Vector512.FusedMultiplyAdd(z, previous - n, n).StoreUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j);
    }

    private static void Step256<TLanes>(Span<float> gates, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousState, Span<float> h, int hidden, int j, TLanes lanes)
        where TLanes : struct, ILanes256
    {
        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float rr = ref MemoryMarshal.GetReference(rec);
        Vector256<float> r = VectorMath.Sigmoid(lanes.Load(ref g, (nuint)j) + lanes.Load(ref rr, (nuint)j));
        Vector256<float> z = VectorMath.Sigmoid(lanes.Load(ref g, (nuint)(hidden + j)) + lanes.Load(ref rr, (nuint)(hidden + j)));
        Vector256<float> n = VectorMath.Tanh(lanes.Load(ref g, (nuint)((2 * hidden) + j)) + (r * lanes.Load(ref rr, (nuint)((2 * hidden) + j))));
        Vector256<float> previous = lanes.Load(ref MemoryMarshal.GetReference(previousState), (nuint)j);
        lanes.Store(r, ref g, (nuint)j);
        lanes.Store(z, ref g, (nuint)(hidden + j));
        lanes.Store(n, ref g, (nuint)((2 * hidden) + j));
        lanes.Store(Vector256.FusedMultiplyAdd(z, previous - n, n), ref MemoryMarshal.GetReference(h), (nuint)j);
    }

    // Without 256-bit vectors (or with them turned off by a test): the same step through TensorPrimitives.
    private static void Scalar(Span<float> gates, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousState, Span<float> h, Span<float> temporary, int hidden)
    {
        Span<float> resetAndUpdate = gates.Slice(0, 2 * hidden);
        TensorPrimitives.Add(resetAndUpdate, rec.Slice(0, 2 * hidden), resetAndUpdate);
        TensorPrimitives.Sigmoid(resetAndUpdate, resetAndUpdate);
        Span<float> n = gates.Slice(2 * hidden, hidden);
        TensorPrimitives.Multiply(gates.Slice(0, hidden), rec.Slice(2 * hidden, hidden), temporary.Slice(0, hidden)); // r * (W_hn h + b_hn)
        TensorPrimitives.Add(n, temporary.Slice(0, hidden), n);
        TensorPrimitives.Tanh(n, n);
        TensorPrimitives.Subtract(previousState.Slice(0, hidden), n, temporary.Slice(0, hidden)); // h = n + z * (h_(t-1) - n)
        TensorPrimitives.FusedMultiplyAdd(gates.Slice(hidden, hidden), temporary.Slice(0, hidden), n, h.Slice(0, hidden));
    }
}
