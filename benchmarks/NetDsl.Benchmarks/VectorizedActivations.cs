using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Generated;

namespace NetDsl.Benchmarks;

/// <summary>
/// The operator-struct activation kernels (issue 11, point 6) against the scalar loop over
/// <see cref="ScalarActivations"/> that they replaced, forward and backward, over 4096 floats (a batch of 64 rows of
/// 64): <c>--filter '*VectorizedActivations*'</c>.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class VectorizedActivations
{
    private const int Length = 4096;
    private const float Slope = 0.01f;
    private readonly float[] _x = new float[Length];
    private readonly float[] _dy = new float[Length];
    private readonly float[] _out = new float[Length];

    /// <summary>The activation: LeakyReLU or Hardswish.</summary>
    [Params("LeakyReLU", "Hardswish")]
    public string Activation { get; set; } = "LeakyReLU";

    /// <summary>Fills the inputs with values on both sides of every kink.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        for (int i = 0; i < Length; i++)
        {
            _x[i] = (float)(random.NextDouble() * 10 - 5);
            _dy[i] = (float)(random.NextDouble() * 2 - 1);
        }
    }

    /// <summary>The forward pass as before: one scalar call per element.</summary>
    [Benchmark(Baseline = true)]
    public float ScalarLoopForward()
    {
        if (Activation == "LeakyReLU")
        {
            for (int i = 0; i < _x.Length; i++)
            {
                _out[i] = ScalarActivations.LeakyReLU(_x[i], Slope);
            }
        }
        else
        {
            for (int i = 0; i < _x.Length; i++)
            {
                _out[i] = ScalarActivations.Hardswish(_x[i]);
            }
        }

        return _out[Length - 1];
    }

    /// <summary>The forward kernel.</summary>
    [Benchmark]
    public float KernelForward()
    {
        if (Activation == "LeakyReLU")
        {
            ActivationKernels.LeakyReLU(_x, _out, Slope);
        }
        else
        {
            ActivationKernels.Hardswish(_x, _out);
        }

        return _out[Length - 1];
    }

    /// <summary>The backward pass as before: one scalar call per element.</summary>
    [Benchmark]
    public float ScalarLoopBackward()
    {
        if (Activation == "LeakyReLU")
        {
            for (int i = 0; i < _x.Length; i++)
            {
                _out[i] = ScalarActivations.LeakyReLUBackward(_x[i], _dy[i], Slope);
            }
        }
        else
        {
            for (int i = 0; i < _x.Length; i++)
            {
                _out[i] = ScalarActivations.HardswishBackward(_x[i], _dy[i]);
            }
        }

        return _out[Length - 1];
    }

    /// <summary>The backward kernel.</summary>
    [Benchmark]
    public float KernelBackward()
    {
        if (Activation == "LeakyReLU")
        {
            ActivationKernels.LeakyReLUBackward(_x, _dy, _out, Slope);
        }
        else
        {
            ActivationKernels.HardswishBackward(_x, _dy, _out);
        }

        return _out[Length - 1];
    }
}
