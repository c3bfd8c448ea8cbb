using System;
using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// The activations and their derivatives on one float, as unrolled generated code uses them. Each backward
/// function takes the gradient <c>dy</c> with respect to the activation's output and either that output
/// <c>y</c> (ReLU, Sigmoid, Tanh, Identity) or the activation's input <c>x</c> (the others), as its first
/// parameter's name says.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary><c>x</c> for positive <c>x</c>, <c>slope * x</c> otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float x, float slope) => x > 0f ? x : x * slope;

    /// <summary>The gradient of <see cref="LeakyReLU"/> from its input <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLUBackward(float x, float dy, float slope) => x > 0f ? dy : dy * slope;

    /// <summary><c>x</c> for positive <c>x</c>, <c>alpha * (exp(x) - 1)</c> otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELU(float x, float alpha) => x > 0f ? x : alpha * (MathF.Exp(x) - 1f);

    /// <summary>The gradient of <see cref="ELU"/> from its input <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELUBackward(float x, float dy, float alpha) => x > 0f ? dy : dy * alpha * MathF.Exp(x);

    /// <summary>The exact GELU, <c>x * Phi(x)</c> with the normal distribution's CDF <c>Phi</c> (the kernels' lane arithmetic, <see cref="ExactGelu"/>).</summary>
    public static float GELU(float x) => DoubleLaneMap.Scalar<ExactGelu.Forward>(x);

    /// <summary>The gradient of <see cref="GELU"/>: <c>Phi(x) + x * phi(x)</c>.</summary>
    public static float GELUBackward(float x, float dy) => DoubleLaneMap.Scalar<ExactGelu.Backward>(x, dy);

    /// <summary>GELU's tanh approximation, <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>.</summary>
    public static float GELUTanh(float x) => DoubleLaneMap.Scalar<TanhGelu.Forward>(x);

    /// <summary>The gradient of <see cref="GELUTanh"/>.</summary>
    public static float GELUTanhBackward(float x, float dy) => DoubleLaneMap.Scalar<TanhGelu.Backward>(x, dy);

    /// <summary><c>x * sigmoid(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float x) => x / (1f + MathF.Exp(-x));

    /// <summary>The gradient of <see cref="SiLU"/>: <c>s (1 + x (1 - s))</c> with <c>s = sigmoid(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLUBackward(float x, float dy)
    {
        float s = 1f / (1f + MathF.Exp(-x));
        return dy * (s * (1f + x * (1f - s)));
    }

    /// <summary>
    /// <c>log(1 + exp(beta x)) / beta</c>, or <c>x</c> where <c>beta x &gt; threshold</c> (PyTorch's <c>nn.Softplus</c>, whose
    /// test is in float as here); the logarithm in double precision.
    /// </summary>
    public static float Softplus(float x, float beta, float threshold)
    {
        float scaled = x * beta;
        return scaled > threshold ? x : (float)(LogOnePlusExp(scaled) / beta);
    }

    /// <summary>The gradient of <see cref="Softplus"/> from its input: <c>dy * sigmoid(beta x)</c>, or <c>dy</c> above the threshold.</summary>
    public static float SoftplusBackward(float x, float dy, float beta, float threshold)
    {
        float scaled = x * beta;
        return scaled > threshold ? dy : (float)(dy / (1.0 + Math.Exp(-(double)scaled)));
    }

    /// <summary><c>x * min(max(x + 3, 0), 6) / 6</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Hardswish(float x) => x * MathF.Min(MathF.Max(x + 3f, 0f), 6f) / 6f;

    /// <summary>The gradient of <see cref="Hardswish"/> from its input, as PyTorch's: 0 below -3, <c>dy (x / 3 + 1/2)</c> up to 3, <c>dy</c> above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardswishBackward(float x, float dy) => x < -3f ? 0f : x <= 3f ? dy * (x / 3f + 0.5f) : dy;

    /// <summary><c>x * tanh(softplus(x))</c>, in double-precision lanes (<see cref="MishLanes"/>).</summary>
    public static float Mish(float x) => DoubleLaneMap.Scalar<MishLanes.Forward>(x);

    /// <summary>The gradient of <see cref="Mish"/>: <c>tanh(sp) + x * sigmoid(x) * (1 - tanh(sp)^2)</c> with <c>sp = softplus(x)</c>.</summary>
    public static float MishBackward(float x, float dy) => DoubleLaneMap.Scalar<MishLanes.Backward>(x, dy);

    /// <summary>Identity, for fused Identity layers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Identity(float x) => x;

    /// <summary>The gradient of <see cref="Identity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IdentityBackward(float y, float dy) => dy;

    /// <summary><c>log(1 + exp(v))</c> without overflow for large <c>v</c> nor cancellation for very negative <c>v</c>.</summary>
    private static double LogOnePlusExp(double v) => v > 0 ? v + LogOnePlus(Math.Exp(-v)) : LogOnePlus(Math.Exp(v));

    /// <summary><c>log(1 + e)</c> for <c>e</c> in [0, 1], accurate when <c>e</c> is tiny (Math has no log1p).</summary>
    private static double LogOnePlus(double e) => e < 1e-5 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.Log(1.0 + e);
}
