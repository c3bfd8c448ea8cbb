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

    /// <summary>
    /// The add of planned stage <paramref name="index"/>, closing the block whose start is the nearest earlier
    /// <see cref="QuantizedResidualStart"/> of the same depth in <paramref name="stages"/> (built in order): the samples it
    /// kept are quantized as that start's output.
    /// </summary>
    public static QuantizedResidualAdd Closing(QuantizedStage[] stages, int index, PlannedStage stage, QuantizationParameters block, QuantizationParameters output, Int8Path path)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (stages[i] is QuantizedResidualStart start && start.Depth == stage.BlockDepth)
            {
                return new QuantizedResidualAdd(stage.Layer.Name, stage.InFeatures, block, start.Output, output, stage.FusedRelu, stage.BlockDepth, path);
            }
        }

        throw new InvalidOperationException($"Layer '{stage.Layer.Name}' (EndResidual) has no Residual stage of depth {stage.BlockDepth} before it; the plan checks this, so this is a bug in NetDsl.");
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
