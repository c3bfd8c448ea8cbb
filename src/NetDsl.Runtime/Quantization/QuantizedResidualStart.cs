using System;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>Residual</c> layer: opens a block whose output the matching <see cref="QuantizedResidualAdd"/> adds to the samples
/// that enter it, so it keeps a copy of them (<see cref="ResidualKeptSamples"/>) and passes them on unchanged.
/// </summary>
internal sealed class QuantizedResidualStart : QuantizedStage
{
    public QuantizedResidualStart(string name, int features, QuantizationParameters parameters, int depth)
        : base(name, "Residual", features, features, parameters)
    {
        Depth = depth;
    }

    /// <summary>How many blocks enclose this one (0 for an outermost block).</summary>
    public int Depth { get; }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        ReadOnlySpan<byte> samples = x.Slice(0, rows * InFeatures);
        samples.CopyTo(ResidualKeptSamples.At(Depth, samples.Length));
        samples.CopyTo(y);
    }
}
