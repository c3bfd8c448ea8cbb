using System;

namespace NetDsl.Benchmarks;

/// <summary>
/// The naive C# baseline of N3: Conv2D(1->8, 3x3) - ReLU - MaxPool2 - Conv2D(8->16, 3x3) - ReLU - MaxPool2 - Flatten -
/// Linear(400, 10), NCHW, plain loops over arrays, written independently of NetDsl. Parameters in PyTorch's state_dict
/// order: conv1.weight [8, 1, 3, 3], conv1.bias, conv2.weight [16, 8, 3, 3], conv2.bias, fc.weight [10, 400], fc.bias.
/// </summary>
public sealed class NaiveCnn
{
    private const int C1 = 8, C2 = 16, K = 3, H0 = 28, H1 = 26, P1 = 13, H2 = 11, P2 = 5, Flat = C2 * P2 * P2, Classes = 10;
    private const int W1 = 0, B1 = W1 + C1 * K * K, W2 = B1 + C1, B2 = W2 + C2 * C1 * K * K, W3 = B2 + C2, B3 = W3 + Classes * Flat;

    /// <summary>The number of parameters.</summary>
    public const int ParameterCount = B3 + Classes;

    private readonly float[] _a1, _p1, _a2, _p2, _logits, _dLogits, _dP2, _dA2, _dP1, _dA1, _gradients;
    private readonly int[] _arg1, _arg2;

    /// <summary>Creates the network for batches of at most <paramref name="maxBatch"/> samples.</summary>
    public NaiveCnn(int maxBatch)
    {
        _a1 = new float[maxBatch * C1 * H1 * H1];
        _p1 = new float[maxBatch * C1 * P1 * P1];
        _arg1 = new int[_p1.Length];
        _a2 = new float[maxBatch * C2 * H2 * H2];
        _p2 = new float[maxBatch * Flat];
        _arg2 = new int[_p2.Length];
        _logits = new float[maxBatch * Classes];
        _dLogits = new float[_logits.Length];
        _dP2 = new float[_p2.Length];
        _dA2 = new float[_a2.Length];
        _dP1 = new float[_p1.Length];
        _dA1 = new float[_a1.Length];
        _gradients = new float[ParameterCount];
    }

    /// <summary>The gradients of the last training step, in the layout of <see cref="Parameters"/>.</summary>
    public float[] Gradients => _gradients;

    /// <summary>The flat parameters.</summary>
    public float[] Parameters { get; } = new float[ParameterCount];

    /// <summary>Forward pass of <paramref name="batch"/> samples of 1x28x28 into <paramref name="y"/> ([batch, 10]).</summary>
    public void Forward(float[] x, float[] y, int batch)
    {
        float[] p = Parameters;
        for (int n = 0; n < batch; n++)
        {
            Conv(x, n * H0 * H0, 1, H0, p, W1, B1, C1, _a1, n * C1 * H1 * H1, H1);
            Pool(_a1, n * C1 * H1 * H1, C1, H1, _p1, _arg1, n * C1 * P1 * P1, P1);
            Conv(_p1, n * C1 * P1 * P1, C1, P1, p, W2, B2, C2, _a2, n * C2 * H2 * H2, H2);
            Pool(_a2, n * C2 * H2 * H2, C2, H2, _p2, _arg2, n * Flat, P2);
            for (int o = 0; o < Classes; o++)
            {
                float sum = p[B3 + o];
                for (int i = 0; i < Flat; i++)
                {
                    sum += p[W3 + o * Flat + i] * _p2[n * Flat + i];
                }

                y[n * Classes + o] = sum;
            }
        }
    }

