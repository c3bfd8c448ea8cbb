using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// The element-wise part of backpropagation through one step of a recurrent cell for one sample: from the gradient
/// reaching h_t (the step's output gradient plus <c>W_hhᵀ dz</c> of the step after it) to the gradient with respect to the
/// gates' pre-activations. Written once against <see cref="IVectorWidth{TVector}"/>: whole vectors of units at the widest
/// width <see cref="VectorWidth"/> allows, the remaining units one at a time through <see cref="Width1"/>. Only
/// additions, subtractions and multiplications, each rounded on its own, in the same order in every lane, so the result
/// does not depend on the vector width. The forward pass's activations (and for LSTM <c>tanh(c_t)</c>) are read from the
/// workspace, never recomputed. Each destination element is written only after every read of its lane, so
/// LSTM's cell gradient may be read and written in place.
/// </summary>
internal static class RecurrentCellBackward
{
    /// <summary>
    /// LSTM (gates i, f, g, o). <paramref name="gates"/> holds the step's activations <c>[4H]</c>, <paramref name="tanhCell"/>
    /// <c>tanh(c_t)</c>, <paramref name="previousCell"/> c_(t-1) (zeros before the first step), <paramref name="nextCell"/>
    /// the gradient reaching c_t from the step after it, replaced by the one reaching c_(t-1).
    /// </summary>
    public static void Lstm(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> nextCell, Span<float> dz, int hidden)
    {
        if (gates.Length < 4 * hidden || tanhCell.Length < hidden || previousCell.Length < hidden || outputGradient.Length < hidden || nextHidden.Length < hidden || nextCell.Length < hidden || dz.Length < 4 * hidden)
        {
            throw new ArgumentException("An LSTM cell's backward pass got a span shorter than its hidden size.");
        }

        var spans = new LstmSpans(gates, tanhCell, previousCell, outputGradient, nextHidden, nextCell, dz, hidden);
        int j = VectorWidth.For(hidden) switch
        {
            512 => Lstm<Vector512<float>, Width512>(spans, 0),
            256 => Lstm<Vector256<float>, Width256>(spans, 0),
            128 => Lstm<Vector128<float>, Width128>(spans, 0),
            _ => 0,
        };
        Lstm<float, Width1>(spans, j);
    }

    /// <summary>
    /// GRU (gates r, z, n). <paramref name="gates"/> holds the step's activations <c>[3H]</c>, <paramref name="hiddenProjection"/>
    /// <c>W_hn h_(t-1) + b_hn</c>, <paramref name="previousState"/> h_(t-1) (zeros before the first step).
    /// <paramref name="dzInput"/> receives the gradient with respect to the input-side pre-activations, <paramref name="dzHidden"/>
    /// with respect to the hidden-side products (the n gate's is multiplied by r), <paramref name="direct"/> <c>z * dh</c>,
    /// the part of h_(t-1)'s gradient that bypasses the product.
    /// </summary>
    public static void Gru(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenProjection, ReadOnlySpan<float> previousState, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> direct, Span<float> dzInput, Span<float> dzHidden, int hidden)
    {
        if (gates.Length < 3 * hidden || hiddenProjection.Length < hidden || previousState.Length < hidden || outputGradient.Length < hidden || nextHidden.Length < hidden || direct.Length < hidden || dzInput.Length < 3 * hidden || dzHidden.Length < 3 * hidden)
        {
            throw new ArgumentException("A GRU cell's backward pass got a span shorter than its hidden size.");
        }

        var spans = new GruSpans(gates, hiddenProjection, previousState, outputGradient, nextHidden, direct, dzInput, dzHidden, hidden);
        int j = VectorWidth.For(hidden) switch
        {
            512 => Gru<Vector512<float>, Width512>(spans, 0),
            256 => Gru<Vector256<float>, Width256>(spans, 0),
            128 => Gru<Vector128<float>, Width128>(spans, 0),
            _ => 0,
        };
        Gru<float, Width1>(spans, j);
    }

