using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetDsl.Generated;

/// <summary>The scans behind <see cref="NumericChecks"/>: generated code calls them while checks are enabled.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FiniteCheck
{
    /// <summary>Throws at the first non-finite value of a batch of <paramref name="width"/> floats per sample.</summary>
    /// <exception cref="NonFiniteValueException">A value is NaN or infinite.</exception>
    public static void Samples(ReadOnlySpan<float> values, int width, string network, string location)
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0)
        {
            throw new NonFiniteValueException(network, location, index / width, index % width, values[index]);
        }
    }

    /// <summary>
    /// <see cref="Samples"/> for channels-last samples (<c>[positions, channels]</c> each): names the first non-finite value
    /// in the planar order (<c>[channels, positions]</c>) that the sample's public layout has, so the index a message
    /// gives does not depend on how generated code laid the activations out.
    /// </summary>
    /// <exception cref="NonFiniteValueException">A value is NaN or infinite.</exception>
    public static void ChannelsLastSamples(ReadOnlySpan<float> values, int channels, int positions, string network, string location)
    {
        int index = IndexOfNonFinite(values);
        if (index < 0)
        {
            return;
        }

        int width = channels * positions;
        int sample = index / width;
        ReadOnlySpan<float> rows = values.Slice(sample * width, width);
        int first = int.MaxValue;
        for (int i = index % width; i < width; i++)
        {
            if (!float.IsFinite(rows[i]))
            {
                first = Math.Min(first, i % channels * positions + i / channels);
            }
        }

        throw new NonFiniteValueException(network, location, sample, first, rows[first % positions * channels + first / positions]);
    }

    /// <summary>Throws at the first non-finite value of a tensor that belongs to no sample (a parameter gradient).</summary>
    /// <exception cref="NonFiniteValueException">A value is NaN or infinite.</exception>
    public static void Tensor(ReadOnlySpan<float> values, string network, string location)
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0)
        {
            throw new NonFiniteValueException(network, location, -1, index, values[index]);
        }
    }

    /// <summary>The index of the first NaN or infinity, or -1. <c>x - x</c> is 0 exactly when <c>x</c> is finite.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero))
                {
                    i = v * Vector<float>.Count;
                    break;
                }

                i = (v + 1) * Vector<float>.Count;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
