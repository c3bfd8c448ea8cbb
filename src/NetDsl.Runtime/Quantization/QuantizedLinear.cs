using System;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>Linear</c> layer (and the <c>ReLU</c> right after it, fused) in integers: uint8 inputs times int8 weights
/// (symmetric, one scale per output channel) summed in int32, then either requantized to uint8 with TFLite's fixed-point
/// multipliers, or, for the network's last layer, scaled straight to float logits.
/// </summary>
internal sealed class QuantizedLinear : QuantizedStage
{
    private readonly PackedInt8Weights _weights;

    /// <summary>
    /// Per output channel, what is added to the int32 sum before scaling: <c>-z_in * sum_k w[o, k]</c> (the input's zero
    /// point) plus, for a requantized layer, the bias in the accumulator's scale <c>round(b / (s_in * s_w))</c>.
    /// </summary>
    private readonly int[] _offsets;

    private readonly int[] _multipliers;
    private readonly int[] _shifts;

    /// <summary>For a float output: <c>s_in * s_w[o]</c>, and the float bias (added exactly rather than rounded to the integer grid).</summary>
    private readonly float[] _outputScales;
    private readonly float[] _floatBias;

    public QuantizedLinear(string name, sbyte[] weights, float[] weightScales, float[] bias, int inFeatures, int outFeatures, QuantizationParameters input, QuantizationParameters output, bool relu, bool floatOutput, Int8Path path)
        : base(name, relu ? "Linear+ReLU" : "Linear", inFeatures, outFeatures, output)
    {
        Weights = weights;
        WeightScales = weightScales;
        Relu = relu;
        FloatOutput = floatOutput;
        _weights = PackedInt8Weights.Pack(weights, outFeatures, inFeatures, path);
        _offsets = new int[outFeatures];
        _multipliers = new int[outFeatures];
        _shifts = new int[outFeatures];
        _outputScales = new float[outFeatures];
        _floatBias = floatOutput ? (float[])bias.Clone() : new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            double accumulatorScale = (double)input.Scale * weightScales[o];
            long offset = -(long)input.ZeroPoint * _weights.RowSums[o];
            if (!floatOutput)
            {
                offset += (long)Math.Round(bias[o] / accumulatorScale, MidpointRounding.AwayFromZero);
                (_multipliers[o], _shifts[o]) = FixedPointMultiplier.Quantize(accumulatorScale / output.Scale);
            }

            _offsets[o] = (int)Math.Clamp(offset, int.MinValue, int.MaxValue);
            _outputScales[o] = (float)accumulatorScale;
        }
    }

    /// <summary>The int8 weights, row-major <c>[out, in]</c>.</summary>
    public sbyte[] Weights { get; }

    /// <summary>The weights' scale per output channel: <c>w ≈ WeightScales[o] * Weights[o, k]</c>.</summary>
    public float[] WeightScales { get; }

    public bool Relu { get; }

    /// <summary>Whether this is the network's last integer stage, writing float outputs.</summary>
    public bool FloatOutput { get; }

    /// <summary>The int8 weights and, per output channel, an int32 bias and a float scale (the fixed-point multipliers follow from the scales).</summary>
    public override long StorageBytes => Weights.Length + 8L * OutFeatures;

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        Span<int> sums = accumulators.Slice(0, rows * OutFeatures);
        Int8MatrixMultiply.Multiply(x, rows, InFeatures, _weights, sums);
        FixedPointMultiplier.Requantize(sums, rows, OutFeatures, _offsets, _multipliers, _shifts, Output.ZeroPoint, Relu ? Output.ZeroPoint : 0, 255, y);
    }

    /// <summary>The last stage: <c>y = s_in * s_w[o] * (sum + offset[o]) + b[o]</c> in float, then the fused ReLU.</summary>
    public void RunToFloat(ReadOnlySpan<byte> x, int rows, Span<float> y, Span<int> accumulators)
    {
        Span<int> sums = accumulators.Slice(0, rows * OutFeatures);
        Int8MatrixMultiply.Multiply(x, rows, InFeatures, _weights, sums);
        for (int n = 0; n < rows; n++)
        {
            Span<float> row = y.Slice(n * OutFeatures, OutFeatures);
            ReadOnlySpan<int> sum = sums.Slice(n * OutFeatures, OutFeatures);
            for (int o = 0; o < row.Length; o++)
            {
                float value = _outputScales[o] * (sum[o] + _offsets[o]) + _floatBias[o];
                row[o] = Relu ? Math.Max(value, 0f) : value;
            }
        }
    }
}
