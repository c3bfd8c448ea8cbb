using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NetDsl.Generated;

/// <summary>Argument checks with the messages NetDsl promises: what was expected and what arrived. Generated code calls them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <remarks>
    /// The message is built in a method of its own so that this check stays small enough to inline: it guards every
    /// generated call, and in a fused training step of a tiny network two calls to it cost a tenth of the step.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, parameterName);
        }
    }

    /// <summary>
    /// Returns the number of samples in a batch of <paramref name="inputLength"/> floats, checking that it is whole
    /// and that the output holds one output per sample.
    /// </summary>
    /// <exception cref="ArgumentException">The input is empty or not a whole number of samples, or the output length does not match.</exception>
    public static int BatchSize(int inputLength, int inputSize, int outputLength, int outputSize, string inputName, string outputName)
    {
        if (inputLength == 0 || inputLength % inputSize != 0)
        {
            throw new ArgumentException($"Expected a whole, non-zero number of samples of {inputSize} floats each, but got length {inputLength}.", inputName);
        }

        int batch = inputLength / inputSize;
        if ((long)batch * outputSize != outputLength)
        {
            throw new ArgumentException($"Expected length {(long)batch * outputSize} ({batch} samples of {outputSize} floats), but got length {outputLength}.", outputName);
        }

        return batch;
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string parameterName) =>
        throw new ArgumentException($"Expected a span of length {expected}, but got length {actual}.", parameterName);

    /// <summary>Throws when no training forward pass has been recorded.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public static void ThrowNoRecordedForward(string networkName) =>
        throw new InvalidOperationException($"{networkName}.Backward needs the activations of a preceding ForwardTraining call, but none was recorded.");

    /// <summary>Throws unless <paramref name="segment"/> is the segment expected next of a segmented training pass (<see cref="ISegmentedTraining"/>).</summary>
    /// <exception cref="InvalidOperationException">The segments are run out of order, or past the last one.</exception>
    public static void Segment(int segment, int expected, int last, string method)
    {
        if (segment != expected || segment > last)
        {
            throw new InvalidOperationException(expected < 1 || expected > last
                ? $"{method} expected segment 0 to start a new pass (segments run in order from 0 to {last}, and a pass ends at its last segment or at one that failed), but got segment {segment}."
                : $"{method} expected segment {expected} next, or 0 to start a new pass (segments run in order from 0 to {last}), but got segment {segment}.");
        }
    }
}
