using System;

namespace NetDsl.Generated;

/// <summary>The batch-normalization passes that <see cref="BatchNormChannels"/> splits over a <see cref="KernelTeam"/>.</summary>
internal enum BatchNormPass
{
    /// <summary>Training forward, first half: each channel's mean and squared deviations.</summary>
    Moments,

    /// <summary>Training forward, second half: normalization with the batch's statistics and the running statistics' update.</summary>
    Normalize,

    /// <summary>Training backward, first half: each channel's sums of <c>dy</c> and <c>dy · x̂</c>, added to the parameter gradients.</summary>
    GradientSums,

    /// <summary>Training backward, second half: the input gradient.</summary>
    InputGradient,

    /// <summary>Inference on planar activations, with the running statistics.</summary>
    Inference,

    /// <summary>Inference on channels-last activations, with precomputed per-channel scales and shifts: split by pixels.</summary>
    ChannelsLastInference,
}

/// <summary>
/// A batch-normalization pass split over a <see cref="KernelTeam"/> (a batch of one chunk on several threads) by ranges
/// of channels — or of pixels for channels-last inference. Every channel's sums and outputs are computed by one part in
/// the order of the pass on one thread, so the bits do not depend on the split. The operands are pinned by the caller for
/// the run and held as pointers with their lengths (spans cannot live in a field); an empty operand is a null pointer of
/// length 0.
/// </summary>
internal readonly unsafe struct BatchNormChannels : IRangePass
{
    /// <summary>The fewest values worth a team run: these passes take about a nanosecond per value (in double precision).</summary>
    public const int MinimumValues = 1 << 16;

    private readonly BatchNormPass _pass;
    private readonly Operand _x, _output, _dy, _weight, _bias, _runningMean, _runningVariance;
    private readonly BatchNormStatistics? _statistics;
    private readonly int _batch, _channels, _positions;
    private readonly float _eps, _momentum;

    public BatchNormChannels(BatchNormPass pass, Operand x, Operand output, Operand dy, Operand weight, Operand bias, Operand runningMean, Operand runningVariance,
        BatchNormStatistics? statistics, int batch, int channels, int positions, float eps, float momentum)
    {
        (_pass, _x, _output, _dy, _weight, _bias, _runningMean, _runningVariance) = (pass, x, output, dy, weight, bias, runningMean, runningVariance);
        (_statistics, _batch, _channels, _positions, _eps, _momentum) = (statistics, batch, channels, positions, eps, momentum);
    }

    /// <summary>
    /// Runs the pass over every channel (every pixel for channels-last inference): split over the lent team when there is
    /// one and the pass has at least <see cref="MinimumValues"/> values in two channels or more, on this thread otherwise.
    /// </summary>
    public void RunAll()
    {
        int count = _pass == BatchNormPass.ChannelsLastInference ? _batch * _positions : _channels;
        if (_channels >= 2 && (long)_batch * _channels * _positions >= MinimumValues && KernelTeam.Current is { } team)
        {
            RangeWork<BatchNormChannels>.Run(team, this, count);
        }
        else
        {
            Run(0, count);
        }
    }

    public void Run(int first, int end)
    {
        switch (_pass)
        {
            case BatchNormPass.Moments:
                NormalizationKernels.MomentsOfChannels(_x.Read, _statistics!, _batch, _channels, _positions, first, end);
                break;
            case BatchNormPass.Normalize:
                NormalizationKernels.NormalizeChannels(_x.Read, _output.Write, _weight.Read, _bias.Read, _runningMean.Write, _runningVariance.Write, _statistics!, _batch, _channels, _positions, _eps, _momentum, first, end);
                break;
            case BatchNormPass.GradientSums:
                NormalizationKernels.GradientSumsOfChannels(_x.Read, _dy.Read, _weight.Write, _bias.Write, _statistics!, _batch, _channels, _positions, _eps, first, end);
                break;
            case BatchNormPass.InputGradient:
                NormalizationKernels.InputGradientOfChannels(_x.Read, _dy.Read, _weight.Read, _output.Write, _statistics!, _batch, _channels, _positions, _eps, first, end);
                break;
            case BatchNormPass.Inference:
                NormalizationKernels.InferenceOfChannels(_x.Read, _output.Write, _weight.Read, _bias.Read, _runningMean.Read, _runningVariance.Read, _batch, _channels, _positions, _eps, first, end);
                break;
            default:
                // Channels-last: the weight and bias operands carry the precomputed scales and shifts.
                NormalizationKernels.ChannelsLastAffineOfPixels(_x.Read, _output.Write, _weight.Read, _bias.Read, _channels, first, end);
                break;
        }
    }

    /// <summary>A pinned operand: its first float and its length.</summary>
    public readonly struct Operand(float* first, int length)
    {
        public ReadOnlySpan<float> Read => new(first, length);

        public Span<float> Write => new(first, length);
    }
}
