using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NetDsl.Generated;

/// <summary>
/// The embedding layer over a batch: <c>x</c> holds <c>[batch, T]</c> token indices (whole numbers stored as floats),
/// <c>weight</c> is <c>[V, D]</c>, <c>y</c> is <c>[batch, T, D]</c>. Every index is checked before it is read.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EmbeddingKernels
{
    /// <summary><c>y[n, t] = weight[x[n, t]]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a whole number in <c>[0, V)</c>; the message names it, its sample and position.</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, int batch, int steps, int vocabulary, int dimension)
    {
        CheckLengths(x.Length, y.Length, weight.Length, batch, steps, vocabulary, dimension, "output");
        for (int n = 0; n < batch; n++)
        {
            for (int t = 0; t < steps; t++)
            {
                int index = Index(x, n, t, steps, vocabulary);
                weight.Slice(index * dimension, dimension).CopyTo(y.Slice(((n * steps) + t) * dimension, dimension));
            }
        }
    }

    /// <summary>
    /// Adds <c>dy[n, t]</c> to row <c>x[n, t]</c> of <paramref name="weightGradient"/> (except the padding row, as
    /// PyTorch), and zeroes <paramref name="dx"/> unless it is empty: indices have no gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, Span<float> dx, int batch, int steps, int vocabulary, int dimension, int paddingIndex)
    {
        CheckLengths(x.Length, dy.Length, weightGradient.Length, batch, steps, vocabulary, dimension, "output gradient");
        for (int n = 0; n < batch; n++)
        {
            for (int t = 0; t < steps; t++)
            {
                int index = Index(x, n, t, steps, vocabulary);
                if (index != paddingIndex)
                {
                    Span<float> row = weightGradient.Slice(index * dimension, dimension);
                    TensorPrimitives.Add(row, dy.Slice(((n * steps) + t) * dimension, dimension), row);
                }
            }
        }

        if (!dx.IsEmpty)
        {
            dx.Slice(0, batch * steps).Clear();
        }
    }

    private static int Index(ReadOnlySpan<float> x, int n, int t, int steps, int vocabulary)
    {
        float value = x[(n * steps) + t];
        if (!(value >= 0 && value < vocabulary) || value != MathF.Floor(value))
        {
            throw new ArgumentOutOfRangeException(
                nameof(x),
                value,
                $"Token index {value} at position {t} of sample {n} is not an index of the embedding's vocabulary of {vocabulary}: expected a whole number in [0, {vocabulary}).");
        }

        return (int)value;
    }

    private static void CheckLengths(int inputLength, int outputLength, int weightLength, int batch, int steps, int vocabulary, int dimension, string output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputLength < (long)batch * steps || outputLength < (long)batch * steps * dimension || weightLength < (long)vocabulary * dimension)
        {
            throw new ArgumentException(
                $"The embedding needs {(long)batch * steps} indices, {(long)batch * steps * dimension} floats of {output} and a weight of {(long)vocabulary * dimension}, but got {inputLength}, {outputLength} and {weightLength}.");
        }
    }
}
