using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>Linear</c> layer (and the <c>ReLU</c> right after it, fused) in integers: uint8 inputs times int8 weights
/// (symmetric, one scale per output channel) summed in int32, then either requantized to uint8 with TFLite's fixed-point
/// multipliers, or, for the network's last layer, scaled straight to float outputs.
/// </summary>
internal sealed class QuantizedLinear : QuantizedStage
{
    private readonly PackedInt8Weights _weights;

    /// <summary>
    /// Per output channel, what is added to the int32 sum before scaling: <c>-z_in * sum_k w[o, k]</c> (the input's zero
    /// point) plus, for a requantized layer, the integer bias.
    /// </summary>
    private readonly int[] _offsets;

    private readonly int[] _multipliers;
    private readonly int[] _shifts;

    /// <summary>For a float output: <c>s_in * s_w[o]</c>.</summary>
    private readonly float[] _outputScales;

    /// <summary>
    /// A layer from its quantized tensors: <paramref name="integerBias"/> (in the accumulator's scale
    /// <c>s_in * s_w[o]</c>) for a requantized layer, <paramref name="floatBias"/> for one with float outputs.
    /// </summary>
    public QuantizedLinear(string name, sbyte[] weights, float[] weightScales, int[] integerBias, float[] floatBias, int inFeatures, int outFeatures,
        QuantizationParameters input, QuantizationParameters output, bool relu, bool floatOutput, Int8Path path)
        : base(name, relu ? "Linear+ReLU" : "Linear", inFeatures, outFeatures, output)
    {
        Weights = weights;
        WeightScales = weightScales;
        IntegerBias = integerBias;
        FloatBias = floatBias;
        Input = input;
        Relu = relu;
        FloatOutput = floatOutput;
        _weights = PackedInt8Weights.Pack(weights, outFeatures, inFeatures, path);
        _offsets = new int[outFeatures];
        _multipliers = new int[outFeatures];
        _shifts = new int[outFeatures];
        _outputScales = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            double accumulatorScale = (double)input.Scale * weightScales[o];
            long offset = -(long)input.ZeroPoint * _weights.RowSums[o];
            if (!floatOutput)
            {
                offset += integerBias[o];
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

    /// <summary>The bias in the accumulator's scale, <c>round(b[o] / (s_in * s_w[o]))</c> (a requantized layer's).</summary>
    public int[] IntegerBias { get; }

    /// <summary>The float bias (a layer with float outputs adds it exactly).</summary>
    public float[] FloatBias { get; }

    /// <summary>How the layer's inputs are quantized.</summary>
    public QuantizationParameters Input { get; }

    public bool Relu { get; }

    /// <summary>The kernel path the weights are packed for.</summary>
    public Int8Path Path => _weights.Path;

    /// <summary>Whether this is the network's last integer stage, writing float outputs.</summary>
    public bool FloatOutput { get; }

    /// <summary>The int8 weights and, per output channel, an int32 (or float) bias and a float scale (the fixed-point multipliers follow from the scales).</summary>
    public override long StorageBytes => Weights.Length + 8L * OutFeatures;

    /// <summary>
    /// Quantizes a float layer: weights per output channel (<see cref="WeightQuantization"/>) and, unless its outputs stay
    /// float, the bias to the accumulator's scale, rounding half away from zero.
    /// </summary>
    public static QuantizedLinear FromFloat(string name, ReadOnlySpan<float> weight, float[] bias, int inFeatures, int outFeatures,
        QuantizationParameters input, QuantizationParameters output, bool relu, bool floatOutput, Int8Path path)
    {
        (sbyte[] weights, float[] scales) = WeightQuantization.PerOutputChannel(weight, outFeatures, inFeatures);
        var integerBias = new int[outFeatures];
        if (!floatOutput)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double rounded = Math.Round(bias[o] / ((double)input.Scale * scales[o]), MidpointRounding.AwayFromZero);
                integerBias[o] = (int)Math.Clamp(rounded, int.MinValue, int.MaxValue);
            }
        }

        return new QuantizedLinear(name, weights, scales, integerBias, floatOutput ? (float[])bias.Clone() : new float[outFeatures], inFeatures, outFeatures, input, output, relu, floatOutput, path);
    }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        Span<int> sums = accumulators.Slice(0, rows * OutFeatures);
        Int8MatrixMultiply.Multiply(x, rows, InFeatures, _weights, sums);
        Requantize(sums, rows, y);
    }

    /// <summary>
    /// <paramref name="rows"/> rows of <see cref="QuantizedStage.OutFeatures"/> int32 sums (of the inputs times
    /// <see cref="Weights"/>) to uint8 outputs: the offsets added, the fixed-point multipliers applied, the ReLU clamped.
    /// </summary>
    public void Requantize(ReadOnlySpan<int> sums, int rows, Span<byte> y) =>
        FixedPointMultiplier.Requantize(sums, rows, OutFeatures, _offsets, _multipliers, _shifts, Output.ZeroPoint, Relu ? Output.ZeroPoint : 0, 255, y);

    /// <summary>The last stage: <c>y = s_in * s_w[o] * (sum + offset[o]) + b[o]</c> in float, then the fused ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                float value = _outputScales[o] * (sum[o] + _offsets[o]) + FloatBias[o];
                row[o] = Relu ? Math.Max(value, 0f) : value;
            }
        }
    }
}
