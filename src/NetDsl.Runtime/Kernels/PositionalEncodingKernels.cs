using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NetDsl.Generated;

/// <summary>Adds a position table <c>[T, E]</c> to every sample of a batch of sequences <c>[batch, T, E]</c>, and its gradients.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PositionalEncodingKernels
{
    private static readonly ConcurrentDictionary<(int Steps, int Features), float[]> s_sinusoids = new();

    /// <summary>
    /// The sinusoidal table <c>[T, E]</c>: <c>sin(t w_i)</c> at even features <c>2i</c> and <c>cos(t w_i)</c> at odd ones, with
    /// <c>w_i = 10000^(-2i/E)</c>, computed in double precision and rounded once; made on first use per shape and shared.
    /// </summary>
    public static ReadOnlySpan<float> Sinusoids(int steps, int features) => s_sinusoids.GetOrAdd((steps, features), static key =>
    {
        var table = new float[key.Steps * key.Features];
        for (int t = 0; t < key.Steps; t++)
        {
            for (int f = 0; f < key.Features; f++)
            {
                double frequency = Math.Pow(10000.0, -(f - (f % 2)) / (double)key.Features);
                table[(t * key.Features) + f] = (float)(f % 2 == 0 ? Math.Sin(t * frequency) : Math.Cos(t * frequency));
            }
        }

        return table;
    });

    /// <summary><c>y[n] = x[n] + table</c>.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> table, Span<float> y, int batch, int size)
    {
        Check(x.Length, y.Length, table.Length, batch, size);
        for (int n = 0; n < batch; n++)
        {
            TensorPrimitives.Add(x.Slice(n * size, size), table.Slice(0, size), y.Slice(n * size, size));
        }
    }

    /// <summary>
    /// <c>dx = dy</c> (unless <paramref name="dx"/> is empty) and, for a learned table, <c>dtable += sum over the batch of dy</c>
    /// (unless <paramref name="tableGradient"/> is empty), summed in sample order.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, Span<float> tableGradient, Span<float> dx, int batch, int size)
    {
        Check(dy.Length, dx.IsEmpty ? dy.Length : dx.Length, tableGradient.IsEmpty ? size : tableGradient.Length, batch, size);
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> sample = dy.Slice(n * size, size);
            if (!tableGradient.IsEmpty)
            {
                TensorPrimitives.Add(tableGradient.Slice(0, size), sample, tableGradient.Slice(0, size));
            }

            if (!dx.IsEmpty)
            {
                sample.CopyTo(dx.Slice(n * size, size));
            }
        }
    }

    private static void Check(int inputLength, int outputLength, int tableLength, int batch, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputLength < (long)batch * size || outputLength < (long)batch * size || tableLength < size)
        {
            throw new ArgumentException($"A positional encoding of {size} floats per sample needs {(long)batch * size} floats in and out and a table of {size}, but got {inputLength}, {outputLength} and {tableLength}.");
        }
    }
}