    /// <summary>
    /// RNN: <c>dz = (dy + next) * (1 - h * h)</c> for tanh, <c>h &gt; 0 ? dy + next : 0</c> for ReLU, from the step's
    /// output <paramref name="h"/>.
    /// </summary>
    public static void Rnn(bool relu, ReadOnlySpan<float> h, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> dz, int hidden)
    {
        if (h.Length < hidden || outputGradient.Length < hidden || nextHidden.Length < hidden || dz.Length < hidden)
        {
            throw new ArgumentException("An RNN cell's backward pass got a span shorter than its hidden size.");
        }

        ref float hRef = ref MemoryMarshal.GetReference(h);
        ref float dyRef = ref MemoryMarshal.GetReference(outputGradient);
        ref float nextRef = ref MemoryMarshal.GetReference(nextHidden);
        ref float dzRef = ref MemoryMarshal.GetReference(dz);
        int j = VectorWidth.For(hidden) switch
        {
            512 => Rnn<Vector512<float>, Width512>(relu, ref hRef, ref dyRef, ref nextRef, ref dzRef, 0, hidden),
            256 => Rnn<Vector256<float>, Width256>(relu, ref hRef, ref dyRef, ref nextRef, ref dzRef, 0, hidden),
            128 => Rnn<Vector128<float>, Width128>(relu, ref hRef, ref dyRef, ref nextRef, ref dzRef, 0, hidden),
            _ => 0,
        };
        Rnn<float, Width1>(relu, ref hRef, ref dyRef, ref nextRef, ref dzRef, j, hidden);
    }

