using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Stride-1 convolutions with few input channels (a network's first layers: 1 to 4 channels in) with pixels in the
/// vector lanes over the whole FLATTENED output plane: a 28x28 map is 784 = 49 vectors of 16, with no tail per row.
/// Each sample's input is first copied into one small plane per (input channel, kernel column) whose rows are the
/// output's width and whose columns that would fall outside the input row (the padding, or the wrap-around into the
/// next row) are zero; a kernel tap (ic, kh, kw) is then one unaligned vector load at a fixed flat offset
/// (<c>kh * dilation * outWidth</c>) into copy (ic, kw), for any padding and dilation.
/// <list type="bullet">
/// <item>Forward: register tiles of 4 output channels x 6 pixel vectors (24 accumulators), each tap 6 loads, 4 weight
/// broadcasts and 24 fused multiply-adds; the accumulators start from the bias and every output sums its taps in the
/// order (ic, kh, kw), the order of <see cref="RowConvolution"/>, so the result is the same bits at every width (and
/// as the row kernel's). The output is written straight into the planar <c>y</c>.</item>
/// <item>Weight gradient: register tiles of 3 output channels x 9 taps (27 accumulators) over the gradient planes, read
/// in place; each pixel vector is 3 gradient loads and 9 input loads for 27 fused multiply-adds. Samples go through in
/// passes (<see cref="BytesPerPass"/>) so that the copies and the gradient planes a tile re-reads stay in L2.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// The order of the weight and bias gradients' sums does not depend on the vector width nor on the pass size. Output
/// pixel <c>p</c> of a flattened plane (<c>p = oh * outWidth + ow</c>) adds its product into partial sum
/// <c>p mod 16</c> of its (channel, tap); each partial adds its products samples first, then pixels in increasing
/// order, each with one rounding (a fused multiply-add; the bias gradient a plain add). The 16 partials are then
/// combined in one fixed tree, <c>s8[i] = p[i] + p[i + 8]</c>, <c>s4[i] = s8[i] + s8[i + 4]</c>,
/// <c>s2[i] = s4[i] + s4[i + 2]</c>, <c>s = s2[0] + s2[1]</c>, and added to the gradient. A 512-bit vector holds the 16
/// partials; narrower vectors run the plane in 16 / lanes sweeps, sweep <c>k</c> holding partials <c>k * lanes</c> and
/// up (scalar: 16 sweeps of one float), which changes when a partial is updated but not the order of its own additions.
/// Partials are carried from pass to pass in scratch.
/// </para>
/// <para>
/// The input gradient is not computed here: <see cref="ConvolutionKernels"/> sends a backward pass that asks for it to
/// the other kernels (a network's first layer never does). Scratch (copies, packed weights, partial sums) lives in
/// thread-static arrays that grow on first use, so calls allocate nothing after warm-up.
/// </para>
/// </remarks>
internal static class FlatPlaneConvolution
{
    /// <summary>The partial sums of every (channel, tap) of the weight gradient: pixel <c>p</c> goes to partial <c>p mod 16</c>.</summary>
    public const int Partials = 16;

    /// <summary>Output channels per forward tile.</summary>
    private const int ForwardChannels = 4;

    /// <summary>Pixel vectors per forward tile.</summary>
    private const int ForwardVectors = 6;

    /// <summary>Output channels per weight-gradient tile.</summary>
    private const int GradientChannels = 3;

    /// <summary>Taps per weight-gradient tile.</summary>
    private const int GradientTaps = 9;

    [ThreadStatic]
    private static float[]? t_floats;

    [ThreadStatic]
    private static int[]? t_offsets;

    /// <summary>
    /// Whether these kernels run <paramref name="g"/>: stride 1, 1 to 4 input channels, at least 8 output channels, and an
    /// output plane of at least 64 pixels. The rule does not depend on the vector width, so a layer takes this kernel (and
    /// gives the same bits) on every machine. Measured on Zen 5 against the row and channels-last kernels over 1-4 -> 8-64
    /// channels, maps 8-56, kernels 3 and 5.
    /// </summary>
    public static bool Applies(in WindowGeometry g) =>
        g.StrideHeight == 1 && g.StrideWidth == 1
        && g.InChannels is >= 1 and <= 4 && g.OutChannels >= 8
        && g.OutHeight > 0 && g.OutWidth > 0 && g.OutPlane >= 64;

    /// <summary>
    /// The bytes of input copies and output gradient planes (one tile's channels) that a pass of samples keeps for the
    /// weight gradient's tiles to re-read: small enough for the core's L2. Settable for tests, which check that it changes
    /// no bit.
    /// </summary>
    internal static int BytesPerPass { get; set; } = 256 * 1024;

    /// <summary><c>y = conv(x, weight) + bias</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        switch (VectorWidth.For(g.OutPlane))
        {
            case 512: Forward<Vector512<float>, Width512>(x, weight, bias, y, batch, g); break;
            case 256: Forward<Vector256<float>, Width256>(x, weight, bias, y, batch, g); break;
            case 128: Forward<Vector128<float>, Width128>(x, weight, bias, y, batch, g); break;
            default: Forward<float, Width1>(x, weight, bias, y, batch, g); break;
        }
    }

    /// <summary>Adds the parameter gradients of the batch: <c>dW += dz (*) x</c>, and <c>db += sum of dz</c> unless <paramref name="biasGradient"/> is empty.</summary>
    public static void ParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g)
    {
        switch (VectorWidth.For(Partials))
        {
            case 512: ParameterGradients<Vector512<float>, Width512>(x, dz, weightGradient, biasGradient, batch, g); break;
            case 256: ParameterGradients<Vector256<float>, Width256>(x, dz, weightGradient, biasGradient, batch, g); break;
            case 128: ParameterGradients<Vector128<float>, Width128>(x, dz, weightGradient, biasGradient, batch, g); break;
            default: ParameterGradients<float, Width1>(x, dz, weightGradient, biasGradient, batch, g); break;
        }
    }

    private static void Forward<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var s = new Sizes(g);
        int blocks = Blocks(g.OutChannels, ForwardChannels);
        int packedLength = blocks * s.Taps * ForwardChannels, biasLength = blocks * ForwardChannels;
        Span<float> scratch = ThreadScratch.Of(ref t_floats, packedLength + biasLength + s.CopySample);
        Span<float> packed = scratch.Slice(0, packedLength);
        Span<float> packedBias = scratch.Slice(packedLength, biasLength);
        Span<float> copies = scratch.Slice(packedLength + biasLength, s.CopySample);
        Span<int> offsets = ThreadScratch.Of(ref t_offsets, s.Taps);
        PackForward(weight, packed, g, s);
        packedBias.Clear();
        if (!bias.IsEmpty)
        {
            bias.Slice(0, g.OutChannels).CopyTo(packedBias);
        }

        for (int t = 0; t < s.Taps; t++)
        {
            offsets[t] = s.TapOffset(t, g);
        }

        int lanes = TWidth.Count, plane = s.Plane;
        int tileSpan = ForwardVectors * lanes;
        ref float input = ref MemoryMarshal.GetReference(copies);
        ref int tapOffsets = ref MemoryMarshal.GetReference(offsets);
        for (int n = 0; n < batch; n++)
        {
            Copy(x.Slice(n * g.InputSize, g.InputSize), copies, g, s);
            ref float output = ref MemoryMarshal.GetReference(y.Slice(n * g.OutputSize, g.OutputSize));
            for (int block = 0; block < blocks; block++)
            {
                int channels = Math.Min(ForwardChannels, g.OutChannels - block * ForwardChannels);
                ref float tileWeights = ref packed[block * s.Taps * ForwardChannels];
                ref float tileBias = ref packedBias[block * ForwardChannels];
                ref float outputBlock = ref Unsafe.Add(ref output, block * ForwardChannels * plane);
                int p = 0;
                for (; p + tileSpan <= plane; p += tileSpan)
                {
                    ForwardTile<TVector, TWidth>(ref Unsafe.Add(ref input, p), ref tapOffsets, s.Taps, ref tileWeights, ref tileBias, ref Unsafe.Add(ref outputBlock, p), plane, channels);
                }

                for (; p < plane; p += lanes)
                {
                    // The last vector ends at the plane's end, overlapping its neighbour with the same sums.
                    int start = Math.Min(p, plane - lanes);
                    ForwardVector<TVector, TWidth>(ref Unsafe.Add(ref input, start), ref tapOffsets, s.Taps, ref tileWeights, ref tileBias, ref Unsafe.Add(ref outputBlock, start), plane, channels);
                }
            }
        }
    }

    // Outputs [4 channels] x [6 vectors from `output`] = bias + the sum over taps t of input[offset t + pixel] * weights[t].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile<TVector, TWidth>(ref float input, ref int tapOffsets, int taps, ref float weights, ref float bias, ref float output, int plane, int channels)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint l = (nuint)TWidth.Count;
        TVector a0 = TWidth.Broadcast(bias), b0 = TWidth.Broadcast(Unsafe.Add(ref bias, 1));
        TVector c0 = TWidth.Broadcast(Unsafe.Add(ref bias, 2)), d0 = TWidth.Broadcast(Unsafe.Add(ref bias, 3));
        TVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
        TVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        TVector d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0;
        ref float w = ref weights;
        for (int t = 0; t < taps; t++)
        {
            ref float at = ref Unsafe.Add(ref input, Unsafe.Add(ref tapOffsets, t));
            TVector wa = TWidth.Broadcast(w), wb = TWidth.Broadcast(Unsafe.Add(ref w, 1));
            TVector wc = TWidth.Broadcast(Unsafe.Add(ref w, 2)), wd = TWidth.Broadcast(Unsafe.Add(ref w, 3));
            w = ref Unsafe.Add(ref w, ForwardChannels);
            TVector v = TWidth.Load(ref at, 0);
            a0 = TWidth.MultiplyAdd(v, wa, a0); b0 = TWidth.MultiplyAdd(v, wb, b0); c0 = TWidth.MultiplyAdd(v, wc, c0); d0 = TWidth.MultiplyAdd(v, wd, d0);
            v = TWidth.Load(ref at, l);
            a1 = TWidth.MultiplyAdd(v, wa, a1); b1 = TWidth.MultiplyAdd(v, wb, b1); c1 = TWidth.MultiplyAdd(v, wc, c1); d1 = TWidth.MultiplyAdd(v, wd, d1);
            v = TWidth.Load(ref at, 2 * l);
            a2 = TWidth.MultiplyAdd(v, wa, a2); b2 = TWidth.MultiplyAdd(v, wb, b2); c2 = TWidth.MultiplyAdd(v, wc, c2); d2 = TWidth.MultiplyAdd(v, wd, d2);
            v = TWidth.Load(ref at, 3 * l);
            a3 = TWidth.MultiplyAdd(v, wa, a3); b3 = TWidth.MultiplyAdd(v, wb, b3); c3 = TWidth.MultiplyAdd(v, wc, c3); d3 = TWidth.MultiplyAdd(v, wd, d3);
            v = TWidth.Load(ref at, 4 * l);
            a4 = TWidth.MultiplyAdd(v, wa, a4); b4 = TWidth.MultiplyAdd(v, wb, b4); c4 = TWidth.MultiplyAdd(v, wc, c4); d4 = TWidth.MultiplyAdd(v, wd, d4);
            v = TWidth.Load(ref at, 5 * l);
            a5 = TWidth.MultiplyAdd(v, wa, a5); b5 = TWidth.MultiplyAdd(v, wb, b5); c5 = TWidth.MultiplyAdd(v, wc, c5); d5 = TWidth.MultiplyAdd(v, wd, d5);
        }

        StoreSix<TVector, TWidth>(ref output, a0, a1, a2, a3, a4, a5);
        if (channels > 1) StoreSix<TVector, TWidth>(ref Unsafe.Add(ref output, plane), b0, b1, b2, b3, b4, b5);
        if (channels > 2) StoreSix<TVector, TWidth>(ref Unsafe.Add(ref output, 2 * plane), c0, c1, c2, c3, c4, c5);
        if (channels > 3) StoreSix<TVector, TWidth>(ref Unsafe.Add(ref output, 3 * plane), d0, d1, d2, d3, d4, d5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSix<TVector, TWidth>(ref float output, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint l = (nuint)TWidth.Count;
        TWidth.Store(v0, ref output, 0); TWidth.Store(v1, ref output, l); TWidth.Store(v2, ref output, 2 * l);
        TWidth.Store(v3, ref output, 3 * l); TWidth.Store(v4, ref output, 4 * l); TWidth.Store(v5, ref output, 5 * l);
    }

    // As ForwardTile, one vector of pixels: the plane's vectors after its last whole tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardVector<TVector, TWidth>(ref float input, ref int tapOffsets, int taps, ref float weights, ref float bias, ref float output, int plane, int channels)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector a = TWidth.Broadcast(bias), b = TWidth.Broadcast(Unsafe.Add(ref bias, 1));
        TVector c = TWidth.Broadcast(Unsafe.Add(ref bias, 2)), d = TWidth.Broadcast(Unsafe.Add(ref bias, 3));
        ref float w = ref weights;
        for (int t = 0; t < taps; t++)
        {
            TVector v = TWidth.Load(ref input, (nuint)Unsafe.Add(ref tapOffsets, t));
            a = TWidth.MultiplyAdd(v, TWidth.Broadcast(w), a);
            b = TWidth.MultiplyAdd(v, TWidth.Broadcast(Unsafe.Add(ref w, 1)), b);
            c = TWidth.MultiplyAdd(v, TWidth.Broadcast(Unsafe.Add(ref w, 2)), c);
            d = TWidth.MultiplyAdd(v, TWidth.Broadcast(Unsafe.Add(ref w, 3)), d);
            w = ref Unsafe.Add(ref w, ForwardChannels);
        }

        TWidth.Store(a, ref output, 0);
        if (channels > 1) TWidth.Store(b, ref output, (nuint)plane);
        if (channels > 2) TWidth.Store(c, ref output, (nuint)(2 * plane));
        if (channels > 3) TWidth.Store(d, ref output, (nuint)(3 * plane));
    }

    private static void ParameterGradients<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var s = new Sizes(g);
        int blocks = Blocks(g.OutChannels, GradientChannels);
        int tapBlocks = Blocks(s.Taps, GradientTaps);
        int tapSlots = tapBlocks * GradientTaps;
        int channelSlots = blocks * GradientChannels;
        int plane = s.Plane;
        int samplesPerPass = Math.Clamp(BytesPerPass / (sizeof(float) * (s.CopySample + GradientChannels * plane)), 1, Math.Max(1, batch));
        int weightPartials = channelSlots * tapSlots * Partials, biasPartials = channelSlots * Partials;
        int copies = samplesPerPass * s.CopySample, tails = samplesPerPass * channelSlots * Partials;
        Span<float> scratch = ThreadScratch.Of(ref t_floats, weightPartials + biasPartials + copies + tails);
        Span<float> weightSums = scratch.Slice(0, weightPartials);
        Span<float> biasSums = scratch.Slice(weightPartials, biasPartials);
        Span<float> passCopies = scratch.Slice(weightPartials + biasPartials, copies);
        Span<float> passTails = scratch.Slice(weightPartials + biasPartials + copies, tails);
        Span<int> offsets = ThreadScratch.Of(ref t_offsets, tapSlots);
        for (int t = 0; t < tapSlots; t++)
        {
            // Taps past the last one repeat it; their sums are dropped.
            offsets[t] = s.TapOffset(Math.Min(t, s.Taps - 1), g);
        }

        weightSums.Clear();
        biasSums.Clear();
        int lanes = TWidth.Count;
        int wholeBlocks = plane / Partials, tailStart = wholeBlocks * Partials;
        int tailSampleStride = channelSlots * Partials;
        for (int first = 0; first < batch; first += samplesPerPass)
        {
            int count = Math.Min(samplesPerPass, batch - first);
            for (int n = 0; n < count; n++)
            {
                Copy(x.Slice((first + n) * g.InputSize, g.InputSize), passCopies.Slice(n * s.CopySample, s.CopySample), g, s);
                CopyTails(dz.Slice((first + n) * g.OutputSize, g.OutputSize), passTails.Slice(n * tailSampleStride, tailSampleStride), g, tailStart);
            }

            ref float passGradient = ref Unsafe.AsRef(in dz[first * g.OutputSize]);
            for (int block = 0; block < blocks; block++)
            {
                int firstChannel = block * GradientChannels;
                int channels = Math.Min(GradientChannels, g.OutChannels - firstChannel);
                var tile = new GradientTile(
                    ref passCopies[0], s.CopySample,
                    ref Unsafe.Add(ref passGradient, firstChannel * plane), g.OutputSize,
                    ref passTails[firstChannel * Partials], tailSampleStride,
                    count, plane, wholeBlocks, channels);
                for (int tapBlock = 0; tapBlock < tapBlocks; tapBlock++)
                {
                    ref float sums = ref weightSums[(firstChannel * tapSlots + tapBlock * GradientTaps) * Partials];
                    for (int lane = 0; lane < Partials; lane += lanes)
                    {
                        WeightGradientTile<TVector, TWidth>(tile, ref offsets[tapBlock * GradientTaps], ref sums, tapSlots * Partials, lane);
                    }
                }

                if (!biasGradient.IsEmpty)
                {
                    for (int lane = 0; lane < Partials; lane += lanes)
                    {
                        BiasGradientSums<TVector, TWidth>(tile, ref biasSums[firstChannel * Partials], lane);
                    }
                }
            }
        }

        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            for (int t = 0; t < s.Taps; t++)
            {
                weightGradient[oc * s.Taps + t] += Combine(weightSums.Slice((oc * tapSlots + t) * Partials, Partials));
            }

            if (!biasGradient.IsEmpty)
            {
                biasGradient[oc] += Combine(biasSums.Slice(oc * Partials, Partials));
            }
        }
    }

    /// <summary>The operands of one pass's weight-gradient tiles for one block of output channels.</summary>
    private readonly ref struct GradientTile
    {
        public GradientTile(ref float copies, int copyStride, ref float gradient, int gradientStride, ref float tails, int tailStride, int samples, int plane, int wholeBlocks, int channels)
        {
            this.Copies = ref copies;
            CopyStride = copyStride;
            this.Gradient = ref gradient;
            GradientStride = gradientStride;
            this.Tails = ref tails;
            TailStride = tailStride;
            Samples = samples;
            Plane = plane;
            WholeBlocks = wholeBlocks;
            Channels = channels;
        }

        /// <summary>The pass's first sample's input copies; samples <see cref="CopyStride"/> apart.</summary>
        public readonly ref float Copies;

        public int CopyStride { get; }

        /// <summary>The pass's first sample's gradient plane of the block's first channel (in place in <c>dz</c>); samples <see cref="GradientStride"/> apart.</summary>
        public readonly ref float Gradient;

        public int GradientStride { get; }

        /// <summary>The pass's first sample's last partial block of 16 pixels of the block's first channel, zero past the plane's end; samples <see cref="TailStride"/> apart.</summary>
        public readonly ref float Tails;

        public int TailStride { get; }

        public int Samples { get; }

        public int Plane { get; }

        /// <summary>Whole blocks of 16 pixels in a plane; the tails hold the pixels after them.</summary>
        public int WholeBlocks { get; }

        /// <summary>Channels in the block (1 to 3); the tile's missing channels repeat the last one and their sums are dropped.</summary>
        public int Channels { get; }
    }

    /// <summary>
    /// Adds to <paramref name="sums"/> (<c>[3 channels][9 taps][16 partials]</c>, channels <paramref name="channelStride"/>
    /// apart) the lanes <paramref name="lane"/> to <paramref name="lane"/> + lanes of the products of the pass: for each
    /// sample in order and each pixel <c>p = 16 * block + lane + j</c> in increasing order, partial <c>lane + j</c> of
    /// (channel c, tap t) += <c>dz[c, p] * copy[offset t + p]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile<TVector, TWidth>(in GradientTile tile, ref int tapOffsets, ref float sums, int channelStride, int lane)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int lanes = TWidth.Count;
        nuint o0 = (nuint)tapOffsets, o1 = (nuint)Unsafe.Add(ref tapOffsets, 1), o2 = (nuint)Unsafe.Add(ref tapOffsets, 2);
        nuint o3 = (nuint)Unsafe.Add(ref tapOffsets, 3), o4 = (nuint)Unsafe.Add(ref tapOffsets, 4), o5 = (nuint)Unsafe.Add(ref tapOffsets, 5);
        nuint o6 = (nuint)Unsafe.Add(ref tapOffsets, 6), o7 = (nuint)Unsafe.Add(ref tapOffsets, 7), o8 = (nuint)Unsafe.Add(ref tapOffsets, 8);
        nuint channel1 = (nuint)(Math.Min(1, tile.Channels - 1) * tile.Plane), channel2 = (nuint)(Math.Min(2, tile.Channels - 1) * tile.Plane);
        nuint tail1 = (nuint)(Math.Min(1, tile.Channels - 1) * Partials), tail2 = (nuint)(Math.Min(2, tile.Channels - 1) * Partials);
        ref float s0 = ref Unsafe.Add(ref sums, lane);
        ref float s1 = ref Unsafe.Add(ref s0, channelStride);
        ref float s2 = ref Unsafe.Add(ref s0, 2 * channelStride);
        TVector a0 = TWidth.Load(ref s0, 0 * Partials), a1 = TWidth.Load(ref s0, 1 * Partials), a2 = TWidth.Load(ref s0, 2 * Partials);
        TVector a3 = TWidth.Load(ref s0, 3 * Partials), a4 = TWidth.Load(ref s0, 4 * Partials), a5 = TWidth.Load(ref s0, 5 * Partials);
        TVector a6 = TWidth.Load(ref s0, 6 * Partials), a7 = TWidth.Load(ref s0, 7 * Partials), a8 = TWidth.Load(ref s0, 8 * Partials);
        TVector b0 = TWidth.Load(ref s1, 0 * Partials), b1 = TWidth.Load(ref s1, 1 * Partials), b2 = TWidth.Load(ref s1, 2 * Partials);
        TVector b3 = TWidth.Load(ref s1, 3 * Partials), b4 = TWidth.Load(ref s1, 4 * Partials), b5 = TWidth.Load(ref s1, 5 * Partials);
        TVector b6 = TWidth.Load(ref s1, 6 * Partials), b7 = TWidth.Load(ref s1, 7 * Partials), b8 = TWidth.Load(ref s1, 8 * Partials);
        TVector c0 = TWidth.Load(ref s2, 0 * Partials), c1 = TWidth.Load(ref s2, 1 * Partials), c2 = TWidth.Load(ref s2, 2 * Partials);
        TVector c3 = TWidth.Load(ref s2, 3 * Partials), c4 = TWidth.Load(ref s2, 4 * Partials), c5 = TWidth.Load(ref s2, 5 * Partials);
        TVector c6 = TWidth.Load(ref s2, 6 * Partials), c7 = TWidth.Load(ref s2, 7 * Partials), c8 = TWidth.Load(ref s2, 8 * Partials);

        // The tail's lanes: those of this sweep that hold pixels of the plane (all, some or none).
        int tailPixels = tile.Plane - tile.WholeBlocks * Partials - lane;
        int tailLanes = Math.Clamp(tailPixels, 0, lanes);
        TVector tailMask = TWidth.LaneMask(0, tailLanes);
        for (int n = 0; n < tile.Samples; n++)
        {
            ref float copy = ref Unsafe.Add(ref tile.Copies, n * tile.CopyStride + lane);
            ref float dz = ref Unsafe.Add(ref tile.Gradient, n * tile.GradientStride + lane);
            for (int block = 0; block < tile.WholeBlocks; block++)
            {
                TVector e0 = TWidth.Load(ref dz, 0), e1 = TWidth.Load(ref dz, channel1), e2 = TWidth.Load(ref dz, channel2);
                TVector v = TWidth.Load(ref copy, o0);
                a0 = TWidth.MultiplyAdd(v, e0, a0); b0 = TWidth.MultiplyAdd(v, e1, b0); c0 = TWidth.MultiplyAdd(v, e2, c0);
                v = TWidth.Load(ref copy, o1);
                a1 = TWidth.MultiplyAdd(v, e0, a1); b1 = TWidth.MultiplyAdd(v, e1, b1); c1 = TWidth.MultiplyAdd(v, e2, c1);
                v = TWidth.Load(ref copy, o2);
                a2 = TWidth.MultiplyAdd(v, e0, a2); b2 = TWidth.MultiplyAdd(v, e1, b2); c2 = TWidth.MultiplyAdd(v, e2, c2);
                v = TWidth.Load(ref copy, o3);
                a3 = TWidth.MultiplyAdd(v, e0, a3); b3 = TWidth.MultiplyAdd(v, e1, b3); c3 = TWidth.MultiplyAdd(v, e2, c3);
                v = TWidth.Load(ref copy, o4);
                a4 = TWidth.MultiplyAdd(v, e0, a4); b4 = TWidth.MultiplyAdd(v, e1, b4); c4 = TWidth.MultiplyAdd(v, e2, c4);
                v = TWidth.Load(ref copy, o5);
                a5 = TWidth.MultiplyAdd(v, e0, a5); b5 = TWidth.MultiplyAdd(v, e1, b5); c5 = TWidth.MultiplyAdd(v, e2, c5);
                v = TWidth.Load(ref copy, o6);
                a6 = TWidth.MultiplyAdd(v, e0, a6); b6 = TWidth.MultiplyAdd(v, e1, b6); c6 = TWidth.MultiplyAdd(v, e2, c6);
                v = TWidth.Load(ref copy, o7);
                a7 = TWidth.MultiplyAdd(v, e0, a7); b7 = TWidth.MultiplyAdd(v, e1, b7); c7 = TWidth.MultiplyAdd(v, e2, c7);
                v = TWidth.Load(ref copy, o8);
                a8 = TWidth.MultiplyAdd(v, e0, a8); b8 = TWidth.MultiplyAdd(v, e1, b8); c8 = TWidth.MultiplyAdd(v, e2, c8);
                dz = ref Unsafe.Add(ref dz, Partials);
                copy = ref Unsafe.Add(ref copy, Partials);
            }

            if (tailLanes == 0)
            {
                continue;
            }

            // The pixels after the whole blocks: the gradient from the zero-padded tail copy, lanes past the plane left
            // as they are (a masked add, so no product of a padding zero with an infinite input touches a sum).
            ref float tail = ref Unsafe.Add(ref tile.Tails, n * tile.TailStride + lane);
            TVector t0 = TWidth.Load(ref tail, 0), t1 = TWidth.Load(ref tail, tail1), t2 = TWidth.Load(ref tail, tail2);
            TVector u = TWidth.Load(ref copy, o0);
            a0 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a0), a0); b0 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b0), b0); c0 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c0), c0);
            u = TWidth.Load(ref copy, o1);
            a1 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a1), a1); b1 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b1), b1); c1 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c1), c1);
            u = TWidth.Load(ref copy, o2);
            a2 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a2), a2); b2 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b2), b2); c2 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c2), c2);
            u = TWidth.Load(ref copy, o3);
            a3 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a3), a3); b3 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b3), b3); c3 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c3), c3);
            u = TWidth.Load(ref copy, o4);
            a4 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a4), a4); b4 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b4), b4); c4 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c4), c4);
            u = TWidth.Load(ref copy, o5);
            a5 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a5), a5); b5 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b5), b5); c5 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c5), c5);
            u = TWidth.Load(ref copy, o6);
            a6 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a6), a6); b6 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b6), b6); c6 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c6), c6);
            u = TWidth.Load(ref copy, o7);
            a7 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a7), a7); b7 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b7), b7); c7 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c7), c7);
            u = TWidth.Load(ref copy, o8);
            a8 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a8), a8); b8 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b8), b8); c8 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t2, c8), c8);
        }

        TWidth.Store(a0, ref s0, 0 * Partials); TWidth.Store(a1, ref s0, 1 * Partials); TWidth.Store(a2, ref s0, 2 * Partials);
        TWidth.Store(a3, ref s0, 3 * Partials); TWidth.Store(a4, ref s0, 4 * Partials); TWidth.Store(a5, ref s0, 5 * Partials);
        TWidth.Store(a6, ref s0, 6 * Partials); TWidth.Store(a7, ref s0, 7 * Partials); TWidth.Store(a8, ref s0, 8 * Partials);
        TWidth.Store(b0, ref s1, 0 * Partials); TWidth.Store(b1, ref s1, 1 * Partials); TWidth.Store(b2, ref s1, 2 * Partials);
        TWidth.Store(b3, ref s1, 3 * Partials); TWidth.Store(b4, ref s1, 4 * Partials); TWidth.Store(b5, ref s1, 5 * Partials);
        TWidth.Store(b6, ref s1, 6 * Partials); TWidth.Store(b7, ref s1, 7 * Partials); TWidth.Store(b8, ref s1, 8 * Partials);
        TWidth.Store(c0, ref s2, 0 * Partials); TWidth.Store(c1, ref s2, 1 * Partials); TWidth.Store(c2, ref s2, 2 * Partials);
        TWidth.Store(c3, ref s2, 3 * Partials); TWidth.Store(c4, ref s2, 4 * Partials); TWidth.Store(c5, ref s2, 5 * Partials);
        TWidth.Store(c6, ref s2, 6 * Partials); TWidth.Store(c7, ref s2, 7 * Partials); TWidth.Store(c8, ref s2, 8 * Partials);
    }

    /// <summary>As <see cref="WeightGradientTile"/> for the bias: partial <c>lane + j</c> of channel c += <c>dz[c, p]</c> (<paramref name="sums"/> <c>[3 channels][16 partials]</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasGradientSums<TVector, TWidth>(in GradientTile tile, ref float sums, int lane)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int lanes = TWidth.Count;
        int tailLanes = Math.Clamp(tile.Plane - tile.WholeBlocks * Partials - lane, 0, lanes);
        TVector tailMask = TWidth.LaneMask(0, tailLanes);
        for (int c = 0; c < tile.Channels; c++)
        {
            ref float channelSums = ref Unsafe.Add(ref sums, c * Partials + lane);
            TVector a = TWidth.Load(ref channelSums, 0);
            for (int n = 0; n < tile.Samples; n++)
            {
                ref float dz = ref Unsafe.Add(ref tile.Gradient, n * tile.GradientStride + c * tile.Plane + lane);
                for (int block = 0; block < tile.WholeBlocks; block++)
                {
                    a = TWidth.Add(a, TWidth.Load(ref dz, (nuint)(block * Partials)));
                }

                if (tailLanes > 0)
                {
                    TVector t = TWidth.Load(ref tile.Tails, (nuint)(n * tile.TailStride + c * Partials + lane));
                    a = TWidth.Select(tailMask, TWidth.Add(a, t), a);
                }
            }

            TWidth.Store(a, ref channelSums, 0);
        }
    }

    /// <summary>The 16 partial sums of one weight, combined in the fixed tree of the remarks.</summary>
    private static float Combine(ReadOnlySpan<float> partials)
    {
        Span<float> sums = stackalloc float[Partials];
        partials.Slice(0, Partials).CopyTo(sums);
        for (int half = Partials / 2; half >= 1; half /= 2)
        {
            for (int i = 0; i < half; i++)
            {
                sums[i] += sums[i + half];
            }
        }

        return sums[0];
    }

    // packed[block][tap][lane] = weight[block * 4 + lane][tap], zero past the last output channel.
    private static void PackForward(ReadOnlySpan<float> weight, Span<float> packed, in WindowGeometry g, in Sizes s)
    {
        int taps = s.Taps;
        packed.Clear();
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            int block = oc / ForwardChannels, lane = oc % ForwardChannels;
            for (int t = 0; t < taps; t++)
            {
                packed[(block * taps + t) * ForwardChannels + lane] = weight[oc * taps + t];
            }
        }
    }

    // copies[ic][kw][r][ow] = x[ic][r - PadTop][ow - PadLeft + kw * DilationWidth], zero outside the input (and in the slack after each copy).
    private static void Copy(ReadOnlySpan<float> sample, Span<float> copies, in WindowGeometry g, in Sizes s)
    {
        copies.Clear();
        int outWidth = g.OutWidth;
        for (int ic = 0; ic < g.InChannels; ic++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                Span<float> copy = copies.Slice((ic * g.KernelWidth + kw) * s.CopyPlane, s.CopyPlane);
                int shift = kw * g.DilationWidth - g.PadLeft; // input column of output column 0
                int firstColumn = Math.Max(0, -shift), lastColumn = Math.Min(outWidth, g.InWidth - shift);
                if (lastColumn <= firstColumn)
                {
                    continue;
                }

                for (int r = 0; r < s.CopyRows; r++)
                {
                    int ih = r - g.PadTop;
                    if ((uint)ih < (uint)g.InHeight)
                    {
                        sample.Slice(ic * g.InPlane + ih * g.InWidth + firstColumn + shift, lastColumn - firstColumn)
                            .CopyTo(copy.Slice(r * outWidth + firstColumn));
                    }
                }
            }
        }
    }

    // tails[oc][0..16) = dz[oc][tailStart..plane), then zeros: the last partial block of 16 pixels of each plane.
    private static void CopyTails(ReadOnlySpan<float> gradient, Span<float> tails, in WindowGeometry g, int tailStart)
    {
        tails.Clear();
        int plane = g.OutPlane;
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            gradient.Slice(oc * plane + tailStart, plane - tailStart).CopyTo(tails.Slice(oc * Partials));
        }
    }

    private static int Blocks(int count, int size) => (count + size - 1) / size;

    /// <summary>Sizes derived from a stride-1 geometry.</summary>
    private readonly struct Sizes
    {
        public Sizes(in WindowGeometry g)
        {
            Plane = g.OutPlane;
            CopyRows = g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;
            // Slack after the rows for the last vector's loads past the plane; rounded to whole 16-float blocks.
            CopyPlane = (CopyRows * g.OutWidth + 2 * Partials - 1) / Partials * Partials;
            CopySample = g.InChannels * g.KernelWidth * CopyPlane;
            Taps = g.InChannels * g.KernelHeight * g.KernelWidth;
        }

        /// <summary>Output pixels per channel.</summary>
        public int Plane { get; }

        /// <summary>Rows of one input copy (output width each): the output's, plus the kernel's extent below.</summary>
        public int CopyRows { get; }

        /// <summary>Floats per input copy.</summary>
        public int CopyPlane { get; }

        /// <summary>Floats of a sample's copies (input channels x kernel columns).</summary>
        public int CopySample { get; }

        /// <summary>Taps per output channel, <c>InChannels * KernelHeight * KernelWidth</c>, ordered as the weights.</summary>
        public int Taps { get; }

        /// <summary>The flat offset of tap (ic, kh, kw) from an output pixel's index, in a sample's copies.</summary>
        public int TapOffset(int tap, in WindowGeometry g)
        {
            int kernel = g.KernelHeight * g.KernelWidth;
            int ic = tap / kernel, k = tap % kernel;
            int kh = k / g.KernelWidth, kw = k % g.KernelWidth;
            return (ic * g.KernelWidth + kw) * CopyPlane + kh * g.DilationHeight * g.OutWidth;
        }
    }
}
