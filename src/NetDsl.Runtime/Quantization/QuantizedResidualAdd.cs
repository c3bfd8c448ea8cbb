using System;

namespace NetDsl.Quantization;

/// <summary>
/// An <c>EndResidual</c> layer (and the <c>ReLU</c> right after it, fused into the clamp): the block's output plus the
/// samples its <see cref="QuantizedResidualStart"/> kept, in integers as TFLite's <c>ADD</c> (<see cref="Int8ResidualAdd"/>),
/// requantized to the output's calibrated scale. Both are planar samples: the network keeps window stages' channels-last
/// layout inside a run of convolutions and pools only, never across a block's ends.
/// </summary>
internal sealed class QuantizedResidualAdd : QuantizedStage
{
    private readonly bool _vectors;

    public QuantizedResidualAdd(string name, int features, QuantizationParameters block, QuantizationParameters skip, QuantizationParameters output, bool relu, int depth, Int8Path path)
        : base(name, relu ? "EndResidual+ReLU" : "EndResidual", features, features, output)
    {
        Arithmetic = Int8ResidualAdd.Of(block, skip, output);
        Relu = relu;
        Depth = depth;
        _vectors = path != Int8Path.Scalar;
    }

    public Int8ResidualAdd Arithmetic { get; }

    /// <summary>Whether a <c>ReLU</c> follows: outputs are clamped to <c>[zero point, 255]</c>.</summary>
    public bool Relu { get; }

    /// <summary>The depth of the block this add closes, that of its <see cref="QuantizedResidualStart"/>.</summary>
    public int Depth { get; }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        int count = rows * InFeatures;
        Span<byte> kept = ResidualKeptSamples.At(Depth, count);
        Arithmetic.Run(x.Slice(0, count), kept, y.Slice(0, count), Relu ? Output.ZeroPoint : byte.MinValue, byte.MaxValue, _vectors);
    }
}
