using System;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// What a batch normalization layer needs to know of the whole batch during training, per channel: the mean and the sum
/// of squared deviations of its input (forward), and the sums of the output gradient and of the output gradient times
/// the normalized input (backward). A network measures them over the samples it is given; when a batch is trained in
/// chunks (<see cref="DataParallel{TNetwork}"/>), the chunks' measurements are combined in chunk order into the whole
/// batch's and copied back to every chunk before the layer goes on (see <see cref="ISegmentedTraining"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BatchNormStatistics
{
    private readonly double[] _values;

    /// <summary>Creates the statistics of a layer with <paramref name="channels"/> channels, all zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is less than 1.</exception>
    public BatchNormStatistics(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Channels = channels;
        _values = new double[4 * channels];
    }

    /// <summary>The number of channels.</summary>
    public int Channels { get; }

    /// <summary>The number of values per channel measured: samples times positions.</summary>
    public long Count { get; set; }

    /// <summary>The mean of each channel's input values.</summary>
    public Span<double> Mean => _values.AsSpan(0, Channels);

    /// <summary>The sum of squared deviations from <see cref="Mean"/> of each channel's input values (<see cref="Count"/> times the biased variance).</summary>
    public Span<double> SquaredDeviations => _values.AsSpan(Channels, Channels);

    /// <summary>Backward: the sum of each channel's output gradients, <c>Σ dy</c>.</summary>
    public Span<double> GradientSum => _values.AsSpan(2 * Channels, Channels);

    /// <summary>Backward: the sum of each channel's output gradients times the normalized inputs, <c>Σ dy · x̂</c>.</summary>
    public Span<double> NormalizedGradientSum => _values.AsSpan(3 * Channels, Channels);

    /// <summary>
    /// Adds the moments measured on the following chunk, <paramref name="next"/>: afterwards <see cref="Count"/>,
    /// <see cref="Mean"/> and <see cref="SquaredDeviations"/> describe both chunks' values together (the pairwise update of
    /// Chan, Golub and LeVeque, which stays accurate when the mean is large against the spread).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="next"/> has a different number of channels.</exception>
    public void MergeMoments(BatchNormStatistics next)
    {
        CheckChannels(next);
        long count = Count + next.Count;
        if (next.Count == 0)
        {
            return;
        }

        double weight = (double)next.Count / count;
        double cross = (double)Count * next.Count / count;
        Span<double> mean = Mean;
        Span<double> squares = SquaredDeviations;
        ReadOnlySpan<double> nextMean = next.Mean;
        ReadOnlySpan<double> nextSquares = next.SquaredDeviations;
        for (int c = 0; c < Channels; c++)
        {
            double delta = nextMean[c] - mean[c];
            mean[c] += delta * weight;
            squares[c] += nextSquares[c] + delta * delta * cross;
        }

        Count = count;
    }

    /// <summary>Adds the backward sums measured on the following chunk, <paramref name="next"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="next"/> has a different number of channels.</exception>
    public void AddGradientSums(BatchNormStatistics next)
    {
        CheckChannels(next);
        Span<double> sum = GradientSum;
        Span<double> normalizedSum = NormalizedGradientSum;
        ReadOnlySpan<double> nextSum = next.GradientSum;
        ReadOnlySpan<double> nextNormalizedSum = next.NormalizedGradientSum;
        for (int c = 0; c < Channels; c++)
        {
            sum[c] += nextSum[c];
            normalizedSum[c] += nextNormalizedSum[c];
        }
    }

    /// <summary>Makes these statistics a copy of <paramref name="source"/>'s.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> has a different number of channels.</exception>
    public void CopyFrom(BatchNormStatistics source)
    {
        CheckChannels(source);
        source._values.CopyTo(_values, 0);
        Count = source.Count;
    }

    private void CheckChannels(BatchNormStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Channels != Channels)
        {
            throw new ArgumentException($"Expected statistics of {Channels} channels, but got {other.Channels}.", nameof(other));
        }
    }
}
