using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Quantization;

/// <summary>One integer stage of a <see cref="QuantizedNetwork"/>.</summary>
/// <param name="Name">The layer's name (the Linear's, when a ReLU is fused into it).</param>
/// <param name="Kind"><c>Linear</c>, <c>Linear+ReLU</c> or <c>ReLU</c>.</param>
/// <param name="InFeatures">Inputs per sample.</param>
/// <param name="OutFeatures">Outputs per sample.</param>
/// <param name="Output">How the stage's outputs are quantized (<c>default</c> for the last Linear, which writes floats).</param>
/// <param name="StorageBytes">The bytes of its int8 weights, int32 biases and float scales.</param>
public sealed record QuantizedLayerInfo(string Name, string Kind, int InFeatures, int OutFeatures, QuantizationParameters Output, long StorageBytes);

/// <summary>How far an integer stage's outputs are from the float network's, on the evaluated samples.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Kind">The stage's kind.</param>
/// <param name="RmsError">Root mean square of (dequantized int8 output - float output).</param>
/// <param name="MaxAbsError">The largest absolute difference.</param>
/// <param name="RelativeError"><see cref="RmsError"/> divided by the root mean square of the float outputs.</param>
public sealed record LayerQuantizationError(string Name, string Kind, double RmsError, double MaxAbsError, double RelativeError)
{
    internal static LayerQuantizationError Between(string name, string kind, float[] reference, float[] quantized)
    {
        double squares = 0, referenceSquares = 0, largest = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double difference = (double)quantized[i] - reference[i];
            squares += difference * difference;
            referenceSquares += (double)reference[i] * reference[i];
            largest = Math.Max(largest, Math.Abs(difference));
        }

        double rms = Math.Sqrt(squares / Math.Max(1, reference.Length));
        double referenceRms = Math.Sqrt(referenceSquares / Math.Max(1, reference.Length));
        return new LayerQuantizationError(name, kind, rms, largest, referenceRms > 0 ? rms / referenceRms : 0);
    }
}

/// <summary>What quantization cost on a test set: both accuracies, the sizes, and the error of every integer stage.</summary>
/// <param name="Samples">Test samples evaluated.</param>
/// <param name="FloatAccuracy">The float network's accuracy (arg-max of the outputs).</param>
/// <param name="Int8Accuracy">The quantized network's accuracy.</param>
/// <param name="FloatWeightBytes">The float weights and biases of the quantized layers, in bytes.</param>
/// <param name="Int8WeightBytes">The quantized network's int8 weights, int32 biases and float scales, in bytes.</param>
/// <param name="Layers">Per integer stage, in order.</param>
public sealed record QuantizationReport(int Samples, double FloatAccuracy, double Int8Accuracy, long FloatWeightBytes, long Int8WeightBytes, IReadOnlyList<LayerQuantizationError> Layers)
{
    /// <summary>Int8 accuracy minus float accuracy, in percentage points.</summary>
    public double AccuracyChangePoints => 100 * (Int8Accuracy - FloatAccuracy);

    /// <summary>A table for the console.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        CultureInfo invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Accuracy on {Samples} samples: float {FloatAccuracy:P2}, int8 {Int8Accuracy:P2} ({AccuracyChangePoints:+0.00;-0.00;0.00} points)");
        text.AppendLine(invariant, $"Weights: float {FloatWeightBytes:N0} bytes, int8 {Int8WeightBytes:N0} bytes ({(double)FloatWeightBytes / Math.Max(1, Int8WeightBytes):0.0}x smaller)");
        text.AppendLine("Layer            Kind                       RMS error   max |error|   relative");
        foreach (LayerQuantizationError layer in Layers)
        {
            text.AppendLine(invariant, $"{layer.Name,-16} {layer.Kind,-24} {layer.RmsError,10:0.00000} {layer.MaxAbsError,13:0.00000} {layer.RelativeError,10:P2}");
        }

        return text.ToString();
    }
}
