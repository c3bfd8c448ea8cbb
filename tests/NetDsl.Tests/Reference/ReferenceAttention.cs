using System;

namespace NetDsl.Tests.Reference;

/// <summary>
/// <c>nn.MultiheadAttention(E, heads, batch_first=True)</c> called as <c>attn(x, x, x, is_causal=causal)</c> on a sequence
/// <c>[T, E]</c>, from its definition: <c>q, k, v = x W_inᵀ + b_in</c> (the three row blocks of <c>in_proj_weight</c>),
/// per head <c>softmax(q kᵀ / sqrt(d)) v</c> (a causal row sees steps 0..t), heads concatenated, <c>out_proj</c>.
/// The backward pass differentiates each of these steps by hand.
/// </summary>
internal sealed class ReferenceAttention : ReferenceModule
{
    private readonly int _heads;
    private readonly bool _causal;
    private readonly string _name;
    private int _steps;
    private int _model;
    private int _inWeight;
    private int _inBias;
    private int _outWeight;
    private int _outBias;

    public ReferenceAttention(int heads, bool causal, string name)
    {
        _heads = heads;
        _causal = causal;
        _name = name;
    }

    public override string Kind => "MultiheadAttention";

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != 2 || inShape[1] % _heads != 0)
        {
            throw new ArgumentException($"MultiheadAttention needs [T, E] with E divisible by {_heads}, got {Text(inShape)}.");
        }

        (_steps, _model) = (inShape[0], inShape[1]);
        int e = _model;
        // Xavier uniform has no FanIn in the builder's convention: NaN marks "not a constant" (tests set values explicitly).
        _inWeight = builder.AddParameter(_name + ".in_proj_weight", 0, double.NaN, 3 * e, e);
        _inBias = builder.AddParameter(_name + ".in_proj_bias", 0, 0, 3 * e);
        _outWeight = builder.AddParameter(_name + ".out_proj.weight", e, 0, e, e);
        _outBias = builder.AddParameter(_name + ".out_proj.bias", 0, 0, e);
        return inShape;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            Sample s = Run(pass.Parameters, x, n);
            Array.Copy(s.Y, 0, y, n * _steps * _model, s.Y.Length);
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        double[] p = pass.Parameters;
        double[] g = pass.Gradients;
        int e = _model;
        int d = e / _heads;
        double scale = 1 / Math.Sqrt(d);
        var dx = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            Sample s = Run(p, x, n);
            int baseIndex = n * _steps * e;
            var dHeads = new double[_steps * e];
            for (int t = 0; t < _steps; t++)
            {
                for (int o = 0; o < e; o++)
                {
                    double dOut = dy[baseIndex + (t * e) + o];
                    g[_outBias + o] += dOut;
                    for (int i = 0; i < e; i++)
                    {
                        g[_outWeight + (o * e) + i] += dOut * s.Heads[(t * e) + i];
                        dHeads[(t * e) + i] += dOut * p[_outWeight + (o * e) + i];
                    }
                }
            }

            var dq = new double[_steps * e];
            var dk = new double[_steps * e];
            var dv = new double[_steps * e];
            for (int h = 0; h < _heads; h++)
            {
                for (int i = 0; i < _steps; i++)
                {
                    var dP = new double[_steps];
                    for (int j = 0; j < _steps; j++)
                    {
                        for (int c = 0; c < d; c++)
                        {
                            dP[j] += dHeads[(i * e) + (h * d) + c] * s.V[(j * e) + (h * d) + c];
                            dv[(j * e) + (h * d) + c] += s.P[h, i, j] * dHeads[(i * e) + (h * d) + c];
                        }
                    }

                    double weighted = 0;
                    for (int j = 0; j < _steps; j++)
                    {
                        weighted += s.P[h, i, j] * dP[j];
                    }

                    for (int j = 0; j < _steps; j++)
                    {
                        double dScore = s.P[h, i, j] * (dP[j] - weighted) * scale;
                        for (int c = 0; c < d; c++)
                        {
                            dq[(i * e) + (h * d) + c] += dScore * s.K[(j * e) + (h * d) + c];
                            dk[(j * e) + (h * d) + c] += dScore * s.Q[(i * e) + (h * d) + c];
                        }
                    }
                }
            }

            for (int t = 0; t < _steps; t++)
            {
                for (int block = 0; block < 3; block++)
                {
                    double[] dProjection = block == 0 ? dq : block == 1 ? dk : dv;
                    for (int o = 0; o < e; o++)
                    {
                        double d0 = dProjection[(t * e) + o];
                        int row = (block * e) + o;
                        g[_inBias + row] += d0;
                        for (int i = 0; i < e; i++)
                        {
                            g[_inWeight + (row * e) + i] += d0 * x[baseIndex + (t * e) + i];
                            dx[baseIndex + (t * e) + i] += d0 * p[_inWeight + (row * e) + i];
                        }
                    }
                }
            }
        }

        return dx;
    }

    private Sample Run(double[] p, double[] x, int n)
    {
        int e = _model;
        int d = e / _heads;
        int baseIndex = n * _steps * e;
        var q = new double[_steps * e];
        var k = new double[_steps * e];
        var v = new double[_steps * e];
        for (int t = 0; t < _steps; t++)
        {
            for (int o = 0; o < e; o++)
            {
                double sq = p[_inBias + o], sk = p[_inBias + e + o], sv = p[_inBias + (2 * e) + o];
                for (int i = 0; i < e; i++)
                {
                    double xi = x[baseIndex + (t * e) + i];
                    sq += p[_inWeight + (o * e) + i] * xi;
                    sk += p[_inWeight + ((e + o) * e) + i] * xi;
                    sv += p[_inWeight + (((2 * e) + o) * e) + i] * xi;
                }

                (q[(t * e) + o], k[(t * e) + o], v[(t * e) + o]) = (sq, sk, sv);
            }
        }

        var weights = new double[_heads, _steps, _steps];
        var heads = new double[_steps * e];
        for (int h = 0; h < _heads; h++)
        {
            for (int i = 0; i < _steps; i++)
            {
                double max = double.NegativeInfinity;
                var scores = new double[_steps];
                for (int j = 0; j < _steps; j++)
                {
                    if (_causal && j > i)
                    {
                        scores[j] = double.NegativeInfinity;
                        continue;
                    }

                    for (int c = 0; c < d; c++)
                    {
                        scores[j] += q[(i * e) + (h * d) + c] * k[(j * e) + (h * d) + c];
                    }

                    scores[j] /= Math.Sqrt(d);
                    max = Math.Max(max, scores[j]);
                }

                double sum = 0;
                for (int j = 0; j < _steps; j++)
                {
                    sum += Math.Exp(scores[j] - max);
                }

                for (int j = 0; j < _steps; j++)
                {
                    weights[h, i, j] = Math.Exp(scores[j] - max) / sum;
                    for (int c = 0; c < d; c++)
                    {
                        heads[(i * e) + (h * d) + c] += weights[h, i, j] * v[(j * e) + (h * d) + c];
                    }
                }
            }
        }

        var y = new double[_steps * e];
        for (int t = 0; t < _steps; t++)
        {
            for (int o = 0; o < e; o++)
            {
                double sum = p[_outBias + o];
                for (int i = 0; i < e; i++)
                {
                    sum += p[_outWeight + (o * e) + i] * heads[(t * e) + i];
                }

                y[(t * e) + o] = sum;
            }
        }

        return new Sample(q, k, v, weights, heads, y);
    }

    private sealed record Sample(double[] Q, double[] K, double[] V, double[,,] P, double[] Heads, double[] Y);
}
