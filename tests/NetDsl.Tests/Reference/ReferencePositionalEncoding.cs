using System;

namespace NetDsl.Tests.Reference;

/// <summary>
/// A positional encoding added to a sequence <c>[T, E]</c>, from "Attention Is All You Need" and PyTorch's tutorial:
/// <c>pe[t, 2i] = sin(t / 10000^(2i/E))</c>, <c>pe[t, 2i+1] = cos(t / 10000^(2i/E))</c>; or a learned table
/// <c>name.weight [T, E]</c>.
/// </summary>
internal sealed class ReferencePositionalEncoding : ReferenceModule
{
    private readonly bool _learned;
    private readonly string _name;
    private int _steps;
    private int _features;
    private int _weight = -1;

    public ReferencePositionalEncoding(bool learned, string name)
    {
        _learned = learned;
        _name = name;
    }

    public override string Kind => "PositionalEncoding";

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != 2)
        {
            throw new ArgumentException($"PositionalEncoding needs a sequence [T, E], got {Text(inShape)}.");
        }

        (_steps, _features) = (inShape[0], inShape[1]);
        if (_learned)
        {
            // N(0, 1) as nn.Embedding; the builder cannot draw it, so NaN makes any use of the builder's value fail loudly.
            _weight = builder.AddParameter(_name + ".weight", 0, double.NaN, _steps, _features);
        }

        return inShape;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[x.Length];
        int size = _steps * _features;
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int t = 0; t < _steps; t++)
            {
                for (int e = 0; e < _features; e++)
                {
                    int i = (t * _features) + e;
                    y[(n * size) + i] = x[(n * size) + i] + (_learned ? pass.Parameters[_weight + i] : Sinusoid(t, e));
                }
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        if (_learned)
        {
            int size = _steps * _features;
            for (int n = 0; n < pass.Batch; n++)
            {
                for (int i = 0; i < size; i++)
                {
                    pass.Gradients[_weight + i] += dy[(n * size) + i];
                }
            }
        }

        return (double[])dy.Clone();
    }

    private double Sinusoid(int t, int e)
    {
        int pair = e / 2;
        double angle = t / Math.Pow(10000.0, 2.0 * pair / _features);
        return e % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
    }
}
