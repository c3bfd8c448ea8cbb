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
        var blockInputs = new Stack<float[]>();
        foreach (PlannedStage stage in plan.Stages)
        {
            var next = new float[rows * stage.OutFeatures];
            if (stage.Kind == PlannedKind.Linear)
            {
                (ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias) = LinearTensors(model, stage.Layer);
                Linear(current, weight.Span, bias.Span, next, rows, stage.InFeatures, stage.OutFeatures, stage.FusedRelu);
            }
            else if (stage.Kind == PlannedKind.Convolution)
            {
                (float[] weight, float[] bias) = ConvolutionTensors(model, stage);
                Convolution(current, weight, bias, next, rows, stage.Window!, stage.FusedRelu);
            }
            else if (stage.Kind == PlannedKind.MaxPool)
            {
                MaxPool(current, next, rows, stage.Window!);
            }
            else if (stage.Kind == PlannedKind.FloatLayer)
            {
                if (FloatLayerParameters.Carries(stage.Layer.Kind))
                {
                    FloatLayerParameters.CopyFrom(model, stage.Layer).Apply(current, next, rows);
                }
                else
                {
                    FloatLayers.Apply(stage.Layer, current, next, rows);
                }
            }
            else if (stage.Kind == PlannedKind.ResidualStart)
            {
                current.AsSpan(0, next.Length).CopyTo(next);
                blockInputs.Push(next);
            }
            else if (stage.Kind == PlannedKind.ResidualAdd)
            {
                // The float add the model computes (block output + block input), then the fused ReLU.
                float[] blockInput = blockInputs.Pop();
                for (int i = 0; i < next.Length; i++)
                {
                    float sum = current[i] + blockInput[i];
                    next[i] = stage.FusedRelu ? Math.Max(sum, 0f) : sum;
                }
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
        float[] weights = model.ReadParameters().Slice(weight.Offset, weight.Length).ToArray();
        float[] bias = layer.ParameterTensors.Count > 1
            ? model.ReadParameters().Slice(model.ParameterTensors[layer.ParameterTensors[1]].Offset, layer.OutputShape[0]).ToArray()
            : new float[layer.OutputShape[0]];
        return (weights, bias);
    }

    /// <summary>
    /// A convolution's weight <c>[out, C * kh * kw]</c> and bias, with the batch normalization after it folded in:
    /// <c>w * g / sqrt(v + eps)</c> and <c>(b - m) * g / sqrt(v + eps) + beta</c> per output channel, in double, rounded once.
    /// </summary>
    public static (float[] Weight, float[] Bias) ConvolutionTensors(INetwork model, PlannedStage stage)
    {
        LayerInfo layer = stage.Layer;
        int outputs = stage.Window!.OutChannels;
        int depth = stage.Window.Depth;
        TensorInfo weightTensor = model.ParameterTensors[layer.ParameterTensors[0]];
        float[] weight = model.ReadParameters().Slice(weightTensor.Offset, weightTensor.Length).ToArray();
        float[] bias = layer.ParameterTensors.Count > 1
            ? model.ReadParameters().Slice(model.ParameterTensors[layer.ParameterTensors[1]].Offset, outputs).ToArray()
            : new float[outputs];
        if (stage.FoldedNorm is not { } norm)
        {
            return (weight, bias);
        }

        double eps = norm.Option("Eps");
        ReadOnlySpan<float> gamma = norm.ParameterTensors.Count > 0 ? Tensor(model.ReadParameters(), model.ParameterTensors[norm.ParameterTensors[0]]) : null;
        ReadOnlySpan<float> beta = norm.ParameterTensors.Count > 1 ? Tensor(model.ReadParameters(), model.ParameterTensors[norm.ParameterTensors[1]]) : null;
        ReadOnlySpan<float> mean = Tensor(model.Buffers, model.BufferTensors[norm.BufferTensors[0]]);
        ReadOnlySpan<float> variance = Tensor(model.Buffers, model.BufferTensors[norm.BufferTensors[1]]);
        for (int o = 0; o < outputs; o++)
        {
            double factor = (gamma.IsEmpty ? 1.0 : gamma[o]) / Math.Sqrt(variance[o] + eps);
            for (int k = 0; k < depth; k++)
            {
                weight[o * depth + k] = (float)(weight[o * depth + k] * factor);
            }

            bias[o] = (float)(((bias[o] - (double)mean[o]) * factor) + (beta.IsEmpty ? 0.0 : beta[o]));
        }

        return (weight, bias);
    }

    private static ReadOnlySpan<float> Tensor(ReadOnlySpan<float> storage, TensorInfo tensor) => storage.Slice(tensor.Offset, tensor.Length);

    private static void Convolution(ReadOnlySpan<float> x, float[] weight, float[] bias, Span<float> y, int rows, Int8Window g, bool relu)
    {
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<float> sample = x.Slice(n * g.InChannels * g.InPlane, g.InChannels * g.InPlane);
            for (int o = 0; o < g.OutChannels; o++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double sum = bias[o];
                        for (int c = 0; c < g.InChannels; c++)
                        {
                            for (int i = 0; i < g.KernelHeight; i++)
                            {
                                for (int j = 0; j < g.KernelWidth; j++)
                                {
                                    (int row, int column) = g.Tap(oh, ow, i, j);
                                    if (g.Inside(row, column))
                                    {
                                        sum += (double)weight[((o * g.InChannels + c) * g.KernelHeight + i) * g.KernelWidth + j] * sample[c * g.InPlane + row * g.InWidth + column];
                                    }
                                }
                            }
                        }

                        y[((n * g.OutChannels + o) * g.OutHeight + oh) * g.OutWidth + ow] = relu ? (float)Math.Max(sum, 0) : (float)sum;
                    }
                }
            }
        }
    }

    private static void MaxPool(ReadOnlySpan<float> x, Span<float> y, int rows, Int8Window g)
    {
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < g.OutChannels; c++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        float largest = float.NegativeInfinity;
                        for (int i = 0; i < g.KernelHeight; i++)
                        {
                            for (int j = 0; j < g.KernelWidth; j++)
                            {
                                (int row, int column) = g.Tap(oh, ow, i, j);
                                if (g.Inside(row, column))
                                {
                                    largest = Math.Max(largest, x[((n * g.InChannels + c) * g.InHeight + row) * g.InWidth + column]);
                                }
                            }
                        }

                        y[((n * g.OutChannels + c) * g.OutHeight + oh) * g.OutWidth + ow] = largest;
                    }
                }
            }
        }
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