    /// <summary>One SGD step with softmax cross-entropy (class indices as floats); returns the mean loss.</summary>
    public float TrainStep(float[] x, float[] targets, int batch, float learningRate)
    {
        Array.Clear(_gradients);
        Forward(x, _logits, batch);
        float total = 0f;
        for (int n = 0; n < batch; n++)
        {
            int row = n * Classes;
            float max = _logits[row];
            for (int o = 1; o < Classes; o++)
            {
                max = Math.Max(max, _logits[row + o]);
            }

            float sum = 0f;
            for (int o = 0; o < Classes; o++)
            {
                sum += MathF.Exp(_logits[row + o] - max);
            }

            int target = (int)targets[n];
            total += MathF.Log(sum) + max - _logits[row + target];
            for (int o = 0; o < Classes; o++)
            {
                _dLogits[row + o] = (MathF.Exp(_logits[row + o] - max) / sum - (o == target ? 1f : 0f)) / batch;
            }
        }

        float[] p = Parameters;
        float[] g = _gradients;
        for (int n = 0; n < batch; n++)
        {
            // Linear.
            for (int i = 0; i < Flat; i++)
            {
                _dP2[n * Flat + i] = 0f;
            }

            for (int o = 0; o < Classes; o++)
            {
                float d = _dLogits[n * Classes + o];
                g[B3 + o] += d;
                for (int i = 0; i < Flat; i++)
                {
                    g[W3 + o * Flat + i] += d * _p2[n * Flat + i];
                    _dP2[n * Flat + i] += d * p[W3 + o * Flat + i];
                }
            }

            // Pool 2 and ReLU 2.
            int a2 = n * C2 * H2 * H2;
            Array.Clear(_dA2, a2, C2 * H2 * H2);
            for (int i = 0; i < Flat; i++)
            {
                _dA2[a2 + _arg2[n * Flat + i]] += _dP2[n * Flat + i];
            }

            for (int i = a2; i < a2 + C2 * H2 * H2; i++)
            {
                if (_a2[i] <= 0f)
                {
                    _dA2[i] = 0f;
                }
            }

            // Conv 2: weight, bias and input gradients.
            int p1 = n * C1 * P1 * P1;
            Array.Clear(_dP1, p1, C1 * P1 * P1);
            for (int co = 0; co < C2; co++)
            {
                for (int oy = 0; oy < H2; oy++)
                {
                    for (int ox = 0; ox < H2; ox++)
                    {
                        float d = _dA2[a2 + (co * H2 + oy) * H2 + ox];
                        g[B2 + co] += d;
                        for (int ci = 0; ci < C1; ci++)
                        {
                            for (int ky = 0; ky < K; ky++)
                            {
                                for (int kx = 0; kx < K; kx++)
                                {
                                    int w = W2 + ((co * C1 + ci) * K + ky) * K + kx;
                                    int xi = p1 + (ci * P1 + oy + ky) * P1 + ox + kx;
                                    g[w] += d * _p1[xi];
                                    _dP1[xi] += d * p[w];
                                }
                            }
                        }
                    }
                }
            }

            // Pool 1 and ReLU 1.
            int a1 = n * C1 * H1 * H1;
            Array.Clear(_dA1, a1, C1 * H1 * H1);
            for (int i = 0; i < C1 * P1 * P1; i++)
            {
                _dA1[a1 + _arg1[p1 + i]] += _dP1[p1 + i];
            }

            // Conv 1: weight and bias gradients only (the input needs none).
            for (int co = 0; co < C1; co++)
            {
                for (int oy = 0; oy < H1; oy++)
                {
                    for (int ox = 0; ox < H1; ox++)
                    {
                        int ai = a1 + (co * H1 + oy) * H1 + ox;
                        float d = _a1[ai] > 0f ? _dA1[ai] : 0f;
                        g[B1 + co] += d;
                        for (int ky = 0; ky < K; ky++)
                        {
                            for (int kx = 0; kx < K; kx++)
                            {
                                g[W1 + (co * K + ky) * K + kx] += d * x[n * H0 * H0 + (oy + ky) * H0 + ox + kx];
                            }
                        }
                    }
                }
            }
        }

        for (int k = 0; k < p.Length; k++)
        {
            p[k] -= learningRate * g[k];
        }

        return total / batch;
    }

    private static void Conv(float[] x, int xOffset, int inChannels, int inSize, float[] p, int w, int b, int outChannels, float[] y, int yOffset, int outSize)
    {
        for (int co = 0; co < outChannels; co++)
        {
            for (int oy = 0; oy < outSize; oy++)
            {
                for (int ox = 0; ox < outSize; ox++)
                {
                    float sum = p[b + co];
                    for (int ci = 0; ci < inChannels; ci++)
                    {
                        for (int ky = 0; ky < K; ky++)
                        {
                            for (int kx = 0; kx < K; kx++)
                            {
                                sum += p[w + ((co * inChannels + ci) * K + ky) * K + kx] * x[xOffset + (ci * inSize + oy + ky) * inSize + ox + kx];
                            }
                        }
                    }

                    y[yOffset + (co * outSize + oy) * outSize + ox] = sum > 0f ? sum : 0f;
                }
            }
        }
    }

    // 2x2 max pooling, stride 2, floor; records the index (within the sample's input) of each window's first maximum.
    private static void Pool(float[] x, int xOffset, int channels, int inSize, float[] y, int[] argmax, int yOffset, int outSize)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outSize; oy++)
            {
                for (int ox = 0; ox < outSize; ox++)
                {
                    int best = (c * inSize + 2 * oy) * inSize + 2 * ox;
                    for (int ky = 0; ky < 2; ky++)
                    {
                        for (int kx = 0; kx < 2; kx++)
                        {
                            int i = (c * inSize + 2 * oy + ky) * inSize + 2 * ox + kx;
                            if (x[xOffset + i] > x[xOffset + best])
                            {
                                best = i;
                            }
                        }
                    }

                    int o = yOffset + (c * outSize + oy) * outSize + ox;
                    y[o] = x[xOffset + best];
                    argmax[o] = best;
                }
            }
        }
    }
}
