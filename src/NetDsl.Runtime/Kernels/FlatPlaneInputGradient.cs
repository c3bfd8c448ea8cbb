using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// The input gradient of stride-1 convolutions with few input channels (1 to 4: a network's first layer, asked for the
/// gradient with respect to its image), with input pixels in the vector lanes over the flattened input plane. The input
/// gradient is a stride-1 convolution of the output gradient with the kernel turned around,
/// <c>dx[c, ih, iw] = sum over (oc, kh, kw) of w[oc, c, kh, kw] * dz[oc, ih + padH - kh * dilH, iw + padW - kw * dilW]</c>:
/// a convolution with many channels in and few out, where the other kernels (output channels in the lanes) fill one lane
/// in eight or sixteen.
/// <list type="bullet">
/// <item>Each sample's output gradient is first copied into one zero-bordered plane per output channel: rows of
/// <c>IW + (KW - 1) * dilW</c> floats rounded up to a multiple of 16, with <c>(KW - 1) * dilW - padW</c> zero columns on
/// the left, and <c>(KH - 1) * dilH - padH</c> zero rows above and below. Tap (oc, kh, kw) of input pixel (ih, iw) is
/// then one load at a constant flat offset from <c>ih * rowWidth + iw</c>, for any padding and dilation, without a test
/// at the borders. Rows of whole 16-float blocks keep the last kernel column's loads on cache-line boundaries (a 512-bit
/// load across two lines costs two): 28-wide maps ran 15% faster so, although their rows grow from 30 to 32.</item>
/// <item>The input plane is computed at that row width (a row's last columns, which read across the row's end, are
/// computed and dropped when the plane is copied into <c>dx</c>). One input channel with a 3-row kernel (no vertical
/// dilation, at least 12 rows) runs in row tiles of 12 rows x 1 vector of columns: per (output channel, kernel column)
/// the 14 gradient rows the tile reads are loaded once, each feeding up to three output rows (14 loads for 36 fused
/// multiply-adds). Otherwise the plane is computed flattened, in tiles of 1 input channel x 12 pixel vectors (12 loads,
/// 1 weight broadcast and 12 fused multiply-adds per tap) or 2 input channels x 6 vectors (6 loads, 2 broadcasts, 12
/// multiply-adds).</item>
/// </list>
/// </summary>
/// <remarks>
/// Every input pixel sums its terms from zero in the order (output channel, kernel column, kernel row from the last to the
/// first: the order in which a row tile's loads reach an output row), one rounding per
/// term (a fused multiply-add), whatever the vector width: a lane is one pixel, and the plane's last vector, which
/// overlaps the one before it, recomputes the same sums. Layers whose padding exceeds the kernel's extent
/// (<c>padH &gt; (KH - 1) * dilH</c>) read no window for some outputs' rows and are left to the other kernels. Scratch
/// lives in thread-static arrays that grow on first use, so calls allocate nothing after warm-up.
/// </remarks>
internal static class FlatPlaneInputGradient
{
    /// <summary>Pixel vectors of a one-channel tile.</summary>
    private const int SingleVectors = 12;

    /// <summary>Pixel vectors of a two-channel tile.</summary>
    private const int PairVectors = 6;

    /// <summary>Input rows of a one-channel row tile (one vector of columns each).</summary>
    private const int TileRows = 12;

    [ThreadStatic]
    private static float[]? t_floats;

    [ThreadStatic]
    private static int[]? t_offsets;

    [ThreadStatic]
    private static int[]? t_columnOffsets;

    /// <summary>
/// Whether the kernel computes the input gradient of <paramref name="g"/>: stride 1, 1 to 4 input channels, at least 8
/// output channels, and padding on each side within the kernel's extent (every output row and column is some input's
/// window: the bottom and right padding are what the output's size implies, <c>OutHeight - InHeight - PadTop + (KH - 1) * dilH</c>).
/// </summary>
    public static bool Takes(in WindowGeometry g) =>
        g.StrideHeight == 1 && g.StrideWidth == 1
        && g.InChannels is >= 1 and <= 4 && g.OutChannels >= 8
        && g.OutHeight > 0 && g.OutWidth > 0 && g.InHeight * g.InWidth >= 64
        && g.PadTop <= (g.KernelHeight - 1) * g.DilationHeight && g.OutHeight <= g.InHeight + g.PadTop
        && g.PadLeft <= (g.KernelWidth - 1) * g.DilationWidth && g.OutWidth <= g.InWidth + g.PadLeft;

