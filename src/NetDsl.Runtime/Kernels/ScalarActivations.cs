using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Kernels;

/// <summary>
/// The activations and their derivatives on one float, as unrolled generated code uses them. Each backward
/// function takes the activation's output <c>y</c> and the gradient <c>dy</c> with respect to it.
/// </summary>
public static class ScalarActivations
{
    /// <summary><c>max(0, x)</c>; NaN propagates, as in PyTorch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float x) => MathF.Max(0f, x);

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary><c>tanh(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary><c>y &gt; 0 ? dy : 0</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLUBackward(float y, float dy) => y > 0f ? dy : 0f;

    /// <summary><c>dy * (y * (1 - y))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidBackward(float y, float dy) => dy * (y * (1f - y));

    /// <summary><c>dy * (1 - y * y)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhBackward(float y, float dy) => dy * (1f - y * y);
}
