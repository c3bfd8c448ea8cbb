using System;

namespace NetDsl.Tests.Reference;

/// <summary>The reductions over the steps of a sequence.</summary>
public enum ReferenceSequenceReduction
{
    /// <summary><c>x.mean(dim=1)</c>.</summary>
    Mean,

    /// <summary><c>x.amax(dim=1)</c>; the gradient to the first step holding the maximum.</summary>
    Max,

    /// <summary><c>x[:, -1]</c>.</summary>
    Last,
}

/// <summary>A reduction of a sequence <c>[T, F]</c> over its steps into <c>[F]</c>, written from its definition.</summary>
internal sealed class ReferenceSequenceHead : ReferenceModule
{
    private readonly ReferenceSequenceReduction _reduction;
    private int _steps;
    private int _features;

    public ReferenceSequenceHead(ReferenceSequenceReduction reduction) => _reduction = reduction;

    public override string Kind => _reduction switch
    {
        ReferenceSequenceReduction.Mean => "MeanOverTime",
        ReferenceSequenceReduction.Max => "MaxOverTime",
        _ => "LastStep",
    };

    public override bool HasKink => _reduction == ReferenceSequenceReduction.Max;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != 2)
        {
            throw new ArgumentException($"{Kind} needs a sequence [T, F], got {Text(inShape)}.");
        }

        (_steps, _features) = (inShape[0], inShape[1]);
        return [_features];
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[pass.Batch * _features];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int f = 0; f < _features; f++)
            {
                y[(n * _features) + f] = _reduction switch
                {
                    ReferenceSequenceReduction.Mean => Sum(x, n, f) / _steps,
                    ReferenceSequenceReduction.Max => x[Index(n, ArgMax(x, n, f), f)],
                    _ => x[Index(n, _steps - 1, f)],
                };
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int f = 0; f < _features; f++)
            {
                double d = dy[(n * _features) + f];
                switch (_reduction)
                {
                    case ReferenceSequenceReduction.Mean:
                        for (int t = 0; t < _steps; t++)
                        {
                            dx[Index(n, t, f)] = d / _steps;
                        }

                        break;
                    case ReferenceSequenceReduction.Max:
                        dx[Index(n, ArgMax(x, n, f), f)] = d;
                        break;
                    default:
                        dx[Index(n, _steps - 1, f)] = d;
                        break;
                }
            }
        }

        return dx;
    }

    /// <summary>For the maximum: the smallest gap between the largest and the second largest value of a feature.</summary>
    internal override double Margin(ReferencePass pass, double[] x, double[] y)
    {
        if (_reduction != ReferenceSequenceReduction.Max || _steps < 2)
        {
            return double.PositiveInfinity;
        }

        double margin = double.PositiveInfinity;
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int f = 0; f < _features; f++)
            {
                int best = ArgMax(x, n, f);
                for (int t = 0; t < _steps; t++)
                {
                    if (t != best)
                    {
                        margin = Math.Min(margin, x[Index(n, best, f)] - x[Index(n, t, f)]);
                    }
                }
            }
        }

        return margin;
    }

    private int Index(int n, int t, int f) => (((n * _steps) + t) * _features) + f;

    private double Sum(double[] x, int n, int f)
    {
        double sum = 0;
        for (int t = 0; t < _steps; t++)
        {
            sum += x[Index(n, t, f)];
        }

        return sum;
    }

    private int ArgMax(double[] x, int n, int f)
    {
        int best = 0;
        for (int t = 1; t < _steps; t++)
        {
            if (x[Index(n, t, f)] > x[Index(n, best, f)])
            {
                best = t;
            }
        }

        return best;
    }
}
