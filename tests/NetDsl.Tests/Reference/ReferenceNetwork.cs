using System;
using System.Collections.Generic;

namespace NetDsl.Tests.Reference;

// The oracle of the numerics tests: a deliberately naive, double-precision implementation of the layers
// NetDsl supports, written from the mathematical definitions with plain loops. It shares no code with
// NetDsl (it does not reference the runtime or the generated code), so a mistake in NetDsl cannot be
// reproduced here by construction. Its own correctness is checked against central finite differences
// (ReferenceNetworkTests).

/// <summary>The kinds of layer the reference implements.</summary>
public enum ReferenceLayerKind
{
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    Flatten,
}

/// <summary>One layer of a <see cref="ReferenceNetwork"/>.</summary>
public sealed record ReferenceLayer(ReferenceLayerKind Kind, int InFeatures = 0, int OutFeatures = 0, bool HasBias = false)
{
    /// <summary>PyTorch's <c>nn.Linear(in, out, bias)</c>: weight <c>[out, in]</c> row-major, then bias <c>[out]</c>.</summary>
    public static ReferenceLayer Linear(int inFeatures, int outFeatures, bool bias = true) =>
        new(ReferenceLayerKind.Linear, inFeatures, outFeatures, bias);

    public static ReferenceLayer ReLU { get; } = new(ReferenceLayerKind.ReLU);

    public static ReferenceLayer Sigmoid { get; } = new(ReferenceLayerKind.Sigmoid);

    public static ReferenceLayer Tanh { get; } = new(ReferenceLayerKind.Tanh);

    public static ReferenceLayer Flatten { get; } = new(ReferenceLayerKind.Flatten);

    /// <summary>The number of parameters: <c>out * in</c> weights, plus <c>out</c> biases when present.</summary>
    public int ParameterCount =>
        Kind == ReferenceLayerKind.Linear ? (InFeatures * OutFeatures) + (HasBias ? OutFeatures : 0) : 0;
}

/// <summary>The gradients a backward pass produces.</summary>
public sealed record ReferenceGradients(double[] Parameters, double[] Inputs);

