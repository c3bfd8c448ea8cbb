using System;

namespace NetDsl.Benchmarks;

/// <summary>Which loss a naive training step uses.</summary>
public enum NaiveLoss
{
    /// <summary>Mean squared error over every output of the batch (PyTorch's MSELoss, mean).</summary>
    MeanSquaredError,

    /// <summary>Softmax cross-entropy with class-index targets, mean over the batch.</summary>
    CrossEntropy,
}

/// <summary>
/// The naive C# baseline of a Linear - ReLU - Linear network: plain loops over arrays, written independently of
/// NetDsl. Parameters in PyTorch's state_dict order and layouts (w1 [hidden, in], b1, w2 [out, hidden], b2), one flat array.
/// </summary>
public sealed class NaiveMlp
{
    private readonly int _in;
    private readonly int _hidden;
    private readonly int _out;
    private readonly float[] _hiddenActivations;
    private readonly float[] _logits;
    private readonly float[] _dLogits;
    private readonly float[] _dHidden;
    private readonly float[] _gradients;

    /// <summary>Creates the network for batches of at most <paramref name="maxBatch"/> samples.</summary>
    public NaiveMlp(int inFeatures, int hidden, int outFeatures, int maxBatch)
    {
        _in = inFeatures;
        _hidden = hidden;
        _out = outFeatures;
        Parameters = new float[hidden * inFeatures + hidden + outFeatures * hidden + outFeatures];
        _gradients = new float[Parameters.Length];
        _hiddenActivations = new float[maxBatch * hidden];
        _logits = new float[maxBatch * outFeatures];
        _dLogits = new float[maxBatch * outFeatures];
        _dHidden = new float[maxBatch * hidden];
    }

    /// <summary>The gradients of the last training step, in the layout of <see cref="Parameters"/>.</summary>
    public float[] Gradients => _gradients;

    /// <summary>The flat parameters.</summary>
    public float[] Parameters { get; }

    /// <summary>Forward pass of <paramref name="batch"/> samples.</summary>
    public void Forward(float[] x, float[] y, int batch)
    {
        float[] p = Parameters;
        int w1 = 0, b1 = _hidden * _in, w2 = b1 + _hidden, b2 = w2 + _out * _hidden;
        for (int n = 0; n < batch; n++)
        {
            for (int h = 0; h < _hidden; h++)
            {
                float sum = p[b1 + h];
                for (int i = 0; i < _in; i++)
                {
                    sum += p[w1 + h * _in + i] * x[n * _in + i];
                }

                _hiddenActivations[n * _hidden + h] = sum > 0f ? sum : 0f;
            }

            for (int o = 0; o < _out; o++)
            {
                float sum = p[b2 + o];
                for (int h = 0; h < _hidden; h++)
                {
                    sum += p[w2 + o * _hidden + h] * _hiddenActivations[n * _hidden + h];
                }

                y[n * _out + o] = sum;
            }
        }
    }

    /// <summary>One SGD training step (zero gradients, forward, loss, backward, update); returns the loss.</summary>
    public float TrainStep(float[] x, float[] targets, int batch, NaiveLoss loss, float learningRate)
    {
        Array.Clear(_gradients);
        Forward(x, _logits, batch);
        float total = 0f;
        if (loss == NaiveLoss.MeanSquaredError)
        {
            float scale = 2f / (batch * _out);
            for (int k = 0; k < batch * _out; k++)
            {
                float d = _logits[k] - targets[k];
                total += d * d;
                _dLogits[k] = scale * d;
            }

            total /= batch * _out;
        }
        else
        {
            for (int n = 0; n < batch; n++)
            {
                int row = n * _out;
                float max = _logits[row];
                for (int o = 1; o < _out; o++)
                {
                    max = Math.Max(max, _logits[row + o]);
                }

                float sum = 0f;
                for (int o = 0; o < _out; o++)
                {
                    sum += MathF.Exp(_logits[row + o] - max);
                }

                int target = (int)targets[n];
                total += MathF.Log(sum) + max - _logits[row + target];
                for (int o = 0; o < _out; o++)
                {
                    float softmax = MathF.Exp(_logits[row + o] - max) / sum;
                    _dLogits[row + o] = (softmax - (o == target ? 1f : 0f)) / batch;
                }
            }

            total /= batch;
        }

        float[] p = Parameters;
        float[] g = _gradients;
        int w1 = 0, b1 = _hidden * _in, w2 = b1 + _hidden, b2 = w2 + _out * _hidden;
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < _out; o++)
            {
                float d = _dLogits[n * _out + o];
                g[b2 + o] += d;
                for (int h = 0; h < _hidden; h++)
                {
                    g[w2 + o * _hidden + h] += d * _hiddenActivations[n * _hidden + h];
                }
            }

            for (int h = 0; h < _hidden; h++)
            {
                float sum = 0f;
                for (int o = 0; o < _out; o++)
                {
                    sum += _dLogits[n * _out + o] * p[w2 + o * _hidden + h];
                }

                _dHidden[n * _hidden + h] = _hiddenActivations[n * _hidden + h] > 0f ? sum : 0f;
            }

            for (int h = 0; h < _hidden; h++)
            {
                float d = _dHidden[n * _hidden + h];
                g[b1 + h] += d;
                for (int i = 0; i < _in; i++)
                {
                    g[w1 + h * _in + i] += d * x[n * _in + i];
                }
            }
        }

        for (int k = 0; k < p.Length; k++)
        {
            p[k] -= learningRate * g[k];
        }

        return total;
    }
}
