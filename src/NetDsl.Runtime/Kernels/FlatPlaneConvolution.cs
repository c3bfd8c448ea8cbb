using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Stride-1 convolutions with few input channels (a network's first layers: 1 to 4 channels in) with pixels in the
/// vector lanes over the whole FLATTENED output plane: a 28x28 map is 784 = 49 vectors of 16, with no tail per row.
/// Each sample's input is first copied into small planes per (input channel, kernel column) whose rows are the
/// output's width and whose columns that would fall outside the input row (the padding, or the wrap-around into the
/// next row) are zero; a kernel tap (ic, kh, kw) is then one vector load at a fixed flat offset
/// (<c>kh * dilation * outWidth</c>) into a copy of (ic, kw), for any padding and dilation.
/// <list type="bullet">
/// <item>Forward: register tiles of 4 output channels x 6 pixel vectors (24 accumulators), each tap 6 loads, 4 weight
/// broadcasts and 24 fused multiply-adds; the accumulators start from the bias and every output sums its taps in the
/// order (ic, kh, kw), the order of <see cref="RowConvolution"/>, so the result is the same bits at every width (and
/// as the row kernel's). The output is written straight into the planar <c>y</c>.</item>
/// <item>Weight and bias gradients: register tiles of 2 output channels x 9 taps (18 accumulators) plus the 2 channels'
/// bias sums, over the gradient planes read in place; each pixel vector is 2 gradient loads and 9 input loads for 18
/// fused multiply-adds and 2 adds (on the add pipes). Kernel rows whose flat offsets differ modulo 16 read separate
/// copies placed so that every input load starts on a whole 16-float block (a 512-bit load across two cache lines
/// costs two). Each sample's plane runs in chunks of pixels (<see cref="BytesPerChunk"/>) whose copies stay in L1
/// while every block of channels reads them.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// The order of the weight and bias gradients' sums does not depend on the vector width nor on the chunk size. Output
/// pixel <c>p</c> of a flattened plane (<c>p = oh * outWidth + ow</c>) adds its product into partial sum
/// <c>p mod 16</c> of its (channel, tap); each partial adds its products samples first, then pixels in increasing
/// order, each with one rounding (a fused multiply-add; the bias gradient a plain add). The 16 partials are then
/// combined in one fixed tree, <c>s8[i] = p[i] + p[i + 8]</c>, <c>s4[i] = s8[i] + s8[i + 4]</c>,
/// <c>s2[i] = s4[i] + s4[i + 2]</c>, <c>s = s2[0] + s2[1]</c>, and added to the gradient. A 512-bit vector holds the 16
/// partials; narrower vectors run each chunk in 16 / lanes sweeps, sweep <c>k</c> holding partials <c>k * lanes</c>
/// and up (scalar: 16 sweeps of one float), which changes when a partial is updated but not the order of its own
/// additions. Partials are carried from chunk to chunk and sample to sample in scratch. The last pixels of a plane
/// that do not fill a block of 16 are added with a mask, so a lane past the plane never touches its sum.
/// </para>
/// <para>
/// The input gradient is not computed here but by <see cref="FlatPlaneInputGradient"/> (a network's first layer only
/// needs it when asked for the gradient with respect to its image). Under a <see cref="KernelTeam"/> the forward pass splits
/// samples (or blocks of output channels, with fewer samples than threads) and the parameter gradients blocks of output
/// channels, each part copying the inputs it reads, so no sum is split and the bits do not change. Scratch
/// (copies, packed weights, partial sums) lives in thread-static arrays that grow on first use, so calls allocate
/// nothing after warm-up.
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
    private const int GradientChannels = 2;

    /// <summary>Taps per weight-gradient tile.</summary>
    private const int GradientTaps = 9;

    /// <summary>Partial-sum vectors of a weight-gradient tile per channel: its taps' and the bias's.</summary>
    private const int TileSums = GradientTaps + 1;

    [ThreadStatic]
    private static float[]? t_floats;

    [ThreadStatic]
    private static int[]? t_offsets;

    /// <summary>
    /// Whether the forward kernel runs <paramref name="g"/>: stride 1, 1 to 4 input channels, at least 8 output channels
    /// and an output plane of at least 64 pixels, except 4 channels in with 16 or more out, 5x5 kernels or larger, on maps
    /// narrower than 10 (there the channels-last kernel fills its lanes with channels and is faster). Measured on Zen 5
    /// against the row and channels-last kernels over 1-4 -> 8-64 channels, maps 8-56, kernels 3 and 5: 1.3x to 2.2x
    /// faster everywhere it is taken. The rule does not depend on the vector width, so a layer gives the same bits on
    /// every machine.
    /// </summary>
    public static bool TakesForward(in WindowGeometry g) =>
        Admits(g) && !(g.InChannels >= 4 && g.OutChannels >= 16 && g.OutWidth < 10 && g.KernelHeight * g.KernelWidth >= 25);

    /// <summary>
    /// Whether the weight- and bias-gradient kernel runs <paramref name="g"/> (a backward pass without the input
    /// gradient): as <see cref="TakesForward"/>, on planes of at least 400 pixels, or of at least 196 with 32 or more output
    /// channels, or with 16 or more and at most 9 taps per input channel. On smaller planes a tile's loop is too short for
    /// the work around it and the row kernels are faster (measured as <see cref="TakesForward"/>: 1.05x to 2.3x faster
    /// where taken, 0.65x to 0.95x on 8x8 and on 14x14 with fewer channels, where it is not).
    /// </summary>
    public static bool TakesParameterGradients(in WindowGeometry g) =>
        Admits(g)
        && (g.OutPlane >= 400
            || (g.OutPlane >= 196 && (g.OutChannels >= 32 || (g.OutChannels >= 16 && g.KernelHeight * g.KernelWidth <= 9))));

    // The geometries the kernels were measured on and handle: stride 1, few input channels, enough outputs to fill tiles.
    private static bool Admits(in WindowGeometry g) =>
        g.StrideHeight == 1 && g.StrideWidth == 1
        && g.InChannels is >= 1 and <= 4 && g.OutChannels >= 8
        && g.OutHeight > 0 && g.OutWidth > 0 && g.OutPlane >= 64;

    /// <summary>
    /// The bytes of input copies that a chunk of output pixels reads for one block of taps: small enough for the core's
    /// L1, where every block of output channels re-reads them (a whole 28x28 sample's copies, rows of the chunk plus the kernel's extent).
    /// Streaming a whole plane's copies from L2 for every block instead cost a fifth of the weight gradient's speed.
    /// Settable for tests, which check that it changes no bit.
    /// </summary>
    internal static int BytesPerChunk { get; set; } = 32 * 1024;

    // Fewer blocks per chunk leave a tile's loop too short for the loads and stores of its sums around it.
    private const int MinimumBlocksPerChunk = 8;

    /// <summary>The whole 16-pixel blocks of a weight-gradient chunk: as many as <see cref="BytesPerChunk"/> holds, at least one, spread evenly over the plane's chunks.</summary>
    internal static int BlocksPerChunk(in WindowGeometry g)
    {
        var s = new Sizes(g, alignedRows: true);
        // The copies one block of taps reads (every block of channels reads them in turn), at most one per tap.
        int copies = Math.Min(GradientTaps, s.CopySample / s.CopyPlane);
        int extent = (g.KernelHeight - 1) * g.DilationHeight * g.OutWidth;
        int fitting = Math.Max(MinimumBlocksPerChunk, (BytesPerChunk / sizeof(float) / copies - extent) / Partials);
        int wholeBlocks = Math.Max(1, s.Plane / Partials);
        int chunks = Blocks(wholeBlocks, fitting);
        return Blocks(wholeBlocks, chunks);
    }

    /// <summary><c>y = conv(x, weight) + bias</c>; <paramref name="bias"/> may be empty. Split over the kernel team that <see cref="DataParallel{TNetwork}"/> lends, if any.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g)
    {
        KernelTeam? team = KernelTeam.Current;
        if (team is null || !ConvolutionWork.WorthSplitting(g, batch))
        {
            ForwardPart(x, weight, bias, y, batch, g, 0, 1);
            return;
        }

        ConvolutionWork.OfThisThread.RunFlatPlaneForward(team, x, weight, bias, y, batch, g);
    }

    /// <summary>The forward pass's part <paramref name="part"/> of <paramref name="parts"/>: whole samples, or, with fewer samples than parts, blocks of output channels.</summary>
    internal static void ForwardPart(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, int part, int parts)
    {
        switch (VectorWidth.For(g.OutPlane))
        {
            case 512: Forward<Vector512<float>, Width512>(x, weight, bias, y, batch, g, part, parts); break;
            case 256: Forward<Vector256<float>, Width256>(x, weight, bias, y, batch, g, part, parts); break;
            case 128: Forward<Vector128<float>, Width128>(x, weight, bias, y, batch, g, part, parts); break;
            default: Forward<float, Width1>(x, weight, bias, y, batch, g, part, parts); break;
        }
    }

    /// <summary>
    /// Adds the parameter gradients of the batch: <c>dW += dz (*) x</c>, and <c>db += sum of dz</c> unless
    /// <paramref name="biasGradient"/> is empty. Split over the kernel team, if any, by blocks of output channels.
    /// </summary>
    public static void ParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g)
    {
        KernelTeam? team = KernelTeam.Current;
        if (team is null || !ConvolutionWork.WorthSplitting(g, batch))
        {
            ParameterGradientsPart(x, dz, weightGradient, biasGradient, batch, g, 0, 1);
            return;
        }

        ConvolutionWork.OfThisThread.RunFlatPlaneParameterGradients(team, x, dz, weightGradient, biasGradient, batch, g);
    }

    /// <summary>
    /// The parameter gradients' part <paramref name="part"/> of <paramref name="parts"/>: blocks of output channels, each
    /// summed over the whole batch (every part copies the samples' inputs for itself), so no sum is split.
    /// </summary>
    internal static void ParameterGradientsPart(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g, int part, int parts)
    {
        switch (VectorWidth.For(Partials))
        {
            case 512: ParameterGradients<Vector512<float>, Width512>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            case 256: ParameterGradients<Vector256<float>, Width256>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            case 128: ParameterGradients<Vector128<float>, Width128>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            default: ParameterGradients<float, Width1>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, int part, int parts)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var s = new Sizes(g, alignedRows: false);
        int blocks = Blocks(g.OutChannels, ForwardChannels);
        int packedLength = blocks * s.Taps * ForwardChannels, biasLength = blocks * ForwardChannels;
        Span<float> scratch = AlignedScratch(s.CopySample + packedLength + biasLength);
        Span<float> copies = scratch.Slice(0, s.CopySample);
        Span<float> packed = scratch.Slice(s.CopySample, packedLength);
        Span<float> packedBias = scratch.Slice(s.CopySample + packedLength, biasLength);
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
        (int firstSample, int endSample, int firstBlock, int endBlock) = batch >= parts
            ? (KernelTeam.Share(batch, part, parts), KernelTeam.Share(batch, part + 1, parts), 0, blocks)
            : (0, batch, KernelTeam.Share(blocks, part, parts), KernelTeam.Share(blocks, part + 1, parts));
        for (int n = firstSample; n < endSample && firstBlock < endBlock; n++)
        {
            Copy(x.Slice(n * g.InputSize, g.InputSize), copies, g, s);
            ref float output = ref MemoryMarshal.GetReference(y.Slice(n * g.OutputSize, g.OutputSize));
            for (int block = firstBlock; block < endBlock; block++)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParameterGradients<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g, int part, int parts)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var s = new Sizes(g, alignedRows: true);
        int blocks = Blocks(g.OutChannels, GradientChannels);
        int tapBlocks = Blocks(s.Taps, GradientTaps);
        int tapSlots = tapBlocks * GradientTaps;
        int channelSlots = blocks * GradientChannels;
        int plane = s.Plane;
        // sums[channel][tap block][9 taps, then the bias][16 partials]: a tile's sums are one pointer (and a stride) away,
        // so the tile keeps few general registers across its loop. Only the first tap block's bias sums are kept.
        int channelStride = tapBlocks * TileSums * Partials;
        int weightPartials = channelSlots * channelStride;
        int tails = channelSlots * Partials;
        Span<float> scratch = AlignedScratch(weightPartials + s.CopySample + tails);
        Span<float> sums = scratch.Slice(0, weightPartials);
        Span<float> copies = scratch.Slice(weightPartials, s.CopySample);
        Span<float> sampleTails = scratch.Slice(weightPartials + s.CopySample, tails);
        Span<int> offsets = ThreadScratch.Of(ref t_offsets, tapSlots);
        for (int t = 0; t < tapSlots; t++)
        {
            // Taps past the last one repeat it; their sums are dropped.
            offsets[t] = s.TapOffset(Math.Min(t, s.Taps - 1), g);
        }

        sums.Clear();
        int lanes = TWidth.Count;
        int wholeBlocks = plane / Partials, tailStart = wholeBlocks * Partials;
        int blocksPerChunk = BlocksPerChunk(g);
        int firstChannelBlock = KernelTeam.Share(blocks, part, parts), endChannelBlock = KernelTeam.Share(blocks, part + 1, parts);
        if (firstChannelBlock == endChannelBlock)
        {
            return;
        }

        for (int n = 0; n < batch; n++)
        {
            Copy(x.Slice(n * g.InputSize, g.InputSize), copies, g, s);
            CopyTails(dz.Slice(n * g.OutputSize, g.OutputSize), sampleTails, g, tailStart);
            ref float sampleGradient = ref Unsafe.AsRef(in dz[n * g.OutputSize]);
            for (int firstBlock = 0; firstBlock == 0 || firstBlock < wholeBlocks; firstBlock += blocksPerChunk)
            {
                int endBlock = Math.Min(wholeBlocks, firstBlock + blocksPerChunk);
                bool withTail = endBlock == wholeBlocks;
                for (int tapBlock = 0; tapBlock < tapBlocks; tapBlock++)
                {
                    for (int block = firstChannelBlock; block < endChannelBlock; block++)
                    {
                        int firstChannel = block * GradientChannels;
                        int channels = Math.Min(GradientChannels, g.OutChannels - firstChannel);
                        var tile = new GradientTile(ref copies[0], ref Unsafe.Add(ref sampleGradient, firstChannel * plane), ref sampleTails[firstChannel * Partials],
                            firstBlock, endBlock, withTail, plane, wholeBlocks, channels);
                        ref float tileSums = ref sums[firstChannel * channelStride + tapBlock * TileSums * Partials];
                        for (int lane = 0; lane < Partials; lane += lanes)
                        {
                            WeightGradientTile<TVector, TWidth>(tile, ref offsets[tapBlock * GradientTaps], ref Unsafe.Add(ref tileSums, lane), channelStride, lane);
                        }
                    }
                }
            }
        }

        for (int oc = firstChannelBlock * GradientChannels; oc < Math.Min(g.OutChannels, endChannelBlock * GradientChannels); oc++)
        {
            for (int t = 0; t < s.Taps; t++)
            {
                weightGradient[oc * s.Taps + t] += Combine(sums.Slice(oc * channelStride + ((t / GradientTaps) * TileSums + t % GradientTaps) * Partials, Partials));
            }

            if (!biasGradient.IsEmpty)
            {
                biasGradient[oc] += Combine(sums.Slice(oc * channelStride + GradientTaps * Partials, Partials));
            }
        }
    }

    /// <summary>The operands of the weight-gradient tiles of one sample, one chunk of its pixels and one block of output channels.</summary>
    private readonly ref struct GradientTile
    {
        public GradientTile(ref float copies, ref float gradient, ref float tails, int firstBlock, int endBlock, bool withTail, int plane, int wholeBlocks, int channels)
        {
            this.Copies = ref copies;
            this.Gradient = ref gradient;
            this.Tails = ref tails;
            FirstBlock = firstBlock;
            EndBlock = endBlock;
            WithTail = withTail;
            Plane = plane;
            WholeBlocks = wholeBlocks;
            Channels = channels;
        }

        /// <summary>The sample's input copies.</summary>
        public readonly ref float Copies;

        /// <summary>The sample's gradient plane of the block's first channel (in place in <c>dz</c>).</summary>
        public readonly ref float Gradient;

        /// <summary>The sample's last partial block of 16 pixels of the block's first channel, zero past the plane's end.</summary>
        public readonly ref float Tails;

        /// <summary>The chunk's first whole block of 16 pixels.</summary>
        public int FirstBlock { get; }

        /// <summary>The block after the chunk's last whole block.</summary>
        public int EndBlock { get; }

        /// <summary>Whether the chunk ends with the plane's pixels after its whole blocks (the last chunk).</summary>
        public bool WithTail { get; }

        public int Plane { get; }

        /// <summary>Whole blocks of 16 pixels in a plane; the tails hold the pixels after them.</summary>
        public int WholeBlocks { get; }

        /// <summary>Channels in the block (1 or 2); the tile's missing channel repeats the last one and its sums are dropped.</summary>
        public int Channels { get; }
    }

    /// <summary>
    /// Adds the chunk's products and gradients to lanes <paramref name="lane"/> to <paramref name="lane"/> + lanes of the
    /// partial sums at <paramref name="sums"/> (already offset by the lane; per channel, <paramref name="channelStride"/>
    /// apart, 9 taps' vectors of 16 partials then the bias's): for each pixel <c>p = 16 * block + lane + j</c> in
    /// increasing order, partial <c>lane + j</c> of (channel c, tap t) += <c>dz[c, p] * copy[offset t + p]</c> and
    /// partial <c>lane + j</c> of the bias of channel c += <c>dz[c, p]</c>. The bias rides along on the add pipes, on the
    /// gradient already in registers (tap blocks after the first sum it too, into sums that are dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile<TVector, TWidth>(in GradientTile tile, ref int tapOffsets, ref float sums, int channelStride, int lane)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        int lanes = TWidth.Count;
        // Offsets from the first tap's (which then needs no register); a later tap may lie before it, and the unsigned
        // offset then wraps around to the same address.
        int first = tapOffsets;
        nuint o1 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 1) - first), o2 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 2) - first);
        nuint o3 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 3) - first), o4 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 4) - first);
        nuint o5 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 5) - first), o6 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 6) - first);
        nuint o7 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 7) - first), o8 = (nuint)(nint)(Unsafe.Add(ref tapOffsets, 8) - first);
        const nuint o0 = 0;
        nuint channel1 = (nuint)(Math.Min(1, tile.Channels - 1) * tile.Plane), tail1 = (nuint)(Math.Min(1, tile.Channels - 1) * Partials);
        ref float s0 = ref sums;
        ref float s1 = ref Unsafe.Add(ref s0, 1 * channelStride);
        TVector a0 = TWidth.Load(ref s0, 0 * Partials);
        TVector a1 = TWidth.Load(ref s0, 1 * Partials);
        TVector a2 = TWidth.Load(ref s0, 2 * Partials);
        TVector a3 = TWidth.Load(ref s0, 3 * Partials);
        TVector a4 = TWidth.Load(ref s0, 4 * Partials);
        TVector a5 = TWidth.Load(ref s0, 5 * Partials);
        TVector a6 = TWidth.Load(ref s0, 6 * Partials);
        TVector a7 = TWidth.Load(ref s0, 7 * Partials);
        TVector a8 = TWidth.Load(ref s0, 8 * Partials);
        TVector aBias = TWidth.Load(ref s0, GradientTaps * Partials);
        TVector b0 = TWidth.Load(ref s1, 0 * Partials);
        TVector b1 = TWidth.Load(ref s1, 1 * Partials);
        TVector b2 = TWidth.Load(ref s1, 2 * Partials);
        TVector b3 = TWidth.Load(ref s1, 3 * Partials);
        TVector b4 = TWidth.Load(ref s1, 4 * Partials);
        TVector b5 = TWidth.Load(ref s1, 5 * Partials);
        TVector b6 = TWidth.Load(ref s1, 6 * Partials);
        TVector b7 = TWidth.Load(ref s1, 7 * Partials);
        TVector b8 = TWidth.Load(ref s1, 8 * Partials);
        TVector bBias = TWidth.Load(ref s1, GradientTaps * Partials);

        // The tail's lanes: those of this sweep that hold pixels of the plane (all, some or none).
        int tailLanes = tile.WithTail ? Math.Clamp(tile.Plane - tile.WholeBlocks * Partials - lane, 0, lanes) : 0;
        TVector tailMask = TWidth.LaneMask(0, tailLanes);
        ref float copy = ref Unsafe.Add(ref tile.Copies, first + tile.FirstBlock * Partials + lane);
        ref float dz = ref Unsafe.Add(ref tile.Gradient, tile.FirstBlock * Partials + lane);
        // A count down in a register: the loop needs 13 general registers (9 tap offsets, 2 pointers, the second
        // channel's offset, the count), nearly all there are.
        for (int blocks = tile.EndBlock - tile.FirstBlock; blocks > 0; blocks--)
        {
            TVector e0 = TWidth.Load(ref dz, 0), e1 = TWidth.Load(ref dz, channel1);
            aBias = TWidth.Add(aBias, e0); bBias = TWidth.Add(bBias, e1);
            TVector v = TWidth.Load(ref copy, o0);
            a0 = TWidth.MultiplyAdd(v, e0, a0); b0 = TWidth.MultiplyAdd(v, e1, b0);
            v = TWidth.Load(ref copy, o1);
            a1 = TWidth.MultiplyAdd(v, e0, a1); b1 = TWidth.MultiplyAdd(v, e1, b1);
            v = TWidth.Load(ref copy, o2);
            a2 = TWidth.MultiplyAdd(v, e0, a2); b2 = TWidth.MultiplyAdd(v, e1, b2);
            v = TWidth.Load(ref copy, o3);
            a3 = TWidth.MultiplyAdd(v, e0, a3); b3 = TWidth.MultiplyAdd(v, e1, b3);
            v = TWidth.Load(ref copy, o4);
            a4 = TWidth.MultiplyAdd(v, e0, a4); b4 = TWidth.MultiplyAdd(v, e1, b4);
            v = TWidth.Load(ref copy, o5);
            a5 = TWidth.MultiplyAdd(v, e0, a5); b5 = TWidth.MultiplyAdd(v, e1, b5);
            v = TWidth.Load(ref copy, o6);
            a6 = TWidth.MultiplyAdd(v, e0, a6); b6 = TWidth.MultiplyAdd(v, e1, b6);
            v = TWidth.Load(ref copy, o7);
            a7 = TWidth.MultiplyAdd(v, e0, a7); b7 = TWidth.MultiplyAdd(v, e1, b7);
            v = TWidth.Load(ref copy, o8);
            a8 = TWidth.MultiplyAdd(v, e0, a8); b8 = TWidth.MultiplyAdd(v, e1, b8);
            dz = ref Unsafe.Add(ref dz, Partials);
            copy = ref Unsafe.Add(ref copy, Partials);
        }

        if (tailLanes > 0)
        {
            // The pixels after the whole blocks: the gradient from the zero-padded tail copy, lanes past the plane left
            // as they are (a masked add, so no product of a padding zero with an infinite input touches a sum).
            ref float tail = ref Unsafe.Add(ref tile.Tails, lane);
            TVector t0 = TWidth.Load(ref tail, 0), t1 = TWidth.Load(ref tail, tail1);
            aBias = TWidth.Select(tailMask, TWidth.Add(aBias, t0), aBias); bBias = TWidth.Select(tailMask, TWidth.Add(bBias, t1), bBias);
            TVector u = TWidth.Load(ref copy, o0);
            a0 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a0), a0); b0 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b0), b0);
            u = TWidth.Load(ref copy, o1);
            a1 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a1), a1); b1 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b1), b1);
            u = TWidth.Load(ref copy, o2);
            a2 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a2), a2); b2 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b2), b2);
            u = TWidth.Load(ref copy, o3);
            a3 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a3), a3); b3 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b3), b3);
            u = TWidth.Load(ref copy, o4);
            a4 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a4), a4); b4 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b4), b4);
            u = TWidth.Load(ref copy, o5);
            a5 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a5), a5); b5 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b5), b5);
            u = TWidth.Load(ref copy, o6);
            a6 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a6), a6); b6 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b6), b6);
            u = TWidth.Load(ref copy, o7);
            a7 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a7), a7); b7 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b7), b7);
            u = TWidth.Load(ref copy, o8);
            a8 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t0, a8), a8); b8 = TWidth.Select(tailMask, TWidth.MultiplyAdd(u, t1, b8), b8);
        }

        TWidth.Store(a0, ref s0, 0 * Partials); TWidth.Store(a1, ref s0, 1 * Partials); TWidth.Store(a2, ref s0, 2 * Partials); TWidth.Store(a3, ref s0, 3 * Partials); TWidth.Store(a4, ref s0, 4 * Partials); TWidth.Store(a5, ref s0, 5 * Partials); TWidth.Store(a6, ref s0, 6 * Partials); TWidth.Store(a7, ref s0, 7 * Partials); TWidth.Store(a8, ref s0, 8 * Partials);
        TWidth.Store(b0, ref s1, 0 * Partials); TWidth.Store(b1, ref s1, 1 * Partials); TWidth.Store(b2, ref s1, 2 * Partials); TWidth.Store(b3, ref s1, 3 * Partials); TWidth.Store(b4, ref s1, 4 * Partials); TWidth.Store(b5, ref s1, 5 * Partials); TWidth.Store(b6, ref s1, 6 * Partials); TWidth.Store(b7, ref s1, 7 * Partials); TWidth.Store(b8, ref s1, 8 * Partials);
        TWidth.Store(aBias, ref s0, GradientTaps * Partials); TWidth.Store(bBias, ref s1, GradientTaps * Partials);
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

    /// <summary>
    /// copies[ic][kw][alignment][r][ow] = x[ic][r - PadTop][ow - PadLeft + kw * DilationWidth], zero outside the input,
    /// each copy starting <see cref="Sizes.Lead"/> floats into its 16-float-aligned region. Each row is
    /// the input row's slice moved with whole (overlapping) vectors, and the padding columns and rows zeroed, so every
    /// load reads the input (never a float stored a moment before, whose forwarding would stall a partly overlapping
    /// load). The slack after each copy's rows is only ever read by masked-off lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(ReadOnlySpan<float> sample, Span<float> copies, in WindowGeometry g, in Sizes s)
    {
        int outWidth = g.OutWidth;
        int firstRow = Math.Clamp(g.PadTop, 0, s.CopyRows), lastRow = Math.Clamp(g.PadTop + g.InHeight, firstRow, s.CopyRows);
        ref float input = ref MemoryMarshal.GetReference(sample);
        for (int ic = 0; ic < g.InChannels; ic++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                int firstCopy = (ic * g.KernelWidth + kw) * s.Alignments;
                Span<float> copy = copies.Slice(firstCopy * s.CopyPlane + s.Lead(0), s.CopyRows * outWidth);
                int shift = kw * g.DilationWidth - g.PadLeft; // the input column of output column 0
                int firstColumn = Math.Clamp(-shift, 0, outWidth), lastColumn = Math.Clamp(g.InWidth - shift, firstColumn, outWidth);
                copy.Slice(0, firstRow * outWidth).Clear();
                copy.Slice(lastRow * outWidth).Clear();
                int bits = VectorWidth.For(lastColumn - firstColumn);
                ref float target = ref MemoryMarshal.GetReference(copy);
                for (int r = firstRow; r < lastRow; r++)
                {
                    ref float row = ref Unsafe.Add(ref target, r * outWidth);
                    for (int c = 0; c < firstColumn; c++)
                    {
                        Unsafe.Add(ref row, c) = 0f;
                    }

                    if (lastColumn > firstColumn)
                    {
                        FloatMoves.Move(ref Unsafe.Add(ref input, ic * g.InPlane + (r - g.PadTop) * g.InWidth + firstColumn + shift), ref Unsafe.Add(ref row, firstColumn), lastColumn - firstColumn, bits);
                    }

                    for (int c = lastColumn; c < outWidth; c++)
                    {
                        Unsafe.Add(ref row, c) = 0f;
                    }
                }

                // The other alignments: the same floats, one move each.
                for (int alignment = 1; alignment < s.Alignments; alignment++)
                {
                    copy.CopyTo(copies.Slice((firstCopy + alignment) * s.CopyPlane + s.Lead(alignment)));
                }
            }
        }
    }

    // tails[oc][0..16) = dz[oc][tailStart..plane), then zeros: the last partial block of 16 pixels of each plane.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTails(ReadOnlySpan<float> gradient, Span<float> tails, in WindowGeometry g, int tailStart)
    {
        int plane = g.OutPlane;
        if (tailStart == plane)
        {
            return; // no tail: never read
        }

        tails.Clear();
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            gradient.Slice(oc * plane + tailStart, plane - tailStart).CopyTo(tails.Slice(oc * Partials));
        }
    }

    /// <summary>
    /// Thread-static scratch starting on a 64-byte boundary (while the array stays put; large ones are not moved): every
    /// region in it is a whole number of 16 floats, so the copies' rows of whole blocks and the partial sums are loaded
    /// without crossing cache lines.
    /// </summary>
    private static Span<float> AlignedScratch(int length)
    {
        Span<float> scratch = ThreadScratch.Of(ref t_floats, length + Partials);
        return scratch.Slice(Width512.ToAlignment(ref MemoryMarshal.GetReference(scratch)), length);
    }

    private static int Blocks(int count, int size) => (count + size - 1) / size;

    /// <summary>Sizes derived from a stride-1 geometry.</summary>
    private readonly struct Sizes
    {
        /// <param name="g">The layer.</param>
        /// <param name="alignedRows">Whether every kernel row's loads start on whole 16-float blocks (one copy per misalignment), or one copy per (input channel, kernel column) serves all.</param>
        public Sizes(in WindowGeometry g, bool alignedRows)
        {
            Plane = g.OutPlane;
            CopyRows = g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;
            // Room for the lead (up to 15 floats) and the slack after the rows for the last vector's loads past the plane.
            CopyPlane = (CopyRows * g.OutWidth + 3 * Partials - 1) / Partials * Partials;
            RowStep = g.DilationHeight * g.OutWidth;
            KernelHeight = g.KernelHeight;
            Aligned = alignedRows;
            Alignments = 0;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                if (FirstOfItsMisalignment(kh))
                {
                    Alignments++;
                }
            }

            CopySample = g.InChannels * g.KernelWidth * Alignments * CopyPlane;
            Taps = g.InChannels * g.KernelHeight * g.KernelWidth;
        }

        /// <summary>Output pixels per channel.</summary>
        public int Plane { get; }

        /// <summary>Rows of one input copy (output width each): the output's, plus the kernel's extent below.</summary>
        public int CopyRows { get; }

        /// <summary>Floats per input copy.</summary>
        public int CopyPlane { get; }

        /// <summary>Floats of a sample's copies (input channels x kernel columns x alignments).</summary>
        public int CopySample { get; }

        /// <summary>Taps per output channel, <c>InChannels * KernelHeight * KernelWidth</c>, ordered as the weights.</summary>
        public int Taps { get; }

        /// <summary>
        /// Copies per (input channel, kernel column): one per distinct misalignment <c>(kh * RowStep) mod 16</c> of the
        /// kernel rows' flat offsets, each placed so that the loads of its kernel rows start on whole 16-float blocks (a
        /// 512-bit load that crosses a cache line costs two).
        /// </summary>
        public int Alignments { get; }

        private int RowStep { get; }

        private int KernelHeight { get; }

        /// <summary>The copy (of <see cref="Alignments"/>) that kernel row <paramref name="kh"/> reads: kernel rows with the same misalignment share one, numbered in the order of their first rows.</summary>
        public int AlignmentOf(int kh)
        {
            int first = 0;
            while (Misalignment(first) != Misalignment(kh))
            {
                first++;
            }

            int index = 0;
            for (int earlier = 0; earlier < first; earlier++)
            {
                if (FirstOfItsMisalignment(earlier))
                {
                    index++;
                }
            }

            return index;
        }

        private bool Aligned { get; }

        private int Misalignment(int kh) => Aligned ? kh * RowStep % Partials : 0;

        private bool FirstOfItsMisalignment(int kh)
        {
            for (int earlier = 0; earlier < kh; earlier++)
            {
                if (Misalignment(earlier) == Misalignment(kh))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Where copy <paramref name="alignment"/> starts in its region: <c>lead + kh * RowStep</c> is a multiple of 16 for its kernel rows.</summary>
        public int Lead(int alignment)
        {
            for (int kh = 0; kh < KernelHeight; kh++)
            {
                if (AlignmentOf(kh) == alignment)
                {
                    return (Partials - Misalignment(kh)) % Partials;
                }
            }

            return 0;
        }

        /// <summary>The flat offset of tap (ic, kh, kw) from an output pixel's index, in a sample's copies.</summary>
        public int TapOffset(int tap, in WindowGeometry g)
        {
            int kernel = g.KernelHeight * g.KernelWidth;
            int ic = tap / kernel, k = tap % kernel;
            int kh = k / g.KernelWidth, kw = k % g.KernelWidth;
            int alignment = AlignmentOf(kh);
            return ((ic * g.KernelWidth + kw) * Alignments + alignment) * CopyPlane + Lead(alignment) + kh * RowStep;
        }
    }
}
