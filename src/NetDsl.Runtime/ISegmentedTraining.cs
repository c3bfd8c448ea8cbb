using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// A network with batch normalization, whose training pass depends on the whole batch, with its training forward and
/// backward passes split at those layers into segments, so that a batch trained in chunks — one network per chunk, as
/// <see cref="DataParallel{TNetwork}"/> does — is normalized with the statistics of the whole batch. The generator
/// implements it for every network with BatchNorm1D or BatchNorm2D layers.
/// </summary>
/// <remarks>
/// <para>With <c>L = BatchStatistics.Length</c> batch normalization layers, each pass has <c>L + 1</c> segments, run in
/// order from 0; running them all back to back on one network is its <see cref="INetwork.ForwardTraining"/> or
/// <see cref="INetwork.Backward(ReadOnlySpan{float}, Span{float})"/>.</para>
/// <para><b>Forward.</b> Segment <c>l &lt; L</c> ends by measuring the moments of batch normalization <c>l</c>'s input
/// over the network's samples into <c>BatchStatistics[l]</c>; segment <c>l + 1</c> starts by normalizing with
/// <c>BatchStatistics[l]</c> and updating that layer's running statistics. In between, a coordinator of several chunks
/// combines the chunks' statistics in chunk order (<see cref="BatchNormStatistics.MergeMoments"/>) and copies the whole
/// batch's into every chunk's network.</para>
/// <para><b>Backward.</b> Segment <c>s &lt; L</c> ends with the sums of batch normalization <c>L - 1 - s</c> (the last
/// layer first) over the network's samples, in <c>BatchStatistics[L - 1 - s]</c> and added to the layer's weight and
/// bias gradients; segment <c>s + 1</c> starts with that layer's input gradient, computed from <c>BatchStatistics[L - 1 - s]</c>.
/// In between, the coordinator adds the chunks' sums up in chunk order (<see cref="BatchNormStatistics.AddGradientSums"/>)
/// and copies them into every chunk's network.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISegmentedTraining : INetwork
{
    /// <summary>The statistics of each batch normalization layer, in layer order: the points where the segments meet.</summary>
    ReadOnlySpan<BatchNormStatistics> BatchStatistics { get; }

    /// <summary>Runs forward segment <paramref name="segment"/> of a training pass over <paramref name="inputs"/>; the last segment writes <paramref name="outputs"/> and records the pass for backward.</summary>
    /// <exception cref="ArgumentException">The input is not a whole, non-zero number of samples, the output does not hold one output per sample, or a later segment's batch differs from segment 0's.</exception>
    /// <exception cref="InvalidOperationException">The segment is not the next one of the pass (segment 0 always starts a new pass).</exception>
    void ForwardTrainingSegment(int segment, ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Runs backward segment <paramref name="segment"/> of the recorded pass: parameter gradients are <b>added</b>; with
    /// <paramref name="computeInputGradients"/>, the last segment overwrites <paramref name="inputGradients"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass was recorded, or the segment is not the next one (segment 0 always starts a new pass).</exception>
    /// <exception cref="ArgumentException">A span does not hold one gradient per recorded sample.</exception>
    void BackwardSegment(int segment, ReadOnlySpan<float> outputGradients, Span<float> inputGradients, bool computeInputGradients);
}
