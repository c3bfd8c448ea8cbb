using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Vectorized kernels of the fully connected layer over a batch, in PyTorch's layouts: <c>x</c> is
/// <c>[batch, in]</c>, <c>weight</c> is <c>[out, in]</c>, <c>y</c> is <c>[batch, out]</c>, all row-major.
/// Generated code calls them for layers above the unroll limit.
/// </summary>
public static class LinearKernels
{
    /// <summary><c>y = x W^T + b</c>. <paramref name="bias"/> may be empty for a layer without bias.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(x, y, weight, bias, batch, inFeatures, outFeatures);
        int blockedOutputs = 0;
        if (UseBlocked(inFeatures))
        {
            // Register-blocked: 4 samples x 4 outputs (16 accumulators, 8 loads per 16 FMAs), or 1 sample x 8 outputs for
            // the samples left over; the outputs beyond the last whole block of 4 go through the dot products below.
            blockedOutputs = outFeatures & ~3;
            ref float xRef = ref MemoryMarshal.GetReference(x);
            ref float wRef = ref MemoryMarshal.GetReference(weight);
            ref float yRef = ref MemoryMarshal.GetReference(y);
            int n = 0;
            for (; n + 4 <= batch; n += 4)
            {
                for (int o = 0; o < blockedOutputs; o += 4)
                {
                    Block4x4(ref xRef, ref wRef, ref yRef, n, o, inFeatures, outFeatures);
                }
            }

            for (; n < batch; n++)
            {
                int o = 0;
                for (; o + 8 <= blockedOutputs; o += 8)
                {
                    Block1x8(ref xRef, ref wRef, ref yRef, n, o, inFeatures, outFeatures);
                }

                for (; o < blockedOutputs; o++)
                {
                    y[n * outFeatures + o] = TensorPrimitives.Dot(weight.Slice(o * inFeatures, inFeatures), x.Slice(n * inFeatures, inFeatures));
                }
            }

            if (!bias.IsEmpty)
            {
                for (int m = 0; m < batch; m++)
                {
                    Span<float> yBlock = y.Slice(m * outFeatures, blockedOutputs);
                    TensorPrimitives.Add(yBlock, bias.Slice(0, blockedOutputs), yBlock);
                }
            }
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inFeatures, inFeatures);
            Span<float> yRow = y.Slice(n * outFeatures, outFeatures);
            for (int o = blockedOutputs; o < outFeatures; o++)
            {
                float dot = TensorPrimitives.Dot(weight.Slice(o * inFeatures, inFeatures), xRow);
                yRow[o] = bias.IsEmpty ? dot : bias[o] + dot;
            }
        }
    }

    // The blocked paths need 256-bit vectors (allowed by the tests' width switch) and rows of at least one vector.
    private static bool UseBlocked(int inFeatures) =>
        Vector256.IsHardwareAccelerated && ElementwiseKernels.MaximumVectorBits >= 256 && inFeatures >= Vector256<float>.Count;

    // y[n..n+4, o..o+4] = x[n..n+4, :] . W[o..o+4, :] (no bias): each loaded vector of x is used for 4 outputs, each of W for 4 samples.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4(ref float x, ref float w, ref float y, int n, int o, int inFeatures, int outFeatures)
    {
        ref float x0 = ref Unsafe.Add(ref x, n * inFeatures);
        ref float x1 = ref Unsafe.Add(ref x0, inFeatures);
        ref float x2 = ref Unsafe.Add(ref x1, inFeatures);
        ref float x3 = ref Unsafe.Add(ref x2, inFeatures);
        ref float w0 = ref Unsafe.Add(ref w, o * inFeatures);
        ref float w1 = ref Unsafe.Add(ref w0, inFeatures);
        ref float w2 = ref Unsafe.Add(ref w1, inFeatures);
        ref float w3 = ref Unsafe.Add(ref w2, inFeatures);
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        int i = 0;
        for (; i + 8 <= inFeatures; i += 8)
        {
            nuint at = (nuint)i;
            Vector256<float> a0 = Vector256.LoadUnsafe(ref x0, at), a1 = Vector256.LoadUnsafe(ref x1, at);
            Vector256<float> a2 = Vector256.LoadUnsafe(ref x2, at), a3 = Vector256.LoadUnsafe(ref x3, at);
            Vector256<float> b = Vector256.LoadUnsafe(ref w0, at);
            c00 = Vector256.FusedMultiplyAdd(a0, b, c00); c10 = Vector256.FusedMultiplyAdd(a1, b, c10);
            c20 = Vector256.FusedMultiplyAdd(a2, b, c20); c30 = Vector256.FusedMultiplyAdd(a3, b, c30);
            b = Vector256.LoadUnsafe(ref w1, at);
            c01 = Vector256.FusedMultiplyAdd(a0, b, c01); c11 = Vector256.FusedMultiplyAdd(a1, b, c11);
            c21 = Vector256.FusedMultiplyAdd(a2, b, c21); c31 = Vector256.FusedMultiplyAdd(a3, b, c31);
            b = Vector256.LoadUnsafe(ref w2, at);
            c02 = Vector256.FusedMultiplyAdd(a0, b, c02); c12 = Vector256.FusedMultiplyAdd(a1, b, c12);
            c22 = Vector256.FusedMultiplyAdd(a2, b, c22); c32 = Vector256.FusedMultiplyAdd(a3, b, c32);
            b = Vector256.LoadUnsafe(ref w3, at);
            c03 = Vector256.FusedMultiplyAdd(a0, b, c03); c13 = Vector256.FusedMultiplyAdd(a1, b, c13);
            c23 = Vector256.FusedMultiplyAdd(a2, b, c23); c33 = Vector256.FusedMultiplyAdd(a3, b, c33);
        }

        ref float y0 = ref Unsafe.Add(ref y, n * outFeatures + o);
        Store4(ref y0, c00, c01, c02, c03, ref x0, ref w0, ref w1, ref w2, ref w3, i, inFeatures);
        Store4(ref Unsafe.Add(ref y0, outFeatures), c10, c11, c12, c13, ref x1, ref w0, ref w1, ref w2, ref w3, i, inFeatures);
        Store4(ref Unsafe.Add(ref y0, 2 * outFeatures), c20, c21, c22, c23, ref x2, ref w0, ref w1, ref w2, ref w3, i, inFeatures);
        Store4(ref Unsafe.Add(ref y0, 3 * outFeatures), c30, c31, c32, c33, ref x3, ref w0, ref w1, ref w2, ref w3, i, inFeatures);
    }

    // Reduces one sample's 4 accumulators, adds the scalar tail [i, inFeatures) and stores the 4 outputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float y, Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, ref float xRow, ref float w0, ref float w1, ref float w2, ref float w3, int i, int inFeatures)
    {
        float s0 = Vector256.Sum(c0), s1 = Vector256.Sum(c1), s2 = Vector256.Sum(c2), s3 = Vector256.Sum(c3);
        for (; i < inFeatures; i++)
        {
            float v = Unsafe.Add(ref xRow, i);
            s0 += v * Unsafe.Add(ref w0, i);
            s1 += v * Unsafe.Add(ref w1, i);
            s2 += v * Unsafe.Add(ref w2, i);
            s3 += v * Unsafe.Add(ref w3, i);
        }

        y = s0;
        Unsafe.Add(ref y, 1) = s1;
        Unsafe.Add(ref y, 2) = s2;
        Unsafe.Add(ref y, 3) = s3;
    }

    // y[n, o..o+8] = x[n, :] . W[o..o+8, :] (no bias): one load of x serves 8 output rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x8(ref float x, ref float w, ref float y, int n, int o, int inFeatures, int outFeatures)
    {
        ref float xRow = ref Unsafe.Add(ref x, n * inFeatures);
        ref float w0 = ref Unsafe.Add(ref w, o * inFeatures);
        ref float w1 = ref Unsafe.Add(ref w0, inFeatures);
        ref float w2 = ref Unsafe.Add(ref w1, inFeatures);
        ref float w3 = ref Unsafe.Add(ref w2, inFeatures);
        ref float w4 = ref Unsafe.Add(ref w3, inFeatures);
        ref float w5 = ref Unsafe.Add(ref w4, inFeatures);
        ref float w6 = ref Unsafe.Add(ref w5, inFeatures);
        ref float w7 = ref Unsafe.Add(ref w6, inFeatures);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        int i = 0;
        for (; i + 8 <= inFeatures; i += 8)
        {
            nuint at = (nuint)i;
            Vector256<float> a = Vector256.LoadUnsafe(ref xRow, at);
            c0 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w0, at), c0);
            c1 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w1, at), c1);
            c2 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w2, at), c2);
            c3 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w3, at), c3);
            c4 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w4, at), c4);
            c5 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w5, at), c5);
            c6 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w6, at), c6);
            c7 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref w7, at), c7);
        }

        ref float y0 = ref Unsafe.Add(ref y, n * outFeatures + o);
        Store4(ref y0, c0, c1, c2, c3, ref xRow, ref w0, ref w1, ref w2, ref w3, i, inFeatures);
        Store4(ref Unsafe.Add(ref y0, 4), c4, c5, c6, c7, ref xRow, ref w4, ref w5, ref w6, ref w7, i, inFeatures);
    }

    /// <summary>
    /// The gradient with respect to the input, <c>dx = dz W</c>, overwriting <paramref name="dx"/>
    /// (<c>[batch, in]</c>); <paramref name="dz"/> is the gradient with respect to the layer's pre-activation output.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dz, ReadOnlySpan<float> weight, Span<float> dx, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(dx, dz, weight, ReadOnlySpan<float>.Empty, batch, inFeatures, outFeatures);
        for (int n = 0; n < batch; n++)
        {
            Span<float> dxRow = dx.Slice(n * inFeatures, inFeatures);
            ReadOnlySpan<float> dzRow = dz.Slice(n * outFeatures, outFeatures);
            dxRow.Clear();
            for (int o = 0; o < outFeatures; o++)
            {
                TensorPrimitives.MultiplyAdd(weight.Slice(o * inFeatures, inFeatures), dzRow[o], dxRow, dxRow);
            }
        }
    }

    /// <summary>
    /// Adds the parameter gradients of a batch: <c>dW += dz^T x</c> and <c>db += sum over the batch of dz</c>.
    /// <paramref name="biasGradient"/> may be empty for a layer without bias.
    /// </summary>
    public static void AccumulateParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, int batch, int inFeatures, int outFeatures)
    {
        CheckLengths(x, dz, weightGradient, biasGradient, batch, inFeatures, outFeatures);
        int blockedOutputs = 0;
        if (UseBlocked(inFeatures) && batch > 1)
        {
            // Register-blocked over the batch: a 4-output x 16-input tile of dW stays in 8 accumulators while every
            // sample is added, so dW is read and written once per call instead of once per sample.
            blockedOutputs = outFeatures & ~3;
            ref float xRef = ref MemoryMarshal.GetReference(x);
            ref float dzRef = ref MemoryMarshal.GetReference(dz);
            ref float gRef = ref MemoryMarshal.GetReference(weightGradient);
            for (int o = 0; o < blockedOutputs; o += 4)
            {
                GradientTile(ref xRef, ref dzRef, ref gRef, o, batch, inFeatures, outFeatures);
            }

            if (!biasGradient.IsEmpty)
            {
                for (int n = 0; n < batch; n++)
                {
                    Span<float> head = biasGradient.Slice(0, blockedOutputs);
                    TensorPrimitives.Add(head, dz.Slice(n * outFeatures, blockedOutputs), head);
                }
            }
        }

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inFeatures, inFeatures);
            ReadOnlySpan<float> dzRow = dz.Slice(n * outFeatures, outFeatures);
            for (int o = blockedOutputs; o < outFeatures; o++)
            {
                Span<float> gradientRow = weightGradient.Slice(o * inFeatures, inFeatures);
                TensorPrimitives.MultiplyAdd(xRow, dzRow[o], gradientRow, gradientRow);
            }

            if (!biasGradient.IsEmpty)
            {
                Span<float> tail = biasGradient.Slice(blockedOutputs);
                TensorPrimitives.Add(tail, dzRow.Slice(blockedOutputs), tail);
            }
        }
    }

    // dW[o..o+4, :] += dz[:, o..o+4]^T x over the whole batch, 16 inputs (two vectors) at a time, then 8, then scalars.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientTile(ref float x, ref float dz, ref float g, int o, int batch, int inFeatures, int outFeatures)
    {
        ref float g0 = ref Unsafe.Add(ref g, o * inFeatures);
        ref float g1 = ref Unsafe.Add(ref g0, inFeatures);
        ref float g2 = ref Unsafe.Add(ref g1, inFeatures);
        ref float g3 = ref Unsafe.Add(ref g2, inFeatures);
        ref float d = ref Unsafe.Add(ref dz, o);
        int i = 0;
        for (; i + 16 <= inFeatures; i += 16)
        {
            nuint at = (nuint)i, at8 = (nuint)(i + 8);
            Vector256<float> a0 = Vector256.LoadUnsafe(ref g0, at), b0 = Vector256.LoadUnsafe(ref g0, at8);
            Vector256<float> a1 = Vector256.LoadUnsafe(ref g1, at), b1 = Vector256.LoadUnsafe(ref g1, at8);
            Vector256<float> a2 = Vector256.LoadUnsafe(ref g2, at), b2 = Vector256.LoadUnsafe(ref g2, at8);
            Vector256<float> a3 = Vector256.LoadUnsafe(ref g3, at), b3 = Vector256.LoadUnsafe(ref g3, at8);
            for (int n = 0; n < batch; n++)
            {
                ref float xRow = ref Unsafe.Add(ref x, n * inFeatures);
                ref float dRow = ref Unsafe.Add(ref d, n * outFeatures);
                Vector256<float> u = Vector256.LoadUnsafe(ref xRow, at), v = Vector256.LoadUnsafe(ref xRow, at8);
                Vector256<float> s = Vector256.Create(dRow);
                a0 = Vector256.FusedMultiplyAdd(u, s, a0); b0 = Vector256.FusedMultiplyAdd(v, s, b0);
                s = Vector256.Create(Unsafe.Add(ref dRow, 1));
                a1 = Vector256.FusedMultiplyAdd(u, s, a1); b1 = Vector256.FusedMultiplyAdd(v, s, b1);
                s = Vector256.Create(Unsafe.Add(ref dRow, 2));
                a2 = Vector256.FusedMultiplyAdd(u, s, a2); b2 = Vector256.FusedMultiplyAdd(v, s, b2);
                s = Vector256.Create(Unsafe.Add(ref dRow, 3));
                a3 = Vector256.FusedMultiplyAdd(u, s, a3); b3 = Vector256.FusedMultiplyAdd(v, s, b3);
            }

            a0.StoreUnsafe(ref g0, at); b0.StoreUnsafe(ref g0, at8);
            a1.StoreUnsafe(ref g1, at); b1.StoreUnsafe(ref g1, at8);
            a2.StoreUnsafe(ref g2, at); b2.StoreUnsafe(ref g2, at8);
            a3.StoreUnsafe(ref g3, at); b3.StoreUnsafe(ref g3, at8);
        }

        for (; i + 8 <= inFeatures; i += 8)
        {
            nuint at = (nuint)i;
            Vector256<float> a0 = Vector256.LoadUnsafe(ref g0, at), a1 = Vector256.LoadUnsafe(ref g1, at);
            Vector256<float> a2 = Vector256.LoadUnsafe(ref g2, at), a3 = Vector256.LoadUnsafe(ref g3, at);
            for (int n = 0; n < batch; n++)
            {
                ref float dRow = ref Unsafe.Add(ref d, n * outFeatures);
                Vector256<float> u = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, n * inFeatures), at);
                a0 = Vector256.FusedMultiplyAdd(u, Vector256.Create(dRow), a0);
                a1 = Vector256.FusedMultiplyAdd(u, Vector256.Create(Unsafe.Add(ref dRow, 1)), a1);
                a2 = Vector256.FusedMultiplyAdd(u, Vector256.Create(Unsafe.Add(ref dRow, 2)), a2);
                a3 = Vector256.FusedMultiplyAdd(u, Vector256.Create(Unsafe.Add(ref dRow, 3)), a3);
            }

            a0.StoreUnsafe(ref g0, at);
            a1.StoreUnsafe(ref g1, at);
            a2.StoreUnsafe(ref g2, at);
            a3.StoreUnsafe(ref g3, at);
        }

        for (; i < inFeatures; i++)
        {
            float s0 = Unsafe.Add(ref g0, i), s1 = Unsafe.Add(ref g1, i), s2 = Unsafe.Add(ref g2, i), s3 = Unsafe.Add(ref g3, i);
            for (int n = 0; n < batch; n++)
            {
                float v = Unsafe.Add(ref x, n * inFeatures + i);
                ref float dRow = ref Unsafe.Add(ref d, n * outFeatures);
                s0 += v * dRow;
                s1 += v * Unsafe.Add(ref dRow, 1);
                s2 += v * Unsafe.Add(ref dRow, 2);
                s3 += v * Unsafe.Add(ref dRow, 3);
            }

            Unsafe.Add(ref g0, i) = s0;
            Unsafe.Add(ref g1, i) = s1;
            Unsafe.Add(ref g2, i) = s2;
            Unsafe.Add(ref g3, i) = s3;
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
