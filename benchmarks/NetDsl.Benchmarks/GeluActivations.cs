using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Generated;

namespace NetDsl.Benchmarks;

/// <summary>
/// The exact and tanh GELU kernels, computed in double-precision vector lanes since 2026-12-05 (<c>DoubleLaneMap</c>),
/// against the scalar loop on <c>Math.Exp</c>/<c>Math.Tanh</c> they ran before (its formulas copied below), forward and
/// backward over 4096 floats: <c>--filter '*GeluActivations*'</c>.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class GeluActivations
{
    private const int Length = 4096;
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private readonly float[] _x = new float[Length];
    private readonly float[] _dy = new float[Length];
    private readonly float[] _out = new float[Length];

    /// <summary>The activation: the exact GELU or its tanh approximation.</summary>
    [Params("Exact", "Tanh")]
    public string Form { get; set; } = "Exact";

    /// <summary>Inputs in [-5, 5], where both forms do all their work; the kernels checked against the loops first.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        for (int i = 0; i < Length; i++)
        {
            _x[i] = (float)(random.NextDouble() * 10 - 5);
            _dy[i] = (float)(random.NextDouble() * 2 - 1);
        }

        ScalarLoopForward();
        float[] expected = (float[])_out.Clone();
        KernelForward();
        Check.Same($"{Form} GELU forward kernel", _out, expected);
        ScalarLoopBackward();
        expected = (float[])_out.Clone();
        KernelBackward();
        Check.Same($"{Form} GELU backward kernel", _out, expected);
    }

    /// <summary>The forward pass as before: the scalar formula on Math.Exp or Math.Tanh, one element at a time.</summary>
    [Benchmark(Baseline = true)]
    public float ScalarLoopForward()
    {
        bool exact = Form == "Exact";
        for (int i = 0; i < _x.Length; i++)
        {
            double x = _x[i];
            _out[i] = exact ? (float)(x * NormalCdf(x)) : (float)(0.5 * x * (1 + Math.Tanh(SqrtTwoOverPi * (x + 0.044715 * x * x * x))));
        }

        return _out[Length - 1];
    }

    /// <summary>The forward kernel.</summary>
    [Benchmark]
    public float KernelForward()
    {
        if (Form == "Exact")
        {
            ActivationKernels.GELU(_x, _out);
        }
        else
        {
            ActivationKernels.GELUTanh(_x, _out);
        }

        return _out[Length - 1];
    }

    /// <summary>The backward pass as before.</summary>
    [Benchmark]
    public float ScalarLoopBackward()
    {
        bool exact = Form == "Exact";
        for (int i = 0; i < _x.Length; i++)
        {
            double x = _x[i];
            if (exact)
            {
                _out[i] = (float)(_dy[i] * (NormalCdf(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI)));
            }
            else
            {
                double t = Math.Tanh(SqrtTwoOverPi * (x + 0.044715 * x * x * x));
                double du = SqrtTwoOverPi * (1 + 3 * 0.044715 * x * x);
                _out[i] = (float)(_dy[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du));
            }
        }

        return _out[Length - 1];
    }

    /// <summary>The backward kernel.</summary>
    [Benchmark]
    public float KernelBackward()
    {
        if (Form == "Exact")
        {
            ActivationKernels.GELUBackward(_x, _dy, _out);
        }
        else
        {
            ActivationKernels.GELUTanhBackward(_x, _dy, _out);
        }

        return _out[Length - 1];
    }

    private static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    // Numerical Recipes' erfc, as the scalar loop computed it.
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