    /// <summary>Overwrites <paramref name="dx"/> with the input gradient of the batch, split by samples over the kernel team that <see cref="DataParallel{TNetwork}"/> lends, if any.</summary>
    public static void Compute(ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> dx, int batch, in WindowGeometry g)
    {
        KernelTeam? team = KernelTeam.Current;
        if (team is null || batch < 2 || !ConvolutionWork.WorthSplitting(g, batch))
        {
            ComputePart(weight, dz, dx, batch, g, 0, 1);
            return;
        }

        ConvolutionWork.OfThisThread.RunFlatPlaneInputGradient(team, weight, dz, dx, batch, g);
    }

    /// <summary>The input gradient of the samples of part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    internal static void ComputePart(ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> dx, int batch, in WindowGeometry g, int part, int parts)
    {
        int first = KernelTeam.Share(batch, part, parts), end = KernelTeam.Share(batch, part + 1, parts);
        if (first == end)
        {
            return;
        }

        switch (VectorWidth.For(g.InHeight * g.InWidth))
        {
            case 512: Compute<Vector512<float>, Width512>(weight, dz, dx, first, end, g); break;
            case 256: Compute<Vector256<float>, Width256>(weight, dz, dx, first, end, g); break;
            case 128: Compute<Vector128<float>, Width128>(weight, dz, dx, first, end, g); break;
            default: Compute<float, Width1>(weight, dz, dx, first, end, g); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<TVector, TWidth>(ReadOnlySpan<float> weight, ReadOnlySpan<float> dz, Span<float> dx, int firstSample, int endSample, in WindowGeometry g)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var s = new Sizes(g);
        int lanes = TWidth.Count;
        int terms = g.OutChannels * s.Kernel;
        // Scratch: the sample's bordered gradient planes, the computed input planes of a block (2 channels), the packed weights.
        int outputLength = (s.Flat + lanes + 15) / 16 * 16;
        int packedLength = g.InChannels * terms;
        Span<float> scratch = ThreadScratch.Of(ref t_floats, s.Bordered + 2 * outputLength + packedLength + 16);
        scratch = scratch.Slice(Width512.ToAlignment(ref MemoryMarshal.GetReference(scratch)));
        Span<float> bordered = scratch.Slice(0, s.Bordered);
        Span<float> computed = scratch.Slice(s.Bordered, 2 * outputLength);
        Span<float> packed = scratch.Slice(s.Bordered + 2 * outputLength, packedLength);
        Span<int> offsets = ThreadScratch.Of(ref t_offsets, terms);
        Pack(weight, packed, g, s);
        for (int oc = 0, t = 0; oc < g.OutChannels; oc++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                for (int kh = g.KernelHeight - 1; kh >= 0; kh--, t++)
                {
                    offsets[t] = oc * s.BorderedPlane + (g.KernelHeight - 1 - kh) * g.DilationHeight * s.RowWidth + (g.KernelWidth - 1 - kw) * g.DilationWidth;
                }
            }
        }

        bool rowTiles = RowTiles(g);
        Span<int> columns = ThreadScratch.Of(ref t_columnOffsets, g.OutChannels * g.KernelWidth);
        for (int oc = 0, q = 0; oc < g.OutChannels; oc++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++, q++)
            {
                columns[q] = oc * s.BorderedPlane + (g.KernelWidth - 1 - kw) * g.DilationWidth;
            }
        }

