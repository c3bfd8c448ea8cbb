using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// Vectorized element-wise activations and their backward passes. Each backward pass takes the
/// activation's <b>output</b> <c>y</c> (all three derivatives are functions of it) and the gradient
/// with respect to that output, and writes the gradient with respect to the activation's input.
/// The destination may be the same span as <c>dy</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationKernels
{
    /// <summary><c>y = max(0, x)</c>; NaN propagates, as in PyTorch.</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary><c>y = 1 / (1 + exp(-x))</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        // TensorPrimitives.Sigmoid, unlike Max and Tanh, throws on an empty input; like the other kernels, do nothing.
        if (!x.IsEmpty)
        {
            TensorPrimitives.Sigmoid(x, y);
        }
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c> (PyTorch's gradient at 0 is 0).</summary>
    public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<ReLUBackwardOperator>(y, dy, dx);

    /// <summary><c>dx = dy * (y * (1 - y))</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<SigmoidBackwardOperator>(y, dy, dx);

    /// <summary><c>dx = dy * (1 - y * y)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.Apply<TanhBackwardOperator>(y, dy, dx);

    /// <summary>Identity: copies <paramref name="x"/> to <paramref name="y"/>.</summary>
    public static void Identity(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);

    /// <summary>Identity's gradient: copies <paramref name="dy"/> to <paramref name="dx"/>.</summary>
    public static void IdentityBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => dy.CopyTo(dx);

    /// <summary><c>x * sigmoid(x)</c>, vectorized.</summary>
    public static void SiLU(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Sigmoid(x, y);
        TensorPrimitives.Multiply(x, y, y);
    }

    /// <summary>Leaky ReLU.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.LeakyReLU(x[i], slope);
        }
    }

    /// <summary>ELU.</summary>
    public static void ELU(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.ELU(x[i], alpha);
        }
    }

    /// <summary>Exact GELU.</summary>
    public static void GELU(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.GELU(x[i]);
        }
    }

    /// <summary>GELU's tanh approximation.</summary>
    public static void GELUTanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.GELUTanh(x[i]);
        }
    }

    /// <summary>Leaky ReLU's input gradient from its input <paramref name="x"/>.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.LeakyReLUBackward(x[i], dy[i], slope);
        }
    }

    /// <summary>ELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void ELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.ELUBackward(x[i], dy[i], alpha);
        }
    }

    /// <summary>Exact GELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void GELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.GELUBackward(x[i], dy[i]);
        }
    }

    /// <summary>The tanh-approximated GELU's input gradient from its input <paramref name="x"/>.</summary>
    public static void GELUTanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.GELUTanhBackward(x[i], dy[i]);
        }
    }

    /// <summary>SiLU's input gradient from its input <paramref name="x"/>.</summary>
    public static void SiLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.SiLUBackward(x[i], dy[i]);
        }
    }

    /// <summary>Softplus (see <see cref="ScalarActivations.Softplus"/>).</summary>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y, float beta, float threshold)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.Softplus(x[i], beta, threshold);
        }
    }

    /// <summary>Softplus's input gradient from its input <paramref name="x"/>.</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float beta, float threshold)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.SoftplusBackward(x[i], dy[i], beta, threshold);
        }
    }

    /// <summary>Hardswish, <c>x * min(max(x + 3, 0), 6) / 6</c>.</summary>
    public static void Hardswish(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.Hardswish(x[i]);
        }
    }

    /// <summary>Hardswish's input gradient from its input <paramref name="x"/>.</summary>
    public static void HardswishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.HardswishBackward(x[i], dy[i]);
        }
    }

    /// <summary>Mish, <c>x * tanh(softplus(x))</c>.</summary>
    public static void Mish(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ScalarActivations.Mish(x[i]);
        }
    }

    /// <summary>Mish's input gradient from its input <paramref name="x"/>.</summary>
    public static void MishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = ScalarActivations.MishBackward(x[i], dy[i]);
        }
    }

    private readonly struct ReLUBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.ReLUBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), dy, Vector128<float>.Zero);
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
    }

    private readonly struct SigmoidBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.SigmoidBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (y * (Vector128<float>.One - y));
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (y * (Vector256<float>.One - y));
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (y * (Vector512<float>.One - y));
    }

    private readonly struct TanhBackwardOperator : IBinaryOperator
    {
        public static float Invoke(float y, float dy) => ScalarActivations.TanhBackward(y, dy);
        public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
    }
}
