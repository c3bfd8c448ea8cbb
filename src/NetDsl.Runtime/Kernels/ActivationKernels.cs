using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Vectorized element-wise activations and their backward passes. Each backward pass takes the
/// activation's <b>output</b> <c>y</c> (all three derivatives are functions of it) and the gradient
/// with respect to that output, and writes the gradient with respect to the activation's input.
/// The destination may be the same span as <c>dy</c>.
/// </summary>
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