        bordered.Clear(); // the borders stay zero; each sample overwrites the inside
        ref float gradients = ref MemoryMarshal.GetReference(bordered);
        ref int termOffsets = ref MemoryMarshal.GetReference(offsets);
        ref int columnOffsets = ref MemoryMarshal.GetReference(columns);
        int inputPlane = g.InHeight * g.InWidth, rowBits = VectorWidth.For(g.InWidth);
        for (int n = firstSample; n < endSample; n++)
        {
            CopyInside(dz.Slice(n * g.OutputSize, g.OutputSize), bordered, g, s);
            for (int c = 0; c < g.InChannels;)
            {
                int channels = g.InChannels - c >= 2 ? 2 : 1;
                ref float weights = ref packed[c * terms];
                ref float output = ref MemoryMarshal.GetReference(computed);
                if (channels == 2)
                {
                    int span = PairVectors * lanes, p = 0;
                    for (; p + span <= s.Flat; p += span)
                    {
                        PairTile<TVector, TWidth>(ref Unsafe.Add(ref gradients, p), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, p), outputLength);
                    }

                    if (p < s.Flat && s.Flat >= span)
                    {
                        // A last tile that overlaps the one before it, with the same sums there: one vector at a time
                        // would run each pixel's sum as one dependent chain of fused multiply-adds, at their latency.
                        PairTile<TVector, TWidth>(ref Unsafe.Add(ref gradients, s.Flat - span), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, s.Flat - span), outputLength);
                        p = s.Flat;
                    }

                    for (; p < s.Flat; p += lanes)
                    {
                        int start = Math.Min(p, s.Flat - lanes); // overlaps its neighbour with the same sums
                        PairVector<TVector, TWidth>(ref Unsafe.Add(ref gradients, start), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, start), outputLength);
                    }
                }
                else if (rowTiles)
                {
                    for (int column = 0; column < s.RowWidth; column += lanes)
                    {
                        for (int row = 0; row < g.InHeight; row += TileRows)
                        {
                            int first = Math.Min(row, g.InHeight - TileRows); // the last tile overlaps the one before it, with the same sums
                            int at = first * s.RowWidth + column;
                            RowTile<TVector, TWidth>(ref Unsafe.Add(ref gradients, at), ref columnOffsets, g.OutChannels * g.KernelWidth, s.RowWidth, ref weights, ref Unsafe.Add(ref output, at));
                        }
                    }
                }
                else
                {
                    int span = SingleVectors * lanes, p = 0;
                    for (; p + span <= s.Flat; p += span)
                    {
                        SingleTile<TVector, TWidth>(ref Unsafe.Add(ref gradients, p), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, p));
                    }

                    if (p < s.Flat && s.Flat >= span)
                    {
                        SingleTile<TVector, TWidth>(ref Unsafe.Add(ref gradients, s.Flat - span), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, s.Flat - span));
                        p = s.Flat;
                    }

                    for (; p < s.Flat; p += lanes)
                    {
                        int start = Math.Min(p, s.Flat - lanes);
                        SingleVector<TVector, TWidth>(ref Unsafe.Add(ref gradients, start), ref termOffsets, terms, ref weights, ref Unsafe.Add(ref output, start));
                    }
                }

                for (int j = 0; j < channels; j++)
                {
                    ref float plane = ref MemoryMarshal.GetReference(dx.Slice(n * g.InputSize + (c + j) * inputPlane, inputPlane));
                    ref float rows = ref Unsafe.Add(ref output, j * outputLength);
                    for (int ih = 0; ih < g.InHeight; ih++)
                    {
                        FloatMoves.Move(ref Unsafe.Add(ref rows, ih * s.RowWidth), ref Unsafe.Add(ref plane, ih * g.InWidth), g.InWidth, rowBits);
                    }
                }

                c += channels;
            }
        }
    }

    // packed[c][term]: each input channel's weights in the terms' order (oc, kw, kh from the last kernel row to the
    // first); a pair tile reads channel c's and c + 1's.
    private static void Pack(ReadOnlySpan<float> weight, Span<float> packed, in WindowGeometry g, in Sizes s)
    {
        int t = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    for (int kh = g.KernelHeight - 1; kh >= 0; kh--)
                    {
                        packed[t++] = weight[((oc * g.InChannels + c) * g.KernelHeight + kh) * g.KernelWidth + kw];
                    }
                }
            }
        }
    }

    // The sample's output gradient, row by row, inside the zero borders of its planes.
    private static void CopyInside(ReadOnlySpan<float> gradient, Span<float> bordered, in WindowGeometry g, in Sizes s)
    {
        int bits = VectorWidth.For(g.OutWidth);
        ref float source = ref MemoryMarshal.GetReference(gradient.Slice(0, g.OutputSize));
        ref float inside = ref bordered[s.Top * s.RowWidth + s.Left];
        for (int oc = 0; oc < g.OutChannels; oc++)
        {
            ref float plane = ref Unsafe.Add(ref inside, oc * s.BorderedPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                FloatMoves.Move(ref Unsafe.Add(ref source, (oc * g.OutHeight + oh) * g.OutWidth), ref Unsafe.Add(ref plane, oh * s.RowWidth), g.OutWidth, bits);
            }
        }
    }

    // Row tiles share each load among the three kernel rows that read it: 3x3-row kernels without vertical dilation, on
    // maps of at least one tile's rows. The rule does not depend on the vector width.
    private static bool RowTiles(in WindowGeometry g) => g.KernelHeight == 3 && g.DilationHeight == 1 && g.InHeight >= TileRows;

    // 12 input rows x one vector of columns of one input channel, for 3-row kernels: for each (oc, kw), the 14 gradient
    // rows the tile's windows read are loaded once each, and row j feeds output row j with kernel row 2, row j - 1 with
    // kernel row 1 and row j - 2 with kernel row 0 (14 loads for 36 fused multiply-adds instead of 36 and 36); every
    // output row adds its terms in the terms' order, kernel rows last to first. `weights` holds, per (oc, kw), the
    // weights of kernel rows 2, 1, 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTile<TVector, TWidth>(ref float gradients, ref int columnOffsets, int columnTaps, int rowWidth, ref float weights, ref float output)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector a0 = TWidth.Broadcast(0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        nint step = rowWidth;
        ref float w = ref weights;
        for (int q = 0; q < columnTaps; q++)
        {
            ref float at = ref Unsafe.Add(ref gradients, Unsafe.Add(ref columnOffsets, q));
            TVector w2 = TWidth.Broadcast(w), w1 = TWidth.Broadcast(Unsafe.Add(ref w, 1)), w0 = TWidth.Broadcast(Unsafe.Add(ref w, 2));
            w = ref Unsafe.Add(ref w, 3);
            TVector v = TWidth.Load(ref at, 0);
            a0 = TWidth.MultiplyAdd(v, w2, a0);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a1 = TWidth.MultiplyAdd(v, w2, a1); a0 = TWidth.MultiplyAdd(v, w1, a0);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a2 = TWidth.MultiplyAdd(v, w2, a2); a1 = TWidth.MultiplyAdd(v, w1, a1); a0 = TWidth.MultiplyAdd(v, w0, a0);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a3 = TWidth.MultiplyAdd(v, w2, a3); a2 = TWidth.MultiplyAdd(v, w1, a2); a1 = TWidth.MultiplyAdd(v, w0, a1);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a4 = TWidth.MultiplyAdd(v, w2, a4); a3 = TWidth.MultiplyAdd(v, w1, a3); a2 = TWidth.MultiplyAdd(v, w0, a2);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a5 = TWidth.MultiplyAdd(v, w2, a5); a4 = TWidth.MultiplyAdd(v, w1, a4); a3 = TWidth.MultiplyAdd(v, w0, a3);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a6 = TWidth.MultiplyAdd(v, w2, a6); a5 = TWidth.MultiplyAdd(v, w1, a5); a4 = TWidth.MultiplyAdd(v, w0, a4);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a7 = TWidth.MultiplyAdd(v, w2, a7); a6 = TWidth.MultiplyAdd(v, w1, a6); a5 = TWidth.MultiplyAdd(v, w0, a5);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a8 = TWidth.MultiplyAdd(v, w2, a8); a7 = TWidth.MultiplyAdd(v, w1, a7); a6 = TWidth.MultiplyAdd(v, w0, a6);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a9 = TWidth.MultiplyAdd(v, w2, a9); a8 = TWidth.MultiplyAdd(v, w1, a8); a7 = TWidth.MultiplyAdd(v, w0, a7);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a10 = TWidth.MultiplyAdd(v, w2, a10); a9 = TWidth.MultiplyAdd(v, w1, a9); a8 = TWidth.MultiplyAdd(v, w0, a8);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a11 = TWidth.MultiplyAdd(v, w2, a11); a10 = TWidth.MultiplyAdd(v, w1, a10); a9 = TWidth.MultiplyAdd(v, w0, a9);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a11 = TWidth.MultiplyAdd(v, w1, a11); a10 = TWidth.MultiplyAdd(v, w0, a10);
            at = ref Unsafe.Add(ref at, step); v = TWidth.Load(ref at, 0);
            a11 = TWidth.MultiplyAdd(v, w0, a11);
        }

        nuint r = (nuint)rowWidth;
        TWidth.Store(a0, ref output, 0); TWidth.Store(a1, ref output, r); TWidth.Store(a2, ref output, 2 * r);
        TWidth.Store(a3, ref output, 3 * r); TWidth.Store(a4, ref output, 4 * r); TWidth.Store(a5, ref output, 5 * r);
        TWidth.Store(a6, ref output, 6 * r); TWidth.Store(a7, ref output, 7 * r); TWidth.Store(a8, ref output, 8 * r);
        TWidth.Store(a9, ref output, 9 * r); TWidth.Store(a10, ref output, 10 * r); TWidth.Store(a11, ref output, 11 * r);
    }

    // 12 vectors of one input channel's pixels = the sum over terms t of gradients[offset t + pixel] * weights[t].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SingleTile<TVector, TWidth>(ref float gradients, ref int offsets, int terms, ref float weights, ref float output)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint l = (nuint)TWidth.Count;
        TVector a0 = TWidth.Broadcast(0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int t = 0; t < terms; t++)
        {
            ref float at = ref Unsafe.Add(ref gradients, Unsafe.Add(ref offsets, t));
            TVector w = TWidth.Broadcast(Unsafe.Add(ref weights, t));
            a0 = TWidth.MultiplyAdd(TWidth.Load(ref at, 0), w, a0);
            a1 = TWidth.MultiplyAdd(TWidth.Load(ref at, l), w, a1);
            a2 = TWidth.MultiplyAdd(TWidth.Load(ref at, 2 * l), w, a2);
            a3 = TWidth.MultiplyAdd(TWidth.Load(ref at, 3 * l), w, a3);
            a4 = TWidth.MultiplyAdd(TWidth.Load(ref at, 4 * l), w, a4);
            a5 = TWidth.MultiplyAdd(TWidth.Load(ref at, 5 * l), w, a5);
            a6 = TWidth.MultiplyAdd(TWidth.Load(ref at, 6 * l), w, a6);
            a7 = TWidth.MultiplyAdd(TWidth.Load(ref at, 7 * l), w, a7);
            a8 = TWidth.MultiplyAdd(TWidth.Load(ref at, 8 * l), w, a8);
            a9 = TWidth.MultiplyAdd(TWidth.Load(ref at, 9 * l), w, a9);
            a10 = TWidth.MultiplyAdd(TWidth.Load(ref at, 10 * l), w, a10);
            a11 = TWidth.MultiplyAdd(TWidth.Load(ref at, 11 * l), w, a11);
        }

        TWidth.Store(a0, ref output, 0); TWidth.Store(a1, ref output, l); TWidth.Store(a2, ref output, 2 * l);
        TWidth.Store(a3, ref output, 3 * l); TWidth.Store(a4, ref output, 4 * l); TWidth.Store(a5, ref output, 5 * l);
        TWidth.Store(a6, ref output, 6 * l); TWidth.Store(a7, ref output, 7 * l); TWidth.Store(a8, ref output, 8 * l);
        TWidth.Store(a9, ref output, 9 * l); TWidth.Store(a10, ref output, 10 * l); TWidth.Store(a11, ref output, 11 * l);
    }

    // As SingleTile, one vector: the plane's vectors after its last whole tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SingleVector<TVector, TWidth>(ref float gradients, ref int offsets, int terms, ref float weights, ref float output)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector a = TWidth.Broadcast(0f);
        for (int t = 0; t < terms; t++)
        {
            a = TWidth.MultiplyAdd(TWidth.Load(ref gradients, (nuint)Unsafe.Add(ref offsets, t)), TWidth.Broadcast(Unsafe.Add(ref weights, t)), a);
        }

        TWidth.Store(a, ref output, 0);
    }

    // 6 vectors of two input channels' pixels (channel c's weights at weights[t], c + 1's at weights[terms + t]); the
    // second channel's outputs go `outputStride` floats after the first's.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PairTile<TVector, TWidth>(ref float gradients, ref int offsets, int terms, ref float weights, ref float output, int outputStride)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint l = (nuint)TWidth.Count;
        TVector a0 = TWidth.Broadcast(0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
        ref float second = ref Unsafe.Add(ref weights, terms);
        for (int t = 0; t < terms; t++)
        {
            ref float at = ref Unsafe.Add(ref gradients, Unsafe.Add(ref offsets, t));
            TVector wa = TWidth.Broadcast(Unsafe.Add(ref weights, t)), wb = TWidth.Broadcast(Unsafe.Add(ref second, t));
            TVector v = TWidth.Load(ref at, 0);
            a0 = TWidth.MultiplyAdd(v, wa, a0); b0 = TWidth.MultiplyAdd(v, wb, b0);
            v = TWidth.Load(ref at, l);
            a1 = TWidth.MultiplyAdd(v, wa, a1); b1 = TWidth.MultiplyAdd(v, wb, b1);
            v = TWidth.Load(ref at, 2 * l);
            a2 = TWidth.MultiplyAdd(v, wa, a2); b2 = TWidth.MultiplyAdd(v, wb, b2);
            v = TWidth.Load(ref at, 3 * l);
            a3 = TWidth.MultiplyAdd(v, wa, a3); b3 = TWidth.MultiplyAdd(v, wb, b3);
            v = TWidth.Load(ref at, 4 * l);
            a4 = TWidth.MultiplyAdd(v, wa, a4); b4 = TWidth.MultiplyAdd(v, wb, b4);
            v = TWidth.Load(ref at, 5 * l);
            a5 = TWidth.MultiplyAdd(v, wa, a5); b5 = TWidth.MultiplyAdd(v, wb, b5);
        }

        ref float next = ref Unsafe.Add(ref output, outputStride);
        TWidth.Store(a0, ref output, 0); TWidth.Store(a1, ref output, l); TWidth.Store(a2, ref output, 2 * l);
        TWidth.Store(a3, ref output, 3 * l); TWidth.Store(a4, ref output, 4 * l); TWidth.Store(a5, ref output, 5 * l);
        TWidth.Store(b0, ref next, 0); TWidth.Store(b1, ref next, l); TWidth.Store(b2, ref next, 2 * l);
        TWidth.Store(b3, ref next, 3 * l); TWidth.Store(b4, ref next, 4 * l); TWidth.Store(b5, ref next, 5 * l);
    }

    // As PairTile, one vector.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PairVector<TVector, TWidth>(ref float gradients, ref int offsets, int terms, ref float weights, ref float output, int outputStride)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        TVector a = TWidth.Broadcast(0f), b = a;
        ref float second = ref Unsafe.Add(ref weights, terms);
        for (int t = 0; t < terms; t++)
        {
            TVector v = TWidth.Load(ref gradients, (nuint)Unsafe.Add(ref offsets, t));
            a = TWidth.MultiplyAdd(v, TWidth.Broadcast(Unsafe.Add(ref weights, t)), a);
            b = TWidth.MultiplyAdd(v, TWidth.Broadcast(Unsafe.Add(ref second, t)), b);
        }

        TWidth.Store(a, ref output, 0);
        TWidth.Store(b, ref output, (nuint)outputStride);
    }

    /// <summary>Sizes derived from a stride-1 geometry.</summary>
    private readonly struct Sizes
    {
        public Sizes(in WindowGeometry g)
        {
            Kernel = g.KernelHeight * g.KernelWidth;
            Top = (g.KernelHeight - 1) * g.DilationHeight - g.PadTop;
            Left = (g.KernelWidth - 1) * g.DilationWidth - g.PadLeft;
            RowWidth = (g.InWidth + (g.KernelWidth - 1) * g.DilationWidth + 15) / 16 * 16;
            int rows = g.InHeight + (g.KernelHeight - 1) * g.DilationHeight;
            BorderedPlane = rows * RowWidth;
            Flat = g.InHeight * RowWidth;
            // The last plane's loads run up to (KW - 1) * dilW floats past it, in the dropped columns of its last row.
            Bordered = g.OutChannels * BorderedPlane + (g.KernelWidth - 1) * g.DilationWidth;
        }

        /// <summary>Taps per (input channel, output channel).</summary>
        public int Kernel { get; }

        /// <summary>Zero rows above the output gradient in its bordered plane.</summary>
        public int Top { get; }

        /// <summary>Zero columns left of the output gradient in its bordered plane.</summary>
        public int Left { get; }

        /// <summary>Floats per row of a bordered plane, and of the computed input plane: the input's width and the kernel's extent, in whole blocks of 16.</summary>
        public int RowWidth { get; }

        /// <summary>Floats per bordered plane.</summary>
        public int BorderedPlane { get; }

        /// <summary>Floats of an input plane computed at <see cref="RowWidth"/>: <c>InHeight * RowWidth</c>.</summary>
        public int Flat { get; }

        /// <summary>Floats of a sample's bordered planes, with the slack the last one's loads read.</summary>
        public int Bordered { get; }
    }
}
