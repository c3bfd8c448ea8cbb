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
/// A layer without an integer form (Sigmoid, Tanh, GELU..., AvgPool2D, GlobalAvgPool, and with float parameters LayerNorm,
/// a standalone BatchNorm, PReLU), run in float: the uint8 inputs are dequantized, <see cref="FloatLayers"/> or the layer's
/// <see cref="FloatLayerParameters"/> applied, and the results quantized with the output's calibrated scale.
/// </summary>
internal sealed class QuantizedFloatLayer : QuantizedStage
{
    [ThreadStatic]
    private static float[]? t_values;

    public QuantizedFloatLayer(LayerInfo layer, int inFeatures, int outFeatures, QuantizationParameters input, QuantizationParameters output, FloatLayerParameters? parameters = null)
        : base(layer.Name, layer.Kind + " (float)", inFeatures, outFeatures, output)
    {
        Layer = layer;
        Input = input;
        Parameters = parameters;
    }

    public LayerInfo Layer { get; }

    public QuantizationParameters Input { get; }

    /// <summary>The layer's float parameters (LayerNorm, BatchNorm, PReLU), or null for a layer without any.</summary>
    public FloatLayerParameters? Parameters { get; }

    public override long StorageBytes => Parameters?.StorageBytes ?? 0;

    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        int inputs = rows * InFeatures;
        int outputs = rows * OutFeatures;
        Span<float> values = NetDsl.Generated.ThreadScratch.Of(ref t_values, inputs + outputs);
        Span<float> results = values.Slice(inputs, outputs);
        for (int i = 0; i < inputs; i++)
        {
            values[i] = Input.Dequantize(x[i]);
        }

        if (Parameters is null)
        {
            FloatLayers.Apply(Layer, values.Slice(0, inputs), results, rows);
        }
        else
        {
            Parameters.Apply(values.Slice(0, inputs), results, rows);
        }

        ActivationQuantization.Quantize(results, Output, y.Slice(0, outputs));
    }
}
