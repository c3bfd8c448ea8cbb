using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>
/// Sigmoid and tanh on whole vectors, computed as <c>TensorPrimitives</c> computes them (on the vector <c>Exp</c>), so
/// that the fused recurrent cells (<see cref="LstmCell"/>, <see cref="GruCell"/>) give the bits of the TensorPrimitives
/// passes they replace.
/// </summary>
internal static class VectorMath
{
    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary><c>-expm1(-2|x|) / (expm1(-2|x|) + 2)</c> with the sign of x, <c>expm1</c> as <c>exp - 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> z = Vector512.Exp(Vector512.Create(-2f) * Vector512.Abs(x)) - Vector512<float>.One;
        Vector512<uint> sign = x.AsUInt32() & Vector512.Create(0x8000_0000u);
        return (sign ^ (-z / (z + Vector512.Create(2f))).AsUInt32()).AsSingle();
    }

    /// <summary><c>-expm1(-2|x|) / (expm1(-2|x|) + 2)</c> with the sign of x, <c>expm1</c> as <c>exp - 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> z = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(x)) - Vector256<float>.One;
        Vector256<uint> sign = x.AsUInt32() & Vector256.Create(0x8000_0000u);
        return (sign ^ (-z / (z + Vector256.Create(2f))).AsUInt32()).AsSingle();
    }
}