    /// <summary>The units from <paramref name="from"/> in whole vectors; returns the first unit not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Lstm<TVector, TWidth>(in LstmSpans s, int from)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int hidden = s.Hidden;
        int count = TWidth.Count;
        ref float gates = ref MemoryMarshal.GetReference(s.Gates);
        ref float tanhCell = ref MemoryMarshal.GetReference(s.TanhCell);
        ref float previousCell = ref MemoryMarshal.GetReference(s.PreviousCell);
        ref float outputGradient = ref MemoryMarshal.GetReference(s.OutputGradient);
        ref float nextHidden = ref MemoryMarshal.GetReference(s.NextHidden);
        ref float nextCell = ref MemoryMarshal.GetReference(s.NextCell);
        ref float dz = ref MemoryMarshal.GetReference(s.Dz);
        nuint h1 = (nuint)hidden, h2 = 2 * h1, h3 = 3 * h1;
        TVector one = TWidth.Broadcast(1f);
        int j = from;
        for (; j + count <= hidden; j += count)
        {
            nuint at = (nuint)j;
            TVector i = TWidth.Load(ref gates, at);
            TVector f = TWidth.Load(ref gates, h1 + at);
            TVector g = TWidth.Load(ref gates, h2 + at);
            TVector o = TWidth.Load(ref gates, h3 + at);
            TVector tanhC = TWidth.Load(ref tanhCell, at);
            TVector dh = TWidth.Add(TWidth.Load(ref outputGradient, at), TWidth.Load(ref nextHidden, at));

            // dc = dh * o * (1 - tanh(c)^2) + (the gradient reaching c_t from c_(t+1)).
            TVector dc = TWidth.Add(
                TWidth.Multiply(TWidth.Multiply(dh, o), TWidth.Subtract(one, TWidth.Multiply(tanhC, tanhC))),
                TWidth.Load(ref nextCell, at));
            TVector di = TWidth.Multiply(TWidth.Multiply(TWidth.Multiply(dc, g), i), TWidth.Subtract(one, i));
            TVector df = TWidth.Multiply(TWidth.Multiply(TWidth.Multiply(dc, TWidth.Load(ref previousCell, at)), f), TWidth.Subtract(one, f));
            TVector dg = TWidth.Multiply(TWidth.Multiply(dc, i), TWidth.Subtract(one, TWidth.Multiply(g, g)));
            TVector dO = TWidth.Multiply(TWidth.Multiply(TWidth.Multiply(dh, tanhC), o), TWidth.Subtract(one, o));
            TWidth.Store(di, ref dz, at);
            TWidth.Store(df, ref dz, h1 + at);
            TWidth.Store(dg, ref dz, h2 + at);
            TWidth.Store(dO, ref dz, h3 + at);
            TWidth.Store(TWidth.Multiply(dc, f), ref nextCell, at);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Gru<TVector, TWidth>(in GruSpans s, int from)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int hidden = s.Hidden;
        int count = TWidth.Count;
        ref float gates = ref MemoryMarshal.GetReference(s.Gates);
        ref float hiddenProjection = ref MemoryMarshal.GetReference(s.HiddenProjection);
        ref float previousState = ref MemoryMarshal.GetReference(s.PreviousState);
        ref float outputGradient = ref MemoryMarshal.GetReference(s.OutputGradient);
        ref float nextHidden = ref MemoryMarshal.GetReference(s.NextHidden);
        ref float direct = ref MemoryMarshal.GetReference(s.Direct);
        ref float dzInput = ref MemoryMarshal.GetReference(s.DzInput);
        ref float dzHidden = ref MemoryMarshal.GetReference(s.DzHidden);
        nuint h1 = (nuint)hidden, h2 = 2 * h1;
        TVector one = TWidth.Broadcast(1f);
        int j = from;
        for (; j + count <= hidden; j += count)
        {
            nuint at = (nuint)j;
            TVector r = TWidth.Load(ref gates, at);
            TVector update = TWidth.Load(ref gates, h1 + at);
            TVector n = TWidth.Load(ref gates, h2 + at);
            TVector dh = TWidth.Add(TWidth.Load(ref outputGradient, at), TWidth.Load(ref nextHidden, at));
            TVector keep = TWidth.Subtract(one, update);
            TVector dnPre = TWidth.Multiply(TWidth.Multiply(dh, keep), TWidth.Subtract(one, TWidth.Multiply(n, n)));
            TVector drPre = TWidth.Multiply(TWidth.Multiply(TWidth.Multiply(dnPre, TWidth.Load(ref hiddenProjection, at)), r), TWidth.Subtract(one, r));
            TVector dzPre = TWidth.Multiply(TWidth.Multiply(TWidth.Multiply(dh, TWidth.Subtract(TWidth.Load(ref previousState, at), n)), update), keep);
            TWidth.Store(drPre, ref dzInput, at);
            TWidth.Store(dzPre, ref dzInput, h1 + at);
            TWidth.Store(dnPre, ref dzInput, h2 + at);
            TWidth.Store(drPre, ref dzHidden, at);
            TWidth.Store(dzPre, ref dzHidden, h1 + at);
            TWidth.Store(TWidth.Multiply(dnPre, r), ref dzHidden, h2 + at);
            TWidth.Store(TWidth.Multiply(dh, update), ref direct, at);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Rnn<TVector, TWidth>(bool relu, ref float h, ref float outputGradient, ref float nextHidden, ref float dz, int from, int hidden)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int count = TWidth.Count;
        TVector one = TWidth.Broadcast(1f);
        int j = from;
        for (; j + count <= hidden; j += count)
        {
            nuint at = (nuint)j;
            TVector y = TWidth.Load(ref h, at);
            TVector dh = TWidth.Add(TWidth.Load(ref outputGradient, at), TWidth.Load(ref nextHidden, at));
            TVector result = relu ? TWidth.WherePositive(y, dh) : TWidth.Multiply(dh, TWidth.Subtract(one, TWidth.Multiply(y, y)));
            TWidth.Store(result, ref dz, at);
        }

        return j;
    }

    private readonly ref struct LstmSpans(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> nextCell, Span<float> dz, int hidden)
    {
        public ReadOnlySpan<float> Gates { get; } = gates;

        public ReadOnlySpan<float> TanhCell { get; } = tanhCell;

        public ReadOnlySpan<float> PreviousCell { get; } = previousCell;

        public ReadOnlySpan<float> OutputGradient { get; } = outputGradient;

        public ReadOnlySpan<float> NextHidden { get; } = nextHidden;

        public Span<float> NextCell { get; } = nextCell;

        public Span<float> Dz { get; } = dz;

        public int Hidden { get; } = hidden;
    }

    private readonly ref struct GruSpans(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenProjection, ReadOnlySpan<float> previousState, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> direct, Span<float> dzInput, Span<float> dzHidden, int hidden)
    {
        public ReadOnlySpan<float> Gates { get; } = gates;

        public ReadOnlySpan<float> HiddenProjection { get; } = hiddenProjection;

        public ReadOnlySpan<float> PreviousState { get; } = previousState;

        public ReadOnlySpan<float> OutputGradient { get; } = outputGradient;

        public ReadOnlySpan<float> NextHidden { get; } = nextHidden;

        public Span<float> Direct { get; } = direct;

        public Span<float> DzInput { get; } = dzInput;

        public Span<float> DzHidden { get; } = dzHidden;

        public int Hidden { get; } = hidden;
    }
}
