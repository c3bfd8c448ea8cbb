using System;
using System.Numerics.Tensors;

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
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inFeatures, inFeatures);
            Span<float> yRow = y.Slice(n * outFeatures, outFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                float dot = TensorPrimitives.Dot(weight.Slice(o * inFeatures, inFeatures), xRow);
                yRow[o] = bias.IsEmpty ? dot : bias[o] + dot;
            }
        }
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
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inFeatures, inFeatures);
            ReadOnlySpan<float> dzRow = dz.Slice(n * outFeatures, outFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                Span<float> gradientRow = weightGradient.Slice(o * inFeatures, inFeatures);
                TensorPrimitives.MultiplyAdd(xRow, dzRow[o], gradientRow, gradientRow);
            }

            if (!biasGradient.IsEmpty)
            {
                TensorPrimitives.Add(biasGradient, dzRow, biasGradient);
            }
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
