using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Convolutions at any geometry (channels, map size, kernel, stride, padding, dilation) with channels in the vector
/// lanes, so the speed does not depend on the width of the map: a 7x7 map with 64 channels fills the vectors as well as
/// a 56x56 one. Each group of samples is converted to a zero-padded channels-last image; the forward pass and the weight
/// gradient then run register tiles (<see cref="ChannelsLastTileShape"/> picks 6x2, 6x4 or 12x1 vectors) over output
/// channels, and the input gradient over input channels, tap by tap, added into a padded channels-last gradient that is
/// cropped back at the end. The forward pass's packed weights are cached for inference (<see cref="PackedWeightCache"/>).
/// </summary>
/// <remarks>
/// Layouts stay PyTorch's at the boundary. The vector width is picked from the channel count (the lanes that fill the
/// channels best); each output is summed in the same order at every width, so the results are the same bits on every
/// machine. Scratch lives in thread-static arrays that grow on first use: calls allocate nothing after warm-up.
/// </remarks>
internal static class ChannelsLastConvolution
{
    [ThreadStatic]
    private static float[]? t_floats;

    [ThreadStatic]
    private static int[]? t_offsets;

    /// <summary>
    /// Whether this kernel runs <paramref name="g"/>: every geometry the row kernels (<see cref="RowConvolution"/>, pixels in
    /// the lanes) do not take, and those they take where channels fill the lanes better than the rows do: 16 channels and
    /// more on both sides, or narrow maps (fewer than 12 columns with 8 in and 16 out, fewer than 10 with 4 and 8).
    /// Measured on Zen 5 over 1-32 channels and 8-56 wide maps, forward and backward (docs/benchmarks.md).
    /// </summary>
    public static bool Applies(in WindowGeometry g) =>
        !RowConvolution.Applies(g)
        || (g.InChannels >= 16 && g.OutChannels >= 16)
        || (g.InChannels >= 8 && g.OutChannels >= 16 && g.OutWidth < 12)
        || (g.InChannels >= 4 && g.OutChannels >= 8 && g.OutWidth < 10);

    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g) =>
        Forward(x, weight, bias, y, batch, g, ActivationLayout.Planar, ActivationLayout.Planar);

    /// <summary>The forward pass with the input and the output in the given layouts (channels-last ones are read and written without conversion).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, ActivationLayout inputLayout, ActivationLayout outputLayout) =>
        ForwardOnTeamOrAlone(x, weight, bias, y, batch, g, inputLayout, outputLayout, pooled: false, default, relu: false);

    /// <summary>
    /// The forward pass followed by the max pool <paramref name="pool"/> (whose input is this convolution's output):
    /// each group of samples is pooled as soon as its outputs are computed, from a scratch the size of the group that is
    /// still in the core's cache, so the convolution's full-size output is never written to memory and read back (N4's
    /// first layer: 6.4 MB at batch 64). <paramref name="y"/> receives the pool's output in <paramref name="outputLayout"/>.
    /// With <paramref name="relu"/>, the pooled values go through ReLU as they are stored. The same bits as the calls one
    /// after the other.
    /// </summary>
    public static void ForwardPooled(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, in WindowGeometry pool,
        ActivationLayout inputLayout, ActivationLayout outputLayout, bool relu) =>
        ForwardOnTeamOrAlone(x, weight, bias, y, batch, g, inputLayout, outputLayout, pooled: true, pool, relu);

    // Both forward entry points: split among the kernel team that DataParallel lends when the work is worth the
    // signalling, else the whole pass on this thread (part 0 of 1). The split is by outputs, so the bits are the same.
    private static void ForwardOnTeamOrAlone(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g,
        ActivationLayout inputLayout, ActivationLayout outputLayout, bool pooled, in WindowGeometry pool, bool relu)
    {
        KernelTeam? team = KernelTeam.Current;
        if (team is null || !ConvolutionWork.WorthSplitting(g, batch))
        {
            ForwardPart(x, weight, bias, y, batch, g, 0, 1, inputLayout, outputLayout, pooled, pool, relu);
            return;
        }

        ConvolutionWork.OfThisThread.RunChannelsLastForward(team, x, weight, bias, y, batch, g, inputLayout, outputLayout, pooled, pool, relu);
    }

    /// <summary>Adds the parameter gradients of the batch and, unless <paramref name="dx"/> is empty, overwrites it with the input gradient.</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g)
    {
        KernelTeam? team = KernelTeam.Current;
        if (team is null || !ConvolutionWork.WorthSplitting(g, batch))
        {
            BackwardPart(x, weight, dz, weightGradient, biasGradient, dx, batch, g, 0, 1);
            return;
        }

        ConvolutionWork.OfThisThread.RunChannelsLastBackward(team, x, weight, dz, weightGradient, biasGradient, dx, batch, g);
    }


    /// <summary>The forward pass's part <paramref name="part"/> of <paramref name="parts"/>: whole groups of samples, or, with fewer groups than parts, blocks of output channels.</summary>
    internal static void ForwardPart(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, int part, int parts,
        ActivationLayout inputLayout = ActivationLayout.Planar, ActivationLayout outputLayout = ActivationLayout.Planar, bool pooled = false, in WindowGeometry pool = default, bool relu = false)
    {
        switch (ChannelsLastTileShape.WidthFor(g.OutChannels))
        {
            case 512: Forward<Vector512<float>, Width512>(x, weight, bias, y, batch, g, part, parts, inputLayout, outputLayout, pooled, pool, relu); break;
            case 256: Forward<Vector256<float>, Width256>(x, weight, bias, y, batch, g, part, parts, inputLayout, outputLayout, pooled, pool, relu); break;
            case 128: Forward<Vector128<float>, Width128>(x, weight, bias, y, batch, g, part, parts, inputLayout, outputLayout, pooled, pool, relu); break;
            default: Forward<float, Width1>(x, weight, bias, y, batch, g, part, parts, inputLayout, outputLayout, pooled, pool, relu); break;
        }
    }

    /// <summary>
    /// The backward pass's part <paramref name="part"/> of <paramref name="parts"/>: its share of the weight gradient's rows
    /// (part 0 also the bias gradient) and its share of the input gradient's groups of samples.
    /// </summary>
    internal static void BackwardPart(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batch, in WindowGeometry g, int part, int parts)
    {
        switch (ChannelsLastTileShape.WidthFor(g.OutChannels))
        {
            case 512: ParameterGradients<Vector512<float>, Width512>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            case 256: ParameterGradients<Vector256<float>, Width256>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            case 128: ParameterGradients<Vector128<float>, Width128>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
            default: ParameterGradients<float, Width1>(x, dz, weightGradient, biasGradient, batch, g, part, parts); break;
        }

        if (dx.IsEmpty)
        {
            return;
        }

        switch (ChannelsLastTileShape.WidthFor(g.InChannels))
        {
            case 512: InputGradient<Vector512<float>, Width512>(weight, dz, dx, batch, g, part, parts); break;
            case 256: InputGradient<Vector256<float>, Width256>(weight, dz, dx, batch, g, part, parts); break;
            case 128: InputGradient<Vector128<float>, Width128>(weight, dz, dx, batch, g, part, parts); break;
            default: InputGradient<float, Width1>(weight, dz, dx, batch, g, part, parts); break;
        }
    }

    private static void Forward<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, in WindowGeometry g, int part, int parts,
        ActivationLayout inputLayout, ActivationLayout outputLayout, bool pooled, in WindowGeometry pool, bool relu)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ChannelsLastTile shape = ChannelsLastTileShape.Shape<TVector, TWidth>(g.OutChannels);
        int block = ChannelsLastTileShape.TileChannels<TVector, TWidth>(shape);
        int tileRows = ChannelsLastTileShape.RowsOf(shape);
        int channels = RoundUp(g.OutChannels, block);
        var cl = new ChannelsLastGeometry(g, batch);
        // With a pool after it, only the outputs some window reads are computed (a 2x2 pool of N4's 7x7 third layer
        // reads 6x6 of them: a quarter of the layer's work). `computed` has the convolution's outputs cut to those rows
        // and columns, and `poolRead` the pool's input cut likewise; the image's padding and offsets stay `g`'s.
        WindowGeometry computed = pooled ? OutputsThePoolReads(g, pool) : g;
        WindowGeometry poolRead = pool with { InHeight = computed.OutHeight, InWidth = computed.OutWidth };
        int groupPixels = cl.SamplesPerGroup * computed.OutPlane;
        int depthChunk = Math.Max(1, WeightChunkFloats / block);
        // An unpadded channels-last input is read where it is (at batch 1, N3's second layer spent a twentieth of its time
        // copying it).
        bool inputInPlace = inputLayout == ActivationLayout.ChannelsLast && cl.InputIsPaddedImage(g);
        int inputLength = inputInPlace ? 0 : cl.SamplesPerGroup * cl.PaddedPlane * g.InChannels;

        // A channels-last output whose channels fill whole blocks is written in place; otherwise the tiles write rows of
        // `channels` floats that are then copied (or transposed, or pooled) into the output. A planar pooled output is
        // pooled into rows first and transposed from there (a quarter of the group's outputs for a 2x2 pool).
        bool inPlace = !pooled && outputLayout == ActivationLayout.ChannelsLast && channels == g.OutChannels;
        int rowsLength = inPlace ? 0 : groupPixels * channels;
        int pooledLength = pooled && outputLayout == ActivationLayout.Planar ? cl.SamplesPerGroup * pool.OutPlane * channels : 0;
        Span<float> floats = Floats(channels + inputLength + rowsLength + pooledLength);
        Span<float> packedBias = floats.Slice(0, channels);
        Span<float> padded = floats.Slice(channels, inputLength);
        Span<float> scratchRows = floats.Slice(channels + inputLength, rowsLength);
        Span<float> pooledRows = floats.Slice(channels + inputLength + rowsLength, pooledLength);
        Span<int> offsets = Offsets(cl.Depth + groupPixels);
        Span<int> depthOffsets = offsets.Slice(0, cl.Depth);
        Span<int> pixelOffsets = offsets.Slice(cl.Depth, groupPixels);

        weight = weight.Slice(0, g.OutChannels * cl.Depth);
        Span<float> packed = PackedWeightCache.Lookup(weight, g, block, cl.Depth * channels, out bool current);
        if (!current)
        {
            ChannelsLastPacking.ByOutputChannel(weight, packed, block, channels, g, cl);
        }

        packedBias.Clear();
        if (!bias.IsEmpty)
        {
            bias.Slice(0, g.OutChannels).CopyTo(packedBias);
        }

        FillDepthOffsets(depthOffsets, g, cl);
        ref float paddedRef = ref MemoryMarshal.GetReference(padded);
        bool stationary = shape == ChannelsLastTile.Narrow && cl.Depth == ChannelsLastStationaryTiles.Depth;
        int groups = (batch + cl.SamplesPerGroup - 1) / cl.SamplesPerGroup;
        (int firstGroup, int endGroup, int firstBlock, int endBlock) = groups >= parts
            ? (KernelTeam.Share(groups, part, parts), KernelTeam.Share(groups, part + 1, parts), 0, channels / block)
            : (0, groups, KernelTeam.Share(channels / block, part, parts), KernelTeam.Share(channels / block, part + 1, parts));
        if (firstBlock == endBlock)
        {
            return;
        }

        for (int group = firstGroup; group < endGroup; group++)
        {
            int first = group * cl.SamplesPerGroup;
            int count = Math.Min(cl.SamplesPerGroup, batch - first);
            int pixels = count * computed.OutPlane;
            ref float image = ref paddedRef;
            if (inputInPlace)
            {
                // The tiles read only the windows of the group's own pixels: inside the group's samples, which Slice checks.
                image = ref Unsafe.AsRef(in MemoryMarshal.GetReference(x.Slice(first * g.InputSize, count * g.InputSize)));
            }
            else if (inputLayout == ActivationLayout.ChannelsLast)
            {
                ChannelsLastLayout.PadChannelsLastInput(x.Slice(first * g.InputSize), count, padded, g, cl);
            }
            else
            {
                ChannelsLastLayout.PadInput(x.Slice(first * g.InputSize), count, padded, g.InChannels, g, cl);
            }

            Span<float> rows = inPlace ? y.Slice(first * g.OutputSize, pixels * channels) : scratchRows;
            cl.FillPixelOffsets(pixelOffsets, count, g.InChannels, computed);
            for (int b = firstBlock * block; b < endBlock * block; b += block)
            {
                // The depth runs in chunks whose weights stay in the core's L2 while every pixel of the group passes over
                // them; the sums go to the output rows between chunks (which changes no bits: each is one float either way).
                for (int k = 0; k < cl.Depth; k += depthChunk)
                {
                    int steps = Math.Min(depthChunk, cl.Depth - k);
                    ref float tileWeights = ref packed[b * cl.Depth + k * block];
                    int q = 0;
                    if (stationary)
                    {
                        q = ChannelsLastStationaryTiles.Forward<TVector, TWidth>(ref image, ref pixelOffsets[0], pixels, ref depthOffsets[0], ref tileWeights, ref packedBias[b], ref rows[b], channels);
                    }

                    for (; q < pixels; q += tileRows)
                    {
                        int valid = Math.Min(tileRows, pixels - q);
                        ref float output = ref rows[q * channels + b];
                        ref float start = ref k == 0 ? ref packedBias[b] : ref output;
                        int startStride = k == 0 ? 0 : channels;
                        switch (shape)
                        {
                            case ChannelsLastTile.Wide:
                                ChannelsLastWideTiles.Forward<TVector, TWidth>(ref image, ref pixelOffsets[q], valid, ref depthOffsets[k], steps, ref tileWeights, ref start, startStride, ref output, channels, g.InChannels, k % g.InChannels);
                                break;
                            case ChannelsLastTile.Tall:
                                ChannelsLastTallTiles.Forward<TVector, TWidth>(ref image, ref pixelOffsets[q], valid, ref depthOffsets[k], steps, ref tileWeights, ref start, startStride, ref output, channels, g.InChannels, k % g.InChannels);
                                break;
                            default:
                                ChannelsLastTiles.Forward<TVector, TWidth>(ref image, ref pixelOffsets[q], valid, ref depthOffsets[k], steps, ref tileWeights, ref start, startStride, ref output, channels, g.InChannels, k % g.InChannels);
                                break;
                        }
                    }
                }
            }

            int endChannel = Math.Min(endBlock * block, g.OutChannels);
            if (pooled)
            {
                Pool(rows, pooledRows, count, channels, y.Slice(first * pool.OutputSize, count * pool.OutputSize), firstBlock * block, endChannel, poolRead, outputLayout, relu);
            }
            else if (outputLayout == ActivationLayout.Planar)
            {
                ChannelsLastLayout.ToPlanes(rows, count, channels, y.Slice(first * g.OutputSize), firstBlock * block, endChannel, g);
            }
            else if (!inPlace)
            {
                ChannelsLastLayout.CopyChannels(rows, pixels, channels, y.Slice(first * g.OutputSize), g.OutChannels, firstBlock * block, endChannel);
            }
        }
    }

    // The convolution's outputs cut to the rows and columns that some window of `pool` reads: the last window of each
    // dimension ends at (out - 1) * stride - padding + (kernel - 1) * dilation, and a pool in floor mode can stop short of
    // the map's end. The windows and the pool's output are the same on the cut map.
    private static WindowGeometry OutputsThePoolReads(in WindowGeometry g, in WindowGeometry pool)
    {
        int rows = (pool.OutHeight - 1) * pool.StrideHeight - pool.PadTop + (pool.KernelHeight - 1) * pool.DilationHeight + 1;
        int columns = (pool.OutWidth - 1) * pool.StrideWidth - pool.PadLeft + (pool.KernelWidth - 1) * pool.DilationWidth + 1;
        return g with { OutHeight = Math.Clamp(rows, 1, g.OutHeight), OutWidth = Math.Clamp(columns, 1, g.OutWidth) };
    }

    // Pools channels [firstChannel, endChannel) of a group's output rows (`channels` floats per pixel) into its samples of the pool's output.
    private static void Pool(Span<float> rows, Span<float> pooledRows, int count, int channels, Span<float> y, int firstChannel, int endChannel, in WindowGeometry pool, ActivationLayout outputLayout, bool relu)
    {
        if ((long)count * pool.InPlane * channels > rows.Length)
        {
            throw new ArgumentException($"The pool after the convolution reads {pool.InChannels}x{pool.InHeight}x{pool.InWidth} per sample; the convolution's group holds {rows.Length / Math.Max(1, count * channels)} pixels per sample.");
        }

        ref float source = ref MemoryMarshal.GetReference(rows);
        if (outputLayout == ActivationLayout.ChannelsLast)
        {
            ChannelsLastPooling.MaxPixels(ref source, channels, ref MemoryMarshal.GetReference(y), pool.OutChannels, firstChannel, endChannel, count, pool, relu);
            return;
        }

        ChannelsLastPooling.MaxPixels(ref source, channels, ref MemoryMarshal.GetReference(pooledRows), channels, firstChannel, endChannel, count, pool, relu);
        ChannelsLastLayout.ToPlanes(pooledRows, count, channels, y, firstChannel, endChannel, pool);
    }

    private static void ParameterGradients<TVector, TWidth>(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, in WindowGeometry g, int part, int parts)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ChannelsLastTile shape = ChannelsLastTileShape.Shape<TVector, TWidth>(g.OutChannels);
        int block = ChannelsLastTileShape.TileChannels<TVector, TWidth>(shape);
        int tileRows = ChannelsLastTileShape.RowsOf(shape);
        int channels = RoundUp(g.OutChannels, block);
        var cl = new ChannelsLastGeometry(g, batch);
        int groupPixels = cl.SamplesPerGroup * g.OutPlane;
        int sumsLength = cl.Depth * channels;
        int inputLength = cl.SamplesPerGroup * cl.PaddedPlane * g.InChannels;
        int rowsLength = Math.Max(groupPixels * channels, cl.Depth * 8); // the rows double as AddSums' scratch
        Span<float> floats = Floats(sumsLength + channels + inputLength + rowsLength);
        Span<float> sums = floats.Slice(0, sumsLength);
        Span<float> biasSums = floats.Slice(sumsLength, channels);
        Span<float> padded = floats.Slice(sumsLength + channels, inputLength);
        Span<float> rows = floats.Slice(sumsLength + channels + inputLength, rowsLength);
        Span<int> offsets = Offsets(cl.Depth + groupPixels);
        Span<int> depthOffsets = offsets.Slice(0, cl.Depth);
        Span<int> pixelOffsets = offsets.Slice(cl.Depth, groupPixels);

        int tiles = (cl.Depth + tileRows - 1) / tileRows;
        int firstRow = KernelTeam.Share(tiles, part, parts) * tileRows;
        int endRow = Math.Min(cl.Depth, KernelTeam.Share(tiles, part + 1, parts) * tileRows);
        bool biasPart = !biasGradient.IsEmpty && part == 0;
        if (firstRow >= endRow && !biasPart)
        {
            return;
        }

        sums.Clear();
        biasSums.Clear();
        FillWeightOrderOffsets(depthOffsets, g, cl);
        ref float paddedRef = ref MemoryMarshal.GetReference(padded);
        ref int pixelRef = ref MemoryMarshal.GetReference(pixelOffsets);
        for (int first = 0; first < batch; first += cl.SamplesPerGroup)
        {
            int count = Math.Min(cl.SamplesPerGroup, batch - first);
            int pixels = count * g.OutPlane;
            ChannelsLastLayout.PadInput(x.Slice(first * g.InputSize), count, padded, g.InChannels, g, cl);
            ChannelsLastLayout.ToChannelsLast(dz.Slice(first * g.OutputSize), count, rows, channels, g);
            cl.FillPixelOffsets(pixelOffsets, count, g.InChannels, g);
            for (int b = 0; b < channels; b += block)
            {
                for (int k = firstRow; k < endRow; k += tileRows)
                {
                    int valid = Math.Min(tileRows, endRow - k);
                    switch (shape)
                    {
                        case ChannelsLastTile.Wide:
                            ChannelsLastWideTiles.WeightGradient<TVector, TWidth>(ref paddedRef, ref pixelRef, pixels, ref depthOffsets[k], valid, ref rows[b], channels, ref sums[k * channels + b], channels);
                            break;
                        case ChannelsLastTile.Tall:
                            ChannelsLastTallTiles.WeightGradient<TVector, TWidth>(ref paddedRef, ref pixelRef, pixels, ref depthOffsets[k], valid, ref rows[b], channels, ref sums[k * channels + b], channels);
                            break;
                        default:
                            ChannelsLastTiles.WeightGradient<TVector, TWidth>(ref paddedRef, ref pixelRef, pixels, ref depthOffsets[k], valid, ref rows[b], channels, ref sums[k * channels + b], channels);
                            break;
                    }
                }
            }

            if (biasPart)
            {
                SumRows<TVector, TWidth>(rows, pixels, channels, biasSums);
            }
        }

        AddSums(sums, channels, weightGradient, firstRow, endRow, g, rows);

        if (biasPart)
        {
            for (int o = 0; o < g.OutChannels; o++)
            {
                biasGradient[o] += biasSums[o];
            }
        }
    }

    private static void InputGradient<TVector, TWidth>(ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> dx, int batch, in WindowGeometry g, int part, int parts)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ChannelsLastTile shape = ChannelsLastTileShape.Shape<TVector, TWidth>(g.InChannels);
        int block = ChannelsLastTileShape.TileChannels<TVector, TWidth>(shape);
        int tileRows = ChannelsLastTileShape.RowsOf(shape);
        int channels = RoundUp(g.InChannels, block);
        var cl = new ChannelsLastGeometry(g, batch);
        int groupPixels = cl.SamplesPerGroup * g.OutPlane;
        int packedLength = cl.Taps * channels * g.OutChannels;
        int gradientLength = cl.SamplesPerGroup * cl.PaddedPlane * channels;
        Span<float> floats = Floats(packedLength + gradientLength + groupPixels * g.OutChannels);
        Span<float> packed = floats.Slice(0, packedLength);
        Span<float> padded = floats.Slice(packedLength, gradientLength);
        Span<float> rows = floats.Slice(packedLength + gradientLength, groupPixels * g.OutChannels);
        Span<int> offsets = Offsets(cl.Taps + groupPixels);
        Span<int> tapOffsets = offsets.Slice(0, cl.Taps);
        Span<int> pixelOffsets = offsets.Slice(cl.Taps, groupPixels);

        // Each input is the sum of its windows' contributions, tap by tap: split by whole groups of samples (a single
        // group runs on part 0), so that one thread adds all of an input's contributions in the same order.
        int groups = (batch + cl.SamplesPerGroup - 1) / cl.SamplesPerGroup;
        int firstGroup = KernelTeam.Share(groups, part, parts), endGroup = KernelTeam.Share(groups, part + 1, parts);
        if (firstGroup == endGroup)
        {
            return;
        }

        ChannelsLastPacking.ByInputChannel(weight, packed, block, channels, g, cl);
        cl.FillTapOffsets(tapOffsets, g);
        ref float paddedRef = ref MemoryMarshal.GetReference(padded);
        for (int group = firstGroup; group < endGroup; group++)
        {
            int first = group * cl.SamplesPerGroup;
            int count = Math.Min(cl.SamplesPerGroup, batch - first);
            int pixels = count * g.OutPlane;
            ChannelsLastLayout.ToChannelsLast(dz.Slice(first * g.OutputSize), count, rows, g.OutChannels, g);
            cl.FillPixelOffsets(pixelOffsets, count, channels, g);
            padded.Slice(0, count * cl.PaddedPlane * channels).Clear();
            for (int t = 0; t < cl.Taps; t++)
            {
                ref float tapGradient = ref Unsafe.Add(ref paddedRef, tapOffsets[t] * channels);
                for (int c = 0; c < channels; c += block)
                {
                    ref float tileWeights = ref packed[(t * channels + c) * g.OutChannels];
                    for (int q = 0; q < pixels; q += tileRows)
                    {
                        int valid = Math.Min(tileRows, pixels - q);
                        switch (shape)
                        {
                            case ChannelsLastTile.Wide:
                                ChannelsLastWideTiles.InputGradient<TVector, TWidth>(ref rows[q * g.OutChannels], g.OutChannels, valid, g.OutChannels, ref tileWeights, ref Unsafe.Add(ref tapGradient, c), ref pixelOffsets[q]);
                                break;
                            case ChannelsLastTile.Tall:
                                ChannelsLastTallTiles.InputGradient<TVector, TWidth>(ref rows[q * g.OutChannels], g.OutChannels, valid, g.OutChannels, ref tileWeights, ref Unsafe.Add(ref tapGradient, c), ref pixelOffsets[q]);
                                break;
                            default:
                                ChannelsLastTiles.InputGradient<TVector, TWidth>(ref rows[q * g.OutChannels], g.OutChannels, valid, g.OutChannels, ref tileWeights, ref Unsafe.Add(ref tapGradient, c), ref pixelOffsets[q]);
                                break;
                        }
                    }
                }
            }

            ChannelsLastLayout.CropInput(padded, count, channels, dx.Slice(first * g.InputSize), g, cl);
        }
    }

    // Offsets of the flattened depth k = tap * in + c in a channels-last padded image of `in` channels per pixel.
    private static void FillDepthOffsets(Span<int> offsets, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        cl.FillTapOffsets(offsets, g);
        for (int t = cl.Taps - 1; t >= 0; t--)
        {
            int tap = offsets[t] * g.InChannels;
            for (int c = g.InChannels - 1; c >= 0; c--)
            {
                offsets[t * g.InChannels + c] = tap + c;
            }
        }
    }

    // The depth offsets in the weights' own order, offsets[k = c * Taps + t] = the input offset of channel c at tap t,
    // so that the weight gradient's row k of sums is row k of every output channel's weights (AddSums adds runs).
    private static void FillWeightOrderOffsets(Span<int> offsets, in WindowGeometry g, in ChannelsLastGeometry cl)
    {
        cl.FillTapOffsets(offsets, g);
        for (int c = g.InChannels - 1; c >= 0; c--) // channel 0 last: its entries are the tap offsets being read
        {
            for (int t = 0; t < cl.Taps; t++)
            {
                offsets[c * cl.Taps + t] = offsets[t] * g.InChannels + c;
            }
        }
    }

    // sums[c] += rows[q, c] over q in order, lane by lane (so the order is the same at every width).
    private static void SumRows<TVector, TWidth>(ReadOnlySpan<float> rows, int pixels, int channels, Span<float> sums)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ref float rowRef = ref MemoryMarshal.GetReference(rows);
        ref float sumRef = ref MemoryMarshal.GetReference(sums);
        TVector one = TWidth.Broadcast(1f);
        for (int c = 0; c < channels; c += TWidth.Count)
        {
            TVector sum = TWidth.Load(ref sumRef, (nuint)c);
            for (int q = 0; q < pixels; q++)
            {
                sum = TWidth.MultiplyAdd(one, TWidth.Load(ref rowRef, (nuint)(q * channels + c)), sum);
            }

            TWidth.Store(sum, ref sumRef, (nuint)c);
        }
    }

    // A forward tile's weights for one chunk of the depth: 96 KiB, half of what the L2 holds besides the group's images.
    private const int WeightChunkFloats = 24 * 1024;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// <c>weightGradient[o, k] += sums[k][o]</c> for the depth rows <c>[firstRow, endRow)</c>, in the weights' order
    /// (<c>k = c * Taps + t</c>, see <see cref="FillWeightOrderOffsets"/>). Eight output channels at a time, the sums are
    /// transposed in AVX blocks into <paramref name="scratch"/> and added to the eight weight rows as runs. One float per
    /// row of sums in the tap-major order, the whole weight gradient was read and written once per tap: for 256 x 256
    /// channels (2.4 MB) that took 0.76–0.85 ms, most of a weight gradient at batch 2.
    /// </summary>
    private static void AddSums(Span<float> sums, int channels, Span<float> weightGradient, int firstRow, int endRow, in WindowGeometry g, Span<float> scratch)
    {
        const int Block = 8;
        int count = endRow - firstRow, rowLength = g.InChannels * g.KernelHeight * g.KernelWidth;
        if (count <= 0)
        {
            return;
        }

        Span<float> transposed = scratch.Slice(0, count * Block);
        ref float firstSums = ref sums[firstRow * channels];
        for (int o = 0; o < g.OutChannels; o += Block)
        {
            int width = Math.Min(Block, g.OutChannels - o);
            BlockTranspose.Matrix(ref Unsafe.Add(ref firstSums, o), channels, ref MemoryMarshal.GetReference(transposed), count, count, width);
            for (int j = 0; j < width; j++)
            {
                Span<float> run = weightGradient.Slice((o + j) * rowLength + firstRow, count);
                TensorPrimitives.Add(run, transposed.Slice(j * count, count), run);
            }
        }
    }

    private static Span<float> Floats(int length) => ThreadScratch.Of(ref t_floats, length);

    private static Span<int> Offsets(int length) => ThreadScratch.Of(ref t_offsets, length);
}
