using System;

namespace NetDsl.Training.Tests;

/// <summary>
/// PyTorch's optimizer algorithms as its documentation states them (torch.optim.SGD, Adam, AdamW, RMSprop), in double
/// precision with plain loops: the oracle for the vectorized float implementations.
/// </summary>
internal interface IReferenceOptimizer
{
    void Step(double[] parameters, double[] gradients);
}

internal sealed class ReferenceSgd(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false) : IReferenceOptimizer
{
    private double[]? _buffer;

    public void Step(double[] p, double[] gradients)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradients[i];
            if (weightDecay != 0)
            {
                g += weightDecay * p[i];
            }

            if (momentum != 0)
            {
                if (_buffer is null)
                {
                    _buffer = new double[p.Length];
                    for (int j = 0; j < p.Length; j++)
                    {
                        _buffer[j] = double.NaN; // marks "t = 1": b_1 = g_1
                    }
                }

                _buffer[i] = double.IsNaN(_buffer[i]) ? g : momentum * _buffer[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * _buffer[i] : _buffer[i];
            }

            p[i] -= lr * g;
        }
    }
}

internal sealed class ReferenceAdam(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool decoupled = false) : IReferenceOptimizer
{
    private double[]? _m, _v, _vmax;
    private int _t;

    public void Step(double[] p, double[] gradients)
    {
        _m ??= new double[p.Length];
        _v ??= new double[p.Length];
        _vmax ??= new double[p.Length];
        _t++;
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradients[i];
            if (decoupled)
            {
                p[i] *= 1 - lr * weightDecay;             // AdamW
            }
            else if (weightDecay != 0)
            {
                g += weightDecay * p[i];                  // Adam's L2 penalty
            }

            _m[i] = beta1 * _m[i] + (1 - beta1) * g;
            _v[i] = beta2 * _v[i] + (1 - beta2) * g * g;
            double mHat = _m[i] / (1 - Math.Pow(beta1, _t));
            double vHat;
            if (amsgrad)
            {
                _vmax[i] = Math.Max(_vmax[i], _v[i]);
                vHat = _vmax[i] / (1 - Math.Pow(beta2, _t));
            }
            else
            {
                vHat = _v[i] / (1 - Math.Pow(beta2, _t));
            }

            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }
}

internal sealed class ReferenceRmsProp(double lr, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false) : IReferenceOptimizer
{
    private double[]? _v, _b, _gAverage;

    public void Step(double[] p, double[] gradients)
    {
        _v ??= new double[p.Length];
        _b ??= new double[p.Length];
        _gAverage ??= new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradients[i];
            if (weightDecay != 0)
            {
                g += weightDecay * p[i];
            }

            _v[i] = alpha * _v[i] + (1 - alpha) * g * g;
            double vTilde = _v[i];
            if (centered)
            {
                _gAverage[i] = _gAverage[i] * alpha + (1 - alpha) * g;
                vTilde -= _gAverage[i] * _gAverage[i];
            }

            if (momentum > 0)
            {
                _b[i] = momentum * _b[i] + g / (Math.Sqrt(vTilde) + eps);
                p[i] -= lr * _b[i];
            }
            else
            {
                p[i] -= lr * g / (Math.Sqrt(vTilde) + eps);
            }
        }
    }
}
