using System;
using System.Collections.Generic;

namespace NetDsl.Quantization;

/// <summary>
/// The float network, stage by stage as the quantized one runs it, from the model's own parameters: the activations
/// that calibration measures and that the accuracy report compares the quantized stages with. Sums in double.
/// </summary>
internal static class FloatPass
{
    /// <summary>The input and every stage's output for <paramref name="rows"/> samples (element 0 is the input itself).</summary>
    public static List<float[]> Run(INetwork model, QuantizationPlan plan, ReadOnlySpan<float> inputs, int rows)
    {
        var activations = new List<float[]>(plan.Stages.Count + 1) { inputs.Slice(0, rows * plan.InputSize).ToArray() };
        float[] current = activations[0];
        foreach (PlannedStage stage in plan.Stages)
        {
            var next = new float[rows * stage.OutFeatures];
            if (stage.Kind == PlannedKind.Linear)
            {
                (ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias) = LinearTensors(model, stage.Layer);
                Linear(current, weight.Span, bias.Span, next, rows, stage.InFeatures, stage.OutFeatures, stage.FusedRelu);
            }
            else
            {
                for (int i = 0; i < next.Length; i++)
                {
                    next[i] = Math.Max(current[i], 0f);
                }
            }

            activations.Add(next);
            current = next;
        }

        return activations;
    }

    /// <summary>A Linear layer's weight <c>[out, in]</c> and bias (empty without one), copied out of the model's parameters.</summary>
    public static (ReadOnlyMemory<float> Weight, ReadOnlyMemory<float> Bias) LinearTensors(INetwork model, LayerInfo layer)
    {
        TensorInfo weight = model.ParameterTensors[layer.ParameterTensors[0]];
        float[] weights = model.Parameters.Slice(weight.Offset, weight.Length).ToArray();
        float[] bias = layer.ParameterTensors.Count > 1
            ? model.Parameters.Slice(model.ParameterTensors[layer.ParameterTensors[1]].Offset, layer.OutputShape[0]).ToArray()
            : new float[layer.OutputShape[0]];
        return (weights, bias);
    }

    private static void Linear(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int rows, int inFeatures, int outFeatures, bool relu)
    {
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                ReadOnlySpan<float> row = weight.Slice(o * inFeatures, inFeatures);
                double sum = bias[o];
                for (int k = 0; k < inFeatures; k++)
                {
                    sum += (double)row[k] * sample[k];
                }

                y[n * outFeatures + o] = relu ? (float)Math.Max(sum, 0) : (float)sum;
            }
        }
    }
}
