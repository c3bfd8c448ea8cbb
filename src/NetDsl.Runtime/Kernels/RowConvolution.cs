using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Stride-1 convolutions with output rows in the vector lanes: every output row is covered by 8-wide vectors (the last one
/// shifted back to end at the row's end, so it overlaps its neighbour instead of running past the row), and each kernel tap
/// is one vector load of the input row times a broadcast weight. A register tile holds 8 channels x 2 row vectors, so each
/// input load serves 8 channels and each weight 2 vectors. No im2col: the input is read in place (or from a zero-padded copy
/// when the layer pads), and the weights are repacked per call so a tile's 8 channel weights are adjacent.
/// </summary>
/// <remarks>
/// Layouts stay PyTorch's at the boundary (<c>x</c> <c>[N, Cin, H, W]</c>, <c>weight</c> <c>[Cout, Cin, KH, KW]</c>). The
/// scratch (packed weights, padded copies) lives in one thread-static array that grows on first use, so calls allocate
/// nothing after warm-up.
/// </remarks>
internal static class RowConvolution
{
    private const int Lanes = 8;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>Whether these kernels handle <paramref name="g"/>: stride 1, rows of at least one vector, 256-bit vectors allowed.</summary>
    public static bool Applies(in WindowGeometry g) =>
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutWidth >= Lanes && g.OutHeight > 0
        && Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256;

    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        var s = new Sizes(g);
        Span<float> scratch = Scratch(s.PackedWeights + Lanes * Sizes.Blocks(g.OutChannels) + (s.Padded ? s.PaddedSample : 0));
        Span<float> packed = scratch.Slice(0, s.PackedWeights);
        Span<float> packedBias = scratch.Slice(s.PackedWeights, Lanes * Sizes.Blocks(g.OutChannels));
        Span<float> padded = scratch.Slice(s.PackedWeights + packedBias.Length);
        PackByOutputChannel(weight, packed, g, s);
        packedBias.Clear();
        if (!bias.IsEmpty)
        {
            bias.Slice(0, g.OutChannels).CopyTo(packedBias);
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * g.InputSize, g.InputSize);
            if (s.Padded)
            {
                Pad(sample, padded, g, s);
                sample = padded;
            }

            ref float input = ref MemoryMarshal.GetReference(sample);
            ref float output = ref MemoryMarshal.GetReference(y.Slice(n * g.OutputSize, g.OutputSize));
            for (int block = 0; block < Sizes.Blocks(g.OutChannels); block++)
            {
                ref float tileWeights = ref MemoryMarshal.GetReference(packed.Slice(block * s.Taps * Lanes));
                ref float tileBias = ref packedBias[block * Lanes];
                int channels = Math.Min(Lanes, g.OutChannels - block * Lanes);
                ref float outputBlock = ref Unsafe.Add(ref output, block * Lanes * g.OutPlane);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int pair = 0; pair < s.OutputPairs; pair++)
                    {
                        (int first, int second) = s.OutputPair(pair);
                        ForwardTile(ref Unsafe.Add(ref input, oh * s.RowStride), first, second, ref tileWeights, ref tileBias,
                            ref Unsafe.Add(ref outputBlock, oh * g.OutWidth), channels, g, s);
                    }
                }
            }
        }
    }

    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        var s = new Sizes(g);
        bool inputGradient = !dx.IsEmpty;
        int paddedInputs = s.Padded ? batch * s.PaddedSample : 0;
        int packedByInput = inputGradient ? Sizes.Blocks(g.InChannels) * g.OutChannels * g.KernelHeight * g.KernelWidth * Lanes : 0;
        int paddedGradient = inputGradient ? g.OutChannels * s.GradientPlane : 0;
        int inputGradientPlanes = inputGradient && s.Padded ? s.PaddedSample : 0;
        int partialSums = TapPairs(s) * TileSums;
        Span<float> scratch = Scratch(paddedInputs + packedByInput + paddedGradient + inputGradientPlanes + partialSums);
        Span<float> paddedX = scratch.Slice(0, paddedInputs);
        Span<float> packed = scratch.Slice(paddedInputs, packedByInput);
        Span<float> dzPadded = scratch.Slice(paddedInputs + packedByInput, paddedGradient);
        Span<float> dxPadded = scratch.Slice(paddedInputs + packedByInput + paddedGradient, inputGradientPlanes);
        Span<float> partial = scratch.Slice(paddedInputs + packedByInput + paddedGradient + inputGradientPlanes, partialSums);

        ReadOnlySpan<float> inputs = x;
        int sampleStride = g.InputSize;
        if (s.Padded)
        {
            for (int n = 0; n < batch; n++)
            {
                Pad(x.Slice(n * g.InputSize, g.InputSize), paddedX.Slice(n * s.PaddedSample, s.PaddedSample), g, s);
            }

            inputs = paddedX;
            sampleStride = s.PaddedSample;
        }

        if (!biasGradient.IsEmpty)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int oc = 0; oc < g.OutChannels; oc++)
                {
                    biasGradient[oc] += TensorPrimitives.Sum(dz.Slice(n * g.OutputSize + oc * g.OutPlane, g.OutPlane));
                }
            }
        }

        AccumulateWeightGradient(inputs, sampleStride, dz, weightGradient, batch, g, s, partial);
        if (!inputGradient)
        {
            return;
        }

        PackByInputChannel(weight, packed, g, s);
        for (int n = 0; n < batch; n++)
        {
            PadGradient(dz.Slice(n * g.OutputSize, g.OutputSize), dzPadded, g, s);
            Span<float> target = s.Padded ? dxPadded : dx.Slice(n * g.InputSize, g.InputSize);
            InputGradient(dzPadded, packed, target, g, s);
            if (s.Padded)
            {
                Crop(dxPadded, dx.Slice(n * g.InputSize, g.InputSize), g, s);
            }
        }
    }

    // y[oc0..oc0+8, oh, first..first+8] and [.., second..second+8] = bias + sum over taps; `input` points at row oh of channel 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile(ref float input, int first, int second, ref float w, ref float bias, ref float output, int channels, in WindowGeometry g, in Sizes s)
    {
        Vector256<float> a0 = Vector256.Create(bias), a1 = Vector256.Create(Unsafe.Add(ref bias, 1));
        Vector256<float> a2 = Vector256.Create(Unsafe.Add(ref bias, 2)), a3 = Vector256.Create(Unsafe.Add(ref bias, 3));
        Vector256<float> a4 = Vector256.Create(Unsafe.Add(ref bias, 4)), a5 = Vector256.Create(Unsafe.Add(ref bias, 5));
        Vector256<float> a6 = Vector256.Create(Unsafe.Add(ref bias, 6)), a7 = Vector256.Create(Unsafe.Add(ref bias, 7));
        Vector256<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3, b4 = a4, b5 = a5, b6 = a6, b7 = a7;
        ref float u = ref Unsafe.Add(ref input, first);
        ref float v = ref Unsafe.Add(ref input, second);
        int rowStep = g.DilationHeight * s.RowStride;
        for (int ic = 0; ic < g.InChannels; ic++)
        {
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                nint row = ic * s.PlaneStride + kh * rowStep;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    nuint at = (nuint)(row + kw * g.DilationWidth);
                    Vector256<float> p = Vector256.LoadUnsafe(ref u, at), q = Vector256.LoadUnsafe(ref v, at);
                    Vector256<float> c = Vector256.Create(w);
                    a0 = Vector256.FusedMultiplyAdd(p, c, a0); b0 = Vector256.FusedMultiplyAdd(q, c, b0);
                    c = Vector256.Create(Unsafe.Add(ref w, 1));
                    a1 = Vector256.FusedMultiplyAdd(p, c, a1); b1 = Vector256.FusedMultiplyAdd(q, c, b1);
                    c = Vector256.Create(Unsafe.Add(ref w, 2));
                    a2 = Vector256.FusedMultiplyAdd(p, c, a2); b2 = Vector256.FusedMultiplyAdd(q, c, b2);
                    c = Vector256.Create(Unsafe.Add(ref w, 3));
                    a3 = Vector256.FusedMultiplyAdd(p, c, a3); b3 = Vector256.FusedMultiplyAdd(q, c, b3);
                    c = Vector256.Create(Unsafe.Add(ref w, 4));
                    a4 = Vector256.FusedMultiplyAdd(p, c, a4); b4 = Vector256.FusedMultiplyAdd(q, c, b4);
                    c = Vector256.Create(Unsafe.Add(ref w, 5));
                    a5 = Vector256.FusedMultiplyAdd(p, c, a5); b5 = Vector256.FusedMultiplyAdd(q, c, b5);
                    c = Vector256.Create(Unsafe.Add(ref w, 6));
                    a6 = Vector256.FusedMultiplyAdd(p, c, a6); b6 = Vector256.FusedMultiplyAdd(q, c, b6);
                    c = Vector256.Create(Unsafe.Add(ref w, 7));
                    a7 = Vector256.FusedMultiplyAdd(p, c, a7); b7 = Vector256.FusedMultiplyAdd(q, c, b7);
                    w = ref Unsafe.Add(ref w, Lanes);
                }
            }
        }

        // The second vector may overlap the first; it holds the same sums there, so storing both is exact.
        int plane = g.OutPlane;
        StorePair(ref output, first, second, a0, b0);
        if (channels > 1) StorePair(ref Unsafe.Add(ref output, plane), first, second, a1, b1);
        if (channels > 2) StorePair(ref Unsafe.Add(ref output, 2 * plane), first, second, a2, b2);
        if (channels > 3) StorePair(ref Unsafe.Add(ref output, 3 * plane), first, second, a3, b3);
        if (channels > 4) StorePair(ref Unsafe.Add(ref output, 4 * plane), first, second, a4, b4);
        if (channels > 5) StorePair(ref Unsafe.Add(ref output, 5 * plane), first, second, a5, b5);
        if (channels > 6) StorePair(ref Unsafe.Add(ref output, 6 * plane), first, second, a6, b6);
        if (channels > 7) StorePair(ref Unsafe.Add(ref output, 7 * plane), first, second, a7, b7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(ref float row, int first, int second, Vector256<float> a, Vector256<float> b)
    {
        a.StoreUnsafe(ref row, (nuint)first);
        b.StoreUnsafe(ref row, (nuint)second);
    }

    // The 16 vectors of sums a weight-gradient tile carries (8 channels x 2 taps), kept in `partial` between passes.
    private const int TileSums = 16 * Lanes;

    /// <summary>
    /// The bytes of output gradient (one block of 8 channels, a few samples) that every pair of taps reads in turn: small
    /// enough to stay in the core's L2 between the pairs. Streaming the whole batch's gradient once per pair instead
    /// (N4's first layer: 1.6 MB per block, 5 pairs) left the tiles waiting on memory. Settable for tests, which check
    /// that it changes no bit.
    /// </summary>
    internal static int GradientBytesPerPass { get; set; } = 192 * 1024;

    private static int TapPairs(in Sizes s) => (s.Taps + 1) / 2;

    /// <summary>
    /// dW[oc, tap] += the sum over the batch and output positions of dz[oc, pos] * x[tap shifted to pos], in tiles of 8
    /// channels x 2 taps. The samples go through in passes of a few, each pass running every pair of taps over the same
    /// gradient rows while they are in cache; a tile's sums are carried from pass to pass in <paramref name="partial"/>,
    /// so every lane adds its products in the order one pass over the whole batch would (samples, rows, segments): the
    /// pass size changes no bit.
    /// </summary>
    private static void AccumulateWeightGradient(ReadOnlySpan<float> inputs, int sampleStride, ReadOnlySpan<float> dz, Span<float> weightGradient, int batch, in WindowGeometry g, in Sizes s, Span<float> partial)
    {
        int taps = s.Taps;
        int pairs = TapPairs(s);
        int samplesPerPass = Math.Max(1, GradientBytesPerPass / (sizeof(float) * Lanes * g.OutPlane));
        for (int block = 0; block < Sizes.Blocks(g.OutChannels); block++)
        {
            int firstChannel = block * Lanes;
            partial.Clear();
            for (int first = 0; first < batch; first += samplesPerPass)
            {
                int count = Math.Min(samplesPerPass, batch - first);
                for (int pair = 0; pair < pairs; pair++)
                {
                    int tap = 2 * pair;
                    WeightGradientTile(inputs, sampleStride, dz, first, count, firstChannel, tap, Math.Min(tap + 1, taps - 1), g, s, partial.Slice(pair * TileSums, TileSums));
                }
            }

            int channels = Math.Min(Lanes, g.OutChannels - firstChannel);
            ref float gradient = ref weightGradient[firstChannel * taps];
            for (int pair = 0; pair < pairs; pair++)
            {
                int tap = 2 * pair;
                ref float sums = ref partial[pair * TileSums];
                for (int c = 0; c < Lanes; c++)
                {
                    AddSums(ref gradient, taps, tap, Math.Min(tap + 1, taps - 1), channels, c, Vector256.LoadUnsafe(ref sums, (nuint)(c * Lanes)), Vector256.LoadUnsafe(ref sums, (nuint)((Lanes + c) * Lanes)));
                }
            }
        }
    }

    // Samples first .. first + count - 1 of one tile: the sums a (first tap) and b (second tap) of 8 channels, read from
    // and written back to `sums`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile(ReadOnlySpan<float> inputs, int sampleStride, ReadOnlySpan<float> dz, int first, int count, int firstChannel, int tap, int secondTap, in WindowGeometry g, in Sizes s, Span<float> sums)
    {
        int channels = Math.Min(Lanes, g.OutChannels - firstChannel);
        // Channels past the last one repeat it; their sums are dropped at the end.
        int plane = g.OutPlane;
        int c1 = Math.Min(1, channels - 1) * plane, c2 = Math.Min(2, channels - 1) * plane, c3 = Math.Min(3, channels - 1) * plane;
        int c4 = Math.Min(4, channels - 1) * plane, c5 = Math.Min(5, channels - 1) * plane, c6 = Math.Min(6, channels - 1) * plane;
        int c7 = Math.Min(7, channels - 1) * plane;
        nint offsetA = s.TapOffset(tap, g), offsetB = s.TapOffset(secondTap, g);
        ref float carried = ref MemoryMarshal.GetReference(sums);
        Vector256<float> a0 = Vector256.LoadUnsafe(ref carried, 0 * Lanes), a1 = Vector256.LoadUnsafe(ref carried, 1 * Lanes);
        Vector256<float> a2 = Vector256.LoadUnsafe(ref carried, 2 * Lanes), a3 = Vector256.LoadUnsafe(ref carried, 3 * Lanes);
        Vector256<float> a4 = Vector256.LoadUnsafe(ref carried, 4 * Lanes), a5 = Vector256.LoadUnsafe(ref carried, 5 * Lanes);
        Vector256<float> a6 = Vector256.LoadUnsafe(ref carried, 6 * Lanes), a7 = Vector256.LoadUnsafe(ref carried, 7 * Lanes);
        Vector256<float> b0 = Vector256.LoadUnsafe(ref carried, 8 * Lanes), b1 = Vector256.LoadUnsafe(ref carried, 9 * Lanes);
        Vector256<float> b2 = Vector256.LoadUnsafe(ref carried, 10 * Lanes), b3 = Vector256.LoadUnsafe(ref carried, 11 * Lanes);
        Vector256<float> b4 = Vector256.LoadUnsafe(ref carried, 12 * Lanes), b5 = Vector256.LoadUnsafe(ref carried, 13 * Lanes);
        Vector256<float> b6 = Vector256.LoadUnsafe(ref carried, 14 * Lanes), b7 = Vector256.LoadUnsafe(ref carried, 15 * Lanes);
        int segments = s.Segments;
        (int lastStart, Vector256<float> lastMask) = s.Segment(segments - 1);
        ref float xBase = ref MemoryMarshal.GetReference(inputs);
        ref float dzBase = ref MemoryMarshal.GetReference(dz);
        for (int n = first; n < first + count; n++)
        {
            ref float xs = ref Unsafe.Add(ref xBase, n * sampleStride);
            ref float d = ref Unsafe.Add(ref dzBase, n * g.OutputSize + firstChannel * plane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                ref float xRow = ref Unsafe.Add(ref xs, oh * s.RowStride);
                ref float dRow = ref Unsafe.Add(ref d, oh * g.OutWidth);
                for (int segment = 0; segment < segments; segment++)
                {
                    // The last segment may overlap the one before: its mask zeroes the lanes already counted.
                    bool last = segment == segments - 1;
                    int start = last ? lastStart : segment * Lanes;
                    Vector256<float> mask = last ? lastMask : Vector256<float>.AllBitsSet;
                    Vector256<float> p = Vector256.LoadUnsafe(ref xRow, (nuint)(offsetA + start)) & mask;
                    Vector256<float> q = Vector256.LoadUnsafe(ref xRow, (nuint)(offsetB + start)) & mask;
                    ref float ds = ref Unsafe.Add(ref dRow, start);
                    Vector256<float> e = Vector256.LoadUnsafe(ref ds);
                    a0 = Vector256.FusedMultiplyAdd(p, e, a0); b0 = Vector256.FusedMultiplyAdd(q, e, b0);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c1);
                    a1 = Vector256.FusedMultiplyAdd(p, e, a1); b1 = Vector256.FusedMultiplyAdd(q, e, b1);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c2);
                    a2 = Vector256.FusedMultiplyAdd(p, e, a2); b2 = Vector256.FusedMultiplyAdd(q, e, b2);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c3);
                    a3 = Vector256.FusedMultiplyAdd(p, e, a3); b3 = Vector256.FusedMultiplyAdd(q, e, b3);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c4);
                    a4 = Vector256.FusedMultiplyAdd(p, e, a4); b4 = Vector256.FusedMultiplyAdd(q, e, b4);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c5);
                    a5 = Vector256.FusedMultiplyAdd(p, e, a5); b5 = Vector256.FusedMultiplyAdd(q, e, b5);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c6);
                    a6 = Vector256.FusedMultiplyAdd(p, e, a6); b6 = Vector256.FusedMultiplyAdd(q, e, b6);
                    e = Vector256.LoadUnsafe(ref ds, (nuint)c7);
                    a7 = Vector256.FusedMultiplyAdd(p, e, a7); b7 = Vector256.FusedMultiplyAdd(q, e, b7);
                }
            }
        }

        a0.StoreUnsafe(ref carried, 0 * Lanes); a1.StoreUnsafe(ref carried, 1 * Lanes); a2.StoreUnsafe(ref carried, 2 * Lanes); a3.StoreUnsafe(ref carried, 3 * Lanes);
        a4.StoreUnsafe(ref carried, 4 * Lanes); a5.StoreUnsafe(ref carried, 5 * Lanes); a6.StoreUnsafe(ref carried, 6 * Lanes); a7.StoreUnsafe(ref carried, 7 * Lanes);
        b0.StoreUnsafe(ref carried, 8 * Lanes); b1.StoreUnsafe(ref carried, 9 * Lanes); b2.StoreUnsafe(ref carried, 10 * Lanes); b3.StoreUnsafe(ref carried, 11 * Lanes);
        b4.StoreUnsafe(ref carried, 12 * Lanes); b5.StoreUnsafe(ref carried, 13 * Lanes); b6.StoreUnsafe(ref carried, 14 * Lanes); b7.StoreUnsafe(ref carried, 15 * Lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(ref float gradient, int taps, int tap, int secondTap, int channels, int channel, Vector256<float> a, Vector256<float> b)
    {
        if (channel >= channels)
        {
            return;
        }

        ref float row = ref Unsafe.Add(ref gradient, channel * taps);
        Unsafe.Add(ref row, tap) += Vector256.Sum(a);
        if (secondTap != tap)
        {
            Unsafe.Add(ref row, secondTap) += Vector256.Sum(b);
        }
    }

    // dx (padded plane layout) = full correlation of the zero-bordered dz with the flipped kernel: tiles of 8 input channels x 2 row vectors.
    private static void InputGradient(ReadOnlySpan<float> dzPadded, ReadOnlySpan<float> packed, Span<float> target, in WindowGeometry g, in Sizes s)
    {
        ref float d = ref MemoryMarshal.GetReference(dzPadded);
        ref float t = ref MemoryMarshal.GetReference(target);
        int tileWeights = g.OutChannels * g.KernelHeight * g.KernelWidth * Lanes;
        for (int block = 0; block < Sizes.Blocks(g.InChannels); block++)
        {
            int channels = Math.Min(Lanes, g.InChannels - block * Lanes);
            ref float w = ref MemoryMarshal.GetReference(packed.Slice(block * tileWeights, tileWeights));
            ref float targetBlock = ref Unsafe.Add(ref t, block * Lanes * s.PlaneStride);
            for (int row = 0; row < s.PaddedHeight; row++)
            {
                for (int pair = 0; pair < s.InputPairs; pair++)
                {
                    (int first, int second) = s.InputPair(pair);
                    InputGradientTile(ref Unsafe.Add(ref d, row * s.GradientWidth), first, second, ref w, ref Unsafe.Add(ref targetBlock, row * s.RowStride), channels, g, s);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientTile(ref float dzRow, int first, int second, ref float w, ref float target, int channels, in WindowGeometry g, in Sizes s)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        ref float u = ref Unsafe.Add(ref dzRow, first);
        ref float v = ref Unsafe.Add(ref dzRow, second);
        int lastRow = (g.KernelHeight - 1) * g.DilationHeight, lastColumn = (g.KernelWidth - 1) * g.DilationWidth;
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                nint row = oc * s.GradientPlane + (lastRow - kh * g.DilationHeight) * s.GradientWidth;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    nuint at = (nuint)(row + lastColumn - kw * g.DilationWidth);
                    Vector256<float> p = Vector256.LoadUnsafe(ref u, at), q = Vector256.LoadUnsafe(ref v, at);
                    Vector256<float> c = Vector256.Create(w);
                    a0 = Vector256.FusedMultiplyAdd(p, c, a0); b0 = Vector256.FusedMultiplyAdd(q, c, b0);
                    c = Vector256.Create(Unsafe.Add(ref w, 1));
                    a1 = Vector256.FusedMultiplyAdd(p, c, a1); b1 = Vector256.FusedMultiplyAdd(q, c, b1);
                    c = Vector256.Create(Unsafe.Add(ref w, 2));
                    a2 = Vector256.FusedMultiplyAdd(p, c, a2); b2 = Vector256.FusedMultiplyAdd(q, c, b2);
                    c = Vector256.Create(Unsafe.Add(ref w, 3));
                    a3 = Vector256.FusedMultiplyAdd(p, c, a3); b3 = Vector256.FusedMultiplyAdd(q, c, b3);
                    c = Vector256.Create(Unsafe.Add(ref w, 4));
                    a4 = Vector256.FusedMultiplyAdd(p, c, a4); b4 = Vector256.FusedMultiplyAdd(q, c, b4);
                    c = Vector256.Create(Unsafe.Add(ref w, 5));
                    a5 = Vector256.FusedMultiplyAdd(p, c, a5); b5 = Vector256.FusedMultiplyAdd(q, c, b5);
                    c = Vector256.Create(Unsafe.Add(ref w, 6));
                    a6 = Vector256.FusedMultiplyAdd(p, c, a6); b6 = Vector256.FusedMultiplyAdd(q, c, b6);
                    c = Vector256.Create(Unsafe.Add(ref w, 7));
                    a7 = Vector256.FusedMultiplyAdd(p, c, a7); b7 = Vector256.FusedMultiplyAdd(q, c, b7);
                    w = ref Unsafe.Add(ref w, Lanes);
                }
            }
        }

        int plane = s.PlaneStride;
        StorePair(ref target, first, second, a0, b0);
        if (channels > 1) StorePair(ref Unsafe.Add(ref target, plane), first, second, a1, b1);
        if (channels > 2) StorePair(ref Unsafe.Add(ref target, 2 * plane), first, second, a2, b2);
        if (channels > 3) StorePair(ref Unsafe.Add(ref target, 3 * plane), first, second, a3, b3);
        if (channels > 4) StorePair(ref Unsafe.Add(ref target, 4 * plane), first, second, a4, b4);
        if (channels > 5) StorePair(ref Unsafe.Add(ref target, 5 * plane), first, second, a5, b5);
        if (channels > 6) StorePair(ref Unsafe.Add(ref target, 6 * plane), first, second, a6, b6);
        if (channels > 7) StorePair(ref Unsafe.Add(ref target, 7 * plane), first, second, a7, b7);
    }

    // packed[block][ic][kh][kw][lane] = weight[block * 8 + lane][ic][kh][kw], zero past the last output channel.
    private static void PackByOutputChannel(ReadOnlySpan<float> weight, Span<float> packed, in WindowGeometry g, in Sizes s)
    {
        int taps = s.Taps;
        for (int block = 0; block < Sizes.Blocks(g.OutChannels); block++)
        {
            Span<float> tile = packed.Slice(block * taps * Lanes, taps * Lanes);
            for (int lane = 0; lane < Lanes; lane++)
            {
                int oc = block * Lanes + lane;
                if (oc >= g.OutChannels)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        tile[t * Lanes + lane] = 0f;
                    }

                    continue;
                }

                ReadOnlySpan<float> row = weight.Slice(oc * taps, taps);
                for (int t = 0; t < taps; t++)
                {
                    tile[t * Lanes + lane] = row[t];
                }
            }
        }
    }

    // packed[block][oc][kh][kw][lane] = weight[oc][block * 8 + lane][kh][kw], zero past the last input channel.
    private static void PackByInputChannel(ReadOnlySpan<float> weight, Span<float> packed, in WindowGeometry g, in Sizes s)
    {
        int kernel = g.KernelHeight * g.KernelWidth;
        int tileWeights = g.OutChannels * kernel * Lanes;
        for (int block = 0; block < Sizes.Blocks(g.InChannels); block++)
        {
            Span<float> tile = packed.Slice(block * tileWeights, tileWeights);
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                for (int lane = 0; lane < Lanes; lane++)
                {
                    int ic = block * Lanes + lane;
                    for (int k = 0; k < kernel; k++)
                    {
                        tile[(oc * kernel + k) * Lanes + lane] = ic < g.InChannels ? weight[(oc * g.InChannels + ic) * kernel + k] : 0f;
                    }
                }
            }
        }
    }

    // The input sample inside a zero border: PadTop rows above, PadLeft columns to the left, the rest below and to the right.
    private static void Pad(ReadOnlySpan<float> sample, Span<float> padded, in WindowGeometry g, in Sizes s)
    {
        padded.Slice(0, s.PaddedSample).Clear();
        for (int ic = 0; ic < g.InChannels; ic++)
        {
            for (int ih = 0; ih < g.InHeight; ih++)
            {
                sample.Slice(ic * g.InPlane + ih * g.InWidth, g.InWidth)
                    .CopyTo(padded.Slice(ic * s.PlaneStride + (ih + g.PadTop) * s.RowStride + g.PadLeft));
            }
        }
    }

    // dz inside a border of (kernel extent - 1) zeros on every side, so the input gradient's taps never leave the buffer.
    private static void PadGradient(ReadOnlySpan<float> dz, Span<float> padded, in WindowGeometry g, in Sizes s)
    {
        padded.Clear();
        int top = (g.KernelHeight - 1) * g.DilationHeight, left = (g.KernelWidth - 1) * g.DilationWidth;
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                dz.Slice(oc * g.OutPlane + oh * g.OutWidth, g.OutWidth)
                    .CopyTo(padded.Slice(oc * s.GradientPlane + (oh + top) * s.GradientWidth + left));
            }
        }
    }

    // The input gradient without the padding's rows and columns.
    private static void Crop(ReadOnlySpan<float> paddedGradient, Span<float> dx, in WindowGeometry g, in Sizes s)
    {
        for (int ic = 0; ic < g.InChannels; ic++)
        {
            for (int ih = 0; ih < g.InHeight; ih++)
            {
                paddedGradient.Slice(ic * s.PlaneStride + (ih + g.PadTop) * s.RowStride + g.PadLeft, g.InWidth)
                    .CopyTo(dx.Slice(ic * g.InPlane + ih * g.InWidth, g.InWidth));
            }
        }
    }

    private static Span<float> Scratch(int length) => ThreadScratch.Of(ref t_scratch, length);

    /// <summary>Sizes derived from a stride-1 geometry.</summary>
    private readonly struct Sizes
    {
        public Sizes(in WindowGeometry g)
        {
            PaddedHeight = g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;
            PaddedWidth = g.OutWidth + (g.KernelWidth - 1) * g.DilationWidth;
            Padded = PaddedHeight != g.InHeight || PaddedWidth != g.InWidth || g.PadTop != 0 || g.PadLeft != 0;
            RowStride = Padded ? PaddedWidth : g.InWidth;
            PlaneStride = Padded ? PaddedHeight * PaddedWidth : g.InPlane;
            PaddedSample = g.InChannels * PaddedHeight * PaddedWidth;
            Taps = g.InChannels * g.KernelHeight * g.KernelWidth;
            PackedWeights = Blocks(g.OutChannels) * Taps * Lanes;
            GradientWidth = g.OutWidth + 2 * (g.KernelWidth - 1) * g.DilationWidth;
            GradientPlane = (g.OutHeight + 2 * (g.KernelHeight - 1) * g.DilationHeight) * GradientWidth;
            OutWidth = g.OutWidth;
            Segments = (g.OutWidth + Lanes - 1) / Lanes;
            OutputPairs = (Segments + 1) / 2;
            InputPairs = ((PaddedWidth + Lanes - 1) / Lanes + 1) / 2;
        }

        public bool Padded { get; }
        public int PaddedHeight { get; }
        public int PaddedWidth { get; }
        public int RowStride { get; }
        public int PlaneStride { get; }
        public int PaddedSample { get; }
        public int Taps { get; }
        public int PackedWeights { get; }
        public int GradientWidth { get; }
        public int GradientPlane { get; }
        public int Segments { get; }
        public int OutputPairs { get; }
        public int InputPairs { get; }
        private int OutWidth { get; }

        public static int Blocks(int channels) => (channels + Lanes - 1) / Lanes;

        /// <summary>The starts of an output row's vectors 2*pair and 2*pair+1, each clamped to end inside the row.</summary>
        public (int First, int Second) OutputPair(int pair) => PairIn(pair, OutWidth);

        /// <summary>As <see cref="OutputPair"/> over a padded input row.</summary>
        public (int First, int Second) InputPair(int pair) => PairIn(pair, PaddedWidth);

        /// <summary>Segment k of an output row: its start, and a mask of the lanes no earlier segment covers.</summary>
        public (int Start, Vector256<float> Mask) Segment(int k)
        {
            int start = k * Lanes;
            if (start + Lanes <= OutWidth)
            {
                return (start, Vector256<float>.AllBitsSet);
            }

            int shifted = OutWidth - Lanes;
            int covered = start - shifted; // lanes [0, covered) belong to segment k - 1
            Vector256<int> mask = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(covered));
            return (shifted, mask.AsSingle());
        }

        /// <summary>The offset of tap (ic, kh, kw) from an output position's top-left input, in the (padded) input layout.</summary>
        public nint TapOffset(int tap, in WindowGeometry g)
        {
            int kernel = g.KernelHeight * g.KernelWidth;
            int ic = tap / kernel, k = tap % kernel;
            int kh = k / g.KernelWidth, kw = k % g.KernelWidth;
            return ic * PlaneStride + kh * g.DilationHeight * RowStride + kw * g.DilationWidth;
        }

        private static (int First, int Second) PairIn(int pair, int width)
        {
            int first = Math.Min(2 * pair * Lanes, width - Lanes);
            int second = Math.Min((2 * pair + 1) * Lanes, width - Lanes);
            return (first, second);
        }
    }
}
