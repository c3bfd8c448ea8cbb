using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Vectorized kernels of the fully connected layer over a batch, in PyTorch's layouts: <c>x</c> is
/// <c>[batch, in]</c>, <c>weight</c> is <c>[out, in]</c>, <c>y</c> is <c>[batch, out]</c>, all row-major.
/// Generated code calls them for layers above the unroll limit. They allocate nothing.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class LinearKernels
{
    /// <summary>
    /// <c>y = x W^T + b</c>. <paramref name="bias"/> may be empty for a layer without bias. Large layers split over the
    /// kernel team that <see cref="DataParallel{TNetwork}"/> lends, if any (see <see cref="LinearWork"/>).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(x, y, weight, bias, batch, inFeatures, outFeatures);
        if (LinearWork.TeamFor(batch, inFeatures, outFeatures) is { } team)
        {
            LinearWork.OfThisThread.RunForward(team, x, weight, bias, y, batch, inFeatures, outFeatures);
            return;
        }

        ForwardPart(x, weight, bias, y, batch, inFeatures, outFeatures, 0, 1);
    }

    /// <summary>
    /// The forward pass's part <paramref name="part"/> of <paramref name="parts"/>: groups of 4 samples (the tiles' rows,
    /// so every sample takes the tile it takes in the whole pass), or for one sample groups of 4 outputs.
    /// </summary>
    internal static void ForwardPart(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, int inFeatures, int outFeatures, int part, int parts)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float wRef = ref MemoryMarshal.GetReference(weight);
        ref float bRef = ref MemoryMarshal.GetReference(bias);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        bool hasBias = !bias.IsEmpty;
        if (parts > 1)
        {
            if (batch == 1)
            {
                int groups = (outFeatures + 3) / 4;
                int first = 4 * KernelTeam.Share(groups, part, parts), end = Math.Min(outFeatures, 4 * KernelTeam.Share(groups, part + 1, parts));
                if (first >= end)
                {
                    return;
                }

                wRef = ref Unsafe.Add(ref wRef, first * inFeatures);
                bRef = ref hasBias ? ref Unsafe.Add(ref bRef, first) : ref bRef;
                yRef = ref Unsafe.Add(ref yRef, first);
                outFeatures = end - first;
            }
            else
            {
                int groups = (batch + 3) / 4;
                int first = 4 * KernelTeam.Share(groups, part, parts), end = Math.Min(batch, 4 * KernelTeam.Share(groups, part + 1, parts));
                if (first >= end)
                {
                    return;
                }

                xRef = ref Unsafe.Add(ref xRef, first * inFeatures);
                yRef = ref Unsafe.Add(ref yRef, first * outFeatures);
                batch = end - first;
            }
        }

        switch (VectorWidth.For(inFeatures))
        {
            case 512:
                ForwardTiles<Vector512<float>, Width512>(ref xRef, ref wRef, ref bRef, hasBias, ref yRef, batch, inFeatures, outFeatures);
                break;
            case 256:
                ForwardTiles<Vector256<float>, Width256>(ref xRef, ref wRef, ref bRef, hasBias, ref yRef, batch, inFeatures, outFeatures);
                break;
            case 128:
                ForwardTiles<Vector128<float>, Width128>(ref xRef, ref wRef, ref bRef, hasBias, ref yRef, batch, inFeatures, outFeatures);
                break;
            default:
                ForwardTiles<float, Width1>(ref xRef, ref wRef, ref bRef, hasBias, ref yRef, batch, inFeatures, outFeatures);
                break;
        }
    }

    /// <summary>
    /// The gradient with respect to the input, <c>dx = dz W</c>, overwriting <paramref name="dx"/>
    /// (<c>[batch, in]</c>); <paramref name="dz"/> is the gradient with respect to the layer's pre-activation output.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dz, ReadOnlySpan<float> weight, Span<float> dx, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(dx, dz, weight, ReadOnlySpan<float>.Empty, batch, inFeatures, outFeatures);
        if (batch > 1 && LinearWork.TeamFor(batch, inFeatures, outFeatures) is { } team)
        {
            LinearWork.OfThisThread.RunBackwardInput(team, dz, weight, dx, batch, inFeatures, outFeatures);
            return;
        }

        BackwardInputPart(dz, weight, dx, batch, inFeatures, outFeatures, 0, 1);
    }

    /// <summary>The input gradient of the samples of part <paramref name="part"/> of <paramref name="parts"/> (each output is one chain in depth order, whatever the rows around it).</summary>
    internal static void BackwardInputPart(ReadOnlySpan<float> dz, ReadOnlySpan<float> weight, Span<float> dx, int batch, int inFeatures, int outFeatures, int part, int parts)
    {
        int first = KernelTeam.Share(batch, part, parts), end = KernelTeam.Share(batch, part + 1, parts);
        if (first == end)
        {
            return;
        }

        // dx[n, i] = sum over o of dz[n, o] W[o, i]: rows n, depth o.
        Broadcast(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), first * outFeatures), outFeatures, 1,
            ref MemoryMarshal.GetReference(weight), inFeatures,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), first * inFeatures), inFeatures,
            end - first, inFeatures, outFeatures, accumulate: false);
    }

    /// <summary>
    /// <see cref="BackwardInput"/> for <paramref name="rows"/> rows of <paramref name="dz"/> that are
    /// <paramref name="dzRowStride"/> floats apart (a recurrent layer's gates of one step in each sample of a batch), into
    /// <paramref name="dx"/> <c>[rows, in]</c>. Each output is the same chain as <see cref="BackwardInput"/>'s.
    /// </summary>
    internal static void BackwardInputRows(ReadOnlySpan<float> dz, int dzRowStride, ReadOnlySpan<float> weight, Span<float> dx, int rows, int inFeatures, int outFeatures)
    {
        if (rows <= 0)
        {
            return;
        }

        if (dzRowStride < outFeatures || dz.Length < ((long)(rows - 1) * dzRowStride) + outFeatures || weight.Length < (long)inFeatures * outFeatures || dx.Length < (long)rows * inFeatures)
        {
            throw new ArgumentException($"The strided input-gradient product of {rows} rows got spans of {dz.Length}, {weight.Length} and {dx.Length} floats.");
        }

        Broadcast(
            ref MemoryMarshal.GetReference(dz), dzRowStride, 1,
            ref MemoryMarshal.GetReference(weight), inFeatures,
            ref MemoryMarshal.GetReference(dx), inFeatures,
            rows, inFeatures, outFeatures, accumulate: false);
    }

    /// <summary>
    /// Adds the parameter gradients of a batch: <c>dW += dz^T x</c> and <c>db += sum over the batch of dz</c>.
    /// <paramref name="biasGradient"/> may be empty for a layer without bias.
    /// </summary>
    public static void AccumulateParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures);
        if (LinearWork.TeamFor(batch, inFeatures, outFeatures) is { } team)
        {
            LinearWork.OfThisThread.RunParameterGradients(team, x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures);
            return;
        }

        ParameterGradientsPart(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures, 0, 1);
    }

    /// <summary>
    /// The parameter gradients of the outputs of part <paramref name="part"/> of <paramref name="parts"/>: rows of the
    /// weight gradient (each one chain per weight over the samples in order) and their bias entries.
    /// </summary>
    internal static void ParameterGradientsPart(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, int inFeatures, int outFeatures, int part, int parts)
    {
        int first = KernelTeam.Share(outFeatures, part, parts), end = KernelTeam.Share(outFeatures, part + 1, parts);
        if (first == end)
        {
            return;
        }

        // dW[o, i] += sum over n of dz[n, o] x[n, i]: rows o, depth n (dz read transposed). dW is read and written once.
        Broadcast(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(dz), first), 1, outFeatures,
            ref MemoryMarshal.GetReference(x), inFeatures,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(weightGradient), first * inFeatures), inFeatures,
            end - first, inFeatures, batch, accumulate: true);

        if (!biasGradient.IsEmpty)
        {
            AddRows(dz.Slice(first), outFeatures, biasGradient.Slice(first, end - first), batch, end - first);
        }
    }

    /// <summary>
    /// <c>sum += dz[0] + dz[1] + ...</c>, the rows of <paramref name="dz"/> (<paramref name="stride"/> floats apart) added one after another to each element (the
    /// order of a row-by-row <c>TensorPrimitives.Add</c>), with a block of elements held in registers over all rows.
    /// </summary>
    private static void AddRows(ReadOnlySpan<float> dz, int stride, Span<float> sum, int rows, int width)
    {
        ref float d = ref MemoryMarshal.GetReference(dz);
        ref float s = ref MemoryMarshal.GetReference(sum);
        int j = 0;
        switch (VectorWidth.For(width))
        {
            case 512:
                j = AddRows<Vector512<float>, Width512>(ref d, stride, ref s, rows, width);
                break;
            case 256:
                j = AddRows<Vector256<float>, Width256>(ref d, stride, ref s, rows, width);
                break;
            case 128:
                j = AddRows<Vector128<float>, Width128>(ref d, stride, ref s, rows, width);
                break;
        }

        for (; j < width; j++)
        {
            float total = Unsafe.Add(ref s, j);
            for (int n = 0; n < rows; n++)
            {
                total += Unsafe.Add(ref d, (n * stride) + j);
            }

            Unsafe.Add(ref s, j) = total;
        }
    }

    /// <summary>Whole vectors of <see cref="AddRows"/>, four at a time then one; returns the first element not done.</summary>
    private static int AddRows<TVector, TWidth>(ref float d, int stride, ref float s, int rows, int width)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        nuint count = (nuint)TWidth.Count;
        int j = 0;
        for (; j + (4 * TWidth.Count) <= width; j += 4 * TWidth.Count)
        {
            nuint at = (nuint)j;
            TVector s0 = TWidth.Load(ref s, at), s1 = TWidth.Load(ref s, at + count), s2 = TWidth.Load(ref s, at + (2 * count)), s3 = TWidth.Load(ref s, at + (3 * count));
            for (int n = 0; n < rows; n++)
            {
                nuint row = (nuint)(n * stride) + at;
                s0 = TWidth.Add(s0, TWidth.Load(ref d, row));
                s1 = TWidth.Add(s1, TWidth.Load(ref d, row + count));
                s2 = TWidth.Add(s2, TWidth.Load(ref d, row + (2 * count)));
                s3 = TWidth.Add(s3, TWidth.Load(ref d, row + (3 * count)));
            }

            TWidth.Store(s0, ref s, at);
            TWidth.Store(s1, ref s, at + count);
            TWidth.Store(s2, ref s, at + (2 * count));
            TWidth.Store(s3, ref s, at + (3 * count));
        }

        for (; j + TWidth.Count <= width; j += TWidth.Count)
        {
            nuint at = (nuint)j;
            TVector s0 = TWidth.Load(ref s, at);
            for (int n = 0; n < rows; n++)
            {
                s0 = TWidth.Add(s0, TWidth.Load(ref d, (nuint)(n * stride) + at));
            }

            TWidth.Store(s0, ref s, at);
        }

        return j;
    }

    /// <summary>
    /// <c>c[r, j] += sum over k of a[r * aRowStride + k] b[k, j]</c> for <paramref name="rows"/> rows of
    /// <paramref name="columns"/>, each output one chain of fused multiply-adds from its value in depth order (the
    /// recurrent layers' per-step product for a group of samples, <see cref="RecurrentProduct.ComputeGroup"/>).
    /// <paramref name="aRowStride"/> may be 0: every row reads the same <c>a</c>.
    /// </summary>
    internal static void AccumulateRowProducts(ReadOnlySpan<float> a, int aRowStride, ReadOnlySpan<float> b, Span<float> c, int rows, int columns, int depth)
    {
        if (rows <= 0)
        {
            return;
        }

        if (aRowStride < 0 || a.Length < ((long)(rows - 1) * aRowStride) + depth || b.Length < (long)depth * columns || c.Length < (long)rows * columns)
        {
            throw new ArgumentException($"The row products of {rows} rows, depth {depth} and {columns} columns got spans of {a.Length}, {b.Length} and {c.Length} floats.");
        }

        Broadcast(
            ref MemoryMarshal.GetReference(a), aRowStride, 1,
            ref MemoryMarshal.GetReference(b), columns,
            ref MemoryMarshal.GetReference(c), columns,
            rows, columns, depth, accumulate: true);
    }

    private static void Broadcast(ref float a, int aRowStride, int aDepthStride, ref float b, int bStride, ref float c, int cStride, int rows, int columns, int depth, bool accumulate)
    {
        switch (VectorWidth.For(columns))
        {
            case 512:
                BroadcastTiles<Vector512<float>, Width512>(ref a, aRowStride, aDepthStride, ref b, bStride, ref c, cStride, rows, columns, depth, accumulate);
                break;
            case 256:
                BroadcastTiles<Vector256<float>, Width256>(ref a, aRowStride, aDepthStride, ref b, bStride, ref c, cStride, rows, columns, depth, accumulate);
                break;
            case 128:
                BroadcastTiles<Vector128<float>, Width128>(ref a, aRowStride, aDepthStride, ref b, bStride, ref c, cStride, rows, columns, depth, accumulate);
                break;
            default:
                BroadcastTiles<float, Width1>(ref a, aRowStride, aDepthStride, ref b, bStride, ref c, cStride, rows, columns, depth, accumulate);
                break;
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> inputSide, ReadOnlySpan<float> outputSide, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch, int inFeatures, int outFeatures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Require(inputSide.Length, (long)batch * inFeatures, "input-side", "batch * inFeatures");
        Require(outputSide.Length, (long)batch * outFeatures, "output-side", "batch * outFeatures");
        Require(weight.Length, (long)inFeatures * outFeatures, "weight", "outFeatures * inFeatures");
        if (!bias.IsEmpty)
        {
            Require(bias.Length, outFeatures, "bias", "outFeatures");
        }
    }

    private static void Require(int actual, long expected, string what, string formula)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"The {what} span holds {actual} floats, but {formula} = {expected} are needed.");
        }
    }
}
