using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// One LSTM step's cell arithmetic in one pass over the hidden units, 16 (or 8) at a time: the four gates' sums, their
/// sigmoid and tanh, <c>c_t = f c_(t-1) + i g</c>, <c>tanh(c_t)</c> and <c>h_t = o tanh(c_t)</c>. The same step as eight
/// <c>TensorPrimitives</c> calls over the gate vectors, with the same bits (sigmoid <c>1 / (1 + exp(-x))</c>, tanh
/// <c>-expm1(-2|x|) / (expm1(-2|x|) + 2)</c> with the sign of x, both on the vector <c>Exp</c>, as TensorPrimitives
/// computes them; tested equal), without the calls' overhead: at 32 hidden units the eight calls cost about as much as
/// the step's matrix product.
/// </summary>
internal static class LstmCell
{
    /// <summary>
    /// <paramref name="z"/> <c>[4H]</c> holds the gates' input-side sums and is left holding their activations (i, f, g, o);
    /// <paramref name="rec"/> is <c>W_hh h + b_hh</c>. Writes <paramref name="cell"/> (may be <paramref name="previousCell"/>),
    /// <paramref name="tanhCell"/> and <paramref name="h"/>.
    /// </summary>
    public static void Step(Span<float> z, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> tanhCell, Span<float> h, int hidden)
    {
        if (z.Length < 4 * hidden || rec.Length < 4 * hidden || previousCell.Length < hidden || cell.Length < hidden || tanhCell.Length < hidden || h.Length < hidden)
        {
            throw new ArgumentException($"An LSTM step of {hidden} hidden units needs gates of {4 * hidden} floats and states of {hidden}.");
        }

        int j = 0;
        if (Vector512.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 512)
        {
            for (; j + Vector512<float>.Count <= hidden; j += Vector512<float>.Count)
            {
                Step512(z, rec, previousCell, cell, tanhCell, h, hidden, j);
            }
        }

        if (Vector256.IsHardwareAccelerated && FirstLanes256.IsSupported && ElementwiseKernels.MaximumVectorBits >= 256)
        {
            for (; j + Vector256<float>.Count <= hidden; j += Vector256<float>.Count)
            {
                Step256(z, rec, previousCell, cell, tanhCell, h, hidden, j, default(AllLanes256));
            }

            // The last units (fewer than 8) through the same vector arithmetic, the missing lanes read as zeros.
            if (j < hidden)
            {
                Step256(z, rec, previousCell, cell, tanhCell, h, hidden, j, new FirstLanes256(hidden - j));
            }

            return;
        }

        Scalar(z, rec, previousCell, cell, tanhCell, h, hidden);
    }

    private static void Step512(Span<float> z, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> tanhCell, Span<float> h, int hidden, int j)
    {
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float rr = ref MemoryMarshal.GetReference(rec);
        Vector512<float> i = VectorMath.Sigmoid(Vector512.LoadUnsafe(ref zr, (nuint)j) + Vector512.LoadUnsafe(ref rr, (nuint)j));
        Vector512<float> f = VectorMath.Sigmoid(Vector512.LoadUnsafe(ref zr, (nuint)(hidden + j)) + Vector512.LoadUnsafe(ref rr, (nuint)(hidden + j)));
        Vector512<float> g = VectorMath.Tanh(Vector512.LoadUnsafe(ref zr, (nuint)((2 * hidden) + j)) + Vector512.LoadUnsafe(ref rr, (nuint)((2 * hidden) + j)));
        Vector512<float> o = VectorMath.Sigmoid(Vector512.LoadUnsafe(ref zr, (nuint)((3 * hidden) + j)) + Vector512.LoadUnsafe(ref rr, (nuint)((3 * hidden) + j)));
        Vector512<float> c = Vector512.FusedMultiplyAdd(i, g, f * Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(previousCell), (nuint)j));
        Vector512<float> t = VectorMath.Tanh(c);
        i.StoreUnsafe(ref zr, (nuint)j);
        f.StoreUnsafe(ref zr, (nuint)(hidden + j));
        g.StoreUnsafe(ref zr, (nuint)((2 * hidden) + j));
        o.StoreUnsafe(ref zr, (nuint)((3 * hidden) + j));
        c.StoreUnsafe(ref MemoryMarshal.GetReference(cell), (nuint)j);
        t.StoreUnsafe(ref MemoryMarshal.GetReference(tanhCell), (nuint)j);
        (o * t).StoreUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j);
    }

    private static void Step256<TLanes>(Span<float> z, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> tanhCell, Span<float> h, int hidden, int j, TLanes lanes)
        where TLanes : struct, ILanes256
    {
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float rr = ref MemoryMarshal.GetReference(rec);
        Vector256<float> i = VectorMath.Sigmoid(lanes.Load(ref zr, (nuint)j) + lanes.Load(ref rr, (nuint)j));
        Vector256<float> f = VectorMath.Sigmoid(lanes.Load(ref zr, (nuint)(hidden + j)) + lanes.Load(ref rr, (nuint)(hidden + j)));
        Vector256<float> g = VectorMath.Tanh(lanes.Load(ref zr, (nuint)((2 * hidden) + j)) + lanes.Load(ref rr, (nuint)((2 * hidden) + j)));
        Vector256<float> o = VectorMath.Sigmoid(lanes.Load(ref zr, (nuint)((3 * hidden) + j)) + lanes.Load(ref rr, (nuint)((3 * hidden) + j)));
        Vector256<float> c = Vector256.FusedMultiplyAdd(i, g, f * lanes.Load(ref MemoryMarshal.GetReference(previousCell), (nuint)j));
        Vector256<float> t = VectorMath.Tanh(c);
        lanes.Store(i, ref zr, (nuint)j);
        lanes.Store(f, ref zr, (nuint)(hidden + j));
        lanes.Store(g, ref zr, (nuint)((2 * hidden) + j));
        lanes.Store(o, ref zr, (nuint)((3 * hidden) + j));
        lanes.Store(c, ref MemoryMarshal.GetReference(cell), (nuint)j);
        lanes.Store(t, ref MemoryMarshal.GetReference(tanhCell), (nuint)j);
        lanes.Store(o * t, ref MemoryMarshal.GetReference(h), (nuint)j);
    }

    // Without 256-bit vectors (or with them turned off by a test): the same step through TensorPrimitives.
    private static void Scalar(Span<float> z, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> tanhCell, Span<float> h, int hidden)
    {
        const int j = 0;
        int n = hidden;
        for (int gate = 0; gate < 4; gate++)
        {
            Span<float> part = z.Slice((gate * hidden) + j, n);
            TensorPrimitives.Add(part, rec.Slice((gate * hidden) + j, n), part);
            if (gate == 2)
            {
                TensorPrimitives.Tanh(part, part);
            }
            else
            {
                TensorPrimitives.Sigmoid(part, part);
            }
        }

        Span<float> c = cell.Slice(j, n);
        TensorPrimitives.Multiply(z.Slice(hidden + j, n), previousCell.Slice(j, n), c);
        TensorPrimitives.FusedMultiplyAdd(z.Slice(j, n), z.Slice((2 * hidden) + j, n), c, c);
        TensorPrimitives.Tanh(c, tanhCell.Slice(j, n));
        TensorPrimitives.Multiply(z.Slice((3 * hidden) + j, n), tanhCell.Slice(j, n), h.Slice(j, n));
    }
}
