using System;

namespace NetDsl.Quantization;

/// <summary>One step of a <see cref="QuantizedNetwork"/>: uint8 samples in, uint8 samples out.</summary>
internal abstract class QuantizedStage
{
    protected QuantizedStage(string name, string kind, int inFeatures, int outFeatures, QuantizationParameters output)
    {
        Name = name;
        Kind = kind;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Output = output;
    }

    /// <summary>The name of the network layer this stage computes (the first, when layers are fused).</summary>
    public string Name { get; }

    public string Kind { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    /// <summary>How the stage's uint8 outputs map to real values.</summary>
    public QuantizationParameters Output { get; }

    /// <summary>The bytes a file of the stage needs: its weights, biases and scales.</summary>
    public virtual long StorageBytes => 0;

    /// <summary>Computes <paramref name="rows"/> samples; <paramref name="accumulators"/> is scratch of at least <c>rows * OutFeatures</c>.</summary>
    public abstract void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators);
}

/// <summary>A <c>ReLU</c> that no <c>Linear</c> precedes: <c>max(q, zero point)</c>, the same scale in and out.</summary>
internal sealed class QuantizedRelu : QuantizedStage
{
    public QuantizedRelu(string name, int features, QuantizationParameters parameters)
        : base(name, "ReLU", features, features, parameters)
    {
    }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        byte zero = (byte)Output.ZeroPoint;
        int count = rows * InFeatures;
        for (int i = 0; i < count; i++)
        {
            y[i] = Math.Max(x[i], zero);
        }
    }
}

/// <summary>
/// An element-wise activation without an integer form (Sigmoid, Tanh, GELU...), run in float: the uint8 inputs are
/// dequantized, the float network's own kernel applied, and the results quantized with the output's calibrated scale.
/// </summary>
internal sealed class QuantizedFloatActivation : QuantizedStage
{
    [ThreadStatic]
    private static float[]? t_values;

    public QuantizedFloatActivation(LayerInfo layer, int features, QuantizationParameters input, QuantizationParameters output)
        : base(layer.Name, layer.Kind + " (float)", features, features, output)
    {
        Layer = layer;
        Input = input;
    }

    public LayerInfo Layer { get; }

    public QuantizationParameters Input { get; }

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        int count = rows * InFeatures;
        Span<float> values = NetDsl.Generated.ThreadScratch.Of(ref t_values, count);
        for (int i = 0; i < count; i++)
        {
            values[i] = Input.Dequantize(x[i]);
        }

        FloatActivations.Apply(Layer, values, values);
        ActivationQuantization.Quantize(values, Output, y.Slice(0, count));
    }
}