/// <summary>
/// A sequential network evaluated in double precision with plain loops. Samples are stored row-major one after
/// another; the parameters are one flat array in PyTorch's <c>state_dict()</c> order (each Linear's weight, then
/// its bias).
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly ReferenceLayer[] _layers;
    private readonly int[] _widths; // _widths[k] is the width of the input of layer k; _widths[^1] the output.
    private readonly int[] _offsets; // the offset of each layer's parameters in the flat array.

    public ReferenceNetwork(int inputSize, params ReferenceLayer[] layers)
    {
        if (inputSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize));
        }

        _layers = layers;
        _widths = new int[layers.Length + 1];
        _offsets = new int[layers.Length];
        _widths[0] = inputSize;
        int offset = 0;
        for (int k = 0; k < layers.Length; k++)
        {
            ReferenceLayer layer = layers[k];
            _offsets[k] = offset;
            offset += layer.ParameterCount;
            if (layer.Kind == ReferenceLayerKind.Linear)
            {
                if (layer.InFeatures != _widths[k] || layer.OutFeatures <= 0)
                {
                    throw new ArgumentException($"Layer {k} is Linear({layer.InFeatures}, {layer.OutFeatures}) but receives {_widths[k]} features.");
                }

                _widths[k + 1] = layer.OutFeatures;
            }
            else
            {
                _widths[k + 1] = _widths[k];
            }

            HasReLU |= layer.Kind == ReferenceLayerKind.ReLU;
        }

        ParameterCount = offset;
    }

    public IReadOnlyList<ReferenceLayer> Layers => _layers;

    public int InputSize => _widths[0];

    public int OutputSize => _widths[^1];

    public int ParameterCount { get; }

    /// <summary>Whether some layer is a ReLU, whose derivative jumps at 0.</summary>
    public bool HasReLU { get; }

    /// <summary>The offset of layer <paramref name="layerIndex"/>'s parameters in the flat array.</summary>
    public int ParameterOffset(int layerIndex) => _offsets[layerIndex];

    /// <summary>The outputs of a batch of <paramref name="batch"/> samples.</summary>
    public double[] Forward(double[] parameters, double[] inputs, int batch) => ForwardRecord(parameters, inputs, batch)[^1];

    /// <summary>Every intermediate value of a forward pass: element 0 is the input, element k + 1 the output of layer k.</summary>
    public double[][] ForwardRecord(double[] parameters, double[] inputs, int batch)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        CheckLength(inputs.Length, batch * InputSize, nameof(inputs));
        var values = new double[_layers.Length + 1][];
        values[0] = (double[])inputs.Clone();
        for (int k = 0; k < _layers.Length; k++)
        {
            ReferenceLayer layer = _layers[k];
            double[] x = values[k];
            var y = new double[batch * _widths[k + 1]];
            switch (layer.Kind)
            {
                case ReferenceLayerKind.Linear:
                    int nIn = layer.InFeatures;
                    int nOut = layer.OutFeatures;
                    int w = _offsets[k];
                    int b = w + (nOut * nIn);
                    for (int n = 0; n < batch; n++)
                    {
                        for (int o = 0; o < nOut; o++)
                        {
                            double sum = layer.HasBias ? parameters[b + o] : 0.0;
                            for (int i = 0; i < nIn; i++)
                            {
                                sum += parameters[w + (o * nIn) + i] * x[(n * nIn) + i];
                            }

                            y[(n * nOut) + o] = sum;
                        }
                    }

                    break;
                case ReferenceLayerKind.ReLU:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = x[j] > 0 ? x[j] : 0.0;
                    }

                    break;
                case ReferenceLayerKind.Sigmoid:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = 1.0 / (1.0 + Math.Exp(-x[j]));
                    }

                    break;
                case ReferenceLayerKind.Tanh:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = Math.Tanh(x[j]);
                    }

                    break;
                case ReferenceLayerKind.Flatten:
                    Array.Copy(x, y, x.Length);
                    break;
                default:
                    throw new InvalidOperationException(layer.Kind.ToString());
            }

            values[k + 1] = y;
        }

        return values;
    }

    /// <summary>
    /// Back-propagates <paramref name="outputGradients"/> (the loss's gradient with respect to the outputs) through
    /// the network at <paramref name="inputs"/>: the gradient of every parameter, summed over the batch, and of every input.
    /// </summary>
    public ReferenceGradients Backward(double[] parameters, double[] inputs, int batch, double[] outputGradients)
    {
        CheckLength(outputGradients.Length, batch * OutputSize, nameof(outputGradients));
        double[][] values = ForwardRecord(parameters, inputs, batch);
        var parameterGradients = new double[ParameterCount];
        double[] dy = (double[])outputGradients.Clone();
        for (int k = _layers.Length - 1; k >= 0; k--)
        {
            ReferenceLayer layer = _layers[k];
            double[] x = values[k];
            var dx = new double[batch * _widths[k]];
            switch (layer.Kind)
            {
                case ReferenceLayerKind.Linear:
                    int nIn = layer.InFeatures;
                    int nOut = layer.OutFeatures;
                    int w = _offsets[k];
                    int b = w + (nOut * nIn);
                    for (int n = 0; n < batch; n++)
                    {
                        for (int o = 0; o < nOut; o++)
                        {
                            double g = dy[(n * nOut) + o];
                            for (int i = 0; i < nIn; i++)
                            {
                                // dL/dW[o, i] = sum over samples of dL/dy[n, o] * x[n, i]
                                parameterGradients[w + (o * nIn) + i] += g * x[(n * nIn) + i];

                                // dL/dx[n, i] = sum over outputs of W[o, i] * dL/dy[n, o]
                                dx[(n * nIn) + i] += parameters[w + (o * nIn) + i] * g;
                            }

                            if (layer.HasBias)
                            {
                                parameterGradients[b + o] += g;
                            }
                        }
                    }

                    break;
                case ReferenceLayerKind.ReLU:
                    // The derivative from the pre-activation x: 1 where x > 0, else 0 (PyTorch's choice at x = 0).
                    for (int j = 0; j < dx.Length; j++)
                    {
                        dx[j] = x[j] > 0 ? dy[j] : 0.0;
                    }

                    break;
                case ReferenceLayerKind.Sigmoid:
                    for (int j = 0; j < dx.Length; j++)
                    {
                        double s = 1.0 / (1.0 + Math.Exp(-x[j]));
                        dx[j] = dy[j] * s * (1.0 - s);
                    }

                    break;
                case ReferenceLayerKind.Tanh:
                    for (int j = 0; j < dx.Length; j++)
                    {
                        double c = Math.Cosh(x[j]);
                        dx[j] = dy[j] / (c * c); // d tanh(x)/dx = sech^2(x)
                    }

                    break;
                case ReferenceLayerKind.Flatten:
                    Array.Copy(dy, dx, dy.Length);
                    break;
                default:
                    throw new InvalidOperationException(layer.Kind.ToString());
            }

            dy = dx;
        }

        return new ReferenceGradients(parameterGradients, dy);
    }

    /// <summary>
    /// The smallest |pre-activation| that enters a ReLU over the batch (infinity without ReLU). A value close to 0 means
    /// that float rounding may put it on the other side of the ReLU's kink than double does, so tests draw other inputs.
    /// </summary>
    public double MinimumReLUMargin(double[] parameters, double[] inputs, int batch)
    {
        double[][] values = ForwardRecord(parameters, inputs, batch);
        double margin = double.PositiveInfinity;
        for (int k = 0; k < _layers.Length; k++)
        {
            if (_layers[k].Kind == ReferenceLayerKind.ReLU)
            {
                foreach (double x in values[k])
                {
                    margin = Math.Min(margin, Math.Abs(x));
                }
            }
        }

        return margin;
    }

    /// <summary>The mean squared error over every element, as PyTorch's <c>nn.MSELoss()</c> (reduction 'mean').</summary>
    public static double MseLoss(double[] predictions, double[] targets)
    {
        CheckLength(targets.Length, predictions.Length, nameof(targets));
        double sum = 0;
        for (int j = 0; j < predictions.Length; j++)
        {
            double d = predictions[j] - targets[j];
            sum += d * d;
        }

        return sum / predictions.Length;
    }

    /// <summary>The gradient of <see cref="MseLoss"/> with respect to each prediction: <c>2 (p - t) / n</c>.</summary>
    public static double[] MseGradient(double[] predictions, double[] targets)
    {
        CheckLength(targets.Length, predictions.Length, nameof(targets));
        var gradient = new double[predictions.Length];
        for (int j = 0; j < predictions.Length; j++)
        {
            gradient[j] = 2.0 * (predictions[j] - targets[j]) / predictions.Length;
        }

        return gradient;
    }

    /// <summary>One step of plain SGD: <c>p - lr * g</c>.</summary>
    public static double[] SgdStep(double[] parameters, double[] gradients, double learningRate)
    {
        CheckLength(gradients.Length, parameters.Length, nameof(gradients));
        var updated = new double[parameters.Length];
        for (int j = 0; j < parameters.Length; j++)
        {
            updated[j] = parameters[j] - (learningRate * gradients[j]);
        }

        return updated;
    }

    /// <summary>Widens floats to doubles exactly.</summary>
    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            result[j] = values[j];
        }

        return result;
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name}: expected length {expected}, got {actual}.");
        }
    }
}
